-- The database and its roles for Invitational (docs/production.md, "Database roles").
-- Run once, with psql, as a superuser or (on a managed service) the administrator role that may
-- create roles and databases:
--
--   psql "postgres://admin@db.example.nhs.uk:5432/postgres" \
--     -v database=invitational -v owner_password="$OWNER_PASSWORD" -v app_password="$APP_PASSWORD" \
--     -f docs/deploy/roles.sql
--
-- It makes, where they are missing (running it again changes nothing):
--   invitational_owner  LOGIN: owns the database, its schemas and every table; runs `npm run db:migrate`.
--   invitational_app    NOLOGIN: the rights the app needs. Migration 0008 grants it SELECT, INSERT,
--                       UPDATE and DELETE on every table but only SELECT and INSERT on audit_events,
--                       and the same on every table later migrations add.
--   invitational_web    LOGIN, a member of invitational_app and nothing else: the app's DATABASE_URL.
--                       Not a superuser; cannot create, alter, drop or truncate anything (only a
--                       table's owner may), cannot change or remove the audit trail.
-- tests/region/production-database.test.ts runs this file on a PostgreSQL server of its own.
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE invitational_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'owner_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'invitational_owner') \gexec

SELECT 'CREATE ROLE invitational_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'invitational_app') \gexec

SELECT format('CREATE ROLE invitational_web LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE invitational_app PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'invitational_web') \gexec

-- A managed service's administrator is not a superuser: it may give a database to a role only
-- when it is a member of that role.
SELECT 'GRANT invitational_owner TO ' || quote_ident(current_user)
WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
  AND NOT pg_has_role(current_user, 'invitational_owner', 'MEMBER') \gexec

SELECT format('CREATE DATABASE %I OWNER invitational_owner ENCODING ''UTF8''', :'database')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'database') \gexec

-- Only the service's roles connect; no one gets temporary tables by default.
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'database') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO invitational_app', :'database') \gexec

\connect :database

-- PostgreSQL 14 and older let every role create tables in public; 15 already does not.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO invitational_owner;

-- Where drizzle records the migrations applied. The app reads it at start-up with
-- MIGRATE_ON_START=false, to refuse to run on a database a migration behind.
CREATE SCHEMA IF NOT EXISTS drizzle AUTHORIZATION invitational_owner;
GRANT USAGE ON SCHEMA drizzle TO invitational_app;
GRANT SELECT ON ALL TABLES IN SCHEMA drizzle TO invitational_app;
ALTER DEFAULT PRIVILEGES FOR ROLE invitational_owner IN SCHEMA drizzle GRANT SELECT ON TABLES TO invitational_app;
