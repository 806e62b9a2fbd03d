// Sends the e-mail outbox: in the server process (server.ts) and as its own process
// (scripts/outbox-worker.ts). Any number of workers may run: rows are claimed with
// FOR UPDATE SKIP LOCKED, so no message goes out twice.
import { createTransport } from "nodemailer";

import type { Db } from "@db/client";

import { logError } from "~/utils/log.server";

import {
  maskEmail,
  OUTBOX_BATCH_SIZE,
  processOutboxBatch,
  type OutboxBatchOptions,
  type Sender,
} from "./outbox.server";

export const DEFAULT_MAIL_FROM = "Invitational <no-reply@invitational.nhs.uk>";
export const DEFAULT_POLL_INTERVAL_MS = 5_000;
/** The longest wait between tries while the mail server is down: a minute, so mail flows soon after it is back. */
export const DEFAULT_MAX_BACKOFF_MS = 60_000;

/** Sends through the SMTP server in the URL (smtp://user:pass@host:587, smtps://… for implicit TLS). */
export function smtpSender(url: string, from: string = DEFAULT_MAIL_FROM): Sender {
  // Short timeouts: a row stays locked while its message is being sent.
  const transport = createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  return {
    async send(email) {
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text, headers: email.headers });
    },
  };
}

/** Without a mail server: logs that a message would go out, never the full address or the body. */
export function logSender(): Sender {
  return {
    async send(email) {
      console.log(`Email to ${maskEmail(email.to)}: ${email.subject}`);
    },
  };
}

export function senderFromEnv(env: NodeJS.ProcessEnv = process.env): { sender: Sender; description: string } {
  if (env.SMTP_URL) {
    // The URL may carry a password: describe only where the mail goes.
    let host = "the SMTP server";
    try {
      host = new URL(env.SMTP_URL).host;
    } catch {
      // nodemailer reports a malformed URL on the first send
    }
    return { sender: smtpSender(env.SMTP_URL, env.MAIL_FROM || DEFAULT_MAIL_FROM), description: `SMTP via ${host}` };
  }
  return { sender: logSender(), description: "the log (SMTP_URL is not set)" };
}

export function pollIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.OUTBOX_POLL_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_POLL_INTERVAL_MS;
}

export function maxBackoffFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.OUTBOX_MAX_BACKOFF_MS);
  return Number.isFinite(ms) && ms > 0 ? ms : DEFAULT_MAX_BACKOFF_MS;
}

/**
 * The wait before the next try after `downPolls` tries in a row found the mail server down:
 * the poll interval doubled each time, at most `maxMs`, with up to 10% jitter so that several
 * workers do not knock together.
 */
export function mailServerBackoffMs(downPolls: number, intervalMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(intervalMs * 2 ** Math.max(0, downPolls - 1), Math.max(intervalMs, maxMs));
  return Math.round(base * (1 + 0.1 * random()));
}

export interface OutboxWorkerOptions extends OutboxBatchOptions {
  sender: Sender;
  intervalMs?: number;
  /** The longest wait between tries while the mail server is down (OUTBOX_MAX_BACKOFF_MS, else a minute). */
  maxBackoffMs?: number;
}

export interface OutboxWorker {
  /**
   * Stops polling; the batch in flight finishes the message it is sending and releases the
   * rows it claimed but did not reach, so another process sends them at once. Resolves then.
   */
  stop(): Promise<void>;
}

/**
 * Polls the outbox until stopped. Runs never overlap: the next poll is scheduled when one
 * ends, at once if a full batch was sent. The timer is unref'd so it never keeps a process alive.
 */
export function startOutboxWorker(db: Db, options: OutboxWorkerOptions): OutboxWorker {
  const { sender, intervalMs = DEFAULT_POLL_INTERVAL_MS, maxBackoffMs = maxBackoffFromEnv(), ...batchOptions } = options;
  const batchSize = batchOptions.batchSize ?? OUTBOX_BATCH_SIZE;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const stopping = new AbortController();
  let downPolls = 0;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = poll().finally(() => {
        running = undefined;
      });
    }, delayMs);
    timer.unref();
  };

  const poll = async () => {
    let more = false;
    let delayMs = intervalMs;
    try {
      const result = await processOutboxBatch(db, sender, { ...batchOptions, signal: stopping.signal });
      // Drain a backlog at once, but not while the mail server is refusing.
      more = result.sent === batchSize;
      if (result.retried || result.failed) {
        console.warn(`Outbox: ${result.sent} sent, ${result.retried} to retry, ${result.failed} given up`);
      }
      if (result.mailServerDown) {
        downPolls += 1;
        delayMs = mailServerBackoffMs(downPolls, intervalMs, maxBackoffMs);
        more = false;
        console.warn(`Outbox: the mail server is unavailable; ${result.sent} sent, the rest wait (next try in ${Math.round(delayMs / 1000)} s)`);
      } else {
        if (downPolls) console.log("Outbox: the mail server is available again.");
        downPolls = 0;
      }
    } catch (error) {
      logError("Outbox worker: poll failed", error);
    }
    schedule(more ? 0 : delayMs);
  };

  schedule(0);
  return {
    async stop() {
      stopped = true;
      stopping.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
