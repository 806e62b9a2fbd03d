// The figures /metrics reads from the database: the outbox's backlog and its oldest due e-mail,
// the timed jobs waiting, and this process's own database connections (PostgreSQL only).
import { sql } from "drizzle-orm";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";

import { createMetrics } from "~/metrics.server";
import type { Db } from "@db/client";

import { usingPostgres, useTestDatabase } from "../helpers/db";

const t = useTestDatabase({ poolSize: 4 });
const TOKEN = "t".repeat(40);

function series(text: string, name: string, labels = ""): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  if (!line) throw new Error(`no ${name}${labels} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(" ") + 1));
}

async function scrape(db: Db, driver: "pglite" | "postgres" = usingPostgres ? "postgres" : "pglite") {
  const metrics = createMetrics({ database: { db, driver }, token: TOKEN, poolMax: 4, registry: new Registry() });
  return metrics.registry.metrics();
}

describe("the metrics read from the database", () => {
  it("count the outbox's backlog, its oldest due e-mail's age and the jobs waiting", async () => {
    await t.db.execute(sql`
      insert into email_outbox (kind, to_address, status, next_attempt_at, created_at) values
        ('password_reset', 'a@example.nhs.uk', 'pending', now() - interval '1 hour', now() - interval '2 hours'),
        ('password_reset', 'b@example.nhs.uk', 'pending', now() - interval '1 minute', now() - interval '10 minutes'),
        ('password_reset', 'c@example.nhs.uk', 'pending', now() + interval '1 hour', now() - interval '5 hours'),
        ('password_reset', 'd@example.nhs.uk', 'failed', now() - interval '1 day', now() - interval '1 day'),
        ('password_reset', 'e@example.nhs.uk', 'sent', now() - interval '1 day', now() - interval '1 day')
    `);
    await t.db.execute(sql`
      insert into scheduled_jobs (name, next_run_at, leased_until) values
        ('due-and-free', now() - interval '5 minutes', null),
        ('due-lease-ran-out', now() - interval '5 minutes', now() - interval '1 minute'),
        ('running', now() - interval '1 minute', now() + interval '5 minutes'),
        ('later', now() + interval '1 hour', null)
    `);
    const text = await scrape(t.db);
    expect(series(text, "invitational_outbox_pending")).toBe(3);
    expect(series(text, "invitational_outbox_due")).toBe(2);
    expect(series(text, "invitational_outbox_failed")).toBe(1);
    // The one queued two hours ago, not the one queued five hours ago but due only later.
    const age = series(text, "invitational_outbox_oldest_due_age_seconds");
    expect(age).toBeGreaterThanOrEqual(7200);
    expect(age).toBeLessThan(5 * 3600);
    expect(series(text, "invitational_jobs_due")).toBe(2);
    expect(series(text, "invitational_jobs_running")).toBe(1);
    expect(series(text, "invitational_database_up")).toBe(1);
  });

  it("read an empty outbox's oldest due age as 0", async () => {
    const text = await scrape(t.db);
    expect(series(text, "invitational_outbox_pending")).toBe(0);
    expect(series(text, "invitational_outbox_oldest_due_age_seconds")).toBe(0);
  });

  it("say the database could not be read (up 0, figures NaN) rather than failing the scrape", async () => {
    const broken = { execute: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })) } as unknown as Db;
    const text = await scrape(broken, "postgres");
    expect(series(text, "invitational_database_up")).toBe(0);
    expect(series(text, "invitational_outbox_pending")).toBeNaN();
    expect(series(text, "invitational_database_pool_connections", '{state="in_use"}')).toBeNaN();
    expect(series(text, "invitational_database_pool_max")).toBe(4);
  });

  it("count this process's connections in use and idle, and the pool's size, on PostgreSQL (PGlite has no pool)", async () => {
    if (!usingPostgres) {
      const text = await scrape(t.db);
      expect(text).not.toContain("invitational_database_pool");
      return;
    }
    // A transaction holds one connection while the scrape runs on another.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = t.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      holding();
      await released;
    });
    await held;
    try {
      const text = await scrape(t.db);
      expect(series(text, "invitational_database_pool_max")).toBe(4);
      expect(series(text, "invitational_database_pool_connections", '{state="in_use"}')).toBeGreaterThanOrEqual(1);
      expect(series(text, "invitational_database_pool_connections", '{state="idle"}')).toBeGreaterThanOrEqual(1);
    } finally {
      release();
      await transaction;
    }
    const after = await scrape(t.db);
    expect(series(after, "invitational_database_pool_connections", '{state="in_use"}')).toBe(0);
  });
});
