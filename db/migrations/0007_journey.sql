CREATE TYPE "public"."gpc_domain" AS ENUM('professional_values', 'professional_skills', 'professional_knowledge', 'health_promotion', 'leadership_teamworking', 'patient_safety_qi', 'safeguarding', 'education_training', 'research_scholarship');--> statement-breakpoint
CREATE TABLE "email_opt_outs" (
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_opt_outs_user_id_kind_pk" PRIMARY KEY("user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "nudges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trainee_id" text NOT NULL,
	"trust_id" uuid NOT NULL,
	"sent_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminders_sent" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_opportunities" (
	"trainee_id" text NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_opportunities_trainee_id_opportunity_id_pk" PRIMARY KEY("trainee_id","opportunity_id")
);
--> statement-breakpoint
CREATE TABLE "service_secrets" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reflections" RENAME COLUMN "what_i_did" TO "what_happened";--> statement-breakpoint
ALTER TABLE "reflections" RENAME COLUMN "what_i_learned" TO "so_what";--> statement-breakpoint
ALTER TABLE "reflections" RENAME COLUMN "what_next" TO "now_what";--> statement-breakpoint
ALTER TABLE "reflections" ALTER COLUMN "what_happened" SET DEFAULT '';--> statement-breakpoint
ALTER TABLE "reflections" ALTER COLUMN "so_what" SET DEFAULT '';--> statement-breakpoint
ALTER TABLE "reflections" DROP CONSTRAINT "reflections_rating_range";--> statement-breakpoint
ALTER TABLE "reflections" ALTER COLUMN "rating" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "completion_signoffs" ADD COLUMN "observed_dimensions" "hlm_dimension"[] DEFAULT '{}'::hlm_dimension[] NOT NULL;--> statement-breakpoint
ALTER TABLE "completion_signoffs" ADD COLUMN "strengths" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "completion_signoffs" ADD COLUMN "next_step" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "opportunity_id" uuid;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "nudge_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "opportunity_id" uuid;--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "nudge_id" uuid;--> statement-breakpoint
ALTER TABLE "reflections" ADD COLUMN "gpc_domains" "gpc_domain"[] DEFAULT '{}'::gpc_domain[] NOT NULL;--> statement-breakpoint
ALTER TABLE "reflections" ADD COLUMN "would_recommend" boolean;--> statement-breakpoint
ALTER TABLE "reflections" ADD COLUMN "finalised_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reflections" ADD COLUMN "shared_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_opt_outs" ADD CONSTRAINT "email_opt_outs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_trainee_id_users_id_fk" FOREIGN KEY ("trainee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "nudges" ADD CONSTRAINT "nudges_sent_by_users_id_fk" FOREIGN KEY ("sent_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders_sent" ADD CONSTRAINT "reminders_sent_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_opportunities" ADD CONSTRAINT "saved_opportunities_trainee_id_users_id_fk" FOREIGN KEY ("trainee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "saved_opportunities" ADD CONSTRAINT "saved_opportunities_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "nudges_trainee_idx" ON "nudges" USING btree ("trainee_id","created_at");--> statement-breakpoint
CREATE INDEX "nudges_trust_idx" ON "nudges" USING btree ("trust_id","created_at");--> statement-breakpoint
CREATE INDEX "reminders_sent_user_idx" ON "reminders_sent" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "reminders_sent_created_idx" ON "reminders_sent" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "saved_opportunities_opportunity_idx" ON "saved_opportunities" USING btree ("opportunity_id");--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_nudge_id_nudges_id_fk" FOREIGN KEY ("nudge_id") REFERENCES "public"."nudges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_nudge_id_nudges_id_fk" FOREIGN KEY ("nudge_id") REFERENCES "public"."nudges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_outbox_opportunity_idx" ON "email_outbox" USING btree ("opportunity_id");--> statement-breakpoint
CREATE INDEX "email_outbox_nudge_idx" ON "email_outbox" USING btree ("nudge_id");--> statement-breakpoint
CREATE INDEX "notifications_opportunity_idx" ON "notifications" USING btree ("opportunity_id");--> statement-breakpoint
CREATE INDEX "notifications_nudge_idx" ON "notifications" USING btree ("nudge_id");--> statement-breakpoint
CREATE INDEX "reflections_finalised_idx" ON "reflections" USING btree ("finalised_at");--> statement-breakpoint
ALTER TABLE "reflections" ADD CONSTRAINT "reflections_final_is_complete" CHECK ("reflections"."finalised_at" is null or ("reflections"."rating" is not null and "reflections"."would_recommend" is not null));--> statement-breakpoint
ALTER TABLE "reflections" ADD CONSTRAINT "reflections_shared_when_final" CHECK ("reflections"."shared_at" is null or "reflections"."finalised_at" is not null);--> statement-breakpoint
ALTER TABLE "reflections" ADD CONSTRAINT "reflections_rating_range" CHECK ("reflections"."rating" is null or "reflections"."rating" between 1 and 5);