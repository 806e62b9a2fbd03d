// The e-mail outbox worker as its own process: npx tsx scripts/outbox-worker.ts
// It may run next to the app's in-process worker and next to other copies of itself.
import { databaseOptionsFromEnv, openDatabase } from "../db/client";
import { pollIntervalFromEnv, senderFromEnv, startOutboxWorker } from "../app/models/outbox-worker.server";
import { SettingError } from "../app/utils/env.server";
import { logError } from "../app/utils/log.server";
import { checkAppOrigin } from "../app/utils/origin.server";

async function main() {
  if (!process.env.DATABASE_URL) {
    // PGlite allows one process per data directory, and the app server already holds it.
    console.error(
      "The standalone outbox worker needs DATABASE_URL (a PostgreSQL server). With the embedded database, the app server sends e-mail itself.",
    );
    process.exit(1);
  }
  // No request to take an origin from: without APP_ORIGIN every link it sent had no host.
  checkAppOrigin(process.env.APP_ORIGIN, true);
  // The app server applies migrations; this process only reads and updates the outbox.
  const database = await openDatabase(databaseOptionsFromEnv());
  const { sender, description } = senderFromEnv();
  const worker = startOutboxWorker(database.db, { sender, intervalMs: pollIntervalFromEnv(), origin: process.env.APP_ORIGIN! });
  console.log(`Outbox worker started: sending to ${description}.`);

  // The worker's timer is unref'd: this keeps the process alive until a signal arrives.
  const keepAlive = setInterval(() => {}, 1 << 30);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    worker
      .stop()
      .then(() => database.close())
      .then(
        () => {
          console.log("Outbox worker stopped.");
          process.exit(0);
        },
        (error: unknown) => {
          logError("Outbox worker did not stop cleanly", error);
          process.exit(1);
        },
      );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  if (error instanceof SettingError) console.error(`The outbox worker did not start: ${error.message}`);
  else logError("Outbox worker failed to start", error);
  process.exit(1);
});
