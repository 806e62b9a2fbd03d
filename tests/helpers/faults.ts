// For the fault tests (tests/region): a production server on a private PostgreSQL server that
// the test may stop, start or slow down, and plain HTTP helpers for it.
import { sql } from "drizzle-orm";
import postgres from "postgres";

import { openDatabase, type Database } from "../../db/client";

import type { PrivatePostgres } from "./private-postgres";
import { startServer, type ScratchDatabase } from "./server";

/** The private server's database, handed to startServer (which then leaves it to the test). */
export function privateDatabase(pg: PrivatePostgres): ScratchDatabase {
  return {
    env: { DATABASE_URL: pg.url },
    async sql(statement: string) {
      const database = await openDatabase({ url: pg.url, poolSize: 1 });
      try {
        await database.db.execute(sql.raw(statement));
      } finally {
        await database.close();
      }
    },
    async dispose() {},
  };
}

/** A production server (NODE_ENV=production, APP_ORIGIN its own address) on the private database. */
export function startProductionServer(pg: PrivatePostgres, env: Record<string, string> = {}) {
  return startServer({ NODE_ENV: "production", ...env }, { database: privateDatabase(pg) });
}

/** The test's own connection to the private server, for fixtures and for checking what was written. */
export function openPrivate(pg: PrivatePostgres): Promise<Database> {
  return openDatabase({ url: pg.url, poolSize: 4 });
}

export function post(base: string, path: string, fields: Record<string, string>, cookie?: string): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base, ...(cookie ? { Cookie: cookie } : {}) },
    redirect: "manual",
  });
}

export function get(base: string, path: string, cookie?: string): Promise<Response> {
  return fetch(`${base}${path}`, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
}

/** The session cookie ("name=value") a successful sign-in sets, or null when it was refused. */
export function sessionCookieOf(res: Response): string | null {
  if (res.status !== 302) return null;
  const set = res.headers.getSetCookie().find((c) => !c.split(";")[0]!.endsWith("="));
  return set ? set.split(";")[0]! : null;
}

/** Polls a condition (never a fixed sleep): resolves once it holds; the test's timeout ends a wait that never does. */
export async function waitFor<T>(condition: () => Promise<T | null | undefined | false>, everyMs = 100): Promise<T> {
  for (;;) {
    const value = await condition();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * Waits until the jobs a new server runs at start-up (reports refreshed, reminders, clean-up)
 * have each finished once, so their queries are not mistaken for the test's own.
 */
export async function startUpJobsDone(pg: PrivatePostgres): Promise<void> {
  const client = postgres(pg.url, { max: 1, onnotice: () => {} });
  try {
    await waitFor(async () => {
      const rows = await client<{ waiting: number; total: number }[]>`
        select count(*)::int as total,
          count(*) filter (where last_finished_at is null or leased_until > now())::int as waiting
        from scheduled_jobs`;
      return rows[0]!.total > 0 && rows[0]!.waiting === 0;
    }, 200);
  } finally {
    await client.end({ timeout: 1 });
  }
}
