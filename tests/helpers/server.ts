// Starts the real server (the production build, via server.ts) on a free port with its own
// fresh database, for HTTP and browser tests.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

import postgres from "postgres";
import { inject } from "vitest";

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

/** A new, migrated, empty database for one server: a PGlite directory or a PostgreSQL database. */
export async function scratchDatabase(): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (baseUrl) {
    const name = `invitational_server_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name} template ${inject("postgresTemplate")}`);
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return {
      env: { DATABASE_URL: url.toString() },
      async dispose() {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "invitational-server-"));
  return {
    env: { PGLITE_DATA_DIR: path.join(dir, "pglite") },
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

export type ScratchDatabase = Awaited<ReturnType<typeof scratchDatabase>>;

/** The real server on a free port, on a new database or one given (which it then disposes of). */
export async function startServer(
  env: Record<string, string> = {},
  options: { database?: ScratchDatabase } = {},
): Promise<RunningServer & { dispose(): Promise<void> }> {
  const database = options.database ?? (await scratchDatabase());
  const port = await freePort();
  const { child, output, exited } = runServer({ PORT: String(port), ...database.env, ...env });
  const url = `http://127.0.0.1:${port}`;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  // Wait for readiness by polling the health check, bounded to 60 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`Server exited with ${exitCode} before it was ready:\n${output()}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`Server not ready after 60 s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
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
      await database.dispose();
    },
  };
}
