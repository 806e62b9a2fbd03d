// Prometheus metrics at /metrics (docs/production.md, "Metrics"), with prom-client: how long
// requests take by route, the e-mail outbox's backlog and its oldest due message, the timed
// jobs waiting to run, and the database connections this process holds. Only when
// METRICS_TOKEN is set; without it the address does not exist. Figures only: no label carries
// an address, a query, an id or anything about a person.
import { createHash, timingSafeEqual } from "node:crypto";

import { sql } from "drizzle-orm";
import type express from "express";
import { collectDefaultMetrics, Gauge, Histogram, register as globalRegistry, type Registry } from "prom-client";

import { APPLICATION_NAME, databaseOptionsFromEnv, queryRows, type Database, type Db } from "@db/client";

import { SettingError } from "./utils/env.server";
import { logError } from "./utils/log.server";

/** A token an operator could guess or brute-force over the network is refused at start-up. */
export const METRICS_TOKEN_MIN_LENGTH = 32;
/** A scrape never waits longer than this for the database; the figures then read NaN. */
const DATABASE_READ_TIMEOUT_MS = 2_000;
/** One database read serves all the gauges of one scrape. */
const READ_REUSE_MS = 1_000;
// Pages answer in milliseconds; reports and imports may take up to their 60 s statement timeout.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** METRICS_TOKEN: unset means no /metrics; a short one stops start-up. */
export function metricsTokenFromEnv(value: string | undefined): string | null {
  if (value === undefined || value === "") return null;
  if (value.length < METRICS_TOKEN_MIN_LENGTH) {
    throw new SettingError(
      `METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters (for example the output of \`openssl rand -hex 32\`), or unset to turn /metrics off.`,
    );
  }
  return value;
}

interface DatabaseState {
  outboxPending: number;
  outboxDue: number;
  outboxFailed: number;
  outboxOldestDueAgeSeconds: number;
  jobsDue: number;
  jobsRunning: number;
  poolInUse: number | null;
  poolIdle: number | null;
}

const UNREAD: DatabaseState = {
  outboxPending: NaN,
  outboxDue: NaN,
  outboxFailed: NaN,
  outboxOldestDueAgeSeconds: NaN,
  jobsDue: NaN,
  jobsRunning: NaN,
  poolInUse: NaN,
  poolIdle: NaN,
};

async function readDatabaseState(db: Db, driver: "pglite" | "postgres"): Promise<DatabaseState> {
  const [queues] = await queryRows<Record<string, string | number | null>>(
    db,
    sql`
      select
        (select count(*) from email_outbox where status = 'pending') as outbox_pending,
        (select count(*) from email_outbox where status = 'pending' and next_attempt_at <= now()) as outbox_due,
        (select count(*) from email_outbox where status = 'failed') as outbox_failed,
        -- Since it was queued: a retried message keeps its age, its next attempt moves on.
        (select coalesce(extract(epoch from now() - min(created_at)), 0)
           from email_outbox where status = 'pending' and next_attempt_at <= now()) as outbox_oldest_due_age,
        (select count(*) from scheduled_jobs
           where next_run_at <= now() and (leased_until is null or leased_until < now())) as jobs_due,
        (select count(*) from scheduled_jobs where leased_until >= now()) as jobs_running
    `,
  );
  let poolInUse: number | null = null;
  let poolIdle: number | null = null;
  if (driver === "postgres") {
    // postgres.js does not expose its pool, so the server is asked about this process's own
    // connections (each process names its connections uniquely, db/client.ts). The connection
    // running this query would be idle but for the scrape, so it is counted as idle.
    const [pool] = await queryRows<{ in_use: string | number; idle: string | number }>(
      db,
      sql`
        select
          count(*) filter (where state <> 'idle' and pid <> pg_backend_pid()) as in_use,
          count(*) filter (where state = 'idle' or pid = pg_backend_pid()) as idle
        from pg_stat_activity
        where application_name = ${APPLICATION_NAME} and datname = current_database()
      `,
    );
    poolInUse = Number(pool?.in_use ?? 0);
    poolIdle = Number(pool?.idle ?? 0);
  }
  return {
    outboxPending: Number(queues?.outbox_pending ?? 0),
    outboxDue: Number(queues?.outbox_due ?? 0),
    outboxFailed: Number(queues?.outbox_failed ?? 0),
    outboxOldestDueAgeSeconds: Number(queues?.outbox_oldest_due_age ?? 0),
    jobsDue: Number(queues?.jobs_due ?? 0),
    jobsRunning: Number(queues?.jobs_running ?? 0),
    poolInUse,
    poolIdle,
  };
}

export interface MetricsOptions {
  database: Pick<Database, "db" | "driver">;
  /** The pool's size; DATABASE_POOL_SIZE (as db/client.ts reads it) unless given. */
  poolMax?: number;
  token: string;
  /**
   * The process's default registry unless given: prom-client's cluster support
   * (AggregatorRegistry in a cluster's primary) reads the workers' default registries.
   */
  registry?: Registry;
}

export interface Metrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** The /metrics handler: 401 without the right bearer token. */
  handle(req: express.Request, res: express.Response): void;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

export function createMetrics(options: MetricsOptions): Metrics {
  const registry = options.registry ?? globalRegistry;
  const { db, driver } = options.database;
  const fromEnv = databaseOptionsFromEnv();
  const poolMax = options.poolMax ?? ("url" in fromEnv ? (fromEnv.poolSize ?? 10) : 1);
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const durations = new Histogram({
    name: "http_request_duration_seconds",
    help: "Time from a request's arrival to the end of its answer, by method, route pattern and status.",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });

  let reading: { at: number; state: Promise<DatabaseState> } | null = null;
  let up = 1;
  const state = (): Promise<DatabaseState> => {
    const now = Date.now();
    if (reading && now - reading.at < READ_REUSE_MS) return reading.state;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("database read timed out")), DATABASE_READ_TIMEOUT_MS);
      timer.unref();
    });
    const read = Promise.race([readDatabaseState(db, driver), timeout])
      .then((s) => {
        up = 1;
        return s;
      })
      .catch(() => {
        up = 0;
        return UNREAD;
      })
      .finally(() => clearTimeout(timer));
    reading = { at: now, state: read };
    return read;
  };

  // The queues are the database's, the same whichever process is asked: a cluster's sum of
  // its workers' answers would count them once per worker, so they aggregate by "max".
  const shared = (name: string, help: string, pick: (s: DatabaseState) => number) =>
    new Gauge({
      name,
      help,
      registers,
      aggregator: "max",
      async collect() {
        this.set(pick(await state()));
      },
    });
  shared("invitational_outbox_pending", "E-mails waiting in the outbox (due now or later).", (s) => s.outboxPending);
  shared("invitational_outbox_due", "E-mails in the outbox due to be sent now.", (s) => s.outboxDue);
  shared("invitational_outbox_failed", "E-mails the outbox gave up on (kept 30 days).", (s) => s.outboxFailed);
  shared(
    "invitational_outbox_oldest_due_age_seconds",
    "How long the oldest e-mail due now has been in the outbox; 0 when none is due.",
    (s) => s.outboxOldestDueAgeSeconds,
  );
  shared("invitational_jobs_due", "Timed jobs due to run that no process is running.", (s) => s.jobsDue);
  shared("invitational_jobs_running", "Timed jobs a process holds the lease of now.", (s) => s.jobsRunning);
  new Gauge({
    name: "invitational_database_up",
    help: "1 when this scrape could read the database, 0 when it could not (the database figures then read NaN).",
    registers,
    aggregator: "min",
    async collect() {
      await state();
      this.set(up);
    },
  });

  if (driver === "postgres") {
    new Gauge({
      name: "invitational_database_pool_connections",
      help: "This process's open database connections, in use (a query or transaction) or idle.",
      labelNames: ["state"] as const,
      registers,
      async collect() {
        const s = await state();
        this.set({ state: "in_use" }, s.poolInUse ?? NaN);
        this.set({ state: "idle" }, s.poolIdle ?? NaN);
      },
    });
    new Gauge({
      name: "invitational_database_pool_max",
      help: "The most database connections this process opens (DATABASE_POOL_SIZE).",
      registers,
      collect() {
        this.set(poolMax);
      },
    });
  }

  const expected = digest(options.token);
  return {
    registry,
    observeRequest(method, route, status, seconds) {
      durations.observe({ method, route, status_code: String(status) }, seconds);
    },
    handle(req, res) {
      const header = req.get("authorization") ?? "";
      const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? "";
      // Compared as digests: equal lengths, and no early exit telling how much was right.
      if (!timingSafeEqual(digest(given), expected)) {
        res.status(401).set("WWW-Authenticate", 'Bearer realm="metrics"').type("text/plain").send("A valid metrics token is needed.");
        return;
      }
      registry
        .metrics()
        .then((text) => res.set("Content-Type", registry.contentType).end(text))
        .catch((error: unknown) => {
          logError("Metrics could not be collected", error, { method: req.method, route: "/metrics" });
          res.status(500).type("text/plain").send("The metrics could not be collected.");
        });
    },
  };
}
