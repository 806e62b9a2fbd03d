// Running an allocation round, for admins and trust leads (DMEs read): listing, creating,
// editing and cancelling rounds, the round's page with its applicants, and the trust's
// decline of a trainee's choice. Every function takes the viewer and enforces its scope.
import { and, asc, count, desc, eq, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { allocationRounds, opportunities, roundOpportunities, roundPreferences, traineeProfiles, trusts, users } from "@db/schema";

import { cleanText, type FieldErrors } from "~/utils/forms";
import { formatDate, londonDateAndTime, todayInLondon } from "~/utils/dates";

import { REGIONS, type Region, type Role } from "./domain";
import { auditBy, recordAudit, type AuditContext } from "./audit.server";
import { UUID } from "./ids";
import type { Audience } from "./messages";
import { canCancelRound, canEditRound, roundPhase, type RoundPhase, type RoundStatus } from "./round-rules";
import { maySeeAllocation } from "./round-close.server";
import { ROUND_COLUMNS } from "./rounds.server";
import { tellAboutRound, type RoundMessage } from "./round-messages.server";
import type { DeclineChoiceInput, RoundInput } from "./rounds.schema";
import { eligibilityGrade } from "./trainee-grade.server";

export interface RoundViewer {
  id: string;
  role: Role;
  trustId: string | null;
}

type Failure = { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; message?: string };

export const ROUNDS_PAGE_SIZE = 20;
/** An admin's picker never lists more than this: a region holds thousands of opportunities. */
export const OPPORTUNITY_PICKER_LIMIT = 200;

const isStaff = (v: RoundViewer) => (v.role === "trust_lead" || v.role === "dme") && Boolean(v.trustId);

/**
 * Which rounds a viewer sees: an admin all; a lead or DME their trust's rounds and any round
 * holding one of their trust's opportunities (an admin's round across trusts).
 */
function visibleTo(viewer: RoundViewer): SQL | undefined {
  if (viewer.role === "admin") return undefined;
  if (!isStaff(viewer)) return sql`false`;
  return or(
    eq(allocationRounds.trustId, viewer.trustId!),
    sql`exists (select 1 from ${roundOpportunities} ro join ${opportunities} o on o.id = ro.opportunity_id
      where ro.round_id = ${allocationRounds.id} and o.trust_id = ${viewer.trustId})`
  );
}

/** Whether the round exists and the viewer sees it (visibleTo): an action asks before it reads the form. */
export async function roundVisibleTo(db: DbOrTx, viewer: RoundViewer, roundId: string): Promise<boolean> {
  if (!UUID.test(roundId)) return false;
  const [row] = await db
    .select({ id: allocationRounds.id })
    .from(allocationRounds)
    .where(and(eq(allocationRounds.id, roundId), visibleTo(viewer)));
  return Boolean(row);
}

/** Admins manage every round; a trust lead only their own trust's. DMEs read. */
export function canManage(viewer: RoundViewer, round: { trustId: string | null }): boolean {
  if (viewer.role === "admin") return true;
  return viewer.role === "trust_lead" && Boolean(viewer.trustId) && round.trustId === viewer.trustId;
}

/** Opportunities and choices counted for the viewer: all for an admin, their trust's for staff. */
function countsFor(viewer: RoundViewer) {
  const scope = viewer.role === "admin" ? sql`true` : sql`o.trust_id = ${viewer.trustId}`;
  return {
    opportunities: sql<number>`(select count(*) from ${roundOpportunities} ro join ${opportunities} o on o.id = ro.opportunity_id
      where ro.round_id = ${allocationRounds.id} and ${scope})`.mapWith(Number),
    trainees: sql<number>`(select count(distinct rp.trainee_id) from ${roundPreferences} rp join ${opportunities} o on o.id = rp.opportunity_id
      where rp.round_id = ${allocationRounds.id} and ${scope})`.mapWith(Number),
  };
}


function withPhase<T extends { status: RoundStatus; opensAt: Date; closesAt: Date }>(r: T, now: Date) {
  return { ...r, phase: roundPhase(r, now) };
}

/** `/rounds`: newest first, 20 a page. */
export async function listRounds(db: Db, viewer: RoundViewer, options: { page?: number; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const where = visibleTo(viewer);
  const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(allocationRounds).where(where);
  const lastPage = Math.max(1, Math.ceil(total / ROUNDS_PAGE_SIZE));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), lastPage);
  const counts = countsFor(viewer);
  const rows = await db
    .select({ ...ROUND_COLUMNS, trustName: trusts.name, opportunities: counts.opportunities, trainees: counts.trainees })
    .from(allocationRounds)
    .leftJoin(trusts, eq(trusts.id, allocationRounds.trustId))
    .where(where)
    .orderBy(desc(allocationRounds.createdAt), desc(allocationRounds.id))
    .limit(ROUNDS_PAGE_SIZE)
    .offset((page - 1) * ROUNDS_PAGE_SIZE);
  return { rounds: rows.map((r) => withPhase(r, now)), page, lastPage, total };
}

/** For the staff's home pages: rounds not finished yet, the soonest to close first. */
export async function listUnfinishedRounds(db: Db, viewer: RoundViewer, options: { limit?: number; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const counts = countsFor(viewer);
  const rows = await db
    .select({ ...ROUND_COLUMNS, opportunities: counts.opportunities, trainees: counts.trainees })
    .from(allocationRounds)
    .where(and(eq(allocationRounds.status, "open"), visibleTo(viewer)))
    .orderBy(asc(allocationRounds.closesAt), asc(allocationRounds.id))
    .limit(options.limit ?? 5);
  return rows.map((r) => withPhase(r, now));
}

// ---------------------------------------------------------------- the form's opportunities

export interface PickerFilters {
  region?: string;
  ics?: string;
  trustId?: string;
}

/**
 * What the round form offers: a lead, their trust's published opportunities that have not
 * ended; an admin, the same across trusts narrowed first by region, integrated care system or
 * trust (nothing is listed until one is chosen), at most OPPORTUNITY_PICKER_LIMIT. The ones
 * already chosen are always listed, so an edit or a refused form keeps them. Each says if
 * another unfinished round holds it.
 */
export async function roundFormOptions(
  db: Db,
  scope: { trustId: string | null; roundId?: string },
  filters: PickerFilters,
  selectedIds: readonly string[],
  today: string = todayInLondon()
) {
  const selected = selectedIds.filter((id) => UUID.test(id));
  // Not started yet: one that has started can never start after a round's close, which is in the future.
  const base = and(eq(opportunities.status, "published"), sql`${opportunities.startsOn} > ${today}::date`);
  let listedWithoutHeld: SQL | undefined;
  let filtered = false;
  if (scope.trustId) {
    listedWithoutHeld = and(base, eq(opportunities.trustId, scope.trustId));
    filtered = true;
  } else {
    const narrowing = [
      filters.region ? eq(trusts.region, filters.region as Region) : undefined,
      filters.ics ? eq(trusts.integratedCareSystem, filters.ics) : undefined,
      filters.trustId && UUID.test(filters.trustId) ? eq(trusts.id, filters.trustId) : undefined,
    ].filter((x): x is SQL => Boolean(x));
    if (narrowing.length) {
      listedWithoutHeld = and(base, ...narrowing);
      filtered = true;
    }
  }
  // Those another unfinished round holds are left out (and counted), since they cannot be chosen.
  const listed = listedWithoutHeld ? and(listedWithoutHeld, sql`not exists ${heldElsewhere(scope.roundId)}`) : undefined;
  const heldBy = sql<string | null>`(select json_build_object('id', r.id, 'name', r.name)::text from ${roundOpportunities} ro
    join ${allocationRounds} r on r.id = ro.round_id
    where ro.opportunity_id = ${opportunities.id} and r.status = 'open' ${scope.roundId ? sql`and r.id <> ${scope.roundId}` : sql``}
    limit 1)`;
  const heldCount = listed
    ? db
        .select({ n: count() })
        .from(opportunities)
        .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
        .where(and(listedWithoutHeld, sql`exists ${heldElsewhere(scope.roundId)}`))
    : null;
  const columns = {
    id: opportunities.id,
    title: opportunities.title,
    trustName: trusts.name,
    startsOn: opportunities.startsOn,
    endsOn: opportunities.endsOn,
    seats: opportunities.seats,
    heldBy,
  };
  const [matching, chosen, held] = await Promise.all([
    listed
      ? db
          .select(columns)
          .from(opportunities)
          .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
          .where(listed)
          .orderBy(asc(trusts.name), asc(opportunities.startsOn), asc(opportunities.title), asc(opportunities.id))
          .limit(OPPORTUNITY_PICKER_LIMIT + 1)
      : Promise.resolve([]),
    selected.length
      ? db.select(columns).from(opportunities).innerJoin(trusts, eq(trusts.id, opportunities.trustId)).where(inArray(opportunities.id, selected))
      : Promise.resolve([]),
    heldCount ?? Promise.resolve([{ n: 0 }]),
  ]);
  const more = matching.length > OPPORTUNITY_PICKER_LIMIT;
  const seen = new Set<string>();
  const options = [...chosen, ...matching.slice(0, OPPORTUNITY_PICKER_LIMIT)]
    .filter((o) => (seen.has(o.id) ? false : (seen.add(o.id), true)))
    .map(({ heldBy: held, ...o }) => ({ ...o, heldBy: held ? (JSON.parse(held) as { id: string; name: string }) : null }));
  let places: { regions: string[]; systems: string[]; trusts: { id: string; name: string }[] } | null = null;
  if (!scope.trustId) {
    const all = await db
      .select({ id: trusts.id, name: trusts.name, region: trusts.region, ics: trusts.integratedCareSystem })
      .from(trusts)
      .orderBy(asc(trusts.name));
    const inRegion = all.filter((t) => !filters.region || t.region === filters.region);
    places = {
      regions: [...new Set(all.map((t) => t.region))].sort(),
      systems: [...new Set(inRegion.map((t) => t.ics))].sort(),
      trusts: inRegion.filter((t) => !filters.ics || t.ics === filters.ics).map((t) => ({ id: t.id, name: t.name })),
    };
  }
  return { options, filtered, more, places, heldElsewhere: held[0]?.n ?? 0 };
}

/** An unfinished round other than this one holding the opportunity of the outer query. */
function heldElsewhere(roundId: string | undefined) {
  return sql`(select 1 from ${roundOpportunities} held join ${allocationRounds} hr on hr.id = held.round_id
    where held.opportunity_id = ${opportunities.id} and hr.status = 'open' ${roundId ? sql`and hr.id <> ${roundId}` : sql``})`;
}

// ---------------------------------------------------------------- create and edit

/**
 * Each opportunity checked under its row lock (taken in id order, so two saves never wait on
 * each other in a circle): two rounds saved at once cannot both take the same opportunity.
 */
async function checkOpportunities(
  tx: DbOrTx,
  input: RoundInput,
  scope: { trustId: string | null; roundId?: string; outOfScope: string },
  today: string
): Promise<string | null> {
  const ids = [...input.opportunityIds].sort();
  const rows = await tx
    .select({
      id: opportunities.id,
      title: opportunities.title,
      trustId: opportunities.trustId,
      status: opportunities.status,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
    })
    .from(opportunities)
    .where(inArray(opportunities.id, ids))
    .orderBy(asc(opportunities.id))
    .for("update");
  const byId = new Map(rows.map((r) => [r.id, r]));
  const [closingDay] = londonDateAndTime(input.closesAt);
  const problems: string[] = [];
  for (const id of input.opportunityIds) {
    const o = byId.get(id);
    // Another trust's opportunity reads as one that does not exist, as everywhere else.
    if (!o || (scope.trustId && o.trustId !== scope.trustId)) {
      problems.push(o ? scope.outOfScope : "One of the opportunities selected no longer exists");
      byId.delete(id);
      continue;
    }
    if (o.status !== "published") problems.push(`“${o.title}” is not published: publish it before adding it to a round`);
    else if (o.endsOn < today) problems.push(`“${o.title}” has ended`);
    else if (o.startsOn <= closingDay)
      problems.push(`“${o.title}” starts on ${formatDate(o.startsOn)}, before the round closes: an opportunity in a round must start after its closing date`);
  }
  const held = await tx
    .select({ opportunityId: roundOpportunities.opportunityId, roundName: allocationRounds.name })
    .from(roundOpportunities)
    .innerJoin(allocationRounds, eq(allocationRounds.id, roundOpportunities.roundId))
    .where(
      and(
        inArray(roundOpportunities.opportunityId, ids),
        eq(allocationRounds.status, "open"),
        scope.roundId ? ne(allocationRounds.id, scope.roundId) : undefined
      )
    );
  for (const h of held) {
    const o = byId.get(h.opportunityId);
    if (o) problems.push(`“${o.title}” is already in the round “${h.roundName}”, which has not finished`);
  }
  return problems.length ? [...new Set(problems)].join(". ") : null;
}

const OUT_OF_SCOPE = "Select only your trust's opportunities";

function timeProblems(input: RoundInput, now: Date): FieldErrors | null {
  if (input.closesAt <= input.opensAt) return { closesDate: "The closing time must be after the opening time" };
  if (input.closesAt <= now) return { closesDate: "The closing time must be in the future" };
  return null;
}

export type SaveRoundResult = { ok: true; id: string } | Failure;

export async function createRound(db: Db, actor: RoundViewer, input: RoundInput, now: Date = new Date(), audit?: AuditContext): Promise<SaveRoundResult> {
  if (actor.role !== "admin" && !(actor.role === "trust_lead" && actor.trustId)) return { ok: false, status: 404, fieldErrors: {} };
  const times = timeProblems(input, now);
  if (times) return { ok: false, status: 400, fieldErrors: times };
  const trustId = actor.role === "admin" ? null : actor.trustId;
  return db.transaction(async (tx) => {
    const problem = await checkOpportunities(tx, input, { trustId, outOfScope: OUT_OF_SCOPE }, todayInLondon(now));
    if (problem) return { ok: false as const, status: 400 as const, fieldErrors: { opportunityIds: problem } };
    const [round] = await tx
      .insert(allocationRounds)
      .values({
        name: input.name,
        trustId,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        maxChoices: input.maxChoices,
        // Only an admin sets the seed; a lead's round draws one at the close.
        seed: actor.role === "admin" ? input.seed : null,
        createdBy: actor.id,
      })
      .returning({ id: allocationRounds.id });
    await tx.insert(roundOpportunities).values(input.opportunityIds.map((opportunityId) => ({ roundId: round!.id, opportunityId })));
    await recordAudit(tx, auditBy(audit, actor), {
      action: "round.created",
      targetType: "round",
      targetId: round!.id,
      trustId,
      details: { opportunities: input.opportunityIds.length, maxChoices: input.maxChoices },
    });
    return { ok: true as const, id: round!.id };
  });
}

/** A round the viewer may manage, or null (another trust's round is not found). */
export async function getRoundForEdit(db: Db, viewer: RoundViewer, roundId: string, now: Date = new Date()) {
  if (!UUID.test(roundId)) return null;
  const [round] = await db
    .select({ ...ROUND_COLUMNS, seed: allocationRounds.seed })
    .from(allocationRounds)
    .where(eq(allocationRounds.id, roundId));
  if (!round || !canManage(viewer, round)) return null;
  const ids = await db.select({ id: roundOpportunities.opportunityId }).from(roundOpportunities).where(eq(roundOpportunities.roundId, roundId));
  return { ...withPhase(round, now), opportunityIds: ids.map((r) => r.id) };
}

const NOT_EDITABLE = "This round has opened, so it can no longer be changed. You can still cancel it until it closes.";

export async function updateRound(db: Db, actor: RoundViewer, roundId: string, input: RoundInput, now: Date = new Date(), audit?: AuditContext): Promise<SaveRoundResult> {
  if (!UUID.test(roundId)) return { ok: false, status: 404, fieldErrors: {} };
  return db.transaction(async (tx) => {
    const [round] = await tx.select(ROUND_COLUMNS).from(allocationRounds).where(eq(allocationRounds.id, roundId)).for("update");
    if (!round || !canManage(actor, round)) return { ok: false as const, status: 404 as const, fieldErrors: {} };
    if (!canEditRound(roundPhase(round, now))) return { ok: false as const, status: 409 as const, fieldErrors: {}, message: NOT_EDITABLE };
    const times = timeProblems(input, now);
    if (times) return { ok: false as const, status: 400 as const, fieldErrors: times };
    const outOfScope = actor.role === "admin" ? "This round is a trust's own: select only that trust's opportunities" : OUT_OF_SCOPE;
    const problem = await checkOpportunities(tx, input, { trustId: round.trustId, roundId, outOfScope }, todayInLondon(now));
    if (problem) return { ok: false as const, status: 400 as const, fieldErrors: { opportunityIds: problem } };
    await tx
      .update(allocationRounds)
      .set({
        name: input.name,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        maxChoices: input.maxChoices,
        ...(actor.role === "admin" ? { seed: input.seed } : {}),
        updatedAt: now,
      })
      .where(eq(allocationRounds.id, roundId));
    await tx.delete(roundOpportunities).where(eq(roundOpportunities.roundId, roundId));
    await tx.insert(roundOpportunities).values(input.opportunityIds.map((opportunityId) => ({ roundId, opportunityId })));
    await recordAudit(tx, auditBy(audit, actor), {
      action: "round.edited",
      targetType: "round",
      targetId: roundId,
      trustId: round.trustId,
      details: { opportunities: input.opportunityIds.length, maxChoices: input.maxChoices },
    });
    return { ok: true as const, id: roundId };
  });
}

// ---------------------------------------------------------------- cancel

export type RoundChangeResult = { ok: true } | Failure;

/**
 * Cancels a round that has not closed, and tells every trainee with a choice in it and the
 * leads and DMEs of the trusts whose opportunities it holds (not the person cancelling: they
 * know). The round's row is locked FOR UPDATE and must still be open, as the close does, so of
 * a cancel and a close (or two cancels) at the same moment exactly one happens.
 */
export async function cancelRound(db: Db, actor: RoundViewer, roundId: string, now: Date = new Date(), audit?: AuditContext): Promise<RoundChangeResult> {
  if (!UUID.test(roundId)) return { ok: false, status: 404, fieldErrors: {} };
  return db.transaction(async (tx) => {
    const [round] = await tx.select(ROUND_COLUMNS).from(allocationRounds).where(eq(allocationRounds.id, roundId)).for("update");
    if (!round || !canManage(actor, round)) return { ok: false as const, status: 404 as const, fieldErrors: {} };
    const phase = roundPhase(round, now);
    if (!canCancelRound(phase)) {
      const message =
        phase === "cancelled"
          ? "This round has already been cancelled."
          : phase === "allocated"
          ? "This round has already been allocated, so it can no longer be cancelled."
          : "This round has closed and is being allocated, so it can no longer be cancelled.";
      return { ok: false as const, status: 409 as const, fieldErrors: {}, message };
    }
    await tx
      .update(allocationRounds)
      .set({ status: "cancelled", cancelledAt: now, cancelledBy: actor.id, updatedAt: now })
      .where(and(eq(allocationRounds.id, roundId), eq(allocationRounds.status, "open")));
    const trainees = await tx.selectDistinct({ id: roundPreferences.traineeId }).from(roundPreferences).where(eq(roundPreferences.roundId, roundId));
    const trustIds = sql`(select o.trust_id from ${roundOpportunities} ro join ${opportunities} o on o.id = ro.opportunity_id where ro.round_id = ${roundId})`;
    const staff = await tx
      .select({ id: users.id, role: users.role })
      .from(users)
      .where(
        and(
          inArray(users.role, ["trust_lead", "dme"]),
          isNull(users.disabledAt),
          or(sql`${users.trustId} in ${trustIds}`, round.trustId ? eq(users.trustId, round.trustId) : undefined)
        )
      )
      .orderBy(asc(users.id));
    const recipients: RoundMessage[] = [
      ...trainees.map((t) => ({ userId: t.id, audience: "trainee" as Audience })),
      ...staff.map((s) => ({ userId: s.id, audience: s.role as Audience })),
    ].filter((r) => r.userId !== actor.id);
    await tellAboutRound(tx, { roundId, event: "cancelled", actorId: actor.id }, recipients);
    await recordAudit(tx, auditBy(audit, actor), { action: "round.cancelled", targetType: "round", targetId: roundId, trustId: round.trustId, details: { traineesTold: trainees.length } });
    return { ok: true as const };
  });
}

// ---------------------------------------------------------------- decline a choice

/**
 * The trust's screening: its lead declines a trainee's choice of one of the trust's
 * opportunities, with a reason the trainee is told. Under the round's share lock and only
 * while it is open, as every change to a round's choices, so the close either sees the
 * decline or the decline is refused.
 */
export async function declineChoice(
  db: Db,
  actor: RoundViewer,
  roundId: string,
  input: DeclineChoiceInput,
  now: Date = new Date(),
  audit?: AuditContext
): Promise<RoundChangeResult> {
  return db.transaction(async (tx) => {
    const refusal = await declineRefusalIn(tx, actor, roundId, input, now, true);
    if (refusal) return refusal;
    await tx
      .update(roundPreferences)
      .set({ declinedAt: now, declinedBy: actor.id, declineReason: input.reason, updatedAt: now })
      .where(
        and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, input.traineeId), eq(roundPreferences.opportunityId, input.opportunityId))
      );
    await tellAboutRound(tx, { roundId, event: "choice_declined", actorId: actor.id }, [
      { userId: input.traineeId, audience: "trainee", params: { opportunityId: input.opportunityId } },
    ]);
    await recordAudit(tx, auditBy(audit, actor), {
      action: "round.choice_declined",
      targetType: "round",
      targetId: roundId,
      traineeId: input.traineeId,
      trustId: actor.trustId,
      details: { opportunityId: input.opportunityId },
    });
    return { ok: true as const };
  });
}

const NOT_DECLINABLE_HERE = { ok: false as const, status: 404 as const, fieldErrors: {} as Record<string, string> };

/** Why this choice cannot be declined now (404: no such choice of this lead's trust; 409: round not open, or declined already), or null. */
async function declineRefusalIn(
  tx: DbOrTx,
  actor: RoundViewer,
  roundId: string,
  input: { traineeId: string; opportunityId: string },
  now: Date,
  lock: boolean,
) {
  if (actor.role !== "trust_lead" || !actor.trustId || !UUID.test(roundId) || !UUID.test(input.opportunityId)) return NOT_DECLINABLE_HERE;
  const [round] = await tx.select(ROUND_COLUMNS).from(allocationRounds).where(eq(allocationRounds.id, roundId)).for("share");
  if (!round) return NOT_DECLINABLE_HERE;
  const [choice] = await tx
    .select({ declinedAt: roundPreferences.declinedAt })
    .from(roundPreferences)
    .innerJoin(opportunities, eq(opportunities.id, roundPreferences.opportunityId))
    .where(
      and(
        eq(roundPreferences.roundId, roundId),
        eq(roundPreferences.traineeId, input.traineeId),
        eq(roundPreferences.opportunityId, input.opportunityId),
        eq(opportunities.trustId, actor.trustId!)
      )
    )
    // Locked: of two leads declining it at once, the second reads it declined (one decline, one message),
    // and a trainee's rewrite of their ranks waits for the decline rather than copying the row from before it.
    .for(lock ? "update" : "share", { of: roundPreferences });
  if (!choice) return NOT_DECLINABLE_HERE;
  if (roundPhase(round, now) !== "open") {
    return { ok: false as const, status: 409 as const, fieldErrors: {} as Record<string, string>, message: "Choices can be declined only while the round is open for choices." };
  }
  if (choice.declinedAt) return { ok: false as const, status: 409 as const, fieldErrors: {} as Record<string, string>, message: "This choice has already been declined." };
  return null;
}

/**
 * Read before a refused form is answered: a reason is asked for only where the choice can still
 * be declined. Sent again for a choice already declined (the reason box is gone), the answer says
 * so rather than pointing at a box the page no longer has.
 */
export async function declineRefusal(db: Db, actor: RoundViewer, roundId: string, input: { traineeId: string; opportunityId: string }, now: Date = new Date()) {
  if (!UUID.test(input.traineeId)) return null;
  const refusal = await declineRefusalIn(db, actor, roundId, input, now, false);
  return refusal?.status === 409 ? refusal : null;
}

// ---------------------------------------------------------------- the round's page

/**
 * The round's page for a viewer, or null when they may not see it. An admin sees the counts of
 * every opportunity; a lead or DME also the applicants of their own trust's opportunities, and
 * no other trust's.
 */
export async function getRoundPage(db: Db, viewer: RoundViewer, roundId: string, now: Date = new Date()) {
  if (!UUID.test(roundId)) return null;
  const [round] = await db
    .select({
      ...ROUND_COLUMNS,
      seed: allocationRounds.seed,
      trustName: trusts.name,
      allocatedAt: allocationRounds.allocatedAt,
      cancelledAt: allocationRounds.cancelledAt,
    })
    .from(allocationRounds)
    .leftJoin(trusts, eq(trusts.id, allocationRounds.trustId))
    .where(and(eq(allocationRounds.id, roundId), visibleTo(viewer)));
  if (!round) return null;
  const phase = roundPhase(round, now);
  const rows = await db
    .select({
      id: opportunities.id,
      title: opportunities.title,
      trustId: opportunities.trustId,
      trustName: trusts.name,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      seats: opportunities.seats,
      chosenBy: sql<number>`(select count(*) from ${roundPreferences} rp where rp.round_id = ${roundId} and rp.opportunity_id = ${opportunities.id})`.mapWith(
        Number
      ),
      declined:
        sql<number>`(select count(*) from ${roundPreferences} rp where rp.round_id = ${roundId} and rp.opportunity_id = ${opportunities.id} and rp.declined_at is not null)`.mapWith(
          Number
        ),
    })
    .from(roundOpportunities)
    .innerJoin(opportunities, eq(opportunities.id, roundOpportunities.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .where(eq(roundOpportunities.roundId, roundId))
    .orderBy(asc(trusts.name), asc(opportunities.startsOn), asc(opportunities.title), asc(opportunities.id));
  const ownTrust = isStaff(viewer) ? viewer.trustId : null;
  const grade = eligibilityGrade(todayInLondon(now));
  const applicantRows = ownTrust
    ? await db
        .select({
          opportunityId: roundPreferences.opportunityId,
          traineeId: roundPreferences.traineeId,
          name: users.name,
          grade: grade.grade,
          gradeSelfDeclared: grade.gradeSelfDeclared,
          rank: roundPreferences.rank,
          statement: roundPreferences.statement,
          declinedAt: roundPreferences.declinedAt,
          declineReason: roundPreferences.declineReason,
        })
        .from(roundPreferences)
        .innerJoin(opportunities, eq(opportunities.id, roundPreferences.opportunityId))
        .innerJoin(users, eq(users.id, roundPreferences.traineeId))
        .leftJoin(traineeProfiles, eq(traineeProfiles.userId, roundPreferences.traineeId))
        .where(and(eq(roundPreferences.roundId, roundId), eq(opportunities.trustId, ownTrust)))
        .orderBy(asc(roundPreferences.rank), asc(roundPreferences.createdAt), asc(users.name))
    : [];
  const applicants = new Map<string, typeof applicantRows>();
  for (const a of applicantRows) applicants.set(a.opportunityId, [...(applicants.get(a.opportunityId) ?? []), a]);
  const manage = canManage(viewer, round);
  return {
    round: {
      id: round.id,
      name: round.name,
      trustName: round.trustName,
      status: round.status,
      phase: phase as RoundPhase,
      opensAt: round.opensAt,
      closesAt: round.closesAt,
      maxChoices: round.maxChoices,
      // The seed is the admins' to see before the close; everyone may see it once it is recorded.
      seed: viewer.role === "admin" || round.status === "allocated" ? round.seed : null,
      allocatedAt: round.allocatedAt,
      cancelledAt: round.cancelledAt,
    },
    opportunities: rows.map((o) => ({ ...o, own: o.trustId === ownTrust, applicants: o.trustId === ownTrust ? applicants.get(o.id) ?? [] : null })),
    can: {
      edit: manage && canEditRound(phase),
      cancel: manage && canCancelRound(phase),
      decline: viewer.role === "trust_lead" && phase === "open",
      close: viewer.role === "admin" && (phase === "open" || phase === "closing"),
      seeApplicants: Boolean(ownTrust),
      // The same rule as the audit page's, so the link never leads to a page that is not found.
      seeAllocation: round.status === "allocated" && maySeeAllocation(viewer, round),
    },
  };
}

export type RoundPage = NonNullable<Awaited<ReturnType<typeof getRoundPage>>>;

/** The admin's narrowing of the picker, from the page's address. */
export function pickerFilters(params: URLSearchParams): PickerFilters {
  // cleanText: PostgreSQL text cannot hold the NUL an address can carry (`?ics=%00`).
  const pick = (name: string) => cleanText(params.get(name) ?? "").trim().slice(0, 200) || undefined;
  // A region the database does not know would be an error in its enum, not an empty list.
  const region = pick("region");
  return { region: region && (REGIONS as readonly string[]).includes(region) ? region : undefined, ics: pick("ics"), trustId: pick("trust") };
}
