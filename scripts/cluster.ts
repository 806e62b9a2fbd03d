// `npm run start:cluster`: the production server as one process per core (or CLUSTER_WORKERS),
// sharing one port through node:cluster. Every process is a whole app (pages, outbox, scheduler);
// what they share lives in PostgreSQL, so the cluster needs DATABASE_URL. The primary restarts a
// worker that dies, passes SIGTERM and SIGINT on to every worker (each stops gracefully, see
// app/shutdown.server.ts) and exits when they have: 0 when each stopped cleanly.
import cluster, { type Worker } from "node:cluster";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { DEFAULT_SHUTDOWN_TIMEOUT_MS } from "../app/shutdown.server";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function workerCount(value: string | undefined): number {
  if (value === undefined || value === "") return os.availableParallelism();
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    console.error(`The cluster did not start: CLUSTER_WORKERS must be a whole number from 1 to 256; it is "${value}".`);
    process.exit(1);
  }
  return n;
}

if (!process.env.DATABASE_URL) {
  // PGlite allows one process per data directory: several app processes need a PostgreSQL server.
  console.error("The cluster did not start: it needs DATABASE_URL (a PostgreSQL server). Without it, run one process: npm run start:prod.");
  process.exit(1);
}

const wanted = workerCount(process.env.CLUSTER_WORKERS);
// Workers run server.ts with the primary's own Node options, so tsx loads it as it loaded this file.
cluster.setupPrimary({ exec: path.join(root, "server.ts") });

let stopping = false;
let failed = false;
const serving = new WeakSet<Worker>();
const alive = new Set<Worker>();

function fork(): void {
  const worker = cluster.fork();
  alive.add(worker);
  worker.on("listening", () => serving.add(worker));
}

cluster.on("exit", (worker, code, signal) => {
  alive.delete(worker);
  const how = signal ? `signal ${signal}` : `code ${code}`;
  if (stopping) {
    // One still starting has no handler yet and ends by the signal itself: that is a clean stop too.
    if (code !== 0 && signal !== "SIGTERM") failed = true;
    if (!alive.size) process.exit(failed ? 1 : 0);
    return;
  }
  if (!serving.has(worker)) {
    // It never served: a setting, the database or a migration stopped it, and another would stop
    // the same way. Stop the cluster with the worker's message above rather than start it again forever.
    console.error(`Worker ${worker.process.pid} stopped (${how}) before serving; stopping the cluster.`);
    stop("start-up failure", 1);
    return;
  }
  console.error(`Worker ${worker.process.pid} stopped (${how}); starting another.`);
  fork();
});

function stop(reason: string, exitCode = 0): void {
  if (stopping) return;
  stopping = true;
  if (exitCode) failed = true;
  console.log(`${reason}: stopping ${alive.size} workers.`);
  if (!alive.size) process.exit(failed ? 1 : 0);
  for (const worker of alive) worker.process.kill("SIGTERM");
  // Each worker exits within its own timeout; one that does not is ended.
  const timeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS) || DEFAULT_SHUTDOWN_TIMEOUT_MS;
  setTimeout(() => {
    for (const worker of alive) worker.process.kill("SIGKILL");
    console.error("Workers still running after the shutdown timeout were ended.");
    process.exit(1);
  }, timeoutMs + 5_000).unref();
}

process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));

console.log(`Invitational cluster: starting ${wanted} workers (primary ${process.pid}).`);
cluster.on("online", (worker) => console.log(`Worker ${worker.process.pid} started.`));
for (let i = 0; i < wanted; i++) fork();
