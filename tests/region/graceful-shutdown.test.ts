// SIGTERM on a production app process: the request in progress finishes, the outbox and the
// scheduler hand back what they claimed, the process exits 0, and a second process then does
// that work at once, without waiting for a lease to run out. On a PostgreSQL server of the test's
// own, whose locks the test holds to make a request and a job slow at the moment it chooses.
import type { AddressInfo } from "node:net";

import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openDatabase, queryRows, type Database } from "../../db/client";
import { allocationRounds, emailOutbox, scheduledJobs } from "../../db/schema";
import { queueEmail } from "../../app/models/outbox.server";

import { makeOpportunity, makeRound, makeRoundChoice, makeTrainee, makeTrust, TEST_PASSWORD } from "../helpers/factories";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";
import { getPage, privateDatabase, productionEnv, PUBLIC_ORIGIN, signInCookie } from "../helpers/region";
import { startServer } from "../helpers/server";
import { until } from "../helpers/until";


/** An SMTP server that keeps each message, and holds its answer to the first one until let go. */
async function holdingMailSink() {
  const received: string[] = [];
  let held: (() => void) | null = null;
  let letGo: () => void = () => {};
  const gate = new Promise<void>((resolve) => (letGo = resolve));
  let first = true;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      stream.resume();
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(",");
        if (!first) {
          received.push(to);
          return callback();
        }
        first = false;
        held = () => {
          received.push(to);
          callback();
        };
        void gate.then(held);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    received,
    get holding() {
      return held !== null;
    },
    letGo,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  };
}

/** A transaction of the test's own, holding a lock until it is ended. */
async function holdLock(url: string, table: string) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  await client.unsafe("begin");
  await client.unsafe(`lock table ${table} in access exclusive mode`);
  return {
    async release() {
      await client.unsafe("commit");
      await client.end();
    },
  };
}

describe("graceful shutdown", () => {
  let pg: PrivatePostgres;
  let database: Database;
  let sink: Awaited<ReturnType<typeof holdingMailSink>>;

  beforeAll(async () => {
    [pg, sink] = await Promise.all([startPrivatePostgres(), holdingMailSink()]);
    database = await openDatabase({ url: pg.url, poolSize: 2 });
  });
  afterAll(async () => {
    await database?.close();
    await sink?.close();
    await pg?.dispose();
  });

  it("lets a slow request finish with 200 after SIGTERM, hands back its e-mails and its job, exits 0, and a second process then sends and runs them", async () => {
    const db = database.db;
    const external = privateDatabase(pg);
    // The job and the request wait on the test's locks for as long as the test needs, which on a
    // busy machine is longer than a page's 5 s statement limit (slow-database.test.ts is about that).
    const env = productionEnv({ SMTP_URL: sink.url, OUTBOX_POLL_MS: "100", DATABASE_STATEMENT_TIMEOUT_MS: "120000" });

    const trainee = await makeTrainee(db);
    const trust = await makeTrust(db);
    const opportunityId = await makeOpportunity(db, trust.id, { seats: "1" });
    const round = await makeRound(db, { trustId: trust.id, opportunityIds: [opportunityId], opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() - 60_000) });
    await makeRoundChoice(db, { roundId: round.id, traineeId: trainee.id, opportunityId });
    const recipients = [await makeTrainee(db), await makeTrainee(db), await makeTrainee(db)];
    for (const r of recipients) await queueEmail(db, { kind: "password_reset", recipientId: r.id, link: `${PUBLIC_ORIGIN}/reset-password/test-${r.id}` });

    // The round's close is due; held up by this lock, the scheduler's job is still running at SIGTERM.
    const roundsLock = await holdLock(pg.url, "allocation_rounds");
    const first = await startServer(env, { database: external });
    let exitCode: number | null | undefined;
    try {
      await until(() => sink.holding);
      await until(async () => {
        const [job] = await db.select({ leasedUntil: scheduledJobs.leasedUntil }).from(scheduledJobs).where(eq(scheduledJobs.name, "close-rounds"));
        return job?.leasedUntil && job.leasedUntil > new Date();
      });

      const cookie = await signInCookie(first.url, trainee.email, TEST_PASSWORD);

      // The request waits on the sessions table, the first thing the server reads for it.
      const sessionsLock = await holdLock(pg.url, "sessions");
      const slow = getPage(first.url, "/account/password", cookie);
      await until(async () => {
        const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%from "sessions"%'`);
        return rows[0]!.n > 0;
      });

      const exited = first.stop();
      void exited.then((code) => (exitCode = code));
      await until(() => first.output().includes("SIGTERM: stopping"));
      // No new connection is taken once stopping, while the request above is still in progress.
      await until(() => fetch(`${first.url}/healthz`).then(() => false, () => true));
      expect(exitCode).toBeUndefined();

      await sessionsLock.release();
      const answer = await slow;
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain("Change your password");

      // The message being sent at SIGTERM is finished; the two the worker claimed but had not reached are handed back.
      sink.letGo();
      expect(await exited).toBe(0);
      expect(first.output()).toContain("the job close-rounds was handed back");
    } finally {
      if (exitCode === undefined) await first.stop();
      await roundsLock.release().catch(() => undefined);
    }

    const outbox = await db
      .select({ status: emailOutbox.status, leaseId: emailOutbox.leaseId, leasedUntil: emailOutbox.leasedUntil, attempts: emailOutbox.attempts })
      .from(emailOutbox)
      .orderBy(emailOutbox.id);
    expect(outbox.map((r) => r.status)).toEqual(["sent", "pending", "pending"]);
    expect(outbox.slice(1)).toEqual([
      { status: "pending", leaseId: null, leasedUntil: null, attempts: 0 },
      { status: "pending", leaseId: null, leasedUntil: null, attempts: 0 },
    ]);
    const [job] = await db.select().from(scheduledJobs).where(eq(scheduledJobs.name, "close-rounds"));
    expect(job!.leasedUntil).toBeNull();
    expect(job!.nextRunAt.getTime()).toBeLessThanOrEqual(Date.now());
    const [stillOpen] = await db.select({ status: allocationRounds.status }).from(allocationRounds).where(eq(allocationRounds.id, round.id));
    expect(stillOpen!.status).toBe("open");

    // The leases would hold the work for 5 and 10 minutes: handed back, a new process does it as it starts.
    const second = await startServer(env, { database: external });
    try {
      await until(async () => {
        const [r] = await db.select({ status: allocationRounds.status }).from(allocationRounds).where(eq(allocationRounds.id, round.id));
        return r!.status === "allocated";
      });
      await until(async () => {
        const pending = await db.select({ id: emailOutbox.id }).from(emailOutbox).where(eq(emailOutbox.status, "pending"));
        return pending.length === 0;
      });
      expect(sink.received.filter((to) => recipients.some((r) => r.email === to)).sort()).toEqual(recipients.map((r) => r.email).sort());
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);
});
