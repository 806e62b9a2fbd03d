// `npm run start:cluster`: two workers start together on an empty database (each migrates it,
// under the advisory lock), a worker that dies is replaced, and SIGTERM stops every worker
// gracefully and the cluster with exit code 0.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MIGRATIONS_DIR } from "../../db/client";

import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";
import { productionEnv } from "../helpers/region";
import { freePort } from "../helpers/server";
import { until } from "../helpers/until";

const root = path.resolve(import.meta.dirname, "../..");
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, "g"))?.length ?? 0;
const SERVING = /Invitational is serving on /;

describe("npm run start:cluster", () => {
  let pg: PrivatePostgres;
  beforeAll(async () => {
    pg = await startPrivatePostgres();
  });
  afterAll(async () => {
    await pg?.dispose();
  });

  it("starts two workers on an empty database together, replaces one that dies, and stops on SIGTERM with exit code 0", async () => {
    const admin = postgres(pg.adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database fresh");
    await admin.end();
    const url = new URL(pg.url);
    url.pathname = "/fresh";
    const port = await freePort();
    // Node with tsx's loader, as the npm script runs it, but without tsx's own parent process, so
    // the signals this test sends reach the cluster's primary itself.
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/cluster.ts"], {
      cwd: root,
      env: { ...process.env, ...productionEnv({ DATABASE_URL: url.toString(), PORT: String(port), HOST: "127.0.0.1", CLUSTER_WORKERS: "2" }) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    let exitCode: number | null | undefined;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve((exitCode = code))));
    try {
      // Both migrated the same empty database at the same moment; without the lock one fails and the cluster stops.
      await until(() => count(log, SERVING) === 2 || exitCode !== undefined);
      expect(exitCode, log).toBeUndefined();
      const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as { entries: unknown[] };
      const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
      try {
        const [applied] = await db`select count(*)::int as n from drizzle.__drizzle_migrations`;
        expect(applied!.n).toBe(journal.entries.length);
      } finally {
        await db.end();
      }
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      const worker = Number(/Worker (\d+) started/.exec(log)![1]);
      process.kill(worker, "SIGKILL");
      await until(() => count(log, SERVING) === 3);
      expect(log).toContain(`Worker ${worker} stopped (signal SIGKILL); starting another.`);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(count(log, /Stopped in \d+ ms/)).toBe(2);
    } finally {
      if (exitCode === undefined) {
        child.kill("SIGKILL");
        await exited;
      }
    }
  }, 120_000);
});
