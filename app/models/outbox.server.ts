import { randomUUID } from "node:crypto";

import { and, eq, inArray, isNull, sql } from "drizzle-orm";

import { queryRows, type Db, type DbOrTx } from "@db/client";
import { emailOutbox } from "@db/schema";

import { composeEmail } from "./emails.server";
import type { ReminderKind } from "./domain";
import type { Audience } from "./messages";

/** A worded message, as it goes to the mail server. */
export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** Extra headers (List-Unsubscribe on optional kinds); the sender adds its own. */
  headers?: Record<string, string>;
}

/**
 * What an e-mail is about, to whom: stored in the outbox and worded only when sent
 * (app/models/emails.server.ts). A one-time link travels as `secret` and is cleared once sent.
 */
export type EmailFact =
  | { kind: "application_event"; recipientId: string; applicationId: string; eventId: number; audience: Audience }
  | { kind: "staff_invitation"; toAddress: string; invitationId: string; link: string }
  | { kind: "trainee_invitation"; recipientId: string; invitationId: string; link: string }
  | { kind: "password_reset"; recipientId: string; link: string }
  | { kind: "round_event"; recipientId: string; roundId: string; audience: Audience; params: Record<string, string> }
  | { kind: "nudge"; recipientId: string; nudgeId: string; params?: Record<string, string> }
  | { kind: ReminderKind; recipientId: string; applicationId?: string; opportunityId?: string; roundId?: string; params: Record<string, string> };

export type EmailKind = EmailFact["kind"];

function outboxRow(fact: EmailFact) {
  switch (fact.kind) {
    case "application_event":
      return { kind: fact.kind, recipient_id: fact.recipientId, application_id: fact.applicationId, event_id: fact.eventId, params: { audience: fact.audience } };
    case "staff_invitation":
      return { kind: fact.kind, to_address: fact.toAddress, invitation_id: fact.invitationId, secret: fact.link };
    case "trainee_invitation":
      return { kind: fact.kind, recipient_id: fact.recipientId, invitation_id: fact.invitationId, secret: fact.link };
    case "password_reset":
      return { kind: fact.kind, recipient_id: fact.recipientId, secret: fact.link };
    case "round_event":
      return { kind: fact.kind, recipient_id: fact.recipientId, round_id: fact.roundId, params: { ...fact.params, audience: fact.audience } };
    case "nudge":
      return { kind: fact.kind, recipient_id: fact.recipientId, nudge_id: fact.nudgeId, params: fact.params ?? {} };
    default:
      return {
        kind: fact.kind,
        recipient_id: fact.recipientId,
        application_id: fact.applicationId ?? null,
        opportunity_id: fact.opportunityId ?? null,
        round_id: fact.roundId ?? null,
        params: fact.params,
      };
  }
}

/**
 * Writes the e-mail in the caller's transaction: it is sent only if the change that caused
 * it commits, and it survives the mail server being down.
 */
export async function queueEmail(tx: DbOrTx, email: EmailFact): Promise<void> {
  await queueEmails(tx, [email]);
}

const OUTBOX_BATCH = 1000;

/**
 * Many e-mails in the caller's transaction, a thousand rows a statement. Each batch travels
 * as one JSON parameter that PostgreSQL turns into rows: far cheaper for the client than a
 * statement per e-mail when an import invites tens of thousands of trainees.
 */
export async function queueEmails(tx: DbOrTx, emails: readonly EmailFact[]): Promise<void> {
  for (let i = 0; i < emails.length; i += OUTBOX_BATCH) {
    const batch = emails.slice(i, i + OUTBOX_BATCH).map(outboxRow);
    await tx.execute(sql`
      insert into email_outbox (kind, recipient_id, to_address, application_id, event_id, invitation_id, round_id, opportunity_id, nudge_id, params, secret)
      select v.kind, v.recipient_id, v.to_address, v.application_id, v.event_id, v.invitation_id, v.round_id, v.opportunity_id, v.nudge_id, coalesce(v.params, '{}'::jsonb), v.secret
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb)
        as v(kind text, recipient_id text, to_address text, application_id uuid, event_id bigint, invitation_id uuid, round_id uuid, opportunity_id uuid, nudge_id uuid, params jsonb, secret text)`);
  }
}

/**
 * Cancels e-mails not yet sent about an invitation (its link was replaced): a worker sending
 * one at this moment still finishes it, every later attempt is off.
 */
export async function cancelQueuedEmails(tx: DbOrTx, about: { invitationId: string }): Promise<void> {
  await tx
    .update(emailOutbox)
    .set({ status: "cancelled", secret: null })
    .where(and(eq(emailOutbox.invitationId, about.invitationId), eq(emailOutbox.status, "pending")));
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

// The mail server itself is down or refusing everyone (not this one message): the socket fails
// or times out, the TLS or authentication step fails, or it answers 421 ("service not
// available, closing transmission channel", RFC 5321 4.2). Codes are nodemailer's and Node's.
const MAIL_SERVER_DOWN_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EAUTH",
  "EPROXY",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** True when a send failed because the mail server is unavailable, so every other message would fail alike. */
export function isMailServerDown(error: unknown): boolean {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return responseCode === 421 || (typeof code === "string" && MAIL_SERVER_DOWN_CODES.has(code));
}

export interface OutboxBatchOptions {
  batchSize?: number;
  maxAttempts?: number;
  /** Stop starting new sends after this long; the rest of the batch is released for the next one. */
  timeBudgetMs?: number;
  /** How long a claim keeps other workers off a row: longer than any send can take (SMTP timeouts total 50 s). */
  leaseMs?: number;
  /** The public origin for links in messages (APP_ORIGIN). */
  origin?: string;
  /** The process is stopping: no new send starts, and the rows not reached are released at once. */
  signal?: AbortSignal;
}

export interface OutboxBatchResult {
  /** Rows claimed by this batch; a full batch means more may be waiting. */
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  /** Rows whose recipient closed their account (or invitation went) before they were sent. */
  cancelled: number;
  /**
   * The mail server was unavailable: the batch stopped at the first message, and it and the
   * rest went back to the queue as they were (due time and attempts), so an outage neither
   * uses up their attempts nor changes the order they go in. The worker waits longer each time.
   */
  mailServerDown: boolean;
}

export const OUTBOX_LEASE_MS = 5 * 60_000;

/**
 * Sends up to one batch of due e-mails, holding no transaction while it talks to the mail
 * server: on PGlite every query waits behind an open transaction, so a slow server would
 * freeze the app. Rows are claimed in one short statement (FOR UPDATE SKIP LOCKED, so two
 * workers never claim the same row) with a lease; each outcome is recorded only by the
 * holder of the lease. A worker that dies mid-send leaves its rows to be claimed again once
 * the lease has run out: delivery is at least once, never concurrent.
 */
export async function processOutboxBatch(
  db: Db,
  sender: Sender,
  options: OutboxBatchOptions = {},
): Promise<OutboxBatchResult> {
  const batchSize = options.batchSize ?? OUTBOX_BATCH_SIZE;
  const maxAttempts = options.maxAttempts ?? OUTBOX_MAX_ATTEMPTS;
  const timeBudgetMs = options.timeBudgetMs ?? 20_000;
  const leaseMs = options.leaseMs ?? OUTBOX_LEASE_MS;
  const leaseId = randomUUID();

  const due = await queryRows<{ id: number; next_attempt_at: string | Date }>(
    db,
    sql`
      update email_outbox set lease_id = ${leaseId}::uuid, attempts = attempts + 1,
        leased_until = clock_timestamp() + (${leaseMs}::double precision * interval '1 millisecond')
      where id in (
        select id from email_outbox
        where status = 'pending' and next_attempt_at <= now() and (leased_until is null or leased_until < now())
        order by next_attempt_at, id
        limit ${batchSize}
        for update skip locked)
      returning id, next_attempt_at`,
  );
  // Sent in order of due time (RETURNING keeps no order), as they were claimed.
  const ids = due
    .map((r) => ({ id: Number(r.id), due: new Date(r.next_attempt_at).getTime() }))
    .sort((a, b) => a.due - b.due || a.id - b.id)
    .map((r) => r.id);
  const result: OutboxBatchResult = { claimed: ids.length, sent: 0, retried: 0, failed: 0, cancelled: 0, mailServerDown: false };
  if (!ids.length) return result;
  const mine = (id: number) => and(eq(emailOutbox.id, id), eq(emailOutbox.leaseId, leaseId));
  const released = { leaseId: null, leasedUntil: null };

  const started = Date.now();
  for (const [index, id] of ids.entries()) {
    if (options.signal?.aborted || Date.now() - started > timeBudgetMs) {
      // Not reached: back to the queue as it was, for the next batch (or another process, now
      // rather than when the lease runs out).
      await db
        .update(emailOutbox)
        .set({ ...released, attempts: sql`${emailOutbox.attempts} - 1` })
        .where(and(inArray(emailOutbox.id, ids.slice(index)), eq(emailOutbox.leaseId, leaseId)));
      break;
    }
    const [row] = await db.select().from(emailOutbox).where(mine(id));
    if (!row) continue;
    const email = await composeEmail(db, row, { origin: options.origin ?? "" });
    if (!email) {
      await db.update(emailOutbox).set({ ...released, status: "cancelled", secret: null }).where(mine(id));
      result.cancelled += 1;
      continue;
    }
    try {
      await sender.send(email);
    } catch (error) {
      if (isMailServerDown(error)) {
        await db
          .update(emailOutbox)
          .set({ ...released, attempts: sql`${emailOutbox.attempts} - 1` })
          .where(and(inArray(emailOutbox.id, ids.slice(index)), eq(emailOutbox.leaseId, leaseId)));
        await db.update(emailOutbox).set({ lastError: safeErrorMessage(error) }).where(and(eq(emailOutbox.id, id), isNull(emailOutbox.leaseId)));
        result.mailServerDown = true;
        break;
      }
      const giveUp = row.attempts >= maxAttempts;
      await db
        .update(emailOutbox)
        .set({
          ...released,
          lastError: safeErrorMessage(error),
          ...(giveUp
            ? { status: "failed" as const, secret: null }
            : { nextAttemptAt: sql`clock_timestamp() + (${retryDelayMs(row.attempts)}::double precision * interval '1 millisecond')` }),
        })
        .where(mine(id));
      result[giveUp ? "failed" : "retried"] += 1;
      continue;
    }
    await db.update(emailOutbox).set({ ...released, status: "sent", sentAt: sql`clock_timestamp()`, secret: null }).where(mine(id));
    result.sent += 1;
  }
  return result;
}
