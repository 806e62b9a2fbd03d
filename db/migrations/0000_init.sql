CREATE TYPE "public"."application_status" AS ENUM('submitted', 'offered', 'approved', 'completed', 'declined', 'waitlisted', 'rejected', 'withdrawn', 'not_completed');--> statement-breakpoint
CREATE TYPE "public"."completion_outcome" AS ENUM('completed', 'not_completed');--> statement-breakpoint
CREATE TYPE "public"."focus" AS ENUM('self', 'team', 'organisation', 'system');--> statement-breakpoint
CREATE TYPE "public"."grade" AS ENUM('FY1', 'FY2', 'CT1', 'CT2', 'CT3', 'ST1', 'ST2', 'ST3', 'ST4', 'ST5', 'ST6', 'ST7', 'ST8', 'GPST1', 'GPST2', 'GPST3');--> statement-breakpoint
CREATE TYPE "public"."hlm_dimension" AS ENUM('inspiring_shared_purpose', 'leading_with_care', 'evaluating_information', 'connecting_our_service', 'sharing_the_vision', 'engaging_the_team', 'holding_to_account', 'developing_capability', 'influencing_for_results');--> statement-breakpoint
CREATE TYPE "public"."opportunity_status" AS ENUM('draft', 'published', 'closed', 'archived');--> statement-breakpoint
CREATE TYPE "public"."opportunity_type" AS ENUM('qi_project', 'shadowing', 'board_seat', 'manager_buddying', 'chief_resident', 'patient_safety');--> statement-breakpoint
CREATE TYPE "public"."outbox_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TYPE "public"."placement_source" AS ENUM('manual', 'import');--> statement-breakpoint
CREATE TYPE "public"."placement_type" AS ENUM('In Post', 'In Post - Extension', 'Parental Leave', 'Long-term Sick', 'OOPE', 'OOPR', 'OOPT', 'OOPC');--> statement-breakpoint
CREATE TYPE "public"."region" AS ENUM('East of England', 'London', 'Midlands', 'North East and Yorkshire', 'North West', 'South East', 'South West');--> statement-breakpoint
CREATE TYPE "public"."role" AS ENUM('trainee', 'trust_lead', 'dme', 'admin');--> statement-breakpoint
CREATE TYPE "public"."round_status" AS ENUM('open', 'closed', 'allocated');--> statement-breakpoint
CREATE TABLE "allocation_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"seed" text NOT NULL,
	"status" "round_status" DEFAULT 'open' NOT NULL,
	"allocated_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "application_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"application_id" uuid NOT NULL,
	"actor_id" text,
	"from_status" "application_status",
	"to_status" "application_status" NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"trainee_id" text NOT NULL,
	"statement" text NOT NULL,
	"status" "application_status" DEFAULT 'submitted' NOT NULL,
	"confidentiality_accepted_at" timestamp with time zone,
	"round_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "completion_signoffs" (
	"application_id" uuid PRIMARY KEY NOT NULL,
	"outcome" "completion_outcome" NOT NULL,
	"sponsor_feedback" text DEFAULT '' NOT NULL,
	"signed_off_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"status" "outbox_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"role" "role" NOT NULL,
	"trust_id" uuid,
	"token_hash" text NOT NULL,
	"invited_by" text,
	"user_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_expiry_after_creation" CHECK ("invitations"."expires_at" > "invitations"."created_at"),
	CONSTRAINT "invitations_trust_scope" CHECK (("invitations"."role" in ('trust_lead', 'dme')) = ("invitations"."trust_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "login_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"ip" text NOT NULL,
	"succeeded" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"application_id" uuid,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"link" text,
	"read_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "objectives" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trust_id" uuid NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"retired_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "opportunities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trust_id" uuid NOT NULL,
	"site_id" uuid,
	"type" "opportunity_type" NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"description" text NOT NULL,
	"objective_id" uuid,
	"sponsor_name" text NOT NULL,
	"sponsor_role" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"total_hours" numeric(6, 1) NOT NULL,
	"hours_per_week" numeric(4, 1) NOT NULL,
	"seats" integer NOT NULL,
	"application_deadline" date NOT NULL,
	"eligible_grades" "grade"[] NOT NULL,
	"specialties" text[] DEFAULT '{}'::text[] NOT NULL,
	"ltft_friendly" boolean DEFAULT false NOT NULL,
	"multiprofessional" boolean DEFAULT false NOT NULL,
	"tier" smallint NOT NULL,
	"focus" "focus" NOT NULL,
	"hlm_dimensions" "hlm_dimension"[] NOT NULL,
	"learning_outcomes" text[] NOT NULL,
	"status" "opportunity_status" DEFAULT 'draft' NOT NULL,
	"published_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"archived_at" timestamp with time zone,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "opportunities_seats_range" CHECK ("opportunities"."seats" between 1 and 50),
	CONSTRAINT "opportunities_dates_in_order" CHECK ("opportunities"."ends_on" >= "opportunities"."starts_on"),
	CONSTRAINT "opportunities_deadline_before_start" CHECK ("opportunities"."application_deadline" <= "opportunities"."starts_on"),
	CONSTRAINT "opportunities_tier_range" CHECK ("opportunities"."tier" between 1 and 3),
	CONSTRAINT "opportunities_hours_positive" CHECK ("opportunities"."total_hours" > 0 and "opportunities"."hours_per_week" > 0),
	CONSTRAINT "opportunities_has_grades" CHECK (cardinality("opportunities"."eligible_grades") >= 1),
	CONSTRAINT "opportunities_has_dimensions" CHECK (cardinality("opportunities"."hlm_dimensions") >= 1),
	CONSTRAINT "opportunities_has_outcomes" CHECK (cardinality("opportunities"."learning_outcomes") >= 1),
	CONSTRAINT "opportunities_qi_has_objective" CHECK ("opportunities"."type" <> 'qi_project' or "opportunities"."objective_id" is not null),
	CONSTRAINT "opportunities_chief_resident_tier" CHECK ("opportunities"."type" <> 'chief_resident' or "opportunities"."tier" = 3)
);
--> statement-breakpoint
CREATE TABLE "opportunity_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"date" date NOT NULL,
	"starts_at" time NOT NULL,
	"ends_at" time NOT NULL,
	"location" text NOT NULL,
	CONSTRAINT "opportunity_sessions_times_in_order" CHECK ("opportunity_sessions"."ends_at" > "opportunity_sessions"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "placement_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"imported_by" text,
	"trust_id" uuid,
	"file_name" text NOT NULL,
	"new_trainees" integer DEFAULT 0 NOT NULL,
	"updated_trainees" integer DEFAULT 0 NOT NULL,
	"new_placements" integer DEFAULT 0 NOT NULL,
	"unchanged_rows" integer DEFAULT 0 NOT NULL,
	"invalid_rows" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "placements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trainee_id" text NOT NULL,
	"trust_id" uuid NOT NULL,
	"site_id" uuid,
	"site_name" text DEFAULT '' NOT NULL,
	"specialty" text DEFAULT '' NOT NULL,
	"grade" "grade" NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"wte" numeric(3, 2) DEFAULT '1.00' NOT NULL,
	"placement_type" "placement_type" DEFAULT 'In Post' NOT NULL,
	"source" "placement_source" DEFAULT 'manual' NOT NULL,
	"import_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "placements_dates_in_order" CHECK ("placements"."ends_on" >= "placements"."starts_on"),
	CONSTRAINT "placements_wte_range" CHECK ("placements"."wte" >= 0.1 and "placements"."wte" <= 1.0)
);
--> statement-breakpoint
CREATE TABLE "reflections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"what_i_did" text NOT NULL,
	"what_i_learned" text NOT NULL,
	"what_next" text DEFAULT '' NOT NULL,
	"hlm_dimensions" "hlm_dimension"[] DEFAULT '{}'::hlm_dimension[] NOT NULL,
	"rating" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reflections_rating_range" CHECK ("reflections"."rating" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "round_opportunities" (
	"round_id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	CONSTRAINT "round_opportunities_round_id_opportunity_id_pk" PRIMARY KEY("round_id","opportunity_id")
);
--> statement-breakpoint
CREATE TABLE "round_preferences" (
	"round_id" uuid NOT NULL,
	"trainee_id" text NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"rank" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "round_preferences_round_id_trainee_id_opportunity_id_pk" PRIMARY KEY("round_id","trainee_id","opportunity_id"),
	CONSTRAINT "round_preferences_rank_positive" CHECK ("round_preferences"."rank" >= 1)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"trust_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "trainee_profiles" (
	"user_id" text PRIMARY KEY NOT NULL,
	"gmc_number" varchar(7),
	"grade" "grade" NOT NULL,
	"specialty" text DEFAULT '' NOT NULL,
	"programme" text DEFAULT '' NOT NULL,
	"region" "region",
	"ltft" boolean DEFAULT false NOT NULL,
	"anonymised_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trainee_profiles_gmc_format" CHECK ("trainee_profiles"."gmc_number" is null or "trainee_profiles"."gmc_number" ~ '^[0-9]{7}$'),
	CONSTRAINT "trainee_profiles_gmc_unless_anonymised" CHECK ("trainee_profiles"."gmc_number" is not null or "trainee_profiles"."anonymised_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "trusts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ods_code" varchar(3) NOT NULL,
	"name" text NOT NULL,
	"region" "region" NOT NULL,
	"integrated_care_system" text NOT NULL,
	"kind" text DEFAULT 'acute' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "trusts_ods_code_format" CHECK ("trusts"."ods_code" ~ '^[A-Z0-9]{3}$')
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"role" "role" NOT NULL,
	"trust_id" uuid,
	"password_hash" text,
	"password_changed_at" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"calendar_token" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_lowercase" CHECK ("users"."email" = lower("users"."email")),
	CONSTRAINT "users_trust_scope" CHECK (("users"."role" in ('trust_lead', 'dme')) = ("users"."trust_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "allocation_rounds" ADD CONSTRAINT "allocation_rounds_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_events" ADD CONSTRAINT "application_events_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_events" ADD CONSTRAINT "application_events_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_trainee_id_users_id_fk" FOREIGN KEY ("trainee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_round_id_allocation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."allocation_rounds"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "completion_signoffs" ADD CONSTRAINT "completion_signoffs_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "completion_signoffs" ADD CONSTRAINT "completion_signoffs_signed_off_by_users_id_fk" FOREIGN KEY ("signed_off_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "objectives" ADD CONSTRAINT "objectives_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_objective_id_objectives_id_fk" FOREIGN KEY ("objective_id") REFERENCES "public"."objectives"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunities" ADD CONSTRAINT "opportunities_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opportunity_sessions" ADD CONSTRAINT "opportunity_sessions_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_imports" ADD CONSTRAINT "placement_imports_imported_by_users_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placement_imports" ADD CONSTRAINT "placement_imports_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_trainee_id_users_id_fk" FOREIGN KEY ("trainee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "placements" ADD CONSTRAINT "placements_import_id_placement_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."placement_imports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reflections" ADD CONSTRAINT "reflections_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_opportunities" ADD CONSTRAINT "round_opportunities_round_id_allocation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."allocation_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_opportunities" ADD CONSTRAINT "round_opportunities_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD CONSTRAINT "round_preferences_round_id_allocation_rounds_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."allocation_rounds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD CONSTRAINT "round_preferences_trainee_id_users_id_fk" FOREIGN KEY ("trainee_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "round_preferences" ADD CONSTRAINT "round_preferences_opportunity_id_opportunities_id_fk" FOREIGN KEY ("opportunity_id") REFERENCES "public"."opportunities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sites" ADD CONSTRAINT "sites_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trainee_profiles" ADD CONSTRAINT "trainee_profiles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_trust_id_trusts_id_fk" FOREIGN KEY ("trust_id") REFERENCES "public"."trusts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocation_rounds_status_idx" ON "allocation_rounds" USING btree ("status","closes_at");--> statement-breakpoint
CREATE INDEX "application_events_application_idx" ON "application_events" USING btree ("application_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_one_active_key" ON "applications" USING btree ("opportunity_id","trainee_id") WHERE "applications"."status" <> 'withdrawn';--> statement-breakpoint
CREATE INDEX "applications_opportunity_status_idx" ON "applications" USING btree ("opportunity_id","status");--> statement-breakpoint
CREATE INDEX "applications_trainee_status_idx" ON "applications" USING btree ("trainee_id","status");--> statement-breakpoint
CREATE INDEX "applications_status_updated_idx" ON "applications" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "email_outbox_pending_idx" ON "email_outbox" USING btree ("next_attempt_at") WHERE "email_outbox"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "invitations_email_idx" ON "invitations" USING btree ("email");--> statement-breakpoint
CREATE INDEX "login_attempts_email_idx" ON "login_attempts" USING btree ("email","created_at");--> statement-breakpoint
CREATE INDEX "login_attempts_ip_idx" ON "login_attempts" USING btree ("ip","created_at");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","read_at","created_at");--> statement-breakpoint
CREATE INDEX "objectives_trust_idx" ON "objectives" USING btree ("trust_id","retired_at");--> statement-breakpoint
CREATE INDEX "opportunities_trust_status_idx" ON "opportunities" USING btree ("trust_id","status");--> statement-breakpoint
CREATE INDEX "opportunities_status_deadline_idx" ON "opportunities" USING btree ("status","application_deadline");--> statement-breakpoint
CREATE INDEX "opportunities_status_dates_idx" ON "opportunities" USING btree ("status","starts_on","ends_on");--> statement-breakpoint
CREATE INDEX "opportunities_eligible_grades_idx" ON "opportunities" USING gin ("eligible_grades");--> statement-breakpoint
CREATE INDEX "opportunity_sessions_opportunity_idx" ON "opportunity_sessions" USING btree ("opportunity_id","date");--> statement-breakpoint
CREATE INDEX "placement_imports_created_idx" ON "placement_imports" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "placements_trainee_trust_start_key" ON "placements" USING btree ("trainee_id","trust_id","starts_on");--> statement-breakpoint
CREATE INDEX "placements_trainee_dates_idx" ON "placements" USING btree ("trainee_id","starts_on","ends_on");--> statement-breakpoint
CREATE INDEX "placements_trust_dates_idx" ON "placements" USING btree ("trust_id","starts_on","ends_on");--> statement-breakpoint
CREATE UNIQUE INDEX "reflections_application_key" ON "reflections" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "round_opportunities_opportunity_idx" ON "round_opportunities" USING btree ("opportunity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "round_preferences_rank_key" ON "round_preferences" USING btree ("round_id","trainee_id","rank");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sites_trust_name_key" ON "sites" USING btree ("trust_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "trainee_profiles_gmc_number_key" ON "trainee_profiles" USING btree ("gmc_number");--> statement-breakpoint
CREATE INDEX "trainee_profiles_grade_idx" ON "trainee_profiles" USING btree ("grade");--> statement-breakpoint
CREATE UNIQUE INDEX "trusts_ods_code_key" ON "trusts" USING btree ("ods_code");--> statement-breakpoint
CREATE UNIQUE INDEX "trusts_name_key" ON "trusts" USING btree ("name");--> statement-breakpoint
CREATE INDEX "trusts_region_ics_idx" ON "trusts" USING btree ("region","integrated_care_system");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "users_calendar_token_key" ON "users" USING btree ("calendar_token");--> statement-breakpoint
CREATE INDEX "users_trust_role_idx" ON "users" USING btree ("trust_id","role");