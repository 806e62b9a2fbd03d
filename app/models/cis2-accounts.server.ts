// What a CIS2 sign-in does to accounts (issue 14): signing in by the linked subject, accepting a
// staff invitation with CIS2, linking a subject to a signed-in account, and the service setting
// that turns password sign-in off for staff. An account is never matched by e-mail alone.
import { randomUUID } from "node:crypto";

import { and, eq, gt, isNull } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { invitations, serviceSettings, userIdentities, users } from "@db/schema";

import { auditBy, BY_SERVICE, recordAudit, type AuditContext } from "./audit.server";
import type { Role } from "./domain";
import { isUniqueViolation } from "./users.server";

export interface Cis2Subject {
  issuer: string;
  sub: string;
}

export type Cis2SignInMatch = { ok: true; userId: string; role: Role } | { ok: false; reason: "unknown_subject" };

/**
 * The account linked to this CIS2 subject, if it may sign in (not disabled or closed). The
 * time of the sign-in is kept on the identity.
 */
export async function findCis2Account(db: DbOrTx, subject: Cis2Subject, now: Date = new Date()): Promise<Cis2SignInMatch> {
  const [row] = await db
    .select({ userId: users.id, role: users.role, identityId: userIdentities.id })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.issuer, subject.issuer), eq(userIdentities.subject, subject.sub), isNull(users.disabledAt)));
  if (!row) return { ok: false, reason: "unknown_subject" };
  await db.update(userIdentities).set({ lastSignInAt: now }).where(eq(userIdentities.id, row.identityId));
  return { ok: true, userId: row.userId, role: row.role };
}

/** Roles whose invitation may be accepted with CIS2: staff. Trainees set a password and may link CIS2 from their profile. */
export const CIS2_INVITATION_ROLES: readonly Role[] = ["trust_lead", "dme", "admin"];

export type Cis2InvitationRefusal =
  | "invitation_unavailable"
  | "not_staff"
  | "email_mismatch"
  | "email_unverified"
  | "subject_taken"
  | "account_exists";

export type Cis2InvitationResult = { ok: true; userId: string; role: Role } | { ok: false; reason: Cis2InvitationRefusal };

/**
 * Accepts a staff invitation with a CIS2 identity, in one transaction as the password path
 * does: claims the invitation (a conditional update, so a second use fails even at once),
 * creates the account without a password and links the subject. The ID token's e-mail must be
 * the invitation's (case aside) and not marked unverified; anything refused leaves nothing
 * written.
 */
export async function acceptInvitationWithCis2(
  db: Db,
  input: Cis2Subject & { invitationId: string; email: string | null; emailVerified: boolean | null; name: string | null },
  now: Date = new Date(),
  audit: AuditContext = BY_SERVICE,
): Promise<Cis2InvitationResult> {
  type Result = Cis2InvitationResult;
  const refuse = (reason: Cis2InvitationRefusal): Result => ({ ok: false, reason });
  class Refused extends Error {
    constructor(readonly reason: Cis2InvitationRefusal) {
      super(reason);
    }
  }
  try {
    return await db.transaction(async (tx): Promise<Result> => {
      const [invitation] = await tx
        .select({ id: invitations.id, email: invitations.email, role: invitations.role, userId: invitations.userId })
        .from(invitations)
        .where(and(eq(invitations.id, input.invitationId), isNull(invitations.usedAt), gt(invitations.expiresAt, now)));
      if (!invitation) return refuse("invitation_unavailable");
      if (!CIS2_INVITATION_ROLES.includes(invitation.role) || invitation.userId) return refuse("not_staff");
      if (!input.email || input.email.toLowerCase() !== invitation.email.toLowerCase()) return refuse("email_mismatch");
      if (input.emailVerified === false) return refuse("email_unverified");

      const [claimed] = await tx
        .update(invitations)
        .set({ usedAt: now })
        .where(and(eq(invitations.id, invitation.id), isNull(invitations.usedAt), gt(invitations.expiresAt, now)))
        .returning({
          id: invitations.id,
          email: invitations.email,
          name: invitations.name,
          role: invitations.role,
          trustId: invitations.trustId,
        });
      if (!claimed) return refuse("invitation_unavailable");
      const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, claimed.email));
      if (existing) throw new Refused("account_exists");
      const id = randomUUID();
      // The name the admin typed on the invitation: the person may change it later; CIS2's is used only if it had none.
      await tx
        .insert(users)
        .values({
          id,
          email: claimed.email,
          name: claimed.name || input.name || claimed.email,
          role: claimed.role,
          trustId: claimed.trustId,
        });
      await tx
        .update(invitations)
        .set({ usedAt: now })
        .where(and(eq(invitations.email, claimed.email), isNull(invitations.usedAt)));
      try {
        await tx.insert(userIdentities).values({ userId: id, issuer: input.issuer, subject: input.sub, linkedAt: now, lastSignInAt: now });
      } catch (error) {
        if (isUniqueViolation(error)) throw new Refused("subject_taken");
        throw error;
      }
      const by = { ...audit, actorId: id, actorRole: claimed.role };
      await recordAudit(tx, by, [
        {
          action: "invitation.accepted",
          targetType: "invitation",
          targetId: claimed.id,
          trustId: claimed.trustId,
          details: { role: claimed.role, method: "cis2" },
        },
        { action: "account.cis2_linked", targetType: "user", targetId: id, trustId: claimed.trustId, details: { by: "invitation" } },
      ]);
      return { ok: true, userId: id, role: claimed.role };
    });
  } catch (error) {
    // Thrown inside the transaction so the claimed invitation and the new account roll back.
    if (error instanceof Refused) return refuse(error.reason);
    throw error;
  }
}

export type Cis2LinkResult = { ok: true } | { ok: false; reason: "subject_taken" | "already_linked" | "no_account" };

/**
 * Links a CIS2 subject to a signed-in account (a trainee's profile). A subject linked to
 * someone else, or an account that already has an identity from this issuer, is refused.
 */
export async function linkCis2Identity(
  db: Db,
  input: Cis2Subject & { userId: string },
  now: Date = new Date(),
  audit?: AuditContext,
): Promise<Cis2LinkResult> {
  const [user] = await db
    .select({ id: users.id, role: users.role, trustId: users.trustId })
    .from(users)
    .where(and(eq(users.id, input.userId), isNull(users.disabledAt)));
  if (!user) return { ok: false, reason: "no_account" };
  const [taken] = await db
    .select({ userId: userIdentities.userId })
    .from(userIdentities)
    .where(and(eq(userIdentities.issuer, input.issuer), eq(userIdentities.subject, input.sub)));
  if (taken) return taken.userId === user.id ? { ok: true } : { ok: false, reason: "subject_taken" };
  try {
    await db.transaction(async (tx) => {
      await tx.insert(userIdentities).values({ userId: user.id, issuer: input.issuer, subject: input.sub, linkedAt: now });
      await recordAudit(tx, auditBy(audit, user), {
        action: "account.cis2_linked",
        targetType: "user",
        targetId: user.id,
        traineeId: user.role === "trainee" ? user.id : null,
        trustId: user.trustId,
        details: { by: "profile" },
      });
    });
  } catch (error) {
    // A parallel link of the same subject, or of this account, lost the race to the unique indexes.
    if (isUniqueViolation(error, "user_identities_issuer_subject_key")) return { ok: false, reason: "subject_taken" };
    if (isUniqueViolation(error)) return { ok: false, reason: "already_linked" };
    throw error;
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------------------
// The service setting: password sign-in for staff
// ---------------------------------------------------------------------------------------

/** Roles that lose password sign-in when the admin turns it off: staff, not trainees. */
export const STAFF_ROLES: readonly Role[] = ["trust_lead", "dme", "admin"];

export const STAFF_PASSWORD_OFF_MESSAGE = "Sign in with NHS CIS2: your organisation has turned off password sign-in for staff";

export async function staffPasswordSignInAllowed(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ allowed: serviceSettings.staffPasswordSignIn }).from(serviceSettings).where(eq(serviceSettings.id, true));
  // The migration inserts the row; without it the default (on) holds.
  return row?.allowed ?? true;
}

export type SettingResult = { ok: true; changed: boolean } | { ok: false; message: string };

export const CIS2_NOT_CONFIGURED_MESSAGE =
  "Password sign-in for staff cannot be turned off while NHS CIS2 sign-in is not set up: staff would have no way to sign in";

/** Turns password sign-in for staff on or off (admins), audited. Off needs CIS2 configured. */
export async function setStaffPasswordSignIn(
  db: Db,
  admin: { id: string; role: Role },
  allowed: boolean,
  options: { cis2Configured: boolean; audit?: AuditContext; now?: Date },
): Promise<SettingResult> {
  if (!allowed && !options.cis2Configured) return { ok: false, message: CIS2_NOT_CONFIGURED_MESSAGE };
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    // Locked, so two admins changing it at once record one change each, in turn.
    const [row] = await tx
      .select({ allowed: serviceSettings.staffPasswordSignIn })
      .from(serviceSettings)
      .where(eq(serviceSettings.id, true))
      .for("update");
    const before = row?.allowed ?? true;
    if (before === allowed) return { ok: true as const, changed: false };
    await tx
      .insert(serviceSettings)
      .values({ id: true, staffPasswordSignIn: allowed, updatedBy: admin.id, updatedAt: now })
      .onConflictDoUpdate({ target: serviceSettings.id, set: { staffPasswordSignIn: allowed, updatedBy: admin.id, updatedAt: now } });
    await recordAudit(tx, auditBy(options.audit, admin), {
      action: "settings.staff_password_sign_in",
      targetType: "settings",
      targetId: null,
      details: { allowed },
    });
    return { ok: true as const, changed: true };
  });
}
