// The one scheduler: a job runs once across processes, an overdue job runs at start, and the
// daily clean-up removes personal data after its stated period.
import { randomUUID } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase } from "@db/client";
import { emailOutbox, invitations, loginAttempts, passwordResets, scheduledJobs, sessions } from "@db/schema";
import { cleanUpPersonalData, dailyCleanUp, RETENTION_DAYS } from "~/models/clean-up.server";
import { hashToken, listInvitations } from "~/models/users.server";
import { claimJob, registerJobs, runDueJobs, startScheduler, type ScheduledJob } from "~/scheduler.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeTrainee } from "../helpers/factories";

const t = useTestDatabase();
const DAY = 24 * 60 * 60 * 1000;

function countingJob(name = "test-job"): ScheduledJob & { runs: number } {
  const job = {
    name,
    runs: 0,
    leaseMs: 60_000,
    next: (from: Date) => new Date(from.getTime() + DAY),
    async run() {
      job.runs += 1;
    },
  };
  return job;
}

describe("the scheduler", () => {
  it("runs a job that fell due while no process was running as soon as one starts", async () => {
    const job = countingJob();
    await t.db.insert(scheduledJobs).values({ name: job.name, nextRunAt: new Date(Date.now() - 3 * DAY) });
    await registerJobs(t.db, [job]);
    expect(await runDueJobs(t.db, [job])).toEqual([job.name]);
    expect(job.runs).toBe(1);
    // Not due again until the next period.
    expect(await runDueJobs(t.db, [job])).toEqual([]);
    const [row] = await t.db.select().from(scheduledJobs).where(eq(scheduledJobs.name, job.name));
    expect(row!.nextRunAt.getTime()).toBeGreaterThan(Date.now() + DAY - 60_000);
    expect(row!.leasedUntil).toBeNull();
  });

  it("keeps a job's schedule across restarts: registering again does not make it due", async () => {
    const job = countingJob();
    await registerJobs(t.db, [job]);
    await runDueJobs(t.db, [job]);
    await registerJobs(t.db, [job]);
    expect(await runDueJobs(t.db, [job])).toEqual([]);
    expect(job.runs).toBe(1);
  });

  it("runs a job once when two processes claim it at the same moment", async () => {
    const job = countingJob();
    await registerJobs(t.db, [job]);
    // On PostgreSQL the second claim comes from its own pool, as another process's would.
    const other = usingPostgres ? await openDatabase({ url: t.url!, poolSize: 4 }) : null;
    try {
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, i) => claimJob(i % 2 && other ? other.db : t.db, job)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
    } finally {
      await other?.close();
    }
  });

  it("tries a failed run again a minute later and records only the error's class", async () => {
    const failing: ScheduledJob = { ...countingJob("failing"), run: () => Promise.reject(new TypeError("secret@example.nhs.uk")) };
    await registerJobs(t.db, [failing]);
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args.join(" "));
    try {
      expect(await runDueJobs(t.db, [failing])).toEqual([]);
    } finally {
      console.error = original;
    }
    const [row] = await t.db.select().from(scheduledJobs).where(eq(scheduledJobs.name, "failing"));
    expect(row!.lastError).toBe("TypeError");
    expect(row!.nextRunAt.getTime()).toBeLessThan(Date.now() + 2 * 60_000);
    expect(errors.join("\n")).not.toContain("secret@");
  });
});

describe("a scheduler stopping (graceful shutdown)", () => {
  /** A job whose run waits until the test lets it finish. */
  function heldJob(name: string) {
    let finish!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const job: ScheduledJob = { ...countingJob(name), leaseMs: 10 * 60_000, run: () => (started(), finished) };
    return { job, running, finish };
  }

  it("a stopping scheduler went on to claim every other due job: it finishes the one it is running and claims no more", async () => {
    const held = heldJob("held");
    const next = countingJob("next");
    await registerJobs(t.db, [held.job, next]);
    const scheduler = startScheduler(t.db, [held.job, next]);
    await held.running;
    const stopped = scheduler.stop();
    held.finish();
    await stopped;
    expect(next.runs).toBe(0);
    const rows = await t.db.select().from(scheduledJobs);
    expect(rows.find((r) => r.name === "held")).toMatchObject({ leasedUntil: null });
    expect(rows.find((r) => r.name === "next")).toMatchObject({ leasedUntil: null, lastStartedAt: null });
  });

  it("a job abandoned by a stopping process was held until its lease ran out: handed back, another process runs it at once", async () => {
    const held = heldJob("abandoned");
    await registerJobs(t.db, [held.job]);
    const scheduler = startScheduler(t.db, [held.job]);
    await held.running;
    void scheduler.stop();
    expect(await scheduler.release()).toBe("abandoned");

    // Another process claims it now, not in ten minutes.
    const other = countingJob("abandoned");
    expect(await runDueJobs(t.db, [other])).toEqual(["abandoned"]);
    expect(other.runs).toBe(1);
    const taken = countingJob("abandoned");
    await t.db.update(scheduledJobs).set({ nextRunAt: new Date(Date.now() - 1000) }).where(eq(scheduledJobs.name, "abandoned"));
    expect(await claimJob(t.db, taken)).toBe(true);

    // The abandoned run ending late leaves the new claim's lease alone.
    held.finish();
    await scheduler.stop();
    const [row] = await t.db.select().from(scheduledJobs).where(eq(scheduledJobs.name, "abandoned"));
    expect(row!.leasedUntil!.getTime()).toBeGreaterThan(Date.now());
  });
});

describe("the daily clean-up (personal data is purged after its stated period)", () => {
  it("removes old sign-in attempts, ended sessions, sent e-mail and spent reset links, and keeps what is still needed", async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    const trainee = await makeTrainee(t.db);
    await t.db.insert(loginAttempts).values([
      { email: "old@example.nhs.uk", ip: "192.0.2.1", succeeded: false, createdAt: ago(RETENTION_DAYS.loginAttempts + 1) },
      { email: "recent@example.nhs.uk", ip: "192.0.2.2", succeeded: false, createdAt: ago(1) },
    ]);
    await t.db.insert(sessions).values([
      { id: "idle-ended", userId: trainee.id, expiresAt: ago(1), createdAt: ago(2) },
      { id: "too-old", userId: trainee.id, expiresAt: new Date(now.getTime() + DAY), createdAt: ago(8) },
      { id: "live", userId: trainee.id, expiresAt: new Date(now.getTime() + DAY), createdAt: ago(1) },
    ]);
    await t.db.insert(emailOutbox).values([
      { kind: "password_reset", recipientId: trainee.id, status: "sent", sentAt: ago(RETENTION_DAYS.outbox + 1) },
      { kind: "password_reset", recipientId: trainee.id, status: "sent", sentAt: ago(2) },
      { kind: "password_reset", recipientId: trainee.id, status: "pending", createdAt: ago(40) },
    ]);
    await t.db.insert(passwordResets).values([
      { userId: trainee.id, tokenHash: hashToken(randomUUID()), expiresAt: ago(2), createdAt: ago(2) },
      { userId: trainee.id, tokenHash: hashToken(randomUUID()), expiresAt: new Date(now.getTime() + 3_600_000) },
    ]);
    await t.db.insert(invitations).values([
      { email: "gone@example.nhs.uk", role: "admin", tokenHash: hashToken(randomUUID()), createdAt: ago(100), expiresAt: ago(93) },
      { email: "waiting@example.nhs.uk", role: "admin", tokenHash: hashToken(randomUUID()), createdAt: ago(10), expiresAt: ago(3) },
    ]);

    expect(await cleanUpPersonalData(t.db, now)).toEqual({ loginAttempts: 1, sessions: 2, outbox: 1, passwordResets: 1, invitations: 1, reportSnapshots: 0, cis2: 0 });
    expect((await t.db.select().from(loginAttempts)).map((r) => r.email)).toEqual(["recent@example.nhs.uk"]);
    expect((await t.db.select().from(sessions)).map((r) => r.id)).toEqual(["live"]);
    expect((await t.db.select().from(emailOutbox)).map((r) => r.status).sort()).toEqual(["pending", "sent"]);
    expect(await t.db.select().from(passwordResets)).toHaveLength(1);
    expect((await t.db.select().from(invitations)).map((r) => r.email)).toEqual(["waiting@example.nhs.uk"]);
    // A second run finds nothing more.
    expect(Object.values(await cleanUpPersonalData(t.db, now)).every((n) => n === 0)).toBe(true);
  });

  it("imported trainees whose invitation expired are stuck: the clean-up kept deleting their expired invitation, their only way in", async () => {
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY);
    // A rotation import's trainee: an account with no password, invited 100 days ago.
    const trainee = await makeTrainee(t.db, { passwordHash: null });
    await t.db.insert(invitations).values([
      { email: trainee.email, name: trainee.name, role: "trainee", userId: trainee.id, tokenHash: hashToken(randomUUID()), createdAt: ago(100), expiresAt: ago(93) },
      { email: "staff@example.nhs.uk", role: "admin", tokenHash: hashToken(randomUUID()), createdAt: ago(100), expiresAt: ago(93) },
    ]);
    expect(await cleanUpPersonalData(t.db, now)).toMatchObject({ invitations: 1 });
    // The trainee's stays, so an admin or DME can still send it again and its link can ask for a new one.
    expect((await t.db.select().from(invitations)).map((r) => r.userId)).toEqual([trainee.id]);
    expect((await listInvitations(t.db, { role: "admin" }, { who: "trainee" }, { today: "2026-11-25" })).total).toBe(1);
  });

  it("is the scheduler's daily job", async () => {
    await registerJobs(t.db, [dailyCleanUp]);
    const log = console.log;
    console.log = () => {};
    try {
      expect(await runDueJobs(t.db, [dailyCleanUp])).toEqual(["daily-clean-up"]);
    } finally {
      console.log = log;
    }
    const [row] = await t.db.select({ next: sql<Date>`${scheduledJobs.nextRunAt}` }).from(scheduledJobs);
    expect(new Date(row!.next).getTime()).toBeGreaterThan(Date.now() + DAY - 120_000);
  });
});
