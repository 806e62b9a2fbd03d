// The audit trail: who did what, when, to which row, in which request. Written by the model
// function that makes each change, with the change's own transaction, so a change that rolls
// back leaves no audit row and a committed one always has its row. Rows hold ids and
// non-personal facts only (statuses, counts, role names): never a name, an e-mail address or
// anything a person typed. audit_events is append-only in the database (migration 0008).
import { aliasedTable, and, asc, count, desc, eq, gte, ilike, inArray, isNotNull, lt, ne, or, sql, type SQL } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { auditEvents, trusts, users } from "@db/schema";

import type { AuditAction, AuditTargetType } from "./audit-actions";
import { AUDIT_ACTIONS, isViewAction } from "./audit-actions";
import type { Role } from "./domain";

/** Who is acting, and in which request: built from the route's load context. */
export type AuditContext = { actorId: string | null; actorRole: Role | null; requestId: string | null };

/** The service itself (a round closing on time, a seat offered from the waiting list by a rule). */
export const BY_SERVICE: AuditContext = { actorId: null, actorRole: null, requestId: null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit context of a request: its signed-in user and its request id. */
export function auditContext(context: { user: { id: string; role: Role } | null; requestId?: string | null }): AuditContext {
  return { actorId: context.user?.id ?? null, actorRole: context.user?.role ?? null, requestId: context.requestId ?? null };
}

/**
 * The context to record under: the one the route passed, else the acting user the model
 * function was given (a script or a test calling it directly has no request).
 */
export function auditBy(audit: AuditContext | undefined, user: { id: string | null; role: Role | null } | null): AuditContext {
  if (audit) return audit;
  return user ? { actorId: user.id, actorRole: user.role, requestId: null } : BY_SERVICE;
}

export type AuditFacts = Record<string, string | number | boolean | null>;

export type AuditEvent = {
  action: AuditAction;
  targetType: AuditTargetType;
  targetId?: string | null;
  /** Whose personal data it touched, when a trainee's. */
  traineeId?: string | null;
  /** The trust it happened in, when one. */
  trustId?: string | null;
  details?: AuditFacts;
};

/** Writes one row per event, in the caller's transaction. */
export async function recordAudit(tx: DbOrTx, by: AuditContext, events: AuditEvent | readonly AuditEvent[]): Promise<void> {
  const list = Array.isArray(events) ? events : [events as AuditEvent];
  if (!list.length) return;
  const requestId = by.requestId && UUID.test(by.requestId) ? by.requestId : null;
  // In batches: a round's close records thousands, and a statement takes at most 65,535 parameters.
  for (let i = 0; i < list.length; i += AUDIT_BATCH) {
    await insertBatch(tx, by, requestId, list.slice(i, i + AUDIT_BATCH));
  }
}

const AUDIT_BATCH = 1000;

async function insertBatch(tx: DbOrTx, by: AuditContext, requestId: string | null, list: readonly AuditEvent[]) {
  await tx.insert(auditEvents).values(
    list.map((e) => ({
      actorId: by.actorId,
      actorRole: by.actorRole,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId ?? null,
      traineeId: e.traineeId ?? null,
      trustId: e.trustId && UUID.test(e.trustId) ? e.trustId : null,
      requestId,
      details: e.details ?? {},
    })),
  );
}

/**
 * A staff member opened trainees' personal data: one row per trainee shown. A trainee
 * looking at their own data is not recorded (they are the data's subject).
 */
export async function recordViews(
  db: DbOrTx,
  by: AuditContext,
  view: { action: Extract<AuditAction, `${string}.viewed`>; targetType: AuditTargetType; targetId: string | null; trustId: string | null; traineeIds: readonly (string | null)[]; details?: AuditFacts },
): Promise<void> {
  if (by.actorRole === "trainee" || by.actorRole === null) return;
  const traineeIds = [...new Set(view.traineeIds.filter((id): id is string => Boolean(id) && id !== by.actorId))];
  await recordAudit(
    db,
    by,
    traineeIds.map((traineeId) => ({ action: view.action, targetType: view.targetType, targetId: view.targetId, trustId: view.trustId, traineeId, details: view.details })),
  );
}

// ---------------------------------------------------------------------------------------
// The admin's search
// ---------------------------------------------------------------------------------------

export const AUDIT_PAGE_SIZE = 50;

export type AuditSearch = {
  /** A member of staff (or anyone acting): part of their e-mail address or name. */
  person?: string;
  /** A trainee whose data was touched: part of their e-mail address. */
  trainee?: string;
  trustId?: string;
  /** London dates, inclusive. */
  from?: string;
  to?: string;
  page?: number;
};

const actor = aliasedTable(users, "audit_actor");
const subject = aliasedTable(users, "audit_trainee");

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The start of a London day as an instant (midnight in Europe/London, whatever the season). */
function londonMidnight(date: string): SQL {
  return sql`(${date}::date::timestamp at time zone 'Europe/London')`;
}

export async function searchAuditEvents(db: Db, search: AuditSearch) {
  const where: SQL[] = [];
  if (search.person) {
    const p = likePattern(search.person.trim());
    where.push(sql`${auditEvents.actorId} in (select ${users.id} from ${users} where ${or(ilike(users.email, p), ilike(users.name, p))})`);
  }
  if (search.trainee) {
    const p = likePattern(search.trainee.trim());
    where.push(sql`${auditEvents.traineeId} in (select ${users.id} from ${users} where ${and(ilike(users.email, p), eq(users.role, "trainee"))})`);
  }
  if (search.trustId) where.push(eq(auditEvents.trustId, search.trustId));
  if (search.from) where.push(gte(auditEvents.at, londonMidnight(search.from)));
  if (search.to) where.push(lt(auditEvents.at, sql`(${londonMidnight(search.to)} + interval '1 day')`));
  const condition = where.length ? and(...where) : undefined;
  const page = Math.max(1, search.page ?? 1);

  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: auditEvents.id,
        at: auditEvents.at,
        action: auditEvents.action,
        actorRole: auditEvents.actorRole,
        actorName: actor.name,
        actorEmail: actor.email,
        targetType: auditEvents.targetType,
        targetId: auditEvents.targetId,
        traineeId: auditEvents.traineeId,
        traineeName: subject.name,
        trustName: trusts.name,
        requestId: auditEvents.requestId,
        details: auditEvents.details,
      })
      .from(auditEvents)
      .leftJoin(actor, eq(actor.id, auditEvents.actorId))
      .leftJoin(subject, eq(subject.id, auditEvents.traineeId))
      .leftJoin(trusts, eq(trusts.id, auditEvents.trustId))
      .where(condition)
      .orderBy(desc(auditEvents.at), desc(auditEvents.id))
      .limit(AUDIT_PAGE_SIZE)
      .offset((page - 1) * AUDIT_PAGE_SIZE),
    db.select({ n: count() }).from(auditEvents).where(condition),
  ]);
  return { events: rows, total: total?.n ?? 0, page, pageSize: AUDIT_PAGE_SIZE };
}

// ---------------------------------------------------------------------------------------
// "Who has viewed my data" (download my data and the profile page)
// ---------------------------------------------------------------------------------------

export const FORMER_STAFF = "A former member of staff";
const VIEW_ACTIONS: string[] = AUDIT_ACTIONS.filter(isViewAction);

/**
 * Each time a member of staff opened the trainee's data, oldest first: when, who (their name
 * while their account is active; "a former member of staff" once it is disabled or gone),
 * their role then, and the trust it was opened in.
 */
export async function listViewsOfTrainee(db: DbOrTx, traineeId: string, options: { limit?: number } = {}) {
  const query = db
    .select({
      at: auditEvents.at,
      action: auditEvents.action,
      actorRole: auditEvents.actorRole,
      actorName: actor.name,
      actorDisabledAt: actor.disabledAt,
      trustName: trusts.name,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorId))
    .leftJoin(trusts, eq(trusts.id, auditEvents.trustId))
    .where(
      and(
        eq(auditEvents.traineeId, traineeId),
        inArray(auditEvents.action, VIEW_ACTIONS),
        isNotNull(auditEvents.actorId),
        ne(auditEvents.actorId, traineeId),
      ),
    );
  const rows = options.limit
    ? await query.orderBy(desc(auditEvents.at), desc(auditEvents.id)).limit(options.limit)
    : await query.orderBy(asc(auditEvents.at), asc(auditEvents.id));
  return rows.map((r) => ({
    at: r.at,
    action: r.action as AuditAction,
    viewer: r.actorName && !r.actorDisabledAt ? r.actorName : FORMER_STAFF,
    role: r.actorRole,
    trust: r.trustName,
  }));
}

export type TraineeDataView = Awaited<ReturnType<typeof listViewsOfTrainee>>[number];

