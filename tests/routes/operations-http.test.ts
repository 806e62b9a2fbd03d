// The production build over HTTP: one JSON log line per request (no address, query or personal
// data) and the Prometheus endpoint behind its token.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { usingPostgres } from "../helpers/db";
import { runServerToExit, scratchDatabase, startServer, type ScratchDatabase } from "../helpers/server";

const TOKEN = "metrics-token-for-the-test-0123456789abcdef";
let database: ScratchDatabase;
let server: Awaited<ReturnType<typeof startServer>>;
let startedAt = 0;

beforeAll(async () => {
  database = await scratchDatabase({ seeded: true });
  // A due e-mail queued two hours ago, with no worker to send it, and a job no process knows.
  await database.sql(`
    insert into email_outbox (kind, to_address, status, next_attempt_at, created_at)
      values ('password_reset', 'waiting@example.nhs.uk', 'pending', now() - interval '1 hour', now() - interval '2 hours');
    insert into scheduled_jobs (name, next_run_at) values ('no-process-runs-this', now() - interval '1 hour');
  `);
  server = await startServer({ METRICS_TOKEN: TOKEN, OUTBOX_WORKER: "off" }, { database });
  startedAt = server.output().length;
});

afterAll(async () => {
  await server?.dispose();
  await database?.dispose();
});

/** The log's request lines since start-up, parsed. */
function requestLines(): Record<string, unknown>[] {
  return server
    .output()
    .slice(startedAt)
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === "request");
}

/** Waits for a condition (the line is written when the answer is complete); the test's own timeout ends a hang. */
async function until<T>(read: () => T | undefined): Promise<T> {
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const lineFor = (requestId: string) => until(() => requestLines().find((l) => l.requestId === requestId));

describe("the request log", () => {
  it("writes one JSON line per request with its id, method, route pattern, status and duration, and no address, query or personal data", async () => {
    const requests: [string, RequestInit, string][] = [
      ["/opportunities?q=zebra-crossing-words&trust=RRK", {}, "/opportunities"],
      ["/invitations/not-a-real-token-4d2f9a", {}, "/invitations/:token"],
      ["/opportunities/00000000-0000-4000-8000-000000000000", {}, "/opportunities/:id"],
      ["/robots.txt?ref=mail", {}, "/robots.txt"],
      ["/no-such-page/at-all", {}, "/*"],
      [
        "/sign-in?redirectTo=%2Ftrainee",
        {
          method: "POST",
          body: new URLSearchParams({ email: "trainee@demo.test", password: "not-the-password-123" }),
          headers: { Origin: server.url },
          redirect: "manual",
        },
        "/sign-in",
      ],
    ];
    const answered = await Promise.all(
      requests.map(async ([address, init, route]) => {
        const res = await fetch(`${server.url}${address}`, init);
        await res.arrayBuffer();
        return { id: res.headers.get("x-request-id")!, status: res.status, route, method: init.method ?? "GET" };
      }),
    );
    for (const request of answered) {
      const line = await lineFor(request.id);
      expect(Object.keys(line)).toEqual(["time", "event", "requestId", "method", "route", "status", "durationMs"]);
      expect(line).toMatchObject({ requestId: request.id, method: request.method, route: request.route, status: request.status });
      expect(typeof line.durationMs).toBe("number");
      expect(line.durationMs).toBeGreaterThanOrEqual(0);
      expect(new Date(line.time as string).toISOString()).toBe(line.time);
      expect(requestLines().filter((l) => l.requestId === request.id)).toHaveLength(1);
    }
    const written = server.output().slice(startedAt);
    for (const secret of ["zebra-crossing-words", "not-a-real-token-4d2f9a", "00000000-0000-4000-8000-000000000000", "trainee@demo.test", "not-the-password", "redirectTo", "?"]) {
      expect(written).not.toContain(secret);
    }
  });
});

describe("/metrics", () => {
  it("answers 401 without the token or with a wrong one", async () => {
    const none = await fetch(`${server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("http_request_duration_seconds");
  });

  it("answers the series with the token: request durations by route, outbox and job backlog, the database pool", async () => {
    const page = await fetch(`${server.url}/opportunities?q=metrics-words`);
    await page.arrayBuffer();
    await lineFor(page.headers.get("x-request-id")!);
    const res = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(value(/^http_request_duration_seconds_count\{[^}]*route="\/opportunities"[^}]*status_code="200"[^}]*\} (\d+)$/m)).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/opportunities",status_code="200"\} \d+$/m);
    expect(value(/^invitational_outbox_due (\S+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^invitational_outbox_oldest_due_age_seconds (\S+)$/m)).toBeGreaterThanOrEqual(7200);
    expect(value(/^invitational_jobs_due (\S+)$/m)).toBeGreaterThanOrEqual(1);
    expect(value(/^invitational_database_up (\S+)$/m)).toBe(1);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    if (usingPostgres) {
      expect(value(/^invitational_database_pool_max (\S+)$/m)).toBe(10);
      expect(value(/^invitational_database_pool_connections\{state="idle"\} (\S+)$/m)).toBeGreaterThanOrEqual(1);
      expect(value(/^invitational_database_pool_connections\{state="in_use"\} (\S+)$/m)).toBeGreaterThanOrEqual(0);
    } else {
      expect(text).not.toContain("invitational_database_pool");
    }
    // Patterns only: no address, query or id in any label.
    expect(text).not.toContain("metrics-words");
    expect(text).not.toMatch(/route="[^"]*[?=]/);
  });

  it("does not exist without METRICS_TOKEN: the not-found page", async () => {
    const plain = await startServer();
    try {
      const res = await fetch(`${plain.url}/metrics`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain("http_request_duration_seconds");
    } finally {
      await plain.dispose();
    }
  });
});

describe("start-up settings", () => {
  it("refuses a METRICS_TOKEN short enough to guess, and a MIGRATE_ON_START that is not true or false, saying what to change", async () => {
    // Both are checked before the database is opened; the directory is never made.
    const dir = mkdtempSync(path.join(os.tmpdir(), "invitational-settings-"));
    try {
      const env = { PORT: "0", PGLITE_DATA_DIR: path.join(dir, "never"), DATABASE_URL: "" };
      const short = await runServerToExit({ ...env, METRICS_TOKEN: "guessable" });
      expect(short.code).toBe(1);
      expect(short.output).toContain("Invitational did not start: METRICS_TOKEN must be at least 32 characters");
      const migrate = await runServerToExit({ ...env, MIGRATE_ON_START: "sometimes" });
      expect(migrate.code).toBe(1);
      expect(migrate.output).toContain("Invitational did not start: MIGRATE_ON_START must be true or false");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
