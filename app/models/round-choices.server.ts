// A trainee's ranked choices in an allocation round: adding, moving, removing, the statement
// the trust lead reads, and after the close the outcome and why. Every change is one
// transaction that takes the round's row FOR SHARE (the close takes it FOR UPDATE, so a change
// at the instant of the close is either in the allocation or refused) and the trainee's users
// row FOR UPDATE (so parallel adds cannot pass the number of choices allowed).
import { and, asc, eq, gt, inArray, isNull, lte, ne, sql, type Placeholder, type SQL, type SQLWrapper } from "drizzle-orm";
import * as v from "valibot";

import type { Db, DbOrTx, Tx } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { allocationRounds, applications, opportunities, roundOpportunities, roundPreferences, traineeProfiles, trusts, users } from "@db/schema";

import { formatDate, formatMoment, londonDateAndTime } from "~/utils/dates";
import { issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import { UUID } from "./accounts.schema";
import { ApplySchema } from "./applications.schema";
import { CONFIDENTIALITY_REQUIRED, needsConfidentiality } from "./applications.server";
import type { Grade } from "./domain";
import { eligibilityFor } from "./eligibility";
import { firstChoiceFigures, ordinal } from "./messages";
import { MAX_CHOICES, roundPhase, type RoundRecord, type RoundStatus } from "./round-rules";
import { eligibilityGrade } from "./trainee-grade.server";

export type ChoiceFailure = { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; formError?: string };
export type ChoiceResult = { ok: true; saved: string[] } | ChoiceFailure;

const Id = v.pipe(v.string(), v.regex(UUID));
const StatementFields = v.object({ statement: ApplySchema.entries.statement, confidentiality: ApplySchema.entries.confidentiality });
const MoveSchema = v.picklist(["up", "down"]);

const refused = (status: 404 | 409, formError?: string): ChoiceFailure => ({ ok: false, status, fieldErrors: {}, ...(formError ? { formError } : {}) });

interface LockedRound {
  id: string;
  name: string;
  status: RoundStatus;
  opensAt: Date;
  closesAt: Date;
  maxChoices: number;
}

/** Why a round takes no change now, in the trainee's words; null while it is open. */
export function closedRoundMessage(round: LockedRound, now: Date = new Date()): string | null {
  switch (roundPhase(round, now)) {
    case "open":
      return null;
    case "upcoming":
      return `The round ${round.name} opens for choices on ${formatMoment(round.opensAt)}`;
    case "cancelled":
      return `The round ${round.name} was cancelled: choices in it can no longer change`;
    default:
      return `The round ${round.name} closed on ${formatMoment(round.closesAt)}: your choices can no longer change`;
  }
}

type ChoiceRow = typeof roundPreferences.$inferSelect;

/**
 * Runs a change to the trainee's choices: the round locked FOR SHARE and open, the trainee's
 * row locked FOR UPDATE, the trainee's choices read in rank order and locked FOR UPDATE.
 */
async function changeChoices(
  db: Db,
  traineeId: string,
  roundId: string,
  change: (tx: Tx, round: LockedRound, choices: ChoiceRow[]) => Promise<ChoiceFailure | ChoiceRow[]>,
  now: Date = new Date(),
): Promise<ChoiceResult> {
  if (!UUID.test(roundId)) return refused(404);
  return db.transaction(async (tx): Promise<ChoiceResult> => {
    const [round] = await tx
      .select({ id: allocationRounds.id, name: allocationRounds.name, status: allocationRounds.status, opensAt: allocationRounds.opensAt, closesAt: allocationRounds.closesAt, maxChoices: allocationRounds.maxChoices })
      .from(allocationRounds)
      .where(eq(allocationRounds.id, roundId))
      .for("share");
    if (!round) return refused(404);
    const closed = closedRoundMessage(round, now);
    if (closed) return refused(409, closed);
    const [trainee] = await tx.select({ id: users.id }).from(users).where(and(eq(users.id, traineeId), eq(users.role, "trainee"))).for("update");
    if (!trainee) return refused(404);
    const choices = await tx
      .select()
      .from(roundPreferences)
      .where(and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, traineeId)))
      .orderBy(asc(roundPreferences.rank))
      // The rows are rewritten from what is read here: locked, so a lead's decline committed
      // meanwhile is read (and kept) rather than overwritten by the copy read before it.
      .for("update");
    const next = await change(tx, round, choices);
    if (!Array.isArray(next)) return next;
    await rewriteRanks(tx, roundId, traineeId, choices, next);
    return { ok: true, saved: await savedOrder(tx, roundId, traineeId) };
  });
}

/**
 * Writes the trainee's choices in their new order, ranked 1..n. PostgreSQL checks a
 * non-deferrable unique index row by row, so swapping two ranks in one UPDATE can collide
 * with itself, and the ranks' check (1..10) leaves no room to park a row elsewhere: the
 * trainee's rows (at most 10) are deleted and inserted again, keeping every column but the
 * rank (created_at is when a choice was first saved, which first come, first served uses).
 */
async function rewriteRanks(tx: Tx, roundId: string, traineeId: string, before: ChoiceRow[], after: ChoiceRow[]) {
  const ranked = after.map((c, i) => ({ ...c, rank: i + 1 }));
  // The rows already where they belong (an added choice goes after them): only the rest is written.
  const kept = before.length <= ranked.length && before.every((c, i) => c.opportunityId === ranked[i]!.opportunityId && c.rank === i + 1);
  if (kept) {
    if (ranked.length > before.length) await tx.insert(roundPreferences).values(ranked.slice(before.length));
    return;
  }
  await tx.delete(roundPreferences).where(and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, traineeId)));
  if (ranked.length) await tx.insert(roundPreferences).values(ranked);
}

/** "1. Title, 2. Title": what the confirmation says is saved, declined choices left out. */
async function savedOrder(tx: DbOrTx, roundId: string, traineeId: string): Promise<string[]> {
  const rows = await tx
    .select({ title: opportunities.title })
    .from(roundPreferences)
    .innerJoin(opportunities, eq(opportunities.id, roundPreferences.opportunityId))
    .where(and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, traineeId), isNull(roundPreferences.declinedAt)))
    .orderBy(asc(roundPreferences.rank));
  return rows.map((r) => r.title);
}

export interface TraineeForChoices {
  grade: Grade | null;
  specialty: string;
  ltft: boolean;
}

export interface OpportunityForChoices {
  status: string;
  type: string;
  startsOn: string;
  applicationDeadline: string;
  eligibleGrades: readonly Grade[];
  specialties: readonly string[];
  ltftFriendly: boolean;
}

/**
 * Whether the trainee may add this opportunity of the round, and why not: the rules of
 * applying (published, grade, specialty, deadline), then the round's own (it starts after
 * the round closes; a less-than-full-time trainee only on an LTFT-friendly one; not already
 * applied for). Pure, so the pages and the change agree.
 */
export function choiceEligibility(
  opp: OpportunityForChoices,
  trainee: TraineeForChoices,
  round: { closesAt: Date },
  today: string,
  applied: boolean,
): { eligible: true } | { eligible: false; reason: string } {
  const verdict = eligibilityFor({ ...opp, seatsLeft: 1 }, { role: "trainee", grade: trainee.grade, specialty: trainee.specialty }, today);
  if (!verdict.eligible) return { eligible: false, reason: verdict.reason };
  const [closeDate] = londonDateAndTime(round.closesAt);
  if (opp.startsOn <= closeDate) {
    return { eligible: false, reason: `It starts on ${formatDate(opp.startsOn)}, before the round closes on ${formatMoment(round.closesAt)}.` };
  }
  if (trainee.ltft && !opp.ltftFriendly) {
    return { eligible: false, reason: "It is not suited to less-than-full-time working, and you work less than full time." };
  }
  if (applied) return { eligible: false, reason: "You have already applied for this opportunity." };
  return { eligible: true };
}

async function traineeForChoices(tx: DbOrTx, traineeId: string, today: string): Promise<TraineeForChoices | null> {
  const [row] = await tx
    .select({ grade: eligibilityGrade(today).grade, specialty: traineeProfiles.specialty, ltft: traineeProfiles.ltft })
    .from(traineeProfiles)
    .where(eq(traineeProfiles.userId, traineeId));
  return row ?? null;
}

const opportunityForChoices = {
  id: opportunities.id,
  title: opportunities.title,
  status: opportunities.status,
  type: opportunities.type,
  startsOn: opportunities.startsOn,
  endsOn: opportunities.endsOn,
  seats: opportunities.seats,
  applicationDeadline: opportunities.applicationDeadline,
  eligibleGrades: opportunities.eligibleGrades,
  specialties: opportunities.specialties,
  ltftFriendly: opportunities.ltftFriendly,
  trustName: trusts.name,
};

async function activeApplicationsFor(tx: DbOrTx, traineeId: string, opportunityIds: string[]): Promise<Set<string>> {
  if (!opportunityIds.length) return new Set();
  const rows = await tx
    .select({ opportunityId: applications.opportunityId })
    .from(applications)
    .where(and(eq(applications.traineeId, traineeId), inArray(applications.opportunityId, opportunityIds), ne(applications.status, "withdrawn")));
  return new Set(rows.map((r) => r.opportunityId));
}

function statementFailure(input: unknown): { ok: true; statement: string; confidentiality: boolean } | ChoiceFailure {
  const parsed = v.safeParse(StatementFields, input);
  if (!parsed.success) return { ok: false, status: 400, fieldErrors: issuesToFieldErrors(parsed.issues) };
  return { ok: true, ...parsed.output };
}

/** Adds an opportunity of the round as the trainee's last choice, with its statement. */
export async function addChoice(
  db: Db,
  traineeId: string,
  input: { roundId: string; opportunityId: unknown; statement: unknown; confidentiality?: unknown },
  today: string,
  now: Date = new Date(),
): Promise<ChoiceResult> {
  if (!v.is(Id, input.opportunityId)) return refused(404);
  const opportunityId = input.opportunityId;
  const fields = statementFailure({ statement: input.statement, confidentiality: input.confidentiality ?? "" });
  return changeChoices(
    db,
    traineeId,
    input.roundId,
    async (tx, round, choices) => {
      const [opp] = await tx
        .select(opportunityForChoices)
        .from(roundOpportunities)
        .innerJoin(opportunities, eq(opportunities.id, roundOpportunities.opportunityId))
        .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
        .where(and(eq(roundOpportunities.roundId, round.id), eq(roundOpportunities.opportunityId, opportunityId)));
      if (!opp || opp.status === "draft" || opp.status === "archived") return refused(404);
      const held = choices.find((c) => c.opportunityId === opportunityId);
      if (held) return refused(409, `${opp.title} is already your ${ordinal(held.rank)} choice in this round`);
      const confidential = needsConfidentiality(opp.type);
      // Every problem with the form at once: the statement and the confidentiality box.
      if (!fields.ok || (confidential && !fields.confidentiality)) {
        const fieldErrors = { ...(fields.ok ? {} : fields.fieldErrors), ...(confidential && !(fields.ok && fields.confidentiality) ? { confidentiality: CONFIDENTIALITY_REQUIRED } : {}) };
        return { ok: false, status: 400, fieldErrors };
      }
      const trainee = await traineeForChoices(tx, traineeId, today);
      if (!trainee) return refused(404);
      const applied = (await activeApplicationsFor(tx, traineeId, [opp.id])).has(opp.id);
      const verdict = choiceEligibility(opp, trainee, round, today, applied);
      if (!verdict.eligible) return refused(409, `You cannot add ${opp.title}: ${lowerFirst(verdict.reason)}`);
      const counted = choices.filter((c) => !c.declinedAt).length;
      if (counted >= round.maxChoices) {
        return refused(409, `You already have ${round.maxChoices} ${round.maxChoices === 1 ? "choice" : "choices"}, the most this round allows: remove one to add another`);
      }
      // Declined choices stay listed but the ranks stop at 10: a trainee with 10 rows keeps them until one is removed.
      if (choices.length >= MAX_CHOICES) return refused(409, `You can keep at most ${MAX_CHOICES} choices, declined ones included: remove a declined choice to add another`);
      const at = new Date();
      const added: ChoiceRow = {
        roundId: round.id,
        traineeId,
        opportunityId: opp.id,
        rank: choices.length + 1,
        statement: fields.statement,
        confidentialityAcceptedAt: confidential ? at : null,
        declinedAt: null,
        declinedBy: null,
        declineReason: null,
        createdAt: at,
        updatedAt: at,
      };
      return [...choices, added];
    },
    now,
  );
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** Moves a choice one place up or down (a no-op at either end). */
export async function moveChoice(db: Db, traineeId: string, input: { roundId: string; opportunityId: unknown; direction: unknown }, now: Date = new Date()): Promise<ChoiceResult> {
  if (!v.is(Id, input.opportunityId) || !v.is(MoveSchema, input.direction)) return refused(404);
  const { opportunityId, direction } = input;
  return changeChoices(
    db,
    traineeId,
    input.roundId,
    async (_tx, _round, choices) => {
      const i = choices.findIndex((c) => c.opportunityId === opportunityId);
      if (i < 0) return refused(404);
      // A declined choice is out of the allocation: a move passes over it to the next choice that counts.
      if (choices[i]!.declinedAt) return choices;
      const counted = choices.map((c, k) => (c.declinedAt ? -1 : k)).filter((k) => k >= 0);
      const at = counted.indexOf(i);
      const j = counted[direction === "up" ? at - 1 : at + 1];
      if (j === undefined) return choices;
      const next = [...choices];
      [next[i], next[j]] = [next[j]!, next[i]!];
      return next;
    },
    now,
  );
}

/** Removes a choice; the ones below move up, so the ranks stay 1..n. */
export async function removeChoice(db: Db, traineeId: string, input: { roundId: string; opportunityId: unknown }, now: Date = new Date()): Promise<ChoiceResult> {
  if (!v.is(Id, input.opportunityId)) return refused(404);
  const opportunityId = input.opportunityId;
  return changeChoices(
    db,
    traineeId,
    input.roundId,
    async (_tx, _round, choices) => {
      if (!choices.some((c) => c.opportunityId === opportunityId)) return refused(404);
      return choices.filter((c) => c.opportunityId !== opportunityId);
    },
    now,
  );
}

/** Changes a choice's statement (50–2,000 characters, as an application's). */
export async function saveStatement(db: Db, traineeId: string, input: { roundId: string; opportunityId: unknown; statement: unknown }, now: Date = new Date()): Promise<ChoiceResult> {
  if (!v.is(Id, input.opportunityId)) return refused(404);
  const opportunityId = input.opportunityId;
  const fields = statementFailure({ statement: input.statement, confidentiality: "" });
  return changeChoices(
    db,
    traineeId,
    input.roundId,
    async (tx, round, choices) => {
      const choice = choices.find((c) => c.opportunityId === opportunityId);
      if (!choice) return refused(404);
      // The trust's decision is made on what the trainee wrote: it stays as the trust read it.
      if (choice.declinedAt) return refused(409, "The trust declined this choice, so its statement can no longer change");
      if (!fields.ok) return fields;
      await tx
        .update(roundPreferences)
        .set({ statement: fields.statement, updatedAt: new Date() })
        .where(and(eq(roundPreferences.roundId, round.id), eq(roundPreferences.traineeId, traineeId), eq(roundPreferences.opportunityId, opportunityId)));
      // The same rows and ranks: nothing to rewrite.
      return choices;
    },
    now,
  );
}

/** The trainee's choice of an opportunity in its round, and whether they may add it. */
export async function choiceStateOnOpportunity(db: Db, traineeId: string, round: { id: string; closesAt: Date; maxChoices: number }, opportunityId: string, today: string) {
  const [trainee, rows, opp, applied] = await Promise.all([
    traineeForChoices(db, traineeId, today),
    db
      .select({ opportunityId: roundPreferences.opportunityId, rank: roundPreferences.rank, declinedAt: roundPreferences.declinedAt })
      .from(roundPreferences)
      .where(and(eq(roundPreferences.roundId, round.id), eq(roundPreferences.traineeId, traineeId))),
    db.select(opportunityForChoices).from(opportunities).innerJoin(trusts, eq(trusts.id, opportunities.trustId)).where(eq(opportunities.id, opportunityId)),
    activeApplicationsFor(db, traineeId, [opportunityId]),
  ]);
  const mine = rows.find((r) => r.opportunityId === opportunityId);
  if (mine) return { state: "chosen" as const, rank: mine.rank, declined: Boolean(mine.declinedAt) };
  if (!trainee || !opp[0]) return { state: "ineligible" as const, reason: "Only trainees can add choices." };
  const verdict = choiceEligibility(opp[0], trainee, round, today, applied.has(opportunityId));
  if (!verdict.eligible) return { state: "ineligible" as const, reason: verdict.reason };
  const counted = rows.filter((r) => !r.declinedAt).length;
  if (counted >= round.maxChoices) return { state: "full" as const, maxChoices: round.maxChoices };
  return { state: "eligible" as const, nextRank: counted + 1 };
}

/**
 * The trainee's page for a round: the round, their choices in order, the round's other
 * opportunities with whether each can be added, and after the close the outcome and why.
 * Any trainee may see any round (its opportunities are public); an unknown one is null.
 */
export async function listChoices(db: Db, traineeId: string, roundId: string, today: string, now: Date = new Date()) {
  if (!UUID.test(roundId)) return null;
  const [round] = await db
    .select({
      id: allocationRounds.id,
      name: allocationRounds.name,
      status: allocationRounds.status,
      opensAt: allocationRounds.opensAt,
      closesAt: allocationRounds.closesAt,
      maxChoices: allocationRounds.maxChoices,
      allocatedAt: allocationRounds.allocatedAt,
      cancelledAt: allocationRounds.cancelledAt,
      record: allocationRounds.record,
    })
    .from(allocationRounds)
    .where(eq(allocationRounds.id, roundId));
  if (!round) return null;
  const [trainee, opps, choiceRows] = await Promise.all([
    traineeForChoices(db, traineeId, today),
    db
      .select(opportunityForChoices)
      .from(roundOpportunities)
      .innerJoin(opportunities, eq(opportunities.id, roundOpportunities.opportunityId))
      .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
      .where(eq(roundOpportunities.roundId, roundId))
      .orderBy(asc(opportunities.title), asc(opportunities.id)),
    db
      .select({
        opportunityId: roundPreferences.opportunityId,
        rank: roundPreferences.rank,
        statement: roundPreferences.statement,
        declinedAt: roundPreferences.declinedAt,
        declineReason: roundPreferences.declineReason,
      })
      .from(roundPreferences)
      .where(and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, traineeId)))
      .orderBy(asc(roundPreferences.rank)),
  ]);
  const byId = new Map(opps.map((o) => [o.id, o]));
  const applied = await activeApplicationsFor(
    db,
    traineeId,
    opps.map((o) => o.id),
  );
  const choices = choiceRows.flatMap((c) => {
    const o = byId.get(c.opportunityId);
    return o ? [{ ...c, title: o.title, trustName: o.trustName, startsOn: o.startsOn, endsOn: o.endsOn, seats: o.seats, type: o.type, declined: Boolean(c.declinedAt) }] : [];
  });
  const chosen = new Set(choices.map((c) => c.opportunityId));
  const others = opps
    .filter((o) => !chosen.has(o.id) && (o.status === "published" || o.status === "closed"))
    .map((o) => {
      const verdict = trainee ? choiceEligibility(o, trainee, round, today, applied.has(o.id)) : { eligible: false as const, reason: "Only trainees can add choices." };
      return {
        id: o.id,
        title: o.title,
        trustName: o.trustName,
        startsOn: o.startsOn,
        endsOn: o.endsOn,
        seats: o.seats,
        confidential: needsConfidentiality(o.type),
        eligible: verdict.eligible,
        reason: verdict.eligible ? null : verdict.reason,
      };
    });
  const phase = roundPhase(round, now);
  const counted = choices.filter((c) => !c.declined).length;
  const outcome = phase === "allocated" ? await outcomeOf(db, traineeId, round.id, (round.record ?? null) as unknown as RoundRecord | null) : null;
  const { record: _record, ...shown } = round;
  return { round: { ...shown, phase }, choices, counted, others, outcome };
}

/**
 * After the close: placed on which choice (and its application), or on the waiting list, and
 * why, from the round's record (the figures of the trainee's first choice at the close).
 */
export async function outcomeOf(db: DbOrTx, traineeId: string, roundId: string, record: RoundRecord | null) {
  const rows = await db
    .select({ id: applications.id, opportunityId: applications.opportunityId, status: applications.status, waitlistPosition: applications.waitlistPosition, title: opportunities.title })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .where(and(eq(applications.roundId, roundId), eq(applications.traineeId, traineeId)))
    .orderBy(asc(applications.waitlistPosition), asc(opportunities.title));
  const placement = record?.result.placements.find((p) => p.traineeId === traineeId) ?? null;
  const ranking = record?.input.trainees.find((t) => t.id === traineeId)?.ranking ?? [];
  // Ranks as the trainee numbered them, as the close's message words it: a placement's rank in
  // the record counts only the choices left in the allocation (declined ones, say, drop out).
  const saved = new Map(
    (
      await db
        .select({ opportunityId: roundPreferences.opportunityId, rank: roundPreferences.rank })
        .from(roundPreferences)
        .where(and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, traineeId)))
    ).map((c) => [c.opportunityId, c.rank]),
  );
  // The figures of the 1st choice only when that choice was in the allocation.
  const first = ranking[0] && saved.get(ranking[0]) === 1 ? record?.opportunities.find((o) => o.id === ranking[0]) : undefined;
  const figures = first
    ? firstChoiceFigures({ firstChoiceSeats: String(first.seats), firstChoiceChosenBy: String(first.chosenBy), firstChoiceFirstTimers: String(first.firstTimersChoosing) })
    : null;
  if (!record || !ranking.length) return { kind: "none" as const, sentence: "You had no choices in the allocation, so nothing was allocated to you in this round.", applications: rows };
  if (placement) {
    const application = rows.find((r) => r.opportunityId === placement.opportunityId) ?? null;
    const title = application?.title ?? null;
    const rank = saved.get(placement.opportunityId) ?? placement.rank;
    const why = rank > 1 && figures ? ` ${figures}` : "";
    return {
      kind: "placed" as const,
      sentence: `You were placed on your ${ordinal(rank)} choice${title ? `, ${title}` : ""}.${why}`,
      application,
      applications: rows,
    };
  }
  return {
    kind: "waitlisted" as const,
    sentence: `You were not placed in this round.${figures ? ` ${figures}` : ""} You are on the waiting list for your choices: if a seat comes free, it is offered to the next trainee on the list.`,
    applications: rows.filter((r) => r.status === "waitlisted"),
  };
}

/**
 * Rounds open now that the trainee can take part in: an opportunity in it they are eligible
 * for (grade, specialty, LTFT, starting after the close, not applied for), or choices of
 * theirs already. One query, for the trainee's home.
 */
/**
 * SQL: the round holds an opportunity the trainee could choose (published, before its deadline,
 * their grade and specialty, LTFT-friendly if they work less than full time, starting after
 * the round closes, not applied for): the rules of choiceEligibility in one condition, shared
 * by the trainee's list of open rounds and the "round closing" reminder. Correlated with
 * "trainee_profiles" and "allocation_rounds" under their own names.
 */
export function eligibleOpportunityInRound(roundId: SQLWrapper, traineeId: SQLWrapper | string, today: string | Placeholder): SQL {
  const grade = eligibilityGrade(today).grade;
  return sql`exists (select 1 from round_opportunities ro join opportunities o on o.id = ro.opportunity_id
    where ro.round_id = ${roundId} and o.status = 'published' and o.application_deadline >= ${today}::date
      and ${grade} = any(o.eligible_grades)
      and (cardinality(o.specialties) = 0 or exists (select 1 from unnest(o.specialties) s where lower(s) = lower(trim(${traineeProfiles.specialty}))))
      and (o.ltft_friendly or not ${traineeProfiles.ltft})
      and o.starts_on > (${allocationRounds.closesAt} at time zone 'Europe/London')::date
      and not exists (select 1 from applications a where a.opportunity_id = o.id and a.trainee_id = ${traineeId} and a.status <> 'withdrawn'))`;
}

const openRoundsForTrainee = preparedQuery((db) => {
  const traineeId = sql.placeholder("traineeId");
  const now = sql`${sql.placeholder("now")}::timestamptz`;
  return db
    .select({
      id: allocationRounds.id,
      name: allocationRounds.name,
      closesAt: allocationRounds.closesAt,
      maxChoices: allocationRounds.maxChoices,
      choices: sql<number>`(select count(*) from round_preferences mine
        where mine.round_id = ${allocationRounds.id} and mine.trainee_id = ${traineeId} and mine.declined_at is null)`.mapWith(Number),
    })
    .from(allocationRounds)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, traineeId))
    .where(
      and(
        eq(allocationRounds.status, "open"),
        lte(allocationRounds.opensAt, now),
        gt(allocationRounds.closesAt, now),
        sql`(exists (select 1 from round_preferences mine where mine.round_id = ${allocationRounds.id} and mine.trainee_id = ${traineeId})
          or ${eligibleOpportunityInRound(allocationRounds.id, traineeId, sql.placeholder("today"))})`,
      ),
    )
    .orderBy(asc(allocationRounds.closesAt), asc(allocationRounds.name))
    .prepare("trainee_open_rounds");
});

export async function listOpenRoundsForTrainee(db: Db, traineeId: string, today: string, now: Date = new Date()) {
  return openRoundsForTrainee(db).execute({ traineeId, today, now: now.toISOString() });
}
