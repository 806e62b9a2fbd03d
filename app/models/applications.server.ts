// The application lifecycle. Every change is one transaction that locks the opportunity's
// row (so seats are counted with nobody else changing them), writes the new status and an
// event, and queues the notifications and e-mails it causes.
import { and, asc, count, desc, eq, gte, inArray, isNull, lte, ne, sql } from "drizzle-orm";
import * as v from "valibot";

import type { Db, DbOrTx } from "@db/client";
import { applicationEvents, applications, completionSignoffs, opportunities, opportunitySessions, placements, reflections, sites, traineeProfiles, trusts, users } from "@db/schema";
import { preparedQuery } from "@db/prepared";

import type { SessionUser } from "~/auth.server";
import { formatDate } from "~/utils/dates";
import { issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import { UUID } from "./accounts.schema";
import { auditBy, BY_SERVICE, recordAudit, recordViews, type AuditContext } from "./audit.server";
import { acceptsOffers, actionsFor, HOLDS_SEAT, notYetFor, TRANSITIONS, type ApplicationAction, type OpportunityNow } from "./applications.rules";
import type { ApplicationStatus, OpportunityStatus, Role } from "./domain";
import { eligibilityFor } from "./eligibility";
import { eligibilityGrade } from "./trainee-grade.server";
import { audiencesFor, type Audience } from "./messages";
import { createNotifications, markReadForApplication } from "./notifications.server";
import { queueEmails } from "./outbox.server";
import { SignOffSchema, type SignOffInput } from "./reflections.schema";
import { unfinishedRoundOf } from "./rounds.server";
import { isUniqueViolation } from "./users.server";
import { placementWarning } from "./placement-warnings";

export function roundHoldsMessage(roundName: string): string {
  return `Places on this opportunity are allocated in the round ${roundName}: add it to your choices instead`;
}

const CONFIDENTIAL_TYPES = ["board_seat", "patient_safety"] as const;

export function needsConfidentiality(type: string): boolean {
  return (CONFIDENTIAL_TYPES as readonly string[]).includes(type);
}

export const CONFIDENTIALITY_REQUIRED = "Confirm that you will keep what you see and hear confidential";

/**
 * The confidentiality message for a refused application form, so it shows with the
 * statement's message at once rather than on the next try. Applying checks it again.
 */
export async function confidentialityError(db: Db, opportunityId: string, confirmed: boolean): Promise<string | undefined> {
  if (confirmed || !UUID.test(opportunityId)) return undefined;
  const [opp] = await db.select({ type: opportunities.type }).from(opportunities).where(eq(opportunities.id, opportunityId));
  return opp && needsConfidentiality(opp.type) ? CONFIDENTIALITY_REQUIRED : undefined;
}

/**
 * Tells everyone an application event concerns: a notification and an e-mail each, in the
 * caller's transaction. Only the facts are stored (event, recipient, actor); the words are
 * composed when shown or sent (messages.ts), so a closed account leaves no name behind.
 */
async function tellAboutEvent(
  tx: DbOrTx,
  e: { applicationId: string; eventId: number; actorId: string | null; traineeId: string; trustId: string; toStatus: ApplicationStatus },
) {
  const recipients: { id: string; audience: Audience }[] = [];
  for (const audience of audiencesFor(e.toStatus)) {
    const people = audience === "trainee" ? [{ id: e.traineeId }] : await trustStaff(tx, e.trustId, audience);
    for (const p of people) if (!recipients.some((r) => r.id === p.id)) recipients.push({ id: p.id, audience });
  }
  await createNotifications(
    tx,
    recipients.map((r) => ({ userId: r.id, kind: "application_event" as const, applicationId: e.applicationId, eventId: e.eventId, actorId: e.actorId })),
  );
  await queueEmails(
    tx,
    recipients.map((r) => ({ kind: "application_event" as const, recipientId: r.id, applicationId: e.applicationId, eventId: e.eventId, audience: r.audience })),
  );
}

async function trustStaff(tx: DbOrTx, trustId: string, role: "trust_lead" | "dme") {
  return tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.trustId, trustId), eq(users.role, role), isNull(users.disabledAt)));
}

export type ApplyResult = { ok: true; applicationId: string } | { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; formError?: string };

export async function applyForOpportunity(
  db: Db,
  traineeId: string,
  input: { opportunityId: string; statement: string; confidentiality: boolean },
  today: string,
  audit?: AuditContext,
): Promise<ApplyResult> {
  if (!UUID.test(input.opportunityId)) return { ok: false, status: 404, fieldErrors: {} };
  try {
    return await db.transaction(async (tx): Promise<ApplyResult> => {
      const [opp] = await tx
        .select({
          id: opportunities.id,
          title: opportunities.title,
          type: opportunities.type,
          status: opportunities.status,
          trustId: opportunities.trustId,
          applicationDeadline: opportunities.applicationDeadline,
          eligibleGrades: opportunities.eligibleGrades,
          specialties: opportunities.specialties,
        })
        .from(opportunities)
        .where(eq(opportunities.id, input.opportunityId))
        .for("update");
      if (!opp || opp.status === "draft" || opp.status === "archived") return { ok: false, status: 404, fieldErrors: {} };
      // Read under the opportunity's lock: a round holding it takes ranked choices, never first-come applications.
      const round = await unfinishedRoundOf(tx, opp.id);
      if (round) return { ok: false, status: 409, fieldErrors: {}, formError: roundHoldsMessage(round.name) };
      const [profile] = await tx
        .select({ grade: eligibilityGrade(today).grade, specialty: traineeProfiles.specialty })
        .from(traineeProfiles)
        .where(eq(traineeProfiles.userId, traineeId));
      if (!profile) return { ok: false, status: 409, fieldErrors: {}, formError: "Only trainees can apply" };
      const verdict = eligibilityFor({ ...opp, seatsLeft: 1 }, { role: "trainee", grade: profile.grade, specialty: profile.specialty }, today);
      if (!verdict.eligible) return { ok: false, status: 409, fieldErrors: {}, formError: verdict.reason };
      if (needsConfidentiality(opp.type) && !input.confidentiality) {
        return { ok: false, status: 400, fieldErrors: { confidentiality: CONFIDENTIALITY_REQUIRED } };
      }
      const [existing] = await tx
        .select({ id: applications.id })
        .from(applications)
        .where(and(eq(applications.opportunityId, opp.id), eq(applications.traineeId, traineeId), ne(applications.status, "withdrawn")));
      if (existing) return { ok: false, status: 409, fieldErrors: {}, formError: "You have already applied for this opportunity" };

      const now = new Date();
      const [created] = await tx
        .insert(applications)
        .values({
          opportunityId: opp.id,
          traineeId,
          statement: input.statement,
          confidentialityAcceptedAt: needsConfidentiality(opp.type) ? now : null,
        })
        .returning({ id: applications.id });
      const id = created!.id;
      const [event] = await tx
        .insert(applicationEvents)
        .values({ applicationId: id, actorId: traineeId, fromStatus: null, toStatus: "submitted" })
        .returning({ id: applicationEvents.id });
      await tellAboutEvent(tx, { applicationId: id, eventId: event!.id, actorId: traineeId, traineeId, trustId: opp.trustId, toStatus: "submitted" });
      await recordAudit(tx, auditBy(audit, { id: traineeId, role: "trainee" }), {
        action: "application.submitted",
        targetType: "application",
        targetId: id,
        traineeId,
        trustId: opp.trustId,
        details: { opportunityId: opp.id },
      });
      return { ok: true, applicationId: id };
    });
  } catch (error) {
    // Two submissions of the same form at once: the unique index lets one through.
    if (isUniqueViolation(error, "applications_one_active_key")) {
      return { ok: false, status: 409, fieldErrors: {}, formError: "You have already applied for this opportunity" };
    }
    throw error;
  }
}

export type TransitionResult =
  | { ok: true; unchanged: boolean; status: ApplicationStatus; promoted: string[] }
  | { ok: false; status: 400 | 403 | 404 | 409; message: string; fieldErrors?: FieldErrors };

const PAST: Record<ApplicationStatus, string> = {
  submitted: "submitted",
  offered: "offered",
  approved: "approved",
  completed: "signed off as completed",
  declined: "declined",
  waitlisted: "put on the waiting list",
  rejected: "not approved",
  withdrawn: "withdrawn",
  not_completed: "recorded as not completed",
};

/** Whether the viewer may see the application at all: its trainee, staff of its trust, an admin. */
function inScope(viewer: Pick<SessionUser, "id" | "role" | "trustId">, app: { traineeId: string; trustId: string }): boolean {
  if (viewer.role === "admin") return true;
  if (viewer.role === "trainee") return viewer.id === app.traineeId;
  return viewer.trustId === app.trustId;
}

/**
 * Whether the viewer may act on the application at all (theirs, or their trust's; any for an
 * admin): an action asks before it reads the form, so another trust's or another trainee's
 * application is not found whatever was sent, never a form error about it.
 */
export async function applicationInScope(db: DbOrTx, viewer: Pick<SessionUser, "id" | "role" | "trustId">, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const [row] = await db
    .select({ traineeId: applications.traineeId, trustId: opportunities.trustId })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .where(eq(applications.id, id));
  return Boolean(row && inScope(viewer, row));
}

export async function transitionApplication(
  db: Db,
  actor: Pick<SessionUser, "id" | "role" | "trustId">,
  applicationId: string,
  action: ApplicationAction,
  /** signOff: the sponsor's feedback as typed (checked here with SignOffSchema), for a move that carries it. */
  input: { reason?: string; today: string; signOff?: SignOffInput | Record<string, unknown> },
  audit?: AuditContext,
): Promise<TransitionResult> {
  if (!UUID.test(applicationId)) return { ok: false, status: 404, message: "Application not found" };
  const rule = TRANSITIONS[action];
  const reason = input.reason?.trim() || null;
  if (rule.reason === "required" && !reason) return { ok: false, status: 400, message: "Give a reason: the trainee will see it" };
  let signOff: SignOffInput | null = null;
  if (rule.feedback === "sponsor") {
    // Checked here as well as by the form: the bounds and the lists hold for every caller.
    const parsed = v.safeParse(SignOffSchema, input.signOff ?? {});
    if (!parsed.success) {
      const fieldErrors = issuesToFieldErrors(parsed.issues);
      return { ok: false, status: 400, message: Object.values(fieldErrors)[0] ?? "Give the sponsor's feedback", fieldErrors };
    }
    signOff = parsed.output;
  }

  return db.transaction(async (tx): Promise<TransitionResult> => {
    const [ref] = await tx
      .select({ opportunityId: applications.opportunityId })
      .from(applications)
      .where(eq(applications.id, applicationId));
    if (!ref) return { ok: false, status: 404, message: "Application not found" };
    // Lock the opportunity first: every change to its seats queues here, one at a time.
    const [opp] = await tx
      .select({ id: opportunities.id, seats: opportunities.seats, trustId: opportunities.trustId, endsOn: opportunities.endsOn, status: opportunities.status })
      .from(opportunities)
      .where(eq(opportunities.id, ref.opportunityId))
      .for("update");
    const [app] = await tx
      .select({ id: applications.id, status: applications.status, traineeId: applications.traineeId })
      .from(applications)
      .where(eq(applications.id, applicationId))
      .for("update");
    if (!opp || !app || !inScope(actor, { traineeId: app.traineeId, trustId: opp.trustId })) {
      return { ok: false, status: 404, message: "Application not found" };
    }
    if (actor.role !== rule.by) return { ok: false, status: 403, message: "Your role cannot do this" };
    // The same form sent twice: the first made the change, the second has nothing to do.
    if (app.status === rule.to) return { ok: true, unchanged: true, status: app.status, promoted: [] };
    if (!rule.from.includes(app.status)) {
      const [last] = await tx
        .select({ at: applicationEvents.createdAt })
        .from(applicationEvents)
        .where(and(eq(applicationEvents.applicationId, app.id), eq(applicationEvents.toStatus, app.status)))
        .orderBy(desc(applicationEvents.createdAt))
        .limit(1);
      const when = last ? ` on ${formatDate(last.at)}` : "";
      return { ok: false, status: 409, message: `This application was ${PAST[app.status]}${when}, so it cannot be ${PAST[rule.to]} now` };
    }
    // The same table and the same facts the pages used to offer the button.
    const now: OpportunityNow = { today: input.today, endsOn: opp.endsOn, status: opp.status, seats: opp.seats, seatsTaken: await seatsHeld(tx, opp.id) };
    const refusal = rule.refusal?.(now);
    if (refusal) return { ok: false, status: 409, message: refusal };

    await tx.update(applications).set({ status: rule.to, updatedAt: new Date() }).where(eq(applications.id, app.id));
    const [event] = await tx
      .insert(applicationEvents)
      .values({ applicationId: app.id, actorId: actor.id, fromStatus: app.status, toStatus: rule.to, reason })
      .returning({ id: applicationEvents.id });
    if (action === "complete" || action === "not_complete") {
      await tx.insert(completionSignoffs).values({
        applicationId: app.id,
        outcome: rule.to as "completed" | "not_completed",
        // For "not completed", why; a completion's feedback is structured.
        sponsorFeedback: reason ?? "",
        observedDimensions: signOff?.observedDimensions ?? [],
        strengths: signOff?.strengths ?? "",
        nextStep: signOff?.nextStep ?? "",
        signedOffBy: actor.id,
      });
    }
    await tellAboutEvent(tx, { applicationId: app.id, eventId: event!.id, actorId: actor.id, traineeId: app.traineeId, trustId: opp.trustId, toStatus: rule.to });
    await markReadForApplication(tx, actor.id, app.id);
    const by = auditBy(audit, actor);
    await recordAudit(tx, by, {
      action: `application.${rule.to}`,
      targetType: "application",
      targetId: app.id,
      traineeId: app.traineeId,
      trustId: opp.trustId,
      details: { from: app.status, to: rule.to, opportunityId: opp.id },
    });

    const freesSeat = HOLDS_SEAT.includes(app.status) && !HOLDS_SEAT.includes(rule.to);
    const promoted = freesSeat ? await fillSeatsFromWaitingList(tx, opp, input.today, by) : [];
    return { ok: true, unchanged: false, status: rule.to, promoted };
  });
}

/**
 * Seats held on the opportunity, correlated with "opportunities" (the query must have it
 * under its own name). Built from HOLDS_SEAT, so the count and the rules cannot drift.
 */
export const seatsTaken = sql<number>`(select count(*) from applications seat
  where seat.opportunity_id = "opportunities"."id"
    and seat.status in (${sql.raw(HOLDS_SEAT.map((s) => `'${s}'`).join(", "))}))`.mapWith(Number);

/** Seats held now: read in its own statement after the opportunity's row is locked, so it sees every offer committed before the lock was granted. */
export async function seatsHeld(tx: DbOrTx, opportunityId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(applications)
    .where(and(eq(applications.opportunityId, opportunityId), inArray(applications.status, [...HOLDS_SEAT])));
  return row?.n ?? 0;
}

/** A trainee's leadership opportunities so far: approved or completed applications. */
const priorOpportunities = sql<number>`(select count(*) from applications prior
  where prior.trainee_id = "applications"."trainee_id" and prior.id <> "applications"."id"
    and prior.status in ('approved', 'completed'))`.mapWith(Number);

/**
 * Offers every free seat to the waiting list, first-timers first, then in the round's
 * lottery order (a round's waiting list), then the earliest to apply, and tells each one; a
 * trainee who already holds a seat from the same round is passed over. The one way anybody is promoted: every change that frees or
 * adds a seat calls it in its own transaction (a withdrawal or rejection, more seats or
 * later dates on an edit, reopening), which already holds the opportunity's row lock.
 * Nobody is promoted onto an opportunity that is closed, archived or ended: that seat
 * would be one nobody can take up.
 */
export async function fillSeatsFromWaitingList(
  tx: DbOrTx,
  opp: { id: string; seats: number; trustId: string; status: OpportunityStatus; endsOn: string },
  today: string,
  /** The change that freed or added the seat: the promotion is recorded under its request. */
  audit?: AuditContext,
): Promise<string[]> {
  if (!acceptsOffers({ status: opp.status, endsOn: opp.endsOn, today })) return [];
  const free = opp.seats - (await seatsHeld(tx, opp.id));
  if (free <= 0) return [];
  const next = await tx
    .select({ id: applications.id, traineeId: applications.traineeId })
    .from(applications)
    .where(
      and(
        eq(applications.opportunityId, opp.id),
        eq(applications.status, "waitlisted"),
        // At most one place per trainee per round: someone the round (or its waiting list)
        // already gave a seat stays on this list but is passed over.
        sql`not exists (select 1 from applications other
          where other.trainee_id = ${applications.traineeId} and other.round_id = ${applications.roundId}
            and other.status in (${sql.raw(HOLDS_SEAT.map((s) => `'${s}'`).join(", "))}))`,
      ),
    )
    // A round's list keeps the order its lottery drew (waitlist_position); first-come waiting lists have none.
    .orderBy(sql`${priorOpportunities} = 0 desc`, sql`${applications.waitlistPosition} asc nulls last`, asc(applications.createdAt), asc(applications.id))
    .limit(free)
    .for("update");
  for (const waiting of next) {
    await tx.update(applications).set({ status: "offered", updatedAt: new Date() }).where(eq(applications.id, waiting.id));
    const [event] = await tx
      .insert(applicationEvents)
      .values({ applicationId: waiting.id, actorId: null, fromStatus: "waitlisted", toStatus: "offered", reason: "A seat came free" })
      .returning({ id: applicationEvents.id });
    await tellAboutEvent(tx, { applicationId: waiting.id, eventId: event!.id, actorId: null, traineeId: waiting.traineeId, trustId: opp.trustId, toStatus: "offered" });
  }
  await recordAudit(
    tx,
    audit ?? BY_SERVICE,
    next.map((w) => ({
      action: "application.promoted",
      targetType: "application",
      targetId: w.id,
      traineeId: w.traineeId,
      trustId: opp.trustId,
      details: { from: "waitlisted", to: "offered", opportunityId: opp.id },
    })),
  );
  return next.map((w) => w.id);
}

type PlacementDuring = { trustId: string; trustName: string; siteName: string; startsOn: string; endsOn: string; placementType: string };

/**
 * Each application's trainee's placements over the opportunity's dates, with the trust they
 * are at: one query for a whole page of applications, however many rows it has.
 */
async function placementsDuringApplications(db: DbOrTx, applicationIds: string[]): Promise<Map<string, PlacementDuring[]>> {
  const byApplication = new Map<string, PlacementDuring[]>(applicationIds.map((id) => [id, []]));
  if (!applicationIds.length) return byApplication;
  const rows = await db
    .select({
      applicationId: applications.id,
      trustId: placements.trustId,
      trustName: trusts.name,
      siteName: sql<string>`coalesce(${sites.name}, ${placements.siteName})`,
      startsOn: placements.startsOn,
      endsOn: placements.endsOn,
      placementType: placements.placementType,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(
      placements,
      and(eq(placements.traineeId, applications.traineeId), lte(placements.startsOn, opportunities.endsOn), gte(placements.endsOn, opportunities.startsOn)),
    )
    .innerJoin(trusts, eq(trusts.id, placements.trustId))
    .leftJoin(sites, eq(sites.id, placements.siteId))
    .where(inArray(applications.id, applicationIds))
    .orderBy(asc(placements.startsOn), asc(placements.id));
  for (const { applicationId, ...p } of rows) byApplication.get(applicationId)!.push(p);
  return byApplication;
}

export async function getApplicationForViewer(db: Db, viewer: Pick<SessionUser, "id" | "role" | "trustId">, id: string, today: string, audit?: AuditContext) {
  if (!UUID.test(id)) return null;
  const grade = eligibilityGrade(today);
  const [row] = await db
    .select({
      id: applications.id,
      status: applications.status,
      statement: applications.statement,
      confidentialityAcceptedAt: applications.confidentialityAcceptedAt,
      createdAt: applications.createdAt,
      traineeId: applications.traineeId,
      traineeName: users.name,
      hlmDimensions: opportunities.hlmDimensions,
      grade: grade.grade,
      gradeSelfDeclared: grade.gradeSelfDeclared,
      specialty: traineeProfiles.specialty,
      opportunityId: opportunities.id,
      title: opportunities.title,
      type: opportunities.type,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      seats: opportunities.seats,
      seatsTaken,
      opportunityStatus: opportunities.status,
      trustId: opportunities.trustId,
      trustName: trusts.name,
      prior: priorOpportunities,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .innerJoin(users, eq(users.id, applications.traineeId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, applications.traineeId))
    .where(eq(applications.id, id));
  if (!row || !inScope(viewer, row)) return null;
  const [events, during, signOffs] = await Promise.all([
    db
      .select({ id: applicationEvents.id, fromStatus: applicationEvents.fromStatus, toStatus: applicationEvents.toStatus, reason: applicationEvents.reason, createdAt: applicationEvents.createdAt, actorName: users.name, actorRole: users.role })
      .from(applicationEvents)
      .leftJoin(users, eq(users.id, applicationEvents.actorId))
      .where(eq(applicationEvents.applicationId, id))
      .orderBy(asc(applicationEvents.createdAt), asc(applicationEvents.id)),
    viewer.role === "trainee" ? Promise.resolve([]) : placementsDuringApplications(db, [row.id]).then((m) => m.get(row.id) ?? []),
    db
      .select({
        outcome: completionSignoffs.outcome,
        sponsorFeedback: completionSignoffs.sponsorFeedback,
        observedDimensions: completionSignoffs.observedDimensions,
        strengths: completionSignoffs.strengths,
        nextStep: completionSignoffs.nextStep,
        createdAt: completionSignoffs.createdAt,
      })
      .from(completionSignoffs)
      .where(eq(completionSignoffs.applicationId, id)),
    recordViews(db, auditBy(audit, viewer), { action: "application.viewed", targetType: "application", targetId: row.id, trustId: row.trustId, traineeIds: [row.traineeId] }),
  ]);
  const opportunityNow: OpportunityNow = { today, endsOn: row.endsOn, status: row.opportunityStatus, seats: row.seats, seatsTaken: row.seatsTaken };
  return {
    ...row,
    firstTimer: row.prior === 0,
    events,
    signOff: signOffs[0] ?? null,
    placements: during,
    warning: viewer.role === "trainee" ? null : placementWarning(during, row.trustId, row.trustName),
    actions: actionsFor(viewer.role as Role, row.status, opportunityNow),
    notYet: notYetFor(viewer.role as Role, row.status, opportunityNow),
  };
}

/**
 * Applicants for one of the trust's opportunities: first-timers first, then by date applied,
 * with where each is placed and what the lead can do now. Three queries, however many apply.
 */
export async function listApplicants(db: Db, trustId: string, opportunityId: string, today: string, audit?: AuditContext) {
  if (!UUID.test(opportunityId)) return null;
  const [opp] = await db
    .select({ id: opportunities.id, title: opportunities.title, status: opportunities.status, seats: opportunities.seats, startsOn: opportunities.startsOn, endsOn: opportunities.endsOn, trustName: trusts.name })
    .from(opportunities)
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .where(and(eq(opportunities.id, opportunityId), eq(opportunities.trustId, trustId)));
  if (!opp) return null;
  const grade = eligibilityGrade(today);
  const rows = await db
    .select({
      id: applications.id,
      status: applications.status,
      statement: applications.statement,
      createdAt: applications.createdAt,
      traineeId: applications.traineeId,
      name: users.name,
      grade: grade.grade,
      gradeSelfDeclared: grade.gradeSelfDeclared,
      specialty: traineeProfiles.specialty,
      prior: priorOpportunities,
    })
    .from(applications)
    .innerJoin(users, eq(users.id, applications.traineeId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, applications.traineeId))
    .where(eq(applications.opportunityId, opp.id))
    .orderBy(sql`${priorOpportunities} = 0 desc`, asc(applications.createdAt), asc(applications.id));
  const [during] = await Promise.all([
    placementsDuringApplications(
      db,
      rows.map((r) => r.id),
    ),
    // Each applicant shown is a trainee's data opened: one row per trainee.
    recordViews(db, audit ?? BY_SERVICE, { action: "applicants.viewed", targetType: "opportunity", targetId: opp.id, trustId, traineeIds: rows.map((r) => r.traineeId) }),
  ]);
  const seatsTaken = rows.filter((r) => HOLDS_SEAT.includes(r.status)).length;
  const opportunityNow: OpportunityNow = { today, endsOn: opp.endsOn, status: opp.status, seats: opp.seats, seatsTaken };
  const applicants = rows.map((r) => ({
    ...r,
    firstTimer: r.prior === 0,
    placements: during.get(r.id) ?? [],
    actions: actionsFor("trust_lead", r.status, opportunityNow),
  }));
  return { opportunity: { ...opp, seatsTaken }, applicants };
}

/** The DME's queue: offered applications at the trust, oldest first, with placement warnings. Two queries. */
export async function listApprovalQueue(db: Db, trustId: string, today: string, audit?: AuditContext) {
  const grade = eligibilityGrade(today);
  const rows = await db
    .select({
      id: applications.id,
      updatedAt: applications.updatedAt,
      traineeId: applications.traineeId,
      name: users.name,
      grade: grade.grade,
      gradeSelfDeclared: grade.gradeSelfDeclared,
      title: opportunities.title,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      trustName: trusts.name,
      prior: priorOpportunities,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .innerJoin(users, eq(users.id, applications.traineeId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, applications.traineeId))
    .where(and(eq(opportunities.trustId, trustId), eq(applications.status, "offered")))
    .orderBy(asc(applications.updatedAt), asc(applications.id));
  const [during] = await Promise.all([
    placementsDuringApplications(
      db,
      rows.map((r) => r.id),
    ),
    recordViews(db, audit ?? BY_SERVICE, { action: "applicants.viewed", targetType: "trust", targetId: trustId, trustId, traineeIds: rows.map((r) => r.traineeId), details: { list: "approval_queue" } }),
  ]);
  return rows.map((r) => {
    const list = during.get(r.id) ?? [];
    return { ...r, firstTimer: r.prior === 0, placements: list, warning: placementWarning(list, trustId, r.trustName) };
  });
}

/**
 * The trainee's applications, newest change first, each with its reflection's state ("draft",
 * "final", or null for none): their home's list and its reflection links from one prepared
 * statement (a reflection is unique per application).
 */
const traineeApplications = preparedQuery((db) =>
  db
    .select({
      id: applications.id,
      status: applications.status,
      updatedAt: applications.updatedAt,
      opportunityId: opportunities.id,
      title: opportunities.title,
      trustName: trusts.name,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      reflection: sql<"draft" | "final" | null>`case when ${reflections.id} is null then null when ${reflections.finalisedAt} is null then 'draft' else 'final' end`,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .leftJoin(reflections, eq(reflections.applicationId, applications.id))
    .where(eq(applications.traineeId, sql.placeholder("traineeId")))
    .orderBy(desc(applications.updatedAt))
    .prepare("trainee_applications"),
);

export async function listTraineeApplications(db: Db, traineeId: string) {
  return traineeApplications(db).execute({ traineeId });
}

/** The trainee's own active application for an opportunity, if any. */
export async function findActiveApplication(db: Db, traineeId: string, opportunityId: string) {
  const [row] = await db
    .select({ id: applications.id, status: applications.status })
    .from(applications)
    .where(and(eq(applications.traineeId, traineeId), eq(applications.opportunityId, opportunityId), ne(applications.status, "withdrawn")));
  return row ?? null;
}

const traineeUpcomingSessions = preparedQuery((db) =>
  db
    .select({ id: opportunitySessions.id, date: opportunitySessions.date, startsAt: opportunitySessions.startsAt, endsAt: opportunitySessions.endsAt, location: opportunitySessions.location, title: opportunities.title, applicationId: applications.id })
    .from(opportunitySessions)
    .innerJoin(opportunities, eq(opportunities.id, opportunitySessions.opportunityId))
    .innerJoin(applications, eq(applications.opportunityId, opportunities.id))
    .where(and(eq(applications.traineeId, sql.placeholder("traineeId")), eq(applications.status, "approved"), gte(opportunitySessions.date, sql`${sql.placeholder("today")}::date`)))
    .orderBy(asc(opportunitySessions.date), asc(opportunitySessions.startsAt))
    .limit(10)
    .prepare("trainee_upcoming_sessions"),
);

export async function upcomingSessions(db: Db, traineeId: string, today: string) {
  return traineeUpcomingSessions(db).execute({ traineeId, today });
}
