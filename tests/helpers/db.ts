// A clean database for each test file, on PGlite by default or on the PostgreSQL server
// named by TEST_DATABASE_URL; tables are emptied before each test.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, inject } from "vitest";

import { openDatabase, PGLITE_OPTIONS, queryRows, setDatabase, type Database, type Db } from "../../db/client";

export interface TestDatabase {
  database: Database;
  db: Db;
  /** Set for a real server: a URL other processes (a test server, a second pool) can use. */
  url: string | null;
  dispose(): Promise<void>;
}

export const usingPostgres = Boolean(process.env.TEST_DATABASE_URL);

export async function createTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (baseUrl) {
    const name = `invitational_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject("postgresTemplate")}`);
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ url: url.toString(), poolSize: options.poolSize ?? 10 });
    return {
      database,
      db: database.db,
      url: url.toString(),
      async dispose() {
        await database.close();
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const template = readFileSync(inject("pgliteTemplate"));
  const pglite = await PGlite.create({ ...PGLITE_OPTIONS, loadDataDir: new Blob([template]) });
  const database = await openDatabase({ pglite });
  return { database, db: database.db, url: null, dispose: () => database.close() };
}

export async function truncateAll(db: Db): Promise<void> {
  const tables = await queryRows<{ tablename: string }>(
    db,
    sql`select tablename from pg_tables where schemaname = 'public'`,
  );
  if (!tables.length) return;
  const list = tables.map((t) => `"${t.tablename}"`).join(", ");
  // The audit trail refuses TRUNCATE by a trigger; tests empty it with triggers set aside
  // (a superuser's session setting), as nothing in the app can.
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await tx.execute(sql.raw(`truncate ${list} restart identity cascade`));
    // The one row of service settings comes with the migrations (0009), as in a real database.
    await tx.execute(sql`insert into service_settings (id) values (true) on conflict do nothing`);
  });
}

/**
 * Registers the hooks: one database for the file, emptied before each test, and installed
 * as the process's shared handle so route modules (getDb) use it too.
 */
export function useTestDatabase(options: { poolSize?: number } = {}) {
  const holder = {} as { current: TestDatabase };
  beforeAll(async () => {
    holder.current = await createTestDatabase(options);
    setDatabase(holder.current.database);
  });
  beforeEach(async () => {
    await truncateAll(holder.current.db);
  });
  afterAll(async () => {
    await holder.current?.dispose();
  });
  return {
    get db(): Db {
      return holder.current.db;
    },
    get database(): Database {
      return holder.current.database;
    },
    get url(): string | null {
      return holder.current.url;
    },
  };
}
