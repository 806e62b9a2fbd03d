import { and, asc, eq, lte, sql } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { emailOutbox } from "@db/schema";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Writes the e-mail in the caller's transaction: it is sent only if the change that caused
 * it commits, and it survives the mail server being down.
 */
export async function queueEmail(tx: DbOrTx, email: OutgoingEmail): Promise<void> {
  await queueEmails(tx, [email]);
}

const OUTBOX_BATCH = 1000;

/**
 * Many e-mails in the caller's transaction, a thousand rows a statement. Each batch travels
 * as one JSON parameter that PostgreSQL turns into rows: far cheaper for the client than a
 * statement per e-mail when an import invites tens of thousands of trainees.
 */
export async function queueEmails(tx: DbOrTx, emails: readonly OutgoingEmail[]): Promise<void> {
  for (let i = 0; i < emails.length; i += OUTBOX_BATCH) {
    const batch = emails.slice(i, i + OUTBOX_BATCH);
    await tx.execute(sql`
      insert into email_outbox (to_address, subject, text_body)
      select v.to, v.subject, v.text
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as v("to" text, subject text, text text)`);
  }
}

/** "p***@example.nhs.uk": enough to tell messages apart in a log, not enough to identify anyone. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${address[0]}***${address.slice(at)}`;
}

/** Delivers one message; rejects when the mail server refuses it or cannot be reached. */
export interface Sender {
  send(email: OutgoingEmail): Promise<void>;
}

export const OUTBOX_BATCH_SIZE = 10;
export const OUTBOX_MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 60 * 60_000;
const MAX_ERROR_LENGTH = 300;

/** Wait after the given number of failed attempts: 30 s, 1 min, 2 min … at most 1 h, plus up to 10% jitter. */
export function retryDelayMs(failedAttempts: number, random: () => number = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failedAttempts - 1), LONGEST_RETRY_MS);
  return Math.round(base * (1 + 0.1 * random()));
}

/**
 * An error's message fit for a log or the last_error column: mail servers often quote the
 * recipient ("550 <jo@x.nhs.uk>: no such user"), so addresses are masked, and it is cut short.
 */
export function safeErrorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : "unknown error";
  return message
    .replace(/[^\s<>()[\]"',;:]+@[^\s<>()[\]"',;:]+/g, (address) => maskEmail(address))
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_ERROR_LENGTH);
}

export interface OutboxBatchOptions {
  batchSize?: number;
  maxAttempts?: number;
  /** Stop starting new sends after this long, so the row locks (and, on PGlite, the database) are not held for long. */
  timeBudgetMs?: number;
}

export interface OutboxBatchResult {
  /** Rows locked by this batch; a full batch means more may be waiting. */
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
}

/**
 * Sends up to one batch of due e-mails. The rows are claimed with FOR UPDATE SKIP LOCKED and
 * stay locked until each is marked, in the same transaction, so a second worker skips them
 * instead of sending them again. If the commit itself fails after a send, that message is
 * sent again later: delivery is at least once, never concurrent.
 */
export async function processOutboxBatch(
  db: Db,
  sender: Sender,
  options: OutboxBatchOptions = {},
): Promise<OutboxBatchResult> {
  const batchSize = options.batchSize ?? OUTBOX_BATCH_SIZE;
  const maxAttempts = options.maxAttempts ?? OUTBOX_MAX_ATTEMPTS;
  const timeBudgetMs = options.timeBudgetMs ?? 20_000;

  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.status, "pending"), lte(emailOutbox.nextAttemptAt, sql`now()`)))
      .orderBy(asc(emailOutbox.nextAttemptAt), asc(emailOutbox.id))
      .limit(batchSize)
      .for("update", { skipLocked: true });

    const result: OutboxBatchResult = { claimed: due.length, sent: 0, retried: 0, failed: 0 };
    const started = Date.now();
    for (const row of due) {
      // Rows not reached are released unchanged at commit, for the next batch.
      if (Date.now() - started > timeBudgetMs) break;
      try {
        await sender.send({ to: row.toAddress, subject: row.subject, text: row.textBody });
      } catch (error) {
        const attempts = row.attempts + 1;
        const giveUp = attempts >= maxAttempts;
        await tx
          .update(emailOutbox)
          .set({
            attempts,
            lastError: safeErrorMessage(error),
            ...(giveUp
              ? { status: "failed" as const }
              : {
                  nextAttemptAt: sql`clock_timestamp() + (${retryDelayMs(attempts)}::double precision * interval '1 millisecond')`,
                }),
          })
          .where(eq(emailOutbox.id, row.id));
        result[giveUp ? "failed" : "retried"] += 1;
        continue;
      }
      await tx
        .update(emailOutbox)
        .set({ status: "sent", sentAt: sql`clock_timestamp()`, attempts: row.attempts + 1 })
        .where(eq(emailOutbox.id, row.id));
      result.sent += 1;
    }
    return result;
  });
}
