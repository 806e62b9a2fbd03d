// Starts the real server (the production build, via server.ts) on a free port with its own
// fresh database, for HTTP and browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { inject } from "vitest";

import { PGLITE_OPTIONS } from "../../db/client";

const root = path.resolve(import.meta.dirname, "../..");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface ScratchDatabase {
  env: Record<string, string>;
  sql(statement: string): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A new, migrated database for one server: a copy of the PGlite template directory (so the
 * server neither runs initdb nor migrates), or a PostgreSQL database made from the template.
 * Seeded holds the demo data already (the server then has nothing to add); otherwise it is
 * empty. `sql` runs statements on it before a server is started.
 */
export async function scratchDatabase(options: { seeded?: boolean } = {}): Promise<ScratchDatabase> {
  const seeded = options.seeded ?? true;
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (baseUrl) {
    const name = `invitational_server_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject(seeded ? "postgresSeededTemplate" : "postgresTemplate")}`);
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      async sql(statement: string) {
        const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
        try {
          await client.unsafe(statement);
        } finally {
          await client.end();
        }
      },
      async dispose() {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "invitational-server-"));
  const dataDir = path.join(dir, "pglite");
  cpSync(inject(seeded ? "pgliteSeededTemplateDir" : "pgliteTemplateDir"), dataDir, { recursive: true });
  return {
    env: { PGLITE_DATA_DIR: dataDir },
    async sql(statement: string) {
      const pglite = new PGlite(dataDir, PGLITE_OPTIONS);
      try {
        await pglite.exec(statement);
      } finally {
        await pglite.close();
      }
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunningServer {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
}

function runServer(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  if (!existsSync(path.join(root, "build/index.js"))) {
    throw new Error("No production build: run `npm run build` first (npm test does it for you)");
  }
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "server.ts"], {
    cwd: root,
    env: { ...process.env, HOST: "127.0.0.1", NODE_ENV: "development", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => log, exited };
}

/** Runs the server to completion (for start-up refusals) and returns its exit code and output. */
export async function runServerToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const { output, exited } = runServer(env);
  const code = await exited;
  return { code, output: output() };
}

const READY = /Invitational is serving on /;

/**
 * Starts a server and waits for it to say it is serving, then for its health check. There is
 * no deadline of its own: the wait ends when the server is ready or its process ends, and a
 * server that hangs is caught by the test hook's timeout, so a busy machine slows the tests
 * rather than failing them.
 */
export async function startServer(
  env: Record<string, string> = {},
  options: { database?: ScratchDatabase } = {},
): Promise<RunningServer & { dispose(): Promise<void> }> {
  // A database passed in belongs to the caller, who disposes of it. A production server (which
  // refuses demo accounts) or one told not to seed gets an empty one.
  const seeded = env.NODE_ENV !== "production" && env.SEED_DEMO_DATA !== "false";
  const own = options.database ? null : await scratchDatabase({ seeded });
  const database = options.database ?? own!;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Production needs its public origin (links in e-mails are built from it): this server's own.
  const origin: Record<string, string> = env.NODE_ENV === "production" ? { APP_ORIGIN: url } : {};
  const { child, output, exited } = runServer({ PORT: String(port), ...database.env, ...origin, ...env });
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const serving = new Promise<void>((resolve) => {
    const check = () => {
      if (!READY.test(output())) return;
      child.stdout?.off("data", check);
      resolve();
    };
    child.stdout?.on("data", check);
    check();
  });
  const stillStarting = await Promise.race([serving.then(() => true), exited.then(() => false)]);
  if (!stillStarting) {
    await own?.dispose();
    throw new Error(`Server exited with ${exitCode} before it was ready:\n${output()}`);
  }
  const health = await fetch(`${url}/healthz`);
  if (!health.ok) {
    child.kill("SIGKILL");
    await exited;
    await own?.dispose();
    throw new Error(`Server said it was serving but /healthz answered ${health.status}:\n${output()}`);
  }
  const stop = async () => {
    if (exitCode !== undefined) return exitCode;
    child.kill("SIGTERM");
    return exited;
  };
  return {
    url,
    output,
    stop,
    async dispose() {
      await stop();
      await own?.dispose();
    },
  };
}
