CREATE TABLE "audit_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" text,
	"actor_role" "role",
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"trainee_id" text,
	"trust_id" uuid,
	"request_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_trainee_idx" ON "audit_events" USING btree ("trainee_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_trust_idx" ON "audit_events" USING btree ("trust_id","at");--> statement-breakpoint
-- Append-only, for everyone: a trigger refuses UPDATE, DELETE and TRUNCATE whoever asks (only a
-- superuser disabling triggers on purpose gets past it).
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;--> statement-breakpoint
CREATE TRIGGER "audit_events_no_change" BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();--> statement-breakpoint
-- The app's database role (docs/production.md): a group role without login that the app's own
-- login role is made a member of. It may read and write every table but may not change or
-- remove the audit trail, nor alter or drop anything. Made only where the role running the
-- migrations may create roles; otherwise the guide's statements make it by hand.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'invitational_app') THEN
    BEGIN
      CREATE ROLE "invitational_app" NOLOGIN;
    EXCEPTION WHEN insufficient_privilege OR duplicate_object THEN
      RAISE NOTICE 'invitational_app was not created here: see docs/production.md';
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'invitational_app') THEN
    GRANT USAGE ON SCHEMA public TO "invitational_app";
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "invitational_app";
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "invitational_app";
    REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM "invitational_app";
    -- Tables and sequences later migrations add (made by the same role) are granted alike.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "invitational_app";
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO "invitational_app";
  END IF;
END
$$;
