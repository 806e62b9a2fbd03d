// Migrations on deploy (docs/production.md): the database's owner role applies them with
// `npm run db:migrate`, and the app, connected as a role that may not change the schema, starts
// with MIGRATE_ON_START=false. It then checks that nothing is waiting to be applied, so a
// release whose migration was forgotten stops at start-up with what to run, rather than
// failing on its first query of a column that is not there.
import { readFileSync } from "node:fs";

import { sql } from "drizzle-orm";
import { readMigrationFiles } from "drizzle-orm/migrator";

import { SettingError } from "../app/utils/env.server";
import { summariseError } from "../app/utils/log.server";

import { MIGRATIONS_DIR, queryRows, type Database } from "./client";

/** MIGRATE_ON_START: unset or "true" migrates (one process, or a role that owns the schema); "false" only checks. */
export function migrateOnStartFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === "" || value === "true") return true;
  if (value === "false") return false;
  throw new SettingError(`MIGRATE_ON_START must be true or false, not "${value.slice(0, 20)}".`);
}

/** The migration files (by their journal tag) the database has not applied, oldest first. */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const files = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  const tags = readJournalTags();
  let last: number | null = null;
  try {
    // drizzle's own bookkeeping: a migration is applied when its folder time is not after the
    // latest one recorded (the same rule its migrator uses to choose what to run).
    const [row] = await queryRows<{ created_at: string | number | null }>(
      database.db,
      sql`select max(created_at) as created_at from drizzle.__drizzle_migrations`,
    );
    last = row?.created_at === null || row?.created_at === undefined ? null : Number(row.created_at);
  } catch (error) {
    const { code } = summariseError(error);
    if (code === "42P01" || code === "3F000") last = null;
    else if (code === "42501") {
      throw new SettingError(
        "MIGRATE_ON_START=false, and this database role may not read which migrations were applied: grant it USAGE on schema drizzle and SELECT on drizzle.__drizzle_migrations (docs/deploy/roles.sql).",
      );
    } else throw error;
  }
  return files.flatMap((file, i) => (last === null || last < file.folderMillis ? [tags[i] ?? String(file.folderMillis)] : []));
}

function readJournalTags(): string[] {
  // readMigrationFiles keeps the times and hashes, not the names: the journal has them in the same order.
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, "utf8")) as { entries: { tag: string }[] };
  return journal.entries.map((e) => e.tag);
}

/** What start-up does about the schema: migrate, or check that `npm run db:migrate` was run. */
export async function prepareSchema(database: Database, migrateOnStart: boolean): Promise<void> {
  if (migrateOnStart) {
    await database.migrate();
    return;
  }
  const pending = await pendingMigrations(database);
  if (pending.length) {
    throw new SettingError(
      `MIGRATE_ON_START=false and the database is missing ${pending.length} migration${pending.length === 1 ? "" : "s"} (${pending.join(", ")}): run \`npm run db:migrate\` as the database's owner role first.`,
    );
  }
}
