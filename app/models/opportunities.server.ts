import { and, asc, count, eq, sql, type SQL } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { objectives, opportunities, opportunitySessions, sites, trusts } from "@db/schema";

import type { FieldErrors } from "~/utils/forms";
import { plural } from "~/utils/plural";

import { UUID } from "./accounts.schema";
import { fillSeatsFromWaitingList, seatsHeld, seatsTaken } from "./applications.server";
import { auditBy, BY_SERVICE, recordAudit, type AuditContext } from "./audit.server";
import type { AuditAction } from "./audit-actions";
import type { OpportunityStatus } from "./domain";
import type { OpportunityInput } from "./opportunities.schema";

export { seatsTaken };

// Correlated subqueries name the outer row in full: drizzle leaves columns unqualified in a
// single-table select, where a bare "id" would resolve to the inner table's own column.

const applicationsWaiting = sql<number>`(select count(*) from applications waiting
  where waiting.opportunity_id = "opportunities"."id" and waiting.status = 'submitted')`.mapWith(Number);

/**
 * The search document: title first, then summary, objective and sponsor's role, then the
 * description. Rewritten whenever any of them changes (the objective lives in another table,
 * so a generated column cannot hold it).
 */
export async function refreshSearchVectors(tx: DbOrTx, where: SQL | undefined): Promise<void> {
  await tx
    .update(opportunities)
    .set({
      searchVector: sql`
        setweight(to_tsvector('english', ${opportunities.title}), 'A') ||
        setweight(to_tsvector('english', ${opportunities.summary}), 'B') ||
        setweight(to_tsvector('english', coalesce((select objective.title from objectives objective where objective.id = "opportunities"."objective_id"), '')), 'B') ||
        setweight(to_tsvector('english', ${opportunities.sponsorRole}), 'B') ||
        setweight(to_tsvector('english', ${opportunities.description}), 'C')`,
    })
    .where(where);
}

export type SaveResult =
  | { ok: true; id: string; /** Waiting-list applications offered a seat the edit added. */ promoted: string[] }
  | { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; formError?: string };

/**
 * Creates a draft, or updates one of the trust's opportunities (`edit`), with its sessions,
 * in one transaction. Checks what the schema cannot: the site and objective belong to this
 * trust, and a newly chosen objective is not retired. An edit that adds seats (or moves the
 * end date on) offers them to the waiting list in the same transaction.
 */
export async function saveOpportunity(
  db: Db,
  scope: { trustId: string; userId: string | null },
  input: OpportunityInput,
  edit?: { id: string; today: string },
  audit?: AuditContext,
): Promise<SaveResult> {
  const id = edit?.id;
  // Only trust leads post opportunities; a scope without a user is a seed or a test.
  const by = auditBy(audit, scope.userId ? { id: scope.userId, role: "trust_lead" } : null);
  return db.transaction(async (tx): Promise<SaveResult> => {
    let existing: { objectiveId: string | null; status: OpportunityStatus; seatsTaken: number } | undefined;
    if (id) {
      // The same row lock as every application transition: no place can be offered while the seats change.
      const [locked] = await tx
        .select({ objectiveId: opportunities.objectiveId, status: opportunities.status })
        .from(opportunities)
        .where(and(eq(opportunities.id, id), eq(opportunities.trustId, scope.trustId)))
        .for("update");
      if (!locked) return { ok: false, status: 404, fieldErrors: {} };
      // Counted in a statement of its own: a count inside the locking select is read from before
      // the lock was waited for, and misses an offer that committed meanwhile.
      existing = { ...locked, seatsTaken: await seatsHeld(tx, id) };
      if (existing.status === "archived") {
        return { ok: false, status: 409, fieldErrors: {}, formError: "This opportunity is archived and can no longer be changed" };
      }
    }
    const fieldErrors: FieldErrors = {};
    if (existing && input.seats < existing.seatsTaken) {
      const taken = existing.seatsTaken;
      fieldErrors.seats = `${plural(taken, "place is", "places are")} already offered or approved: the number of seats must be ${taken} or more`;
    }
    const siteId = input.siteId || null;
    if (siteId) {
      const [site] = UUID.test(siteId)
        ? await tx.select({ id: sites.id }).from(sites).where(and(eq(sites.id, siteId), eq(sites.trustId, scope.trustId)))
        : [];
      if (!site) fieldErrors.siteId = "Select one of your trust's sites";
    }
    const objectiveId = input.objectiveId || null;
    if (objectiveId) {
      const [objective] = UUID.test(objectiveId)
        ? await tx
            .select({ id: objectives.id, retiredAt: objectives.retiredAt })
            .from(objectives)
            .where(and(eq(objectives.id, objectiveId), eq(objectives.trustId, scope.trustId)))
        : [];
      if (!objective) fieldErrors.objectiveId = "Select one of your trust's objectives";
      else if (objective.retiredAt && existing?.objectiveId !== objectiveId) {
        fieldErrors.objectiveId = "This objective is retired: choose a current one";
      }
    }
    if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors };

    const values = {
      type: input.type,
      title: input.title,
      summary: input.summary,
      description: input.description,
      siteId,
      objectiveId,
      sponsorName: input.sponsorName,
      sponsorRole: input.sponsorRole,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      applicationDeadline: input.applicationDeadline,
      totalHours: String(input.totalHours),
      hoursPerWeek: String(input.hoursPerWeek),
      seats: input.seats,
      eligibleGrades: input.eligibleGrades,
      specialties: input.specialties,
      ltftFriendly: input.ltftFriendly,
      multiprofessional: input.multiprofessional,
      tier: input.tier,
      focus: input.focus,
      hlmDimensions: input.hlmDimensions,
      learningOutcomes: input.learningOutcomes,
    };
    let opportunityId: string;
    let promoted: string[] = [];
    if (edit && existing) {
      await tx.update(opportunities).set({ ...values, updatedAt: new Date() }).where(eq(opportunities.id, edit.id));
      await tx.delete(opportunitySessions).where(eq(opportunitySessions.opportunityId, edit.id));
      opportunityId = edit.id;
      promoted = await fillSeatsFromWaitingList(
        tx,
        { id: edit.id, seats: input.seats, trustId: scope.trustId, status: existing.status, endsOn: input.endsOn },
        edit.today,
        by,
      );
    } else {
      const [row] = await tx
        .insert(opportunities)
        .values({ ...values, trustId: scope.trustId, createdBy: scope.userId, status: "draft" })
        .returning({ id: opportunities.id });
      opportunityId = row!.id;
    }
    if (input.sessions.length) {
      await tx.insert(opportunitySessions).values(input.sessions.map((s) => ({ ...s, opportunityId })));
    }
    await refreshSearchVectors(tx, eq(opportunities.id, opportunityId));
    await recordAudit(tx, by, {
      action: edit ? "opportunity.edited" : "opportunity.created",
      targetType: "opportunity",
      targetId: opportunityId,
      trustId: scope.trustId,
      details: { seats: input.seats, sessions: input.sessions.length },
    });
    return { ok: true, id: opportunityId, promoted };
  });
}

const detailColumns = {
  id: opportunities.id,
  trustId: opportunities.trustId,
  type: opportunities.type,
  title: opportunities.title,
  summary: opportunities.summary,
  description: opportunities.description,
  siteId: opportunities.siteId,
  siteName: sites.name,
  objectiveId: opportunities.objectiveId,
  objectiveTitle: objectives.title,
  objectiveDescription: objectives.description,
  sponsorName: opportunities.sponsorName,
  sponsorRole: opportunities.sponsorRole,
  startsOn: opportunities.startsOn,
  endsOn: opportunities.endsOn,
  applicationDeadline: opportunities.applicationDeadline,
  totalHours: opportunities.totalHours,
  hoursPerWeek: opportunities.hoursPerWeek,
  seats: opportunities.seats,
  seatsTaken,
  eligibleGrades: opportunities.eligibleGrades,
  specialties: opportunities.specialties,
  ltftFriendly: opportunities.ltftFriendly,
  multiprofessional: opportunities.multiprofessional,
  tier: opportunities.tier,
  focus: opportunities.focus,
  hlmDimensions: opportunities.hlmDimensions,
  learningOutcomes: opportunities.learningOutcomes,
  status: opportunities.status,
  publishedAt: opportunities.publishedAt,
  updatedAt: opportunities.updatedAt,
  trustName: trusts.name,
  trustOds: trusts.odsCode,
  region: trusts.region,
  integratedCareSystem: trusts.integratedCareSystem,
};

async function loadDetail(db: DbOrTx, where: SQL) {
  const [row] = await db
    .select(detailColumns)
    .from(opportunities)
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .leftJoin(sites, eq(sites.id, opportunities.siteId))
    .leftJoin(objectives, eq(objectives.id, opportunities.objectiveId))
    .where(where);
  if (!row) return null;
  const sessions = await db
    .select({ id: opportunitySessions.id, date: opportunitySessions.date, startsAt: opportunitySessions.startsAt, endsAt: opportunitySessions.endsAt, location: opportunitySessions.location })
    .from(opportunitySessions)
    .where(eq(opportunitySessions.opportunityId, row.id))
    .orderBy(asc(opportunitySessions.date), asc(opportunitySessions.startsAt));
  return { ...row, seatsLeft: Math.max(0, row.seats - row.seatsTaken), sessions };
}

export type OpportunityDetail = NonNullable<Awaited<ReturnType<typeof loadDetail>>>;

/** One of the trust's own opportunities, in any status; another trust's is not found. */
export async function getTrustOpportunity(db: Db, trustId: string, id: string) {
  if (!UUID.test(id)) return null;
  return loadDetail(db, and(eq(opportunities.id, id), eq(opportunities.trustId, trustId))!);
}

/**
 * The public page: published and closed opportunities for everyone (closed ones say so);
 * a draft or archived one only for staff of its own trust.
 */
/** getOpportunityForViewer's rule without the page's detail: for an action to ask before it reads the form. */
export async function opportunityVisibleTo(db: DbOrTx, id: string, viewerTrustId: string | null): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const [row] = await db.select({ status: opportunities.status, trustId: opportunities.trustId }).from(opportunities).where(eq(opportunities.id, id));
  if (!row) return false;
  return row.status === "published" || row.status === "closed" || row.trustId === viewerTrustId;
}

export async function getOpportunityForViewer(db: Db, id: string, viewerTrustId: string | null) {
  if (!UUID.test(id)) return null;
  const detail = await loadDetail(db, eq(opportunities.id, id));
  if (!detail) return null;
  if (detail.status === "published" || detail.status === "closed") return detail;
  return viewerTrustId === detail.trustId ? detail : null;
}

export async function listTrustOpportunities(db: Db, trustId: string, status?: OpportunityStatus) {
  return db
    .select({
      id: opportunities.id,
      title: opportunities.title,
      type: opportunities.type,
      status: opportunities.status,
      seats: opportunities.seats,
      seatsTaken,
      applicationsWaiting,
      applicationDeadline: opportunities.applicationDeadline,
      startsOn: opportunities.startsOn,
    })
    .from(opportunities)
    .where(and(eq(opportunities.trustId, trustId), status ? eq(opportunities.status, status) : undefined))
    .orderBy(
      sql`case ${opportunities.status} when 'draft' then 0 when 'published' then 1 when 'closed' then 2 else 3 end`,
      asc(opportunities.applicationDeadline),
    );
}

export async function countTrustOpportunitiesByStatus(db: Db, trustId: string) {
  const rows = await db
    .select({ status: opportunities.status, n: count() })
    .from(opportunities)
    .where(eq(opportunities.trustId, trustId))
    .groupBy(opportunities.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<Record<OpportunityStatus, number>>;
}

export type StatusAction = "publish" | "close" | "reopen" | "archive";

const TRANSITIONS: Record<StatusAction, { from: OpportunityStatus[]; to: OpportunityStatus; done: string }> = {
  publish: { from: ["draft"], to: "published", done: "published" },
  close: { from: ["published"], to: "closed", done: "closed" },
  reopen: { from: ["closed"], to: "published", done: "reopened" },
  archive: { from: ["draft", "closed"], to: "archived", done: "archived" },
};

const STATUS_WORDS: Record<OpportunityStatus, string> = {
  draft: "a draft",
  published: "published",
  closed: "closed",
  archived: "archived",
};

export function allowedActions(status: OpportunityStatus): StatusAction[] {
  return (Object.keys(TRANSITIONS) as StatusAction[]).filter((a) => TRANSITIONS[a].from.includes(status));
}

export async function changeOpportunityStatus(
  db: Db,
  trustId: string,
  id: string,
  action: StatusAction,
  today: string,
  audit: AuditContext = BY_SERVICE,
): Promise<{ ok: true; promoted: string[] } | { ok: false; status: 404 | 409; message: string }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: opportunities.status, deadline: opportunities.applicationDeadline, title: opportunities.title, seats: opportunities.seats, endsOn: opportunities.endsOn })
      .from(opportunities)
      .where(and(eq(opportunities.id, id), eq(opportunities.trustId, trustId)))
      .for("update");
    if (!row) return { ok: false as const, status: 404 as const, message: "Opportunity not found" };
    const rule = TRANSITIONS[action];
    if (!rule.from.includes(row.status)) {
      return { ok: false as const, status: 409 as const, message: `This opportunity is ${STATUS_WORDS[row.status]}, so it cannot be ${rule.done}` };
    }
    if (action === "publish" && row.title.startsWith(COPY_PREFIX)) {
      return { ok: false as const, status: 409 as const, message: "Change the title of this copy (and its dates) before you publish it" };
    }
    if ((action === "publish" || action === "reopen") && row.deadline < today) {
      return { ok: false as const, status: 409 as const, message: "The application deadline has passed: change it before publishing" };
    }
    const now = new Date();
    await tx
      .update(opportunities)
      .set({
        status: rule.to,
        updatedAt: now,
        ...(rule.to === "published" ? { publishedAt: now, closedAt: null } : {}),
        ...(rule.to === "closed" ? { closedAt: now } : {}),
        ...(rule.to === "archived" ? { archivedAt: now } : {}),
      })
      .where(eq(opportunities.id, id));
    // Reopening makes seats offerable again: any free ones go to the waiting list at once.
    await recordAudit(tx, audit, { action: AUDITED_AS[action], targetType: "opportunity", targetId: id, trustId, details: { from: row.status, to: rule.to } });
    const promoted = rule.to === "published" ? await fillSeatsFromWaitingList(tx, { id, seats: row.seats, trustId, status: rule.to, endsOn: row.endsOn }, today, audit) : [];
    return { ok: true as const, promoted };
  });
}

const AUDITED_AS = {
  publish: "opportunity.published",
  close: "opportunity.closed",
  reopen: "opportunity.reopened",
  archive: "opportunity.archived",
} as const satisfies Record<StatusAction, AuditAction>;

const COPY_PREFIX = "Copy of ";

/** A new draft with the same details and sessions, for running an opportunity again. */
export async function duplicateOpportunity(db: Db, scope: { trustId: string; userId: string | null }, id: string, audit?: AuditContext): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [source] = await tx
      .select()
      .from(opportunities)
      .where(and(eq(opportunities.id, id), eq(opportunities.trustId, scope.trustId)));
    if (!source) return null;
    const { id: _id, createdAt: _c, updatedAt: _u, publishedAt: _p, closedAt: _cl, archivedAt: _a, searchVector: _s, ...copy } = source;
    const [created] = await tx
      .insert(opportunities)
      .values({ ...copy, title: `${COPY_PREFIX}${source.title}`.slice(0, 120), status: "draft", createdBy: scope.userId })
      .returning({ id: opportunities.id });
    const sessions = await tx.select().from(opportunitySessions).where(eq(opportunitySessions.opportunityId, id));
    if (sessions.length) {
      await tx.insert(opportunitySessions).values(sessions.map(({ id: _sid, ...s }) => ({ ...s, opportunityId: created!.id })));
    }
    await refreshSearchVectors(tx, eq(opportunities.id, created!.id));
    await recordAudit(tx, auditBy(audit, scope.userId ? { id: scope.userId, role: "trust_lead" } : null), {
      action: "opportunity.duplicated",
      targetType: "opportunity",
      targetId: created!.id,
      trustId: scope.trustId,
      details: { copiedFrom: id },
    });
    return created!.id;
  });
}

/** Sites and objectives for the form; a retired objective appears only where it is already used. */
export async function opportunityFormOptions(db: Db, trustId: string, currentObjectiveId: string | null = null) {
  const [siteRows, objectiveRows] = await Promise.all([
    db.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.trustId, trustId)).orderBy(asc(sites.name)),
    db
      .select({ id: objectives.id, title: objectives.title, retiredAt: objectives.retiredAt })
      .from(objectives)
      .where(eq(objectives.trustId, trustId))
      .orderBy(asc(objectives.title)),
  ]);
  return {
    sites: siteRows,
    objectives: objectiveRows
      .filter((o) => !o.retiredAt || o.id === currentObjectiveId)
      .map((o) => ({ id: o.id, title: o.title, retired: Boolean(o.retiredAt) })),
  };
}
