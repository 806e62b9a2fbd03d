// The database as production runs it, on a PostgreSQL server of the test's own (roles are the
// whole server's): docs/deploy/roles.sql makes the roles, the owner role runs `npm run db:migrate`,
// the app runs as the least-privilege login role with MIGRATE_ON_START=false and works, and that
// role cannot drop or alter a table nor change the audit trail. Then scripts/backup.sh and
// scripts/restore-check.sh on that database: a restore that matches passes, one that does not fails.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openDatabase } from "../../db/client";
import { makeTrainee, TEST_PASSWORD } from "../helpers/factories";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";
import { runServerToExit, startServer } from "../helpers/server";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const TOKEN = "metrics-token-for-the-role-test-0123456789";

let pg: PrivatePostgres;
let dir: string;
const url = (role: string, database = "invitational_prod") => `postgres://${role}@127.0.0.1:${pg.port}/${database}`;

/** Runs a command in the repository with the environment given; resolves with its output and exit code. */
async function command(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

const tsx = (script: string, env: Record<string, string>) => command(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), script], env);

/** Waits for a condition; the test's own timeout ends a hang. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

beforeAll(async () => {
  pg = await startPrivatePostgres();
  dir = mkdtempSync(path.join(os.tmpdir(), "invitational-production-db-"));
  const roles = () =>
    command("psql", [
      pg.adminUrl,
      "-X",
      "-q",
      "-v",
      "database=invitational_prod",
      "-v",
      "owner_password=owner-password-for-the-test",
      "-v",
      "app_password=web-password-for-the-test",
      "-f",
      "docs/deploy/roles.sql",
    ]);
  const first = await roles();
  expect(first.code, first.output).toBe(0);
  // The guide says running it again changes nothing: it must not fail on what it made.
  const again = await roles();
  expect(again.code, again.output).toBe(0);
});

afterAll(async () => {
  await pg?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the app as a least-privilege database role", () => {
  it("migrates as the owner role with npm run db:migrate, once", async () => {
    const first = await tsx("scripts/migrate.ts", { DATABASE_URL: url("invitational_owner") });
    expect(first.code, first.output).toBe(0);
    // The list ends with the newest migration in the journal, whichever that is.
    const journal = JSON.parse(readFileSync("db/migrations/meta/_journal.json", "utf8")) as { entries: { tag: string }[] };
    expect(first.output).toContain("Applied ");
    expect(first.output).toContain(`migrations: 0000_init, `);
    expect(first.output).toContain(`, ${journal.entries.at(-1)!.tag}.`);
    const again = await tsx("scripts/migrate.ts", { DATABASE_URL: url("invitational_owner") });
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("The database is up to date: no migration to apply.");
  });

  it("serves a trainee's sign-in and home page, runs the timed jobs and answers /metrics, connected as the app's login role", async () => {
    const fixtures = await openDatabase({ url: url("invitational_web"), poolSize: 1 });
    const trainee = await makeTrainee(fixtures.db).finally(() => fixtures.close());
    const server = await startServer(
      { NODE_ENV: "production", MIGRATE_ON_START: "false", METRICS_TOKEN: TOKEN, DATABASE_URL: url("invitational_web") },
      { database: { env: {}, sql: async () => undefined, dispose: async () => undefined } },
    );
    const owner = postgres(url("invitational_owner"), { max: 1, onnotice: () => {} });
    try {
      const signIn = await fetch(`${server.url}/sign-in`, {
        method: "POST",
        body: new URLSearchParams({ email: trainee.email, password: TEST_PASSWORD }),
        headers: { Origin: server.url },
        redirect: "manual",
      });
      expect(signIn.status).toBe(302);
      const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
      const home = await fetch(`${server.url}/trainee`, { headers: { Cookie: cookie } });
      expect(home.status).toBe(200);
      expect(await home.text()).toContain(trainee.name);

      // Every job the scheduler knows ran to its end under this role (the clean-up deletes, the
      // reminders and report figures insert), without an error.
      await until(async () => {
        const [jobs] = await owner<{ total: number; waiting: number }[]>`
          select count(*)::int as total, count(*) filter (where last_finished_at is null)::int as waiting from scheduled_jobs`;
        return jobs!.total > 0 && jobs!.waiting === 0;
      });
      const failed = await owner`select name, last_error from scheduled_jobs where last_error is not null`;
      expect(failed).toEqual([]);

      const metrics = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      const text = await metrics.text();
      expect(metrics.status).toBe(200);
      expect(text).toMatch(/^invitational_database_up 1$/m);
      // A role that is not a superuser sees its own connections in pg_stat_activity.
      expect(text).toMatch(/^invitational_database_pool_connections\{state="idle"\} [1-9]\d*$/m);
      expect(text).toMatch(/^invitational_database_pool_connections\{state="in_use"\} \d+$/m);

      expect(server.output()).not.toMatch(/42501|permission denied|failed/i);
    } finally {
      await owner.end();
      await server.dispose();
    }
  });

  it("is no superuser and cannot drop, alter, truncate or create anything, nor change or remove the audit trail", async () => {
    const web = postgres(url("invitational_web"), { max: 1, onnotice: () => {} });
    try {
      const [me] = await web`select rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname = current_user`;
      expect(me).toEqual({ rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false });
      // It may add to the audit trail and read it.
      await web`insert into audit_events (action, target_type) values ('test.role_check', 'database')`;
      expect((await web`select action from audit_events where action = 'test.role_check'`).length).toBe(1);
      const refused = [
        "drop table applications",
        "drop table audit_events",
        "alter table users add column nickname text",
        "alter table audit_events disable trigger audit_events_no_change",
        "truncate sessions",
        "truncate audit_events",
        "update audit_events set action = 'changed'",
        "delete from audit_events",
        "create table public.scratch (id int)",
        "create schema scratch",
        "create index on users (name)",
        "drop schema drizzle cascade",
        "insert into drizzle.__drizzle_migrations (hash, created_at) values ('x', 1)",
      ];
      for (const statement of refused) {
        await expect(web.unsafe(statement), statement).rejects.toMatchObject({ code: "42501" });
      }
    } finally {
      await web.end();
    }
  });

  it("refuses to start with MIGRATE_ON_START=false on a database a migration behind, saying to run npm run db:migrate", async () => {
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe("create database invitational_behind owner invitational_owner");
    } finally {
      await admin.end();
    }
    const { code, output } = await runServerToExit({
      NODE_ENV: "production",
      APP_ORIGIN: "https://invitational.example.nhs.uk",
      PORT: "0",
      MIGRATE_ON_START: "false",
      DATABASE_URL: url("invitational_web", "invitational_behind"),
    });
    expect(code).toBe(1);
    expect(output).toMatch(/Invitational did not start: MIGRATE_ON_START=false and the database is missing \d+ migrations \(0000_init, .*\): run `npm run db:migrate`/);
    expect(output).not.toContain("is serving");
  });
});

describe("backups", () => {
  it("backs up with pg_dump while the app writes, restores into a scratch database with the dump's row counts, and fails on a difference", async () => {
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
    const web = postgres(url("invitational_web"), { max: 1, onnotice: () => {} });
    try {
      // The restore runs as a role that may create databases and is no superuser, as on a managed service.
      await admin.unsafe("create role invitational_restore login createdb");
      const file = path.join(dir, "invitational.dump");
      const backup = await command("bash", ["scripts/backup.sh", file], { DATABASE_URL: url("invitational_owner") });
      expect(backup.code, backup.output).toBe(0);
      expect(backup.output).toMatch(/Backup written: .*invitational\.dump .*tables; row counts in/);
      const counts = readFileSync(`${file}.counts`, "utf8");
      expect(counts).toMatch(/^public\.users\t[1-9]\d*$/m);
      expect(counts).toMatch(/^drizzle\.__drizzle_migrations\t[1-9]\d*$/m);

      // Written after the dump: not in it, and not a difference (the counts are the dump's).
      await web`insert into audit_events (action, target_type) values ('test.after_backup', 'database')`;
      const env = { DATABASE_URL: url("invitational_owner"), RESTORE_CHECK_URL: url("invitational_restore", "postgres") };
      const check = await command("bash", ["scripts/restore-check.sh", file], env);
      expect(check.code, check.output).toBe(0);
      expect(check.output).toMatch(/Restore check passed: .* all \d+ tables have the source's row counts/);

      // One table's count off by one: the check names it and fails.
      const users = Number(/^public\.users\t(\d+)$/m.exec(counts)![1]);
      writeFileSync(`${file}.counts`, counts.replace(/^public\.users\t\d+$/m, `public.users\t${users + 1}`));
      const differs = await command("bash", ["scripts/restore-check.sh", file], env);
      expect(differs.code).toBe(1);
      expect(differs.output).toContain(`public.users: source ${users + 1} rows, restored ${users}`);

      // Not a backup at all.
      writeFileSync(path.join(dir, "not-a-backup.dump"), "hello");
      const junk = await command("bash", ["scripts/restore-check.sh", path.join(dir, "not-a-backup.dump")], env);
      expect(junk.code).toBe(1);
      expect(junk.output).toContain("is not a pg_dump custom-format archive");

      const left = await admin`select datname from pg_database where datname like 'invitational_restore_check%'`;
      expect(left).toEqual([]);
    } finally {
      await web.end();
      await admin.end();
    }
  });
});
