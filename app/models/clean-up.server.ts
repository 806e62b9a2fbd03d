// The daily clean-up: personal data kept only as long as it is needed (README, "What is kept").
import { and, isNotNull, isNull, lt, or, inArray, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { emailOutbox, invitations, loginAttempts, oidcLogoutTokens, oidcSignInStates, passwordResets, sessions } from "@db/schema";

import type { ScheduledJob } from "~/scheduler.server";

import { deleteOldReportSnapshots } from "./measures.server";

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long each kind of row is kept, in days, and why (the README repeats these). */
export const RETENTION_DAYS = {
  /** Sign-in attempts (e-mail address, IP address): throttling needs 15 minutes; 30 days lets an attack be investigated. */
  loginAttempts: 30,
  /** E-mail that was sent, given up or cancelled: 30 days to answer "did my e-mail go?". Bodies are never stored. */
  outbox: 30,
  /** Password-reset links: each works for 1 hour; kept a day after, then gone. */
  passwordResets: 1,
  /** Invitations used, or staff invitations expired: 90 days, so an expired link can still offer a new one for a while. An imported trainee's unused invitation stays while the account does. */
  invitations: 90,
} as const;

export interface CleanUpCounts {
  loginAttempts: number;
  sessions: number;
  outbox: number;
  passwordResets: number;
  invitations: number;
  /** Cached report figures computed more than a day ago (never read after 10 minutes). */
  reportSnapshots: number;
  /** NHS CIS2 sign-ins started (each lasts 10 minutes) and back-channel logout tokens past their expiry. */
  cis2: number;
}

const before = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

export async function cleanUpPersonalData(db: Db, now: Date = new Date()): Promise<CleanUpCounts> {
  return db.transaction(async (tx) => {
    const attempts = await tx
      .delete(loginAttempts)
      .where(lt(loginAttempts.createdAt, before(now, RETENTION_DAYS.loginAttempts)))
      .returning({ id: loginAttempts.id });
    // Ended by idle time (lucia's expiry) or by the 7-day limit on any session.
    const ended = await tx
      .delete(sessions)
      .where(or(lt(sessions.expiresAt, now), lt(sessions.createdAt, before(now, 7))))
      .returning({ id: sessions.id });
    const mail = await tx
      .delete(emailOutbox)
      .where(
        and(
          inArray(emailOutbox.status, ["sent", "failed", "cancelled"]),
          sql`coalesce(${emailOutbox.sentAt}, ${emailOutbox.createdAt}) < ${before(now, RETENTION_DAYS.outbox).toISOString()}::timestamptz`,
        ),
      )
      .returning({ id: emailOutbox.id });
    const resets = await tx
      .delete(passwordResets)
      .where(lt(passwordResets.expiresAt, before(now, RETENTION_DAYS.passwordResets)))
      .returning({ id: passwordResets.id });
    const spent = await tx
      .delete(invitations)
      .where(
        or(
          and(isNotNull(invitations.usedAt), lt(invitations.usedAt, before(now, RETENTION_DAYS.invitations))),
          // An imported trainee's unused invitation is their account's only way in (it has no
          // password): it stays, however long expired, so it can be sent again. It names no more
          // than the account itself does, and goes when the account is closed.
          and(isNull(invitations.userId), lt(invitations.expiresAt, before(now, RETENTION_DAYS.invitations))),
        ),
      )
      .returning({ id: invitations.id });
    const snapshots = await deleteOldReportSnapshots(tx, now);
    // A sign-in state works for 10 minutes (used or not, it is kept a day for an investigation);
    // a logout token's jti only has to be remembered while the token could still be replayed.
    const states = await tx
      .delete(oidcSignInStates)
      .where(lt(oidcSignInStates.expiresAt, before(now, 1)))
      .returning({ hash: oidcSignInStates.stateHash });
    const logoutTokens = await tx.delete(oidcLogoutTokens).where(lt(oidcLogoutTokens.expiresAt, now)).returning({ jti: oidcLogoutTokens.jti });
    return {
      loginAttempts: attempts.length,
      sessions: ended.length,
      outbox: mail.length,
      passwordResets: resets.length,
      invitations: spent.length,
      reportSnapshots: snapshots,
      cis2: states.length + logoutTokens.length,
    };
  });
}

export const dailyCleanUp: ScheduledJob = {
  name: "daily-clean-up",
  next: (from) => new Date(from.getTime() + DAY_MS),
  leaseMs: 30 * 60_000,
  async run(db, now) {
    const counts = await cleanUpPersonalData(db, now);
    console.log(`Daily clean-up: removed ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(", ")}`);
  },
};
