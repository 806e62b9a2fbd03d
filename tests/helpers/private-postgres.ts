// A PostgreSQL server of a test's own, on a free loopback port, from Debian's server binaries
// (CI installs them; PG_BIN names another directory). The region's tests need one: two app
// processes cannot share an embedded PGlite directory, and a test that restarts the database
// must not restart the server every other test file is using.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

import postgres from "postgres";

import { openDatabase } from "../../db/client";

import { freePort } from "./server";

const run = promisify(execFile);

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/invitational, migrated. */
  url: string;
  /** The server's own maintenance database, for CREATE DATABASE and the like. */
  adminUrl: string;
  port: number;
  /** pg_ctl stop -m fast: clients are disconnected, the server stops without waiting for them. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (if running) and removes its directory. */
  dispose(): Promise<void>;
}

function serverBinaries(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(path.join(base, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) {
    throw new Error("No PostgreSQL server binaries under /usr/lib/postgresql: install Debian's postgresql package or set PG_BIN");
  }
  return path.join(base, versions[0]!, "bin");
}

// initdb refuses to run as root: as root (CI), the cluster belongs to the postgres user.
const asRoot = process.getuid?.() === 0;
function pgCommand(bin: string, args: string[]) {
  return asRoot ? run("runuser", ["-u", "postgres", "--", bin, ...args]) : run(bin, args);
}

export async function startPrivatePostgres(options: { maxConnections?: number; settings?: Record<string, string> } = {}): Promise<PrivatePostgres> {
  const bin = serverBinaries();
  const dir = mkdtempSync("/tmp/invitational-private-pg-");
  if (asRoot) chownSync(dir, Number((await run("id", ["-u", "postgres"])).stdout.trim()), Number((await run("id", ["-g", "postgres"])).stdout.trim()));
  const data = path.join(dir, "data");
  await pgCommand(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  const port = await freePort();
  const settings = {
    max_connections: String(options.maxConnections ?? 100),
    // Durable writes are what the restart test counts; fsync only matters on a machine crash.
    fsync: "off",
    ...options.settings,
  };
  const serverOptions = [`-p ${port}`, "-h 127.0.0.1", `-k ${dir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(" ");
  let running = false;
  const start = async () => {
    await pgCommand(path.join(bin, "pg_ctl"), ["-w", "-t", "120", "-D", data, "-l", path.join(dir, "log"), "-o", serverOptions, "start"]);
    running = true;
  };
  const stop = async () => {
    await pgCommand(path.join(bin, "pg_ctl"), ["-w", "-t", "120", "-D", data, "-m", "fast", "stop"]);
    running = false;
  };
  await start();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const url = `postgres://postgres@127.0.0.1:${port}/invitational`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe("create database invitational");
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ url, poolSize: 1 });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
  return {
    url,
    adminUrl,
    port,
    stop,
    start,
    async dispose() {
      if (running) await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
