CREATE TYPE "public"."disability" AS ENUM('yes', 'no', 'prefer_not_to_say');--> statement-breakpoint
CREATE TYPE "public"."ethnic_group" AS ENUM('asian', 'black', 'mixed', 'white', 'other', 'prefer_not_to_say');--> statement-breakpoint
CREATE TYPE "public"."sex" AS ENUM('female', 'male', 'prefer_not_to_say');--> statement-breakpoint
CREATE TABLE "report_baselines" (
	"training_year_start" date PRIMARY KEY NOT NULL,
	"baseline_on" date NOT NULL,
	"set_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_baselines_year_starts_1_august" CHECK (extract(month from "report_baselines"."training_year_start") = 8 and extract(day from "report_baselines"."training_year_start") = 1),
	CONSTRAINT "report_baselines_within_year" CHECK ("report_baselines"."baseline_on" >= "report_baselines"."training_year_start" and "report_baselines"."baseline_on" < "report_baselines"."training_year_start" + interval '1 year')
);
--> statement-breakpoint
ALTER TABLE "trainee_profiles" ADD COLUMN "sex" "sex";--> statement-breakpoint
ALTER TABLE "trainee_profiles" ADD COLUMN "ethnic_group" "ethnic_group";--> statement-breakpoint
ALTER TABLE "trainee_profiles" ADD COLUMN "disability" "disability";--> statement-breakpoint
ALTER TABLE "report_baselines" ADD CONSTRAINT "report_baselines_set_by_users_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;