// Linking and unlinking NHS CIS2 on an account (issue 14). Linking starts a CIS2 sign-in with
// purpose 'link' (the callback links the subject, app/models/cis2-accounts.server.ts);
// unlinking needs the account's password, checked with the one throttle every password check
// shares, or an administrator. An account with no password cannot unlink itself: it would be
// left with no way to sign in.
import { and, asc, eq, isNull, ne } from "drizzle-orm";

import type { Db } from "@db/client";
import { sessions, userIdentities, users } from "@db/schema";

import { checkPasswordThrottled } from "./auth.server";
import { getCis2, startCis2SignIn, type StartCis2SignInResult } from "./cis2.server";
import { auditBy, recordAudit, type AuditContext } from "./models/audit.server";
import { TOO_MANY_PASSWORD_ATTEMPTS, WRONG_PASSWORD } from "./models/data-rights.server";
import type { Role } from "./models/domain";

/** Where a trainee lands after linking: the profile's NHS CIS2 section, saying it is done. */
export const LINKED_REDIRECT = "/trainee/profile?done=cis2-linked#cis2";

export const NOT_LINKED_MESSAGE = "NHS CIS2 is not linked to this account";
export const NO_PASSWORD_MESSAGE =
  "You sign in only with NHS CIS2, so you cannot unlink it yourself: you would have no way to sign in. An administrator can unlink it";

export const OWN_ACCOUNT_NO_PASSWORD_MESSAGE =
  "You sign in only with NHS CIS2, so you cannot unlink it from your own account: another administrator can";

export interface Cis2LinkStatus {
  /** Whether NHS CIS2 sign-in is set up here (the profile offers linking only then). */
  configured: boolean;
  /** When the account's CIS2 identity was linked, or null when none is. */
  linkedAt: Date | null;
  lastSignInAt: Date | null;
  hasPassword: boolean;
}

/** The account's NHS CIS2 link, for the profile and the admin's user page. */
export async function getCis2LinkStatus(db: Db, userId: string): Promise<Cis2LinkStatus | null> {
  const [user] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId));
  if (!user) return null;
  const [identity] = await db
    .select({ linkedAt: userIdentities.linkedAt, lastSignInAt: userIdentities.lastSignInAt })
    .from(userIdentities)
    .where(eq(userIdentities.userId, userId))
    .orderBy(asc(userIdentities.linkedAt))
    .limit(1);
  return {
    configured: getCis2() !== null,
    linkedAt: identity?.linkedAt ?? null,
    lastSignInAt: identity?.lastSignInAt ?? null,
    hasPassword: Boolean(user.passwordHash),
  };
}

export type StartLinkResult = StartCis2SignInResult | { ok: false; reason: "not_configured" | "already_linked" };

/** "Link NHS CIS2": a CIS2 sign-in for this signed-in account, which the callback links. */
export async function startCis2Link(db: Db, userId: string, origin: string): Promise<StartLinkResult> {
  if (!getCis2()) return { ok: false, reason: "not_configured" };
  const [linked] = await db.select({ id: userIdentities.id }).from(userIdentities).where(eq(userIdentities.userId, userId));
  if (linked) return { ok: false, reason: "already_linked" };
  return startCis2SignIn(db, { purpose: "link", userId, redirectTo: LINKED_REDIRECT, origin });
}

export type UnlinkResult =
  | { ok: true }
  | { ok: false; status: 400 | 429; fieldErrors: Record<string, string> }
  | { ok: false; status: 404 | 409; formError: string };

async function removeIdentities(
  db: Db,
  user: { id: string; role: Role; trustId: string | null },
  by: AuditContext,
  how: "profile" | "admin",
  keepSessionId: string | null,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const removed = await tx.delete(userIdentities).where(eq(userIdentities.userId, user.id)).returning({ id: userIdentities.id });
    // Parallel unlinks: the first removes the identity, the others find nothing and record nothing.
    if (!removed.length) return false;
    // Sessions made with the identity end with it (the one unlinking it stays signed in).
    await tx
      .delete(sessions)
      .where(and(eq(sessions.userId, user.id), eq(sessions.authMethod, "cis2"), keepSessionId ? ne(sessions.id, keepSessionId) : undefined));
    await recordAudit(tx, by, {
      action: "account.cis2_unlinked",
      targetType: "user",
      targetId: user.id,
      traineeId: user.role === "trainee" ? user.id : null,
      trustId: user.trustId,
      details: { by: how },
    });
    return true;
  });
}

/**
 * "Unlink NHS CIS2" on a trainee's own profile: the password first (throttled with sign-in,
 * so a borrowed session cannot guess it); an account with no password is refused, as it
 * would be left with no way in. The field is `currentPassword`.
 */
export async function unlinkOwnCis2(
  db: Db,
  actor: { id: string; role: Role; trustId: string | null },
  input: { password: string; ip: string; sessionId: string | null },
  audit?: AuditContext,
): Promise<UnlinkResult> {
  const [user] = await db
    .select({ email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.id, actor.id), isNull(users.disabledAt)));
  if (!user) return { ok: false, status: 404, formError: NOT_LINKED_MESSAGE };
  const [linked] = await db.select({ id: userIdentities.id }).from(userIdentities).where(eq(userIdentities.userId, actor.id));
  if (!linked) return { ok: false, status: 409, formError: NOT_LINKED_MESSAGE };
  if (!user.passwordHash) return { ok: false, status: 409, formError: NO_PASSWORD_MESSAGE };
  const check = await checkPasswordThrottled(db, { kind: "password_check", email: user.email, password: input.password, ip: input.ip });
  if (!check.ok) {
    return check.reason === "throttled"
      ? { ok: false, status: 429, fieldErrors: { currentPassword: TOO_MANY_PASSWORD_ATTEMPTS } }
      : { ok: false, status: 400, fieldErrors: { currentPassword: WRONG_PASSWORD } };
  }
  if (!(await removeIdentities(db, actor, auditBy(audit, actor), "profile", input.sessionId))) {
    return { ok: false, status: 409, formError: NOT_LINKED_MESSAGE };
  }
  return { ok: true };
}

/** "Unlink NHS CIS2" on the admin's user page: any account's, audited, its CIS2 sessions ended. */
export async function unlinkCis2ByAdmin(
  db: Db,
  admin: { id: string; role: Role },
  userId: string,
  audit?: AuditContext,
): Promise<UnlinkResult> {
  const [user] = await db
    .select({ id: users.id, role: users.role, trustId: users.trustId, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) return { ok: false, status: 404, formError: NOT_LINKED_MESSAGE };
  // An administrator who signs in only with CIS2 would lock themselves out: another administrator can do it.
  if (user.id === admin.id && !user.passwordHash) return { ok: false, status: 409, formError: OWN_ACCOUNT_NO_PASSWORD_MESSAGE };
  if (!(await removeIdentities(db, user, auditBy(audit, admin), "admin", null))) return { ok: false, status: 409, formError: NOT_LINKED_MESSAGE };
  return { ok: true };
}
