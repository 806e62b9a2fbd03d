// Forgotten passwords: a single-use link by e-mail, stored hashed, good for an hour. Using it
// sets a new password, ends every session and ends a sign-in lockout.
import { randomBytes } from "node:crypto";

import { and, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { passwordResets, users } from "@db/schema";

import { endAllSessions, recordAttempt, type ThrottleRule } from "~/auth.server";
import { hashPassword } from "~/passwords.server";

import { BY_SERVICE, recordAudit, type AuditContext } from "./audit.server";
import type { Role } from "./domain";
import { queueEmail } from "./outbox.server";
import { hashToken } from "./users.server";

export const PASSWORD_RESET_TTL_MS = 60 * 60 * 1000;

/**
 * Each request may send an e-mail, so it is limited by the address asked about (whether or
 * not it has an account, so the limit tells nothing) and by the IP address.
 */
export const RESET_REQUESTS: ThrottleRule = {
  kinds: ["reset_request"],
  perAddress: 3,
  perIp: 30,
  windowMinutes: 15,
  failuresOnly: false,
  sinceLastPasswordChange: false,
};

export const TOO_MANY_RESET_REQUESTS = `You have asked for too many links. Use the link in the email we sent, or wait ${RESET_REQUESTS.windowMinutes} minutes and ask again`;

export type ResetRequestResult =
  | {
      ok: true;
      /**
       * The account-specific work (finding the account, writing the link, queueing the
       * e-mail). The route answers without waiting for it, so the answer takes the same time
       * whether the address has an account or not. It never rejects.
       */
      sending: Promise<void>;
    }
  | { ok: false; status: 429; message: string };

export async function requestPasswordReset(
  db: Db,
  input: { email: string; ip: string; origin: string },
): Promise<ResetRequestResult> {
  const attempt = await recordAttempt(db, RESET_REQUESTS, { kind: "reset_request", email: input.email, ip: input.ip });
  if (!attempt.allowed) return { ok: false, status: 429, message: TOO_MANY_RESET_REQUESTS };
  const sending = issueResetLink(db, input.email, input.origin).catch((error: unknown) => {
    // The error's class only: the message could hold the address.
    console.error(`Password reset: the link could not be queued (${error instanceof Error ? error.name : "unknown error"})`);
  });
  return { ok: true, sending };
}

/**
 * Only an account that can sign in gets a link: not a disabled or closed one, and not an
 * imported trainee who has not set a password yet (their invitation is the way in, and a
 * mistyped address in a rotation file must not be able to take the account this way).
 */
async function issueResetLink(db: Db, email: string, origin: string): Promise<void> {
  const [user] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.email, email), isNull(users.disabledAt), isNotNull(users.passwordHash)));
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  await db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + PASSWORD_RESET_TTL_MS),
    });
    await queueEmail(tx, { kind: "password_reset", recipientId: user.id, link: `${origin.replace(/\/+$/, "")}/reset-password/${token}` });
  });
}

export const RESET_LINK_MESSAGES = {
  unknown: "This link to reset your password is not valid. Check you copied the whole link from the email, or ask for a new one",
  used: "This link to reset your password has already been used. Each link works once: ask for a new one if you need it",
  expired: "This link to reset your password has expired. Each link works for 1 hour: ask for a new one",
} as const;

export type ResetLinkProblem = keyof typeof RESET_LINK_MESSAGES;

/** Whether a reset link can still be used, for the page that asks for the new password. */
export async function findPasswordReset(db: Db, token: string): Promise<{ ok: true } | { ok: false; reason: ResetLinkProblem }> {
  const [row] = await db
    .select({
      usedAt: passwordResets.usedAt,
      expired: sql<boolean>`${passwordResets.expiresAt} <= now()`,
      active: sql<boolean>`${users.disabledAt} is null and ${users.passwordHash} is not null`,
    })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, hashToken(token)));
  if (!row || !row.active) return { ok: false, reason: "unknown" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.expired) return { ok: false, reason: "expired" };
  return { ok: true };
}

export type ResetResult = { ok: true; userId: string; role: Role } | { ok: false; status: 404 | 409 | 410; reason: ResetLinkProblem };

/**
 * Claims the link with a conditional update (so two uses at once cannot both succeed), sets
 * the password, spends every other link of the account and ends all its sessions, in one
 * transaction. password_changed_at is the database's now(): sign-in failures recorded before
 * it stop counting, so the reset ends a lockout.
 */
export async function resetPassword(db: Db, token: string, newPassword: string, audit: AuditContext = BY_SERVICE): Promise<ResetResult> {
  const passwordHash = await hashPassword(newPassword);
  const tokenHash = hashToken(token);
  return db.transaction(async (tx): Promise<ResetResult> => {
    const [claimed] = await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.tokenHash, tokenHash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
      .returning({ userId: passwordResets.userId });
    const refuse = async (): Promise<ResetResult> => {
      const lookup = await findPasswordReset(tx as unknown as Db, token);
      const reason = lookup.ok ? "used" : lookup.reason;
      return { ok: false, status: reason === "unknown" ? 404 : reason === "expired" ? 410 : 409, reason };
    };
    if (!claimed) return refuse();
    const [user] = await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(users.id, claimed.userId), isNull(users.disabledAt), isNotNull(users.passwordHash)))
      .returning({ id: users.id, role: users.role });
    if (!user) return { ok: false, status: 404, reason: "unknown" };
    await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await endAllSessions(tx, user.id);
    // The holder of the link acts as the account's owner: nobody is signed in.
    await recordAudit(tx, { ...audit, actorId: user.id, actorRole: user.role }, {
      action: "account.password_reset",
      targetType: "user",
      targetId: user.id,
      traineeId: user.role === "trainee" ? user.id : null,
    });
    return { ok: true, userId: user.id, role: user.role };
  });
}
