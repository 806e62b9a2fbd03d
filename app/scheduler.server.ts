// The one scheduler for timed work. Each job has a row in scheduled_jobs; a process runs a job
// only after claiming that row with a lease in one UPDATE, so with two app processes a job runs
// once, and a job that fell due while every process was down runs as soon as one starts.
import { and, eq, isNull, lt, lte, or, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { scheduledJobs } from "@db/schema";

import { logError } from "./utils/log.server";

export interface ScheduledJob {
  /** The job's key: unique across the service. */
  name: string;
  /** The next run after one that started at `from`. */
  next(from: Date): Date;
  /** Longer than a run can take: another process may take the job over after this. */
  leaseMs: number;
  run(db: Db, now: Date): Promise<void>;
}

/** Adds the jobs' rows, due at once, unless they are there already (kept across restarts). */
export async function registerJobs(db: Db, jobs: readonly ScheduledJob[], now: Date = new Date()): Promise<void> {
  if (!jobs.length) return;
  await db
    .insert(scheduledJobs)
    .values(jobs.map((j) => ({ name: j.name, nextRunAt: now })))
    .onConflictDoNothing({ target: scheduledJobs.name });
}

/** Claims the job if it is due and nobody holds it; true when this caller must run it. */
export async function claimJob(db: Db, job: ScheduledJob, now: Date = new Date()): Promise<boolean> {
  const claimed = await db
    .update(scheduledJobs)
    .set({ leasedUntil: new Date(now.getTime() + job.leaseMs), lastStartedAt: now, nextRunAt: job.next(now) })
    .where(
      and(
        eq(scheduledJobs.name, job.name),
        lte(scheduledJobs.nextRunAt, now),
        or(isNull(scheduledJobs.leasedUntil), lt(scheduledJobs.leasedUntil, now)),
      ),
    )
    .returning({ name: scheduledJobs.name });
  return claimed.length > 0;
}

/** The job this process is running now, and when it claimed it (its claim's mark in the row). */
export interface RunningJob {
  name: string;
  startedAt: Date;
}

/**
 * Gives back the claim on a job whose run is being abandoned (the process is stopping and the
 * run did not end in time): due again at once, so another process takes it up now rather than
 * when the lease runs out. Only this claim's row (its start time), never a later claim's.
 * The jobs are written to be run again safely (a round is closed under its row lock, a reminder
 * once by its key), and the abandoned run's open transaction is rolled back as its connection closes.
 */
export async function releaseJob(db: Db, running: RunningJob): Promise<boolean> {
  const released = await db
    .update(scheduledJobs)
    .set({ leasedUntil: null, nextRunAt: running.startedAt })
    .where(and(eq(scheduledJobs.name, running.name), eq(scheduledJobs.lastStartedAt, running.startedAt)))
    .returning({ name: scheduledJobs.name });
  return released.length > 0;
}

/**
 * Runs every due job this process can claim, one after another, until `signal` says the process
 * is stopping (no job is claimed after that). Returns the names it ran.
 */
export async function runDueJobs(
  db: Db,
  jobs: readonly ScheduledJob[],
  now: () => Date = () => new Date(),
  options: { signal?: AbortSignal; /** Told of each job as it starts, and null when it has finished. */
    onRunning?: (job: RunningJob | null) => void } = {},
): Promise<string[]> {
  const ran: string[] = [];
  for (const job of jobs) {
    if (options.signal?.aborted) break;
    const startedAt = now();
    if (!(await claimJob(db, job, startedAt))) continue;
    let failure: string | null = null;
    options.onRunning?.({ name: job.name, startedAt });
    try {
      try {
        await job.run(db, startedAt);
        ran.push(job.name);
      } catch (error) {
        failure = error instanceof Error ? error.constructor.name : "Error";
        logError(`Scheduled job ${job.name} failed`, error);
        // A failed run is tried again at the next tick, not a whole period later.
      }
      await db
        .update(scheduledJobs)
        .set({
          leasedUntil: null,
          lastFinishedAt: sql`clock_timestamp()`,
          lastError: failure,
          ...(failure ? { nextRunAt: new Date(startedAt.getTime() + 60_000) } : {}),
        })
        // This claim's row only: once released by a stopping process, the job may be another's.
        .where(and(eq(scheduledJobs.name, job.name), eq(scheduledJobs.lastStartedAt, startedAt)));
    } finally {
      options.onRunning?.(null);
    }
  }
  return ran;
}

export interface Scheduler {
  /** Claims no more jobs; resolves when the job running now (if any) has finished. */
  stop(): Promise<void>;
  /**
   * For a process that cannot wait any longer: gives back the claim on the job still running
   * (see releaseJob). Returns its name, or null when none was running.
   */
  release(): Promise<string | null>;
}

/** Checks for due jobs every `tickMs` (at once on start). Ticks never overlap; the timer is unref'd. */
export function startScheduler(db: Db, jobs: readonly ScheduledJob[], options: { tickMs?: number } = {}): Scheduler {
  const tickMs = options.tickMs ?? 60_000;
  const stopping = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let current: RunningJob | null = null;
  let registered = false;
  const tick = async () => {
    try {
      if (!registered) {
        await registerJobs(db, jobs);
        registered = true;
      }
      await runDueJobs(db, jobs, undefined, { signal: stopping.signal, onRunning: (job) => (current = job) });
    } catch (error) {
      logError("Scheduler tick failed", error);
    }
    if (!stopping.signal.aborted) {
      timer = setTimeout(() => void (running = tick()), tickMs);
      timer.unref();
    }
  };
  running = tick();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
    async release() {
      const job = current;
      if (!job) return null;
      return (await releaseJob(db, job)) ? job.name : null;
    },
  };
}
