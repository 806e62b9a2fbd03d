// Stopping the server process on SIGTERM (systemd, the cluster's primary, a deploy) or SIGINT:
// it stops taking connections, lets the requests in progress finish, stops the outbox and the
// scheduler so that they hand back the work they claimed, closes the database and exits 0, all
// within SHUTDOWN_TIMEOUT_MS (10 s unless set). Another process picks the work up at once
// instead of after a lease has run out.
import type { Server } from "node:http";

import { SettingError } from "./utils/env.server";
import { logError } from "./utils/log.server";

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** Kept back at the end of the timeout for handing back a job's claim and closing the database. */
export const SHUTDOWN_CLOSING_MS = 1_000;

export function shutdownTimeoutFromEnv(env: Record<string, string | undefined> = process.env): number {
  const value = env.SHUTDOWN_TIMEOUT_MS;
  if (value === undefined || value === "") return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 2 * SHUTDOWN_CLOSING_MS) {
    throw new SettingError(`SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds, at least ${2 * SHUTDOWN_CLOSING_MS}; it is "${value}".`);
  }
  return ms;
}

export interface ShutdownParts {
  server: Server;
  /** The outbox worker and the scheduler: stop() claims no more work and resolves when the work in hand is done. */
  workers: readonly { stop(): Promise<void> }[];
  /** Gives back the claim on a scheduled job still running when time is up; its name, or null. */
  releaseRunningJob(): Promise<string | null>;
  closeDatabase(): Promise<void>;
  timeoutMs: number;
  exit?: (code: number) => void;
}

/** True when the promise settled within `ms`, false when the time ran out first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, ms))));
  const settled = promise.then(
    () => true,
    (error: unknown) => {
      logError("Stopping: a part did not stop cleanly", error);
      return true;
    },
  );
  try {
    return await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Stops the process gracefully; `stop` is idempotent (a second signal while stopping is ignored). */
export function gracefulShutdown(parts: ShutdownParts): (signal: string) => Promise<void> {
  const exit = parts.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<void> | undefined;
  const run = async (signal: string) => {
    const startedAt = Date.now();
    const left = () => parts.timeoutMs - (Date.now() - startedAt);
    console.log(`${signal}: stopping. No new connections; requests in progress have ${Math.round((parts.timeoutMs - SHUTDOWN_CLOSING_MS) / 1000)} s to finish.`);

    // A request arriving on a connection kept alive is still answered, then its connection closed.
    parts.server.prependListener("request", (_req, res) => {
      if (!res.headersSent) res.setHeader("Connection", "close");
    });
    const closed = new Promise<void>((resolve) => parts.server.close(() => resolve()));
    // close() waits for every connection to end, and an idle kept-alive one would wait for the
    // client's next request: each is closed as soon as its request in progress has been answered.
    parts.server.closeIdleConnections();
    const closingIdle = setInterval(() => parts.server.closeIdleConnections(), 100);
    const workersStopped = Promise.all(parts.workers.map((w) => w.stop()));

    const finished = await settledWithin(Promise.all([closed, workersStopped]), left() - SHUTDOWN_CLOSING_MS);
    clearInterval(closingIdle);
    if (!finished) {
      parts.server.closeAllConnections();
      let released: string | null = null;
      await settledWithin(
        parts.releaseRunningJob().then((name) => (released = name)),
        left() / 2,
      );
      console.warn(
        `Stopping: time is up; connections still open were closed${released ? `, and the job ${released} was handed back to run again` : ""}.`,
      );
    }
    await settledWithin(parts.closeDatabase(), left());
    console.log(`Stopped in ${Date.now() - startedAt} ms.`);
    exit(0);
  };
  return (signal: string) => (stopping ??= run(signal));
}
