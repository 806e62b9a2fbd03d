import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { sql, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

import * as schema from "./schema";
import { PAGE_STATEMENT_TIMEOUT_MS, statementTimeoutsFromEnv } from "./statement-timeouts";

/** One type for both drivers: the rest of the code does not know which is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle passed to domain functions is used exactly like the db. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  driver: "pglite" | "postgres";
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { url: string; poolSize?: number; statementTimeoutMs?: number }
  | { dataDir: string }
  | { pglite: PGlite };

// Resolved from this file, not the working directory; only unbundled callers (server.ts,
// scripts and tests) migrate, so import.meta.url points into db/ here.
export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** The extensions the migrations create (PGlite loads each from its own bundle). */
export const PGLITE_OPTIONS = { extensions: { pg_trgm } } satisfies PGliteOptions;

/**
 * A migrated, empty PGlite database, written by `npm run build` (scripts/pglite-template.ts). A
 * new PGlite directory is filled from it rather than by initdb and every migration: about 1.3 s
 * instead of 3.4 s here. Migrations newer than the file still run on start.
 */
export const PGLITE_TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "build", "pglite-template.tar.gz");

/**
 * What this process's connections call themselves (pg_stat_activity.application_name): unique
 * per process, so /metrics can count its own pool's connections (postgres.js does not expose
 * its pool) and a database administrator can tell the app's processes apart.
 */
export const APPLICATION_NAME = `invitational/${process.pid}/${randomBytes(3).toString("hex")}`;

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if ("url" in options) {
    const url = options.url;
    const client = postgres(url, {
      max: options.poolSize ?? 10,
      onnotice: () => {},
      // A statement over the page limit is cancelled by the server (db/statement-timeouts.ts).
      connection: { TimeZone: "UTC", application_name: APPLICATION_NAME, statement_timeout: options.statementTimeoutMs ?? PAGE_STATEMENT_TIMEOUT_MS },
    });
    const db = drizzlePostgres(preparingStatements(client), { schema }) as unknown as Db;
    return {
      db,
      driver: "postgres",
      migrate: () => migratePostgresLocked(options.url),
      close: () => client.end({ timeout: 5 }),
    };
  }
  let client: PGlite;
  if ("pglite" in options) {
    client = options.pglite;
  } else {
    mkdirSync(options.dataDir, { recursive: true });
    const fresh = !existsSync(path.join(options.dataDir, "PG_VERSION"));
    client =
      fresh && existsSync(PGLITE_TEMPLATE)
        ? new PGlite(options.dataDir, { ...PGLITE_OPTIONS, loadDataDir: new Blob([readFileSync(PGLITE_TEMPLATE)]) })
        : new PGlite(options.dataDir, PGLITE_OPTIONS);
  }
  await client.waitReady;
  const pg = drizzlePglite(client, { schema });
  return {
    db: pg as unknown as Db,
    driver: "pglite",
    migrate: () => migratePglite(pg, { migrationsFolder: MIGRATIONS_DIR }),
    close: () => client.close(),
  };
}

/** The advisory lock migrations take (rotation imports use 7163001). */
export const MIGRATION_LOCK_KEY = 7163000;

/**
 * Migrates under a session advisory lock, on a connection of its own. Two processes starting
 * together would otherwise both read the migrations table before either wrote to it and both run
 * every migration: the second fails ("relation already exists") and does not start. With the
 * lock they take turns, and the second finds nothing left to do. One connection (max 1), so
 * the lock, drizzle's statements and its transaction share the session that holds it.
 */
async function migratePostgresLocked(url: string): Promise<void> {
  // No statement timeout: building an index on a large table may take minutes, and the page
  // limit would cancel it half-way through a deploy.
  const client = postgres(url, { max: 1, onnotice: () => {}, connection: { TimeZone: "UTC", statement_timeout: 0 } });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    await migratePostgres(drizzlePostgres(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
  } finally {
    // Ending the session also releases the lock when a migration failed.
    await client.end({ timeout: 5 });
  }
}

/**
 * drizzle sends a query it did not `.prepare()` as an unnamed statement, which PostgreSQL
 * parses and plans again on every execution, and postgres.js describes again. Our queries are
 * a few hundred fixed texts with parameters, so they are sent as named statements instead:
 * postgres.js keeps each per connection, keyed by its text, and PostgreSQL keeps its parse
 * tree and, after five executions, a generic plan when that costs no more than planning for
 * each execution's values (PostgreSQL's own `plan_cache_mode = auto`). Planning was half of
 * the database's CPU on a trainee's pages.
 *
 * A text search is the exception: how many rows match depends on the words, which a generic
 * plan cannot know, and a generic plan for it read far more rows than one planned for the
 * words. It stays an unnamed statement, planned for its values every time.
 * Transactions use their own connection object and keep drizzle's default.
 */
export function preparingStatements(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "unsafe") {
        return (query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params, { ...options, prepare: !plannedForItsValues(query) });
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
}

/** A statement whose best plan depends on its values: one with a text search. */
export function plannedForItsValues(query: string): boolean {
  return query.includes("to_tsquery(");
}

/** The process's database, from DATABASE_URL or the embedded PGlite under .data/. */
export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DatabaseOptions {
  if (env.DATABASE_URL) {
    return {
      url: env.DATABASE_URL,
      poolSize: env.DATABASE_POOL_SIZE ? Number(env.DATABASE_POOL_SIZE) : 10,
      statementTimeoutMs: statementTimeoutsFromEnv(env).pageMs,
    };
  }
  return { dataDir: path.resolve(env.PGLITE_DATA_DIR ?? ".data/pglite") };
}

const GLOBAL_KEY = Symbol.for("invitational.database");
type GlobalWithDb = typeof globalThis & { [GLOBAL_KEY]?: Promise<Database> };

/**
 * The shared handle. Kept on globalThis because the server entry (run by tsx) and the
 * Remix server bundle each have their own copy of this module, and PGlite allows only
 * one handle per data directory. A rejected start is not cached, so the next request retries.
 */
export function getDatabase(): Promise<Database> {
  const g = globalThis as GlobalWithDb;
  if (!g[GLOBAL_KEY]) {
    const opening = openDatabase(databaseOptionsFromEnv());
    g[GLOBAL_KEY] = opening;
    opening.catch(() => {
      if (g[GLOBAL_KEY] === opening) delete g[GLOBAL_KEY];
    });
  }
  return g[GLOBAL_KEY];
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Install a database as the process's shared handle (tests and scripts). */
export function setDatabase(database: Database): void {
  (globalThis as GlobalWithDb)[GLOBAL_KEY] = Promise.resolve(database);
}

/** Raw SQL rows, the same shape for both drivers (PGlite returns { rows }, postgres.js an array). */
export async function queryRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function pingDatabase(db: Db): Promise<void> {
  await queryRows(db, sql`select 1 as ok`);
}

export { schema };
