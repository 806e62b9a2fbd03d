ALTER TABLE "round_preferences" DROP CONSTRAINT "round_preferences_rank_positive";--> statement-breakpoint
ALTER TABLE "allocation_rounds" ALTER COLUMN "status" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ALTER COLUMN "status" SET DEFAULT 'open'::text;--> statement-breakpoint
DROP TYPE "public"."round_status";--> statement-breakpoint
CREATE TYPE "public"."round_status" AS ENUM('open', 'allocated', 'cancelled');--> statement-breakpoint
ALTER TABLE "allocation_rounds" ALTER COLUMN "status" SET DEFAULT 'open'::"public"."round_status";--> statement-breakpoint
ALTER TABLE "allocation_rounds" ALTER COLUMN "status" SET DATA TYPE "public"."round_status" USING "status"::"public"."round_status";--> statement-breakpoint
ALTER TABLE "allocation_rounds" ALTER COLUMN "seed" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "trust_id" uuid;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "opens_at" timestamp with time zone NOT NULL;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "max_choices" smallint DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "allocated_by" text;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "cancelled_by" text;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "record" jsonb;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "waitlist_position" integer;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "round_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "round_id" uuid;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD COLUMN "statement" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD COLUMN "confidentiality_accepted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD COLUMN "declined_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD COLUMN "declined_by" text;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD COLUMN "decline_reason" text;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_allocated_by_users_id_fk" FOREIGN KEY ("allocated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_cancelled_by_users_id_fk" FOREIGN KEY ("cancelled_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_round_id_allocation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."allocation_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_round_id_allocation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."allocation_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD CONSTRAINT "round_preferences_declined_by_users_id_fk" FOREIGN KEY ("declined_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocation_rounds_trust_idx" ON "allocation_rounds" USING btree ("trust_id","closes_at");--> statement-breakpoint
CREATE INDEX "email_outbox_round_idx" ON "email_outbox" USING btree ("round_id");--> statement-breakpoint
CREATE INDEX "notifications_round_idx" ON "notifications" USING btree ("round_id");--> statement-breakpoint
CREATE INDEX "round_preferences_opportunity_idx" ON "round_preferences" USING btree ("opportunity_id","round_id");--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_times_in_order" CHECK ("allocation_rounds"."closes_at" > "allocation_rounds"."opens_at");--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_max_choices_range" CHECK ("allocation_rounds"."max_choices" between 1 and 10);--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_allocated_has_seed" CHECK ("allocation_rounds"."status" <> 'allocated' or ("allocation_rounds"."seed" is not null and "allocation_rounds"."allocated_at" is not null));--> statement-breakpoint
ALTER TABLE "round_preferences" ADD CONSTRAINT "round_preferences_rank_range" CHECK ("round_preferences"."rank" between 1 and 10);--> statement-breakpoint
ALTER TABLE "round_preferences" ADD CONSTRAINT "round_preferences_declined_has_reason" CHECK ("round_preferences"."declined_at" is null or "round_preferences"."decline_reason" is not null);