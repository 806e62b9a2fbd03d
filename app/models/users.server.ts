import { createHash, randomBytes, randomUUID } from "node:crypto";

import { and, asc, count, desc, eq, gt, isNotNull, isNull, lte, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { invitations, placements, traineeProfiles, trusts, users } from "@db/schema";

import { checkPasswordThrottled, endAllSessions, FAILED_SIGN_IN_WINDOW_MINUTES, recordAttempt, type ThrottleRule } from "~/auth.server";
import { hashPassword } from "~/passwords.server";
import { cleanText, type FieldErrors } from "~/utils/forms";

import { UUID, type InviteStaffInput, type RegisterTraineeInput } from "./accounts.schema";
import { auditBy, BY_SERVICE, recordAudit, recordViews, type AuditContext } from "./audit.server";
import type { Role } from "./domain";
import { cancelQueuedEmails, queueEmail } from "./outbox.server";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type Refusal = { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; formError?: string };

function pgErrorCode(error: unknown): { code?: string; constraint?: string } {
  // postgres.js and PGlite both expose the SQLSTATE as `code`; drizzle may wrap it in `cause`.
  const e = error as { code?: string; constraint_name?: string; constraint?: string; cause?: unknown };
  if (e?.code) return { code: e.code, constraint: e.constraint_name ?? e.constraint };
  if (e?.cause) return pgErrorCode(e.cause);
  return {};
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: name } = pgErrorCode(error);
  return code === "23505" && (!constraint || name === constraint);
}

export async function registerTrainee(
  db: Db,
  input: RegisterTraineeInput,
  audit: AuditContext = BY_SERVICE,
): Promise<{ ok: true; userId: string } | Refusal> {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx): Promise<{ ok: true; userId: string } | Refusal> => {
      const [taken] = await tx
        .select({ email: users.email })
        .from(users)
        .where(eq(users.email, input.email));
      const [gmcTaken] = await tx
        .select({ userId: traineeProfiles.userId })
        .from(traineeProfiles)
        .where(eq(traineeProfiles.gmcNumber, input.gmcNumber));
      const fieldErrors: FieldErrors = {};
      if (taken) fieldErrors.email = "An account with this email address already exists. Sign in instead";
      if (gmcTaken) fieldErrors.gmcNumber = "An account with this GMC number already exists";
      if (taken || gmcTaken) return { ok: false as const, status: 409 as const, fieldErrors };

      const id = randomUUID();
      await tx.insert(users).values({
        id,
        email: input.email,
        name: input.name,
        role: "trainee",
        passwordHash,
        passwordChangedAt: new Date(),
      });
      await tx.insert(traineeProfiles).values({ userId: id, gmcNumber: input.gmcNumber, grade: input.grade });
      // Nobody is signed in yet: the new trainee is the one acting.
      await recordAudit(tx, { ...audit, actorId: id, actorRole: "trainee" }, { action: "account.registered", targetType: "user", targetId: id, traineeId: id });
      return { ok: true as const, userId: id };
    });
  } catch (error) {
    // Two registrations racing past the checks: the unique indexes decide, and nothing is half-written.
    if (isUniqueViolation(error, "users_email_key")) {
      return { ok: false, status: 409, fieldErrors: { email: "An account with this email address already exists. Sign in instead" } };
    }
    if (isUniqueViolation(error, "trainee_profiles_gmc_number_key")) {
      return { ok: false, status: 409, fieldErrors: { gmcNumber: "An account with this GMC number already exists" } };
    }
    throw error;
  }
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export async function inviteStaff(
  db: Db,
  input: InviteStaffInput,
  options: { invitedBy: string; baseUrl: string; now?: Date; audit?: AuditContext },
): Promise<{ ok: true; link: string; invitationId: string } | Refusal> {
  const now = options.now ?? new Date();
  const trustId = input.role === "admin" ? null : input.trustId;
  type Result = { ok: true; link: string; invitationId: string } | Refusal;
  return db.transaction(async (tx): Promise<Result> => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (existing) {
      return { ok: false as const, status: 409 as const, fieldErrors: { email: "A user with this email address already exists" } };
    }
    const [pending] = await tx
      .select({ id: invitations.id })
      .from(invitations)
      .where(and(eq(invitations.email, input.email), isNull(invitations.usedAt), gt(invitations.expiresAt, now)));
    if (pending) {
      return {
        ok: false as const,
        status: 409 as const,
        fieldErrors: { email: "An invitation to this email address is already waiting to be accepted" },
      };
    }
    if (trustId) {
      const [trust] = await tx.select({ id: trusts.id }).from(trusts).where(eq(trusts.id, trustId));
      if (!trust) return { ok: false as const, status: 400 as const, fieldErrors: { trustId: "Select the trust this person works for" } };
    }
    const token = randomBytes(32).toString("base64url");
    const [invitation] = await tx
      .insert(invitations)
      .values({
        email: input.email,
        name: input.name,
        role: input.role,
        trustId,
        tokenHash: hashToken(token),
        invitedBy: options.invitedBy,
        createdAt: now,
        expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      })
      .returning({ id: invitations.id });
    const link = `${options.baseUrl}/invitations/${token}`;
    await queueEmail(tx, { kind: "staff_invitation", toAddress: input.email, invitationId: invitation!.id, link });
    await recordAudit(tx, auditBy(options.audit, { id: options.invitedBy, role: "admin" }), {
      action: "invitation.created",
      targetType: "invitation",
      targetId: invitation!.id,
      trustId,
      details: { role: input.role },
    });
    return { ok: true as const, link, invitationId: invitation!.id };
  });
}

export type InvitationLookup =
  | { ok: true; invitation: { id: string; email: string; name: string; role: Role; trustName: string | null; userId: string | null } }
  | { ok: false; reason: "unknown" | "used" | "expired" };

export async function findInvitation(db: Db, token: string, now: Date = new Date()): Promise<InvitationLookup> {
  const [row] = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      name: invitations.name,
      role: invitations.role,
      userId: invitations.userId,
      expiresAt: invitations.expiresAt,
      usedAt: invitations.usedAt,
      trustName: trusts.name,
    })
    .from(invitations)
    .leftJoin(trusts, eq(trusts.id, invitations.trustId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  if (!row) return { ok: false, reason: "unknown" };
  if (row.usedAt) return { ok: false, reason: "used" };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  return {
    ok: true,
    invitation: { id: row.id, email: row.email, name: row.name, role: row.role, trustName: row.trustName, userId: row.userId },
  };
}

export const INVITATION_MESSAGES = {
  unknown: "This invitation link is not valid. Check you copied the whole link from the email",
  used: "This invitation has already been used. Sign in with the password you set",
  expired: "This invitation has expired. We can send a new link to the email address we have for it",
} as const;

/**
 * Claims the invitation and creates (or, for an imported trainee, completes) the account in
 * one transaction. The conditional update makes a second use fail even when two arrive at once.
 */
export async function acceptInvitation(
  db: Db,
  token: string,
  input: { name: string; password: string },
  now: Date = new Date(),
  audit: AuditContext = BY_SERVICE,
): Promise<{ ok: true; userId: string; role: Role } | { ok: false; status: 404 | 409 | 410; message: string }> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [claimed] = await tx
      .update(invitations)
      .set({ usedAt: now })
      .where(
        and(
          eq(invitations.tokenHash, hashToken(token)),
          isNull(invitations.usedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .returning();
    if (!claimed) {
      const lookup = await findInvitation(tx as unknown as Db, token, now);
      const reason = lookup.ok ? "used" : lookup.reason;
      const status = reason === "unknown" ? 404 : reason === "expired" ? 410 : 409;
      return { ok: false as const, status: status as 404 | 409 | 410, message: INVITATION_MESSAGES[reason] };
    }
    if (claimed.userId) {
      await tx
        .update(users)
        .set({ name: input.name, passwordHash, passwordChangedAt: now, updatedAt: now })
        .where(eq(users.id, claimed.userId));
      await recordAudit(tx, { ...audit, actorId: claimed.userId, actorRole: claimed.role }, {
        action: "invitation.accepted",
        targetType: "invitation",
        targetId: claimed.id,
        traineeId: claimed.role === "trainee" ? claimed.userId : null,
        trustId: claimed.trustId,
        details: { role: claimed.role },
      });
      return { ok: true as const, userId: claimed.userId, role: claimed.role };
    }
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, claimed.email));
    if (existing) {
      return { ok: false as const, status: 409 as const, message: "An account with this email address already exists. Sign in instead" };
    }
    const id = randomUUID();
    await tx.insert(users).values({
      id,
      email: claimed.email,
      name: input.name,
      role: claimed.role,
      trustId: claimed.trustId,
      passwordHash,
      passwordChangedAt: now,
    });
    // Any older invitation to the same address is spent too: the account now exists.
    await tx
      .update(invitations)
      .set({ usedAt: now })
      .where(and(eq(invitations.email, claimed.email), isNull(invitations.usedAt)));
    await recordAudit(tx, { ...audit, actorId: id, actorRole: claimed.role }, {
      action: "invitation.accepted",
      targetType: "invitation",
      targetId: claimed.id,
      trustId: claimed.trustId,
      details: { role: claimed.role },
    });
    return { ok: true as const, userId: id, role: claimed.role };
  });
}

export const CLOSED_ACCOUNT_MESSAGE = "This account was closed by its owner: it cannot be enabled again";

/**
 * Disables or enables an account. An account its owner closed has been anonymised: it is
 * nobody's any more, so it is never enabled again (nor changed at all).
 */
export async function setUserDisabled(db: Db, userId: string, disabled: boolean, actingAdminId: string, audit?: AuditContext) {
  if (userId === actingAdminId && disabled) {
    return { ok: false as const, message: "You cannot disable your own account" };
  }
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: users.id, role: users.role, trustId: users.trustId, closedAt: traineeProfiles.anonymisedAt })
      .from(users)
      .leftJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
      .where(eq(users.id, userId))
      .for("update", { of: users });
    if (!current) return { ok: false as const, message: "not found" };
    if (current.closedAt) return { ok: false as const, message: CLOSED_ACCOUNT_MESSAGE };
    await tx
      .update(users)
      .set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() })
      .where(eq(users.id, userId));
    if (disabled) await endAllSessions(tx, userId);
    await recordAudit(tx, auditBy(audit, { id: actingAdminId, role: "admin" }), {
      action: disabled ? "user.disabled" : "user.enabled",
      targetType: "user",
      targetId: userId,
      traineeId: current.role === "trainee" ? userId : null,
      trustId: current.trustId,
      details: { role: current.role },
    });
    return { ok: true as const };
  });
}

export const WRONG_CURRENT_PASSWORD = "Your current password is not correct. Enter the password you use to sign in";
export const TOO_MANY_PASSWORD_CHECKS = `Too many wrong passwords. Wait ${FAILED_SIGN_IN_WINDOW_MINUTES} minutes, or reset your password by email`;

export type ChangePasswordResult = { ok: true } | { ok: false; status: 400 | 429; fieldErrors: FieldErrors };

/**
 * A signed-in user's new password, after the current one is checked (throttled with sign-in).
 * Every session of the user ends, this one too: the route issues a fresh one for this browser,
 * so a session someone else may hold does not survive the change.
 */
export async function changeOwnPassword(
  db: Db,
  user: { id: string; email: string; role?: Role },
  input: { currentPassword: string; newPassword: string; ip: string },
  audit?: AuditContext,
): Promise<ChangePasswordResult> {
  const check = await checkPasswordThrottled(db, { kind: "password_check", email: user.email, password: input.currentPassword, ip: input.ip });
  if (!check.ok) {
    return check.reason === "throttled"
      ? { ok: false, status: 429, fieldErrors: { currentPassword: TOO_MANY_PASSWORD_CHECKS } }
      : { ok: false, status: 400, fieldErrors: { currentPassword: WRONG_CURRENT_PASSWORD } };
  }
  if (check.user.id !== user.id) return { ok: false, status: 400, fieldErrors: { currentPassword: WRONG_CURRENT_PASSWORD } };
  const passwordHash = await hashPassword(input.newPassword);
  await db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(users.id, user.id));
    await endAllSessions(tx, user.id);
    await recordAudit(tx, auditBy(audit, { id: user.id, role: user.role ?? null }), {
      action: "account.password_changed",
      targetType: "user",
      targetId: user.id,
      traineeId: user.role === "trainee" ? user.id : null,
    });
  });
  return { ok: true };
}

export const USERS_PAGE_SIZE = 50;

/**
 * A user whose name, e-mail address or GMC number contains the words. One OR across the two
 * tables could use no index; a union of three matches lets each use its trigram index
 * (users_name_trgm_idx, users_email_trgm_idx, trainee_profiles_gmc_trgm_idx).
 */
export function userSearch(q: string) {
  // The words come from the address bar: PostgreSQL text cannot hold a NUL (a 500 otherwise).
  const pattern = `%${cleanText(q).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql`${users.id} in (
    select ${users.id} from ${users} where ${users.name} ilike ${pattern}
    union select ${users.id} from ${users} where ${users.email} ilike ${pattern}
    union select ${traineeProfiles.userId} from ${traineeProfiles} where ${traineeProfiles.gmcNumber} ilike ${pattern})`;
}

export async function listUsers(
  db: Db,
  filter: { q?: string; role?: Role; trustId?: string; page?: number },
) {
  const conditions = [];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.trustId) conditions.push(eq(users.trustId, filter.trustId));
  if (filter.q) conditions.push(userSearch(filter.q));
  const where = conditions.length ? and(...conditions) : undefined;
  const page = Math.max(1, filter.page ?? 1);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: users.id,
        name: users.name,
        email: users.email,
        role: users.role,
        disabledAt: users.disabledAt,
        hasPassword: sql<boolean>`${users.passwordHash} is not null`,
        trustName: trusts.name,
        trustOds: trusts.odsCode,
        gmcNumber: traineeProfiles.gmcNumber,
        closedAt: traineeProfiles.anonymisedAt,
        createdAt: users.createdAt,
      })
      .from(users)
      .leftJoin(trusts, eq(trusts.id, users.trustId))
      .leftJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
      .where(where)
      .orderBy(asc(users.name), asc(users.email))
      .limit(USERS_PAGE_SIZE)
      .offset((page - 1) * USERS_PAGE_SIZE),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { users: rows, total: total?.n ?? 0, page, pageSize: USERS_PAGE_SIZE };
}

/** An account's page for an admin; opening a trainee's is a view of their data. */
export async function getUserForAdmin(db: Db, userId: string, audit?: AuditContext) {
  const [row] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
      hasPassword: sql<boolean>`${users.passwordHash} is not null`,
      trustName: trusts.name,
      trustOds: trusts.odsCode,
      gmcNumber: traineeProfiles.gmcNumber,
      grade: traineeProfiles.grade,
      closedAt: traineeProfiles.anonymisedAt,
    })
    .from(users)
    .leftJoin(trusts, eq(trusts.id, users.trustId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(eq(users.id, userId));
  if (!row) return null;
  if (row.role === "trainee" && audit) {
    await recordViews(db, audit, { action: "profile.viewed", targetType: "user", targetId: row.id, trustId: null, traineeIds: [row.id] });
  }
  return row;
}

// ---------------------------------------------------------------------------------------
// Invitations not yet accepted: listing, sending again, cancelling
// ---------------------------------------------------------------------------------------

const unusedInvitation = isNull(invitations.usedAt);
/** A staff invitation creates its account when accepted; a trainee's comes with an imported account (user_id). */
const staffInvitation = isNull(invitations.userId);
const traineeInvitation = isNotNull(invitations.userId);
const notExpired = (now: Date) => gt(invitations.expiresAt, now);

/** The staff invitations the admin overview counts: unused and not expired (the users page's "staff, waiting" filter). */
export function waitingStaffInvitation(now: Date) {
  return and(unusedInvitation, staffInvitation, notExpired(now))!;
}

/** Who manages an invitation: an admin, any; a DME, those of trainees placed at their trust now or later. */
export type InvitationManager = { role: "admin" } | { role: "dme"; trustId: string };

function managedBy(actor: InvitationManager, today: string) {
  if (actor.role === "admin") return undefined;
  return and(
    traineeInvitation,
    sql`exists (select 1 from ${placements} where ${placements.traineeId} = ${invitations.userId} and ${placements.trustId} = ${actor.trustId} and ${placements.endsOn} >= ${today})`,
  );
}

export const INVITATIONS_PAGE_SIZE = 50;
export const INVITATION_AUDIENCES = ["staff", "trainee"] as const;
export const INVITATION_STATES = ["waiting", "expired"] as const;

export interface InvitationFilter {
  who?: (typeof INVITATION_AUDIENCES)[number];
  state?: (typeof INVITATION_STATES)[number];
  page?: number;
}

/** Invitations nobody has accepted, staff and trainees alike, expired ones too (they can be sent again). */
export async function listInvitations(
  db: Db,
  actor: InvitationManager,
  filter: InvitationFilter = {},
  options: { now?: Date; today: string },
) {
  const now = options.now ?? new Date();
  const where = and(
    unusedInvitation,
    filter.who === "staff" ? staffInvitation : filter.who === "trainee" ? traineeInvitation : undefined,
    filter.state === "waiting" ? notExpired(now) : filter.state === "expired" ? lte(invitations.expiresAt, now) : undefined,
    managedBy(actor, options.today),
  );
  const page = Math.max(1, filter.page ?? 1);
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: invitations.id,
        email: invitations.email,
        name: invitations.name,
        role: invitations.role,
        userId: invitations.userId,
        expiresAt: invitations.expiresAt,
        trustName: trusts.name,
      })
      .from(invitations)
      .leftJoin(trusts, eq(trusts.id, invitations.trustId))
      .where(where)
      .orderBy(desc(invitations.expiresAt), asc(invitations.email))
      .limit(INVITATIONS_PAGE_SIZE)
      .offset((page - 1) * INVITATIONS_PAGE_SIZE),
    db.select({ n: count() }).from(invitations).where(where),
  ]);
  return {
    invitations: rows.map((r) => ({ ...r, expired: r.expiresAt <= now })),
    total: total?.n ?? 0,
    page,
    pageSize: INVITATIONS_PAGE_SIZE,
  };
}

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/**
 * A new token, a new expiry and a new e-mail for an invitation: the old link stops working
 * at once (only the new token's hash is kept), and an e-mail with the old link that has not
 * gone yet is cancelled.
 */
async function renewInvitation(
  tx: Tx,
  invitation: { id: string; email: string; userId: string | null },
  options: { origin: string; now: Date },
): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  await tx
    .update(invitations)
    .set({ tokenHash: hashToken(token), expiresAt: new Date(options.now.getTime() + INVITATION_TTL_MS) })
    .where(eq(invitations.id, invitation.id));
  await cancelQueuedEmails(tx, { invitationId: invitation.id });
  const link = `${options.origin.replace(/\/+$/, "")}/invitations/${token}`;
  await queueEmail(
    tx,
    invitation.userId
      ? { kind: "trainee_invitation", recipientId: invitation.userId, invitationId: invitation.id, link }
      : { kind: "staff_invitation", toAddress: invitation.email, invitationId: invitation.id, link },
  );
}

/** Sends an invitation not yet accepted again, expired or not. False when there is none the actor manages. */
export async function resendInvitation(
  db: Db,
  actor: InvitationManager,
  id: string,
  options: { origin: string; today: string; now?: Date; audit?: AuditContext },
): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    const [invitation] = await tx
      .select({ id: invitations.id, email: invitations.email, userId: invitations.userId, trustId: invitations.trustId })
      .from(invitations)
      .where(and(eq(invitations.id, id), unusedInvitation, managedBy(actor, options.today)))
      .for("update");
    if (!invitation) return false;
    await renewInvitation(tx, invitation, { origin: options.origin, now });
    await recordAudit(tx, options.audit ?? BY_SERVICE, {
      action: "invitation.resent",
      targetType: "invitation",
      targetId: invitation.id,
      traineeId: invitation.userId,
      trustId: invitation.trustId ?? (actor.role === "dme" ? actor.trustId : null),
    });
    return true;
  });
}

/**
 * Withdraws an invitation not yet accepted (sent to the wrong address, say): its link stops
 * working at once. A trainee's account stays, without a password, so an admin can correct
 * its address and invite again. An accepted one is an account now, disabled from its own page.
 */
export async function cancelInvitation(db: Db, actor: InvitationManager, id: string, today: string, audit: AuditContext = BY_SERVICE): Promise<boolean> {
  if (!UUID.test(id)) return false;
  return db.transaction(async (tx) => {
    const removed = await tx
      .delete(invitations)
      .where(and(eq(invitations.id, id), unusedInvitation, managedBy(actor, today)))
      .returning({ id: invitations.id, userId: invitations.userId, trustId: invitations.trustId, role: invitations.role });
    const [gone] = removed;
    if (!gone) return false;
    await recordAudit(tx, audit, {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: gone.id,
      traineeId: gone.userId,
      trustId: gone.trustId ?? (actor.role === "dme" ? actor.trustId : null),
      details: { role: gone.role },
    });
    return true;
  });
}

/** Someone asking for a new invitation link: limited like a password-reset request. */
export const NEW_LINK_REQUESTS: ThrottleRule = {
  kinds: ["new_link_request"],
  perAddress: 3,
  perIp: 30,
  windowMinutes: 15,
  failuresOnly: false,
  sinceLastPasswordChange: false,
};

export const NEW_LINK_SENT = "We have sent a new link to the email address we have for this invitation. It works for 7 days.";
export const TOO_MANY_NEW_LINKS = `Too many new links have been asked for. Wait ${NEW_LINK_REQUESTS.windowMinutes} minutes and try again`;

/**
 * "Send me a new link" from an expired invitation's page: the new link goes to the address on
 * file, never one the requester types, so holding an old link gives nothing but a new e-mail
 * to its rightful owner. The old token is replaced, so it asks once.
 */
export async function sendNewInvitationLink(
  db: Db,
  token: string,
  options: { ip: string; origin: string; now?: Date; audit?: AuditContext },
): Promise<{ ok: true } | { ok: false; status: 404 | 409 | 429; message: string }> {
  const now = options.now ?? new Date();
  const tokenHash = hashToken(token);
  const [found] = await db
    .select({ email: invitations.email, usedAt: invitations.usedAt })
    .from(invitations)
    .where(eq(invitations.tokenHash, tokenHash));
  if (!found) return { ok: false, status: 404, message: INVITATION_MESSAGES.unknown };
  if (found.usedAt) return { ok: false, status: 409, message: INVITATION_MESSAGES.used };
  const attempt = await recordAttempt(db, NEW_LINK_REQUESTS, { kind: "new_link_request", email: found.email, ip: options.ip });
  if (!attempt.allowed) return { ok: false, status: 429, message: TOO_MANY_NEW_LINKS };
  return db.transaction(async (tx) => {
    // Locked by the token it still has: of two requests at once, the second finds it replaced.
    const [invitation] = await tx
      .select({ id: invitations.id, email: invitations.email, userId: invitations.userId })
      .from(invitations)
      .where(and(eq(invitations.tokenHash, tokenHash), unusedInvitation))
      .for("update");
    if (!invitation) return { ok: false as const, status: 404 as const, message: INVITATION_MESSAGES.unknown };
    await renewInvitation(tx, invitation, { origin: options.origin, now });
    // Whoever holds the old link asked; nobody is signed in.
    await recordAudit(tx, options.audit ?? BY_SERVICE, { action: "invitation.new_link", targetType: "invitation", targetId: invitation.id, traineeId: invitation.userId });
    return { ok: true as const };
  });
}

export type CorrectEmailResult = { ok: true } | Refusal;

/**
 * Corrects the address of a trainee account that has no password yet (a mistyped address
 * in a rotation file) and invites the trainee again at the new one. Any invitation to the
 * old address is withdrawn in the same transaction, so its link stops working.
 */
export async function correctTraineeEmail(
  db: Db,
  userId: string,
  email: string,
  options: { invitedBy: string; origin: string; now?: Date; audit?: AuditContext },
): Promise<CorrectEmailResult> {
  if (!UUID.test(userId)) return { ok: false, status: 404, fieldErrors: {} };
  const now = options.now ?? new Date();
  try {
    return await db.transaction(async (tx): Promise<CorrectEmailResult> => {
      const [user] = await tx
        .select({ id: users.id, email: users.email, name: users.name, role: users.role, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
        .from(users)
        .where(eq(users.id, userId))
        .for("update");
      if (!user) return { ok: false, status: 404, fieldErrors: {} };
      if (user.role !== "trainee" || user.passwordHash || user.disabledAt) {
        return { ok: false, status: 409, fieldErrors: {}, formError: "Only a trainee account with no password yet can have its email address corrected" };
      }
      if (user.email === email) return { ok: false, status: 400, fieldErrors: { email: "This is already the email address on the account" } };
      const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
      if (taken) return { ok: false, status: 409, fieldErrors: { email: "Another account already has this email address" } };
      await tx.update(users).set({ email, updatedAt: now }).where(eq(users.id, user.id));
      await tx.delete(invitations).where(and(eq(invitations.userId, user.id), unusedInvitation));
      const token = randomBytes(32).toString("base64url");
      const [invitation] = await tx
        .insert(invitations)
        .values({
          email,
          name: user.name,
          role: "trainee",
          tokenHash: hashToken(token),
          invitedBy: options.invitedBy,
          userId: user.id,
          createdAt: now,
          expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
        })
        .returning({ id: invitations.id });
      await queueEmail(tx, {
        kind: "trainee_invitation",
        recipientId: user.id,
        invitationId: invitation!.id,
        link: `${options.origin.replace(/\/+$/, "")}/invitations/${token}`,
      });
      await recordAudit(tx, auditBy(options.audit, { id: options.invitedBy, role: "admin" }), {
        action: "user.email_corrected",
        targetType: "user",
        targetId: user.id,
        traineeId: user.id,
        details: { invitationId: invitation!.id },
      });
      return { ok: true };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) return { ok: false, status: 409, fieldErrors: { email: "Another account already has this email address" } };
    throw error;
  }
}

/** The invitation of a trainee account with no password yet, for its admin page. */
export async function traineeInvitationFor(db: Db, userId: string) {
  const [row] = await db
    .select({ id: invitations.id, email: invitations.email, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(and(eq(invitations.userId, userId), unusedInvitation))
    .orderBy(desc(invitations.expiresAt))
    .limit(1);
  return row ?? null;
}
