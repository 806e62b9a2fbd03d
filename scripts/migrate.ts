// `npm run db:migrate`: applies the migrations in db/migrations to DATABASE_URL (or the embedded
// database under PGLITE_DATA_DIR), then says what is applied. Run it on deploy as the role that
// owns the schema, before the app processes (MIGRATE_ON_START=false) start on the new release.
import { databaseOptionsFromEnv, openDatabase } from "../db/client";
import { pendingMigrations } from "../db/migrate";
import { logError } from "../app/utils/log.server";

async function main() {
  const options = databaseOptionsFromEnv();
  const database = await openDatabase("url" in options ? { ...options, poolSize: 1 } : options);
  try {
    const before = await pendingMigrations(database);
    await database.migrate();
    const after = await pendingMigrations(database);
    if (after.length) throw new Error(`still pending after migrating: ${after.join(", ")}`);
    console.log(before.length ? `Applied ${before.length} migration${before.length === 1 ? "" : "s"}: ${before.join(", ")}.` : "The database is up to date: no migration to apply.");
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  logError("Migrations failed", error);
  // The operator needs the server's own words here ("permission denied for schema public"); a
  // migration's statements hold no one's data. Its detail, which can quote a row, is left out.
  for (let cause: unknown = error; cause && typeof cause === "object"; cause = (cause as { cause?: unknown }).cause) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && typeof message === "string") {
      console.error(`PostgreSQL said: ${message}`);
      break;
    }
  }
  process.exit(1);
});
