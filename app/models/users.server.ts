import { createHash, randomBytes, randomUUID } from "node:crypto";

import { and, asc, count, desc, eq, gt, ilike, isNull, or, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { invitations, traineeProfiles, trusts, users } from "@db/schema";

import { endAllSessions } from "~/auth.server";
import { hashPassword } from "~/passwords.server";
import type { FieldErrors } from "~/utils/forms";

import { UUID, type InviteStaffInput, type RegisterTraineeInput } from "./accounts.schema";
import type { Role } from "./domain";
import { queueEmail } from "./outbox.server";

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
  options: { invitedBy: string; baseUrl: string; now?: Date },
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
  expired: "This invitation has expired. Ask your regional administrator to send a new one",
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
    return { ok: true as const, userId: id, role: claimed.role };
  });
}

export async function setUserDisabled(db: Db, userId: string, disabled: boolean, actingAdminId: string) {
  if (userId === actingAdminId && disabled) {
    return { ok: false as const, message: "You cannot disable your own account" };
  }
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(users)
      .set({ disabledAt: disabled ? new Date() : null, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning({ id: users.id });
    if (!user) return { ok: false as const, message: "not found" };
    if (disabled) await endAllSessions(tx, userId);
    return { ok: true as const };
  });
}

/** A new password ends every session of the user, including the one that changed it. */
export async function changePassword(db: Db, userId: string, newPassword: string): Promise<void> {
  const passwordHash = await hashPassword(newPassword);
  await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() }).where(eq(users.id, userId));
    await endAllSessions(tx, userId);
  });
}

export const USERS_PAGE_SIZE = 50;

export async function listUsers(
  db: Db,
  filter: { q?: string; role?: Role; trustId?: string; page?: number },
) {
  const conditions = [];
  if (filter.role) conditions.push(eq(users.role, filter.role));
  if (filter.trustId) conditions.push(eq(users.trustId, filter.trustId));
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(users.name, pattern), ilike(users.email, pattern)));
  }
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
        createdAt: users.createdAt,
      })
      .from(users)
      .leftJoin(trusts, eq(trusts.id, users.trustId))
      .where(where)
      .orderBy(asc(users.name), asc(users.email))
      .limit(USERS_PAGE_SIZE)
      .offset((page - 1) * USERS_PAGE_SIZE),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { users: rows, total: total?.n ?? 0, page, pageSize: USERS_PAGE_SIZE };
}

export async function getUserForAdmin(db: Db, userId: string) {
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
    })
    .from(users)
    .leftJoin(trusts, eq(trusts.id, users.trustId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(eq(users.id, userId));
  return row ?? null;
}

/** A staff invitation nobody has accepted yet (a trainee's comes with an imported placement and has its user already). */
const unusedStaffInvitation = and(isNull(invitations.usedAt), isNull(invitations.userId))!;

/** The staff invitations the users page lists, and the admin overview counts: unused and not expired. */
export function waitingStaffInvitation(now: Date) {
  return and(unusedStaffInvitation, gt(invitations.expiresAt, now))!;
}

/**
 * Withdraws a staff invitation not yet accepted (sent to the wrong address, say): its link
 * stops working at once. An accepted one is an account now, disabled from its own page.
 */
export async function cancelStaffInvitation(db: Db, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const removed = await db
    .delete(invitations)
    .where(and(eq(invitations.id, id), unusedStaffInvitation))
    .returning({ id: invitations.id });
  return removed.length > 0;
}

export async function listPendingInvitations(db: Db, now: Date = new Date()) {
  return db
    .select({
      id: invitations.id,
      email: invitations.email,
      name: invitations.name,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      trustName: trusts.name,
    })
    .from(invitations)
    .leftJoin(trusts, eq(trusts.id, invitations.trustId))
    .where(waitingStaffInvitation(now))
    .orderBy(desc(invitations.createdAt))
    .limit(50);
}
