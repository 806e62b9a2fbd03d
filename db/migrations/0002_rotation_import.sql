CREATE TYPE "public"."placement_import_status" AS ENUM('preview', 'confirmed');--> statement-breakpoint
CREATE TABLE "placement_import_rows" (
	"import_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"cells" text[] NOT NULL,
	"errors" jsonb,
	CONSTRAINT "placement_import_rows_import_id_line_pk" PRIMARY KEY("import_id","line")
);
--> statement-breakpoint
ALTER TABLE "placement_imports" ADD COLUMN "status" "placement_import_status" DEFAULT 'confirmed' NOT NULL;--> statement-breakpoint
ALTER TABLE "placement_imports" ADD COLUMN "updated_placements" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "placement_imports" ADD COLUMN "confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "placement_import_rows" ADD CONSTRAINT "placement_import_rows_import_id_placement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."placement_imports"("id") ON DELETE cascade ON UPDATE no action;