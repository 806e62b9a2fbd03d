// The close of a round: the allocation, exactly once, in one transaction, and its audit.
//
// Locking: the round's row FOR UPDATE first (every change to its choices holds it FOR SHARE
// and checks the round is open, so a change is either in the allocation or refused), then its
// opportunities' rows FOR UPDATE in id order (every application change locks its opportunity's
// row, so seats held are counted with nobody changing them, and the order avoids deadlocks).
import { randomBytes } from "node:crypto";

import { and, asc, eq, inArray, isNull, lte, ne, sql } from "drizzle-orm";

import { queryRows, type Db, type DbOrTx } from "@db/client";
import { allowLongStatements } from "@db/statement-timeouts";
import { allocationRounds, applications, opportunities, roundOpportunities, roundPreferences, users } from "@db/schema";

import type { SessionUser } from "~/auth.server";
import type { ScheduledJob } from "~/scheduler.server";
import { londonDateAndTime, trainingYearOf } from "~/utils/dates";
import { logError } from "~/utils/log.server";

import { allocate, deferredAcceptance, firstComeFirstServed, lotteryOrder, maxCoverageBound, resultJson, type AllocationInput } from "./allocation";
import { auditBy, recordAudit, type AuditContext } from "./audit.server";
import { HOLDS_SEAT } from "./applications.rules";
import { holdsSeatInYear } from "./first-timers.server";
import type { Audience } from "./messages";
import { tellAboutRound, type RoundMessage } from "./round-messages.server";
import type { RoundRecord, RoundStatus } from "./round-rules";
import { UUID } from "./ids";

/** The reason on the event that offers a trainee the seat the round gave them (it names the round: the history and the DME's queue show it). */
export const allocatedReason = (roundName: string) => `Allocated in the round ${roundName}`;
/** The reason on the event that puts an unplaced trainee on the waiting list of each remaining choice. */
export const waitlistedReason = (roundName: string) => `Not placed in the round ${roundName}: on its waiting list`;

export type CloseResult =
  | { ok: true; placed: number; waitlisted: number; record: RoundRecord }
  | { ok: false; notFound: true }
  | { ok: false; alreadyClosed: true; status: RoundStatus }
  | { ok: false; notOpenYet: true };

// Rows a statement: each batch travels as one JSON parameter (as the outbox does), so a round
// of 10,000 trainees is a few dozen statements, far below PostgreSQL's parameter limit.
const BATCH = 2000;

function batches<T>(list: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

interface Choice {
  traineeId: string;
  opportunityId: string;
  rank: number;
  statement: string;
  confidentialityAcceptedAt: Date | null;
  createdAt: Date;
}

/**
 * Closes and allocates the round, once: a second caller (the scheduler in another process,
 * an admin pressing the button twice) finds it allocated and changes nothing. `actor` is the
 * admin who pressed "Close and allocate now", or null when it closed at its closing time.
 * Everything (offers, waiting lists, events, messages, the record, the status) is written in
 * one transaction: a failure anywhere leaves the round open, and the next close tries again.
 */
export async function closeRound(
  db: Db,
  roundId: string,
  options: { actor: Pick<SessionUser, "id"> | null; now: Date; audit?: AuditContext },
): Promise<CloseResult> {
  if (!UUID.test(roundId)) return { ok: false, notFound: true };
  const { now } = options;
  const actorId = options.actor?.id ?? null;
  return db.transaction(async (tx): Promise<CloseResult> => {
    // A region's round writes thousands of offers and messages in a few statements.
    await allowLongStatements(tx);
    const [round] = await tx
      .select({ id: allocationRounds.id, name: allocationRounds.name, status: allocationRounds.status, seed: allocationRounds.seed, opensAt: allocationRounds.opensAt })
      .from(allocationRounds)
      .where(eq(allocationRounds.id, roundId))
      .for("update");
    if (!round) return { ok: false, notFound: true };
    if (round.status !== "open") return { ok: false, alreadyClosed: true, status: round.status };
    // Pressing the button before the round has taken a single choice would allocate nothing.
    if (actorId && now < round.opensAt) return { ok: false, notOpenYet: true };

    const [today] = londonDateAndTime(now);
    const [yearStarts, yearEnds] = trainingYearOf(today);
    const opps = await tx
      .select({ id: opportunities.id, seats: opportunities.seats, status: opportunities.status, endsOn: opportunities.endsOn, trustId: opportunities.trustId })
      .from(opportunities)
      .where(inArray(opportunities.id, tx.select({ id: roundOpportunities.opportunityId }).from(roundOpportunities).where(eq(roundOpportunities.roundId, roundId))))
      .orderBy(asc(opportunities.id))
      .for("update");
    // Still taking trainees: published and not ended. A closed or ended opportunity drops out.
    const taking = opps.filter((o) => o.status === "published" && o.endsOn >= today);
    const takingIds = taking.map((o) => o.id);

    const held = new Map<string, number>();
    if (takingIds.length) {
      for (const row of await tx
        .select({ opportunityId: applications.opportunityId, n: sql<number>`count(*)`.mapWith(Number) })
        .from(applications)
        .where(and(inArray(applications.opportunityId, takingIds), inArray(applications.status, [...HOLDS_SEAT])))
        .groupBy(applications.opportunityId)) {
        held.set(row.opportunityId, row.n);
      }
    }

    const choices: Choice[] = takingIds.length
      ? await tx
          .select({
            traineeId: roundPreferences.traineeId,
            opportunityId: roundPreferences.opportunityId,
            rank: roundPreferences.rank,
            statement: roundPreferences.statement,
            confidentialityAcceptedAt: roundPreferences.confidentialityAcceptedAt,
            createdAt: roundPreferences.createdAt,
          })
          .from(roundPreferences)
          .where(and(eq(roundPreferences.roundId, roundId), isNull(roundPreferences.declinedAt), inArray(roundPreferences.opportunityId, takingIds)))
          .orderBy(asc(roundPreferences.traineeId), asc(roundPreferences.rank))
      : [];
    const traineeIds = [...new Set(choices.map((c) => c.traineeId))];

    // A trainee who already has an application (not withdrawn) for an opportunity keeps it: that choice is skipped.
    const applied = new Set<string>();
    const placedBefore = new Map<string, number>();
    for (const ids of batches(traineeIds)) {
      for (const row of await tx
        .select({ traineeId: applications.traineeId, opportunityId: applications.opportunityId })
        .from(applications)
        .where(and(inArray(applications.traineeId, ids), inArray(applications.opportunityId, takingIds), ne(applications.status, "withdrawn")))) {
        applied.add(`${row.traineeId}|${row.opportunityId}`);
      }
      // Placed before: offered, approved or completed on an opportunity starting in this training year.
      for (const row of await tx
        .select({ traineeId: applications.traineeId, n: sql<number>`count(*)`.mapWith(Number) })
        .from(applications)
        .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
        .where(
          and(
            inArray(applications.traineeId, ids),
            holdsSeatInYear([yearStarts, yearEnds]),
          ),
        )
        .groupBy(applications.traineeId)) {
        placedBefore.set(row.traineeId, row.n);
      }
    }
    const remaining = choices.filter((c) => !applied.has(`${c.traineeId}|${c.opportunityId}`));
    const choicesOf = new Map<string, Choice[]>();
    for (const c of remaining) {
      const list = choicesOf.get(c.traineeId) ?? [];
      list.push(c);
      choicesOf.set(c.traineeId, list);
    }

    const seed = round.seed ?? randomBytes(16).toString("hex");
    const input: AllocationInput = {
      seed,
      opportunities: taking.map((o) => ({ id: o.id, seats: Math.max(0, o.seats - (held.get(o.id) ?? 0)) })),
      trainees: [...choicesOf.entries()].map(([id, list]) => ({ id, placedBefore: placedBefore.get(id) ?? 0, ranking: list.map((c) => c.opportunityId) })),
    };
    const result = allocate(input);
    const inSavedOrder = [...remaining]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.traineeId < b.traineeId ? -1 : a.traineeId > b.traineeId ? 1 : a.rank - b.rank))
      .map((c) => ({ traineeId: c.traineeId, opportunityId: c.opportunityId }));
    const record = recordOf(input, result, {
      firstComeFirstServed: firstComeFirstServed(input, inSavedOrder).summary,
      deferredAcceptance: deferredAcceptance(input).summary,
      floorFirstDeferredAcceptance: deferredAcceptance(input, { floorFirst: true }).summary,
      maxPlaced: maxCoverageBound(input),
    });

    // Placed: an offer on the seat, with the statement the trust read on the choice.
    const choiceOf = new Map(remaining.map((c) => [`${c.traineeId}|${c.opportunityId}`, c]));
    const trainee = new Map(input.trainees.map((t) => [t.id, t]));
    const offers = result.placements.map((p) => ({ ...choiceOf.get(`${p.traineeId}|${p.opportunityId}`)!, status: "offered" as const, waitlistPosition: null as number | null }));
    // Unplaced: the waiting list of each remaining choice, in the round's waiting order (first-timers first, then the lottery).
    const lottery = lotteryOrder(seed, result.unplaced);
    const waitingOrder = [...lottery.filter((id) => trainee.get(id)!.placedBefore === 0), ...lottery.filter((id) => trainee.get(id)!.placedBefore > 0)];
    const waits = waitingOrder.flatMap((id, i) => choicesOf.get(id)!.map((c) => ({ ...c, status: "waitlisted" as const, waitlistPosition: i + 1 })));
    const written = await writeApplications(tx, { id: roundId, name: round.name }, now, [...offers, ...waits]);

    await tx
      .update(allocationRounds)
      .set({ status: "allocated", seed, allocatedAt: now, allocatedBy: actorId, record: record as unknown as Record<string, unknown>, updatedAt: now })
      .where(eq(allocationRounds.id, roundId));

    await tellEveryone(tx, { roundId, actorId, record, choicesOf, written, trustOf: new Map(taking.map((o) => [o.id, o.trustId])) });
    // Only an admin closes a round by hand; without one it closed at its closing time.
    const by = auditBy(options.audit, options.actor ? { id: options.actor.id, role: "admin" } : null);
    const trustOf = new Map(taking.map((o) => [o.id, o.trustId]));
    await recordAudit(tx, by, [
      { action: "round.closed", targetType: "round", targetId: roundId, details: { placed: offers.length, waitlisted: waits.length, byItself: !actorId } },
      ...written.map((a) => ({
        action: `application.${a.status}` as const,
        targetType: "application" as const,
        targetId: a.id,
        traineeId: a.traineeId,
        trustId: trustOf.get(a.opportunityId) ?? null,
        details: { from: null, to: a.status, roundId },
      })),
    ]);
    return { ok: true, placed: offers.length, waitlisted: waits.length, record };
  });
}

type NewApplication = Choice & { status: "offered" | "waitlisted"; waitlistPosition: number | null };

/** The applications and their two events each (submitted by the trainee, then the round's decision), in batches. */
async function writeApplications(tx: DbOrTx, round: { id: string; name: string }, now: Date, list: readonly NewApplication[]) {
  const roundId = round.id;
  const written: { id: string; traineeId: string; opportunityId: string; status: "offered" | "waitlisted" }[] = [];
  for (const batch of batches(list)) {
    const rows = batch.map((a) => ({
      opportunity_id: a.opportunityId,
      trainee_id: a.traineeId,
      statement: a.statement,
      status: a.status,
      confidentiality_accepted_at: a.confidentialityAcceptedAt?.toISOString() ?? null,
      round_id: roundId,
      waitlist_position: a.waitlistPosition,
    }));
    const inserted = await queryRows<{ id: string; trainee_id: string; opportunity_id: string; status: "offered" | "waitlisted" }>(
      tx,
      sql`insert into applications (opportunity_id, trainee_id, statement, status, confidentiality_accepted_at, round_id, waitlist_position, created_at, updated_at)
        select v.opportunity_id, v.trainee_id, v.statement, v.status::application_status, v.confidentiality_accepted_at, v.round_id, v.waitlist_position, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
          as v(opportunity_id uuid, trainee_id text, statement text, status text, confidentiality_accepted_at timestamptz, round_id uuid, waitlist_position integer)
        returning id, trainee_id, opportunity_id, status`,
    );
    const events = [
      ...inserted.map((a) => ({ application_id: a.id, actor_id: a.trainee_id, from_status: null, to_status: "submitted", reason: null })),
      ...inserted.map((a) => ({ application_id: a.id, actor_id: null, from_status: "submitted", to_status: a.status, reason: a.status === "offered" ? allocatedReason(round.name) : waitlistedReason(round.name) })),
    ];
    // One statement, submitted rows first: their ids come first, so the history reads in order
    // (events are listed by time, then id, and share the close's time).
    await tx.execute(sql`insert into application_events (application_id, actor_id, from_status, to_status, reason, created_at)
      select v.application_id, v.actor_id, v.from_status::application_status, v.to_status::application_status, v.reason, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb)
        as v(application_id uuid, actor_id text, from_status text, to_status text, reason text)`);
    for (const a of inserted) written.push({ id: a.id, traineeId: a.trainee_id, opportunityId: a.opportunity_id, status: a.status });
  }
  return written;
}

function recordOf(input: AllocationInput, result: RoundRecord["result"], comparison: RoundRecord["comparison"]): RoundRecord {
  const placedBefore = new Map(input.trainees.map((t) => [t.id, t.placedBefore]));
  const chosenBy = new Map<string, { chosenBy: number; firstTimersChoosing: number }>(input.opportunities.map((o) => [o.id, { chosenBy: 0, firstTimersChoosing: 0 }]));
  for (const t of input.trainees) {
    for (const o of t.ranking) {
      const c = chosenBy.get(o)!;
      c.chosenBy++;
      if (t.placedBefore === 0) c.firstTimersChoosing++;
    }
  }
  const byRank: number[] = [];
  for (const p of result.placements) {
    while (byRank.length < p.rank) byRank.push(0);
    byRank[p.rank - 1]!++;
  }
  return {
    input,
    result,
    opportunities: input.opportunities.map((o) => ({ id: o.id, seats: o.seats, ...chosenBy.get(o.id)! })),
    byRank,
    comparison,
    trainees: input.trainees.length,
    firstTimers: [...placedBefore.values()].filter((n) => n === 0).length,
  };
}

/**
 * The round's one message per person, instead of a message per offer: each trainee with a
 * choice in the allocation (placed, or on the waiting lists, with their first choice's
 * figures), each trainee whose choices all dropped out (nothing allocated), and every trust
 * lead and DME of each trust with opportunities in the round.
 */
async function tellEveryone(
  tx: DbOrTx,
  c: {
    roundId: string;
    actorId: string | null;
    record: RoundRecord;
    choicesOf: Map<string, Choice[]>;
    written: { traineeId: string; opportunityId: string; status: "offered" | "waitlisted" }[];
    trustOf: Map<string, string>;
  },
) {
  const figures = new Map(c.record.opportunities.map((o) => [o.id, o]));
  const placement = new Map(c.record.result.placements.map((p) => [p.traineeId, p]));
  const messages: RoundMessage[] = [];
  for (const [traineeId, list] of c.choicesOf) {
    const first = list[0]!;
    // Ranks as the trainee numbered them; the figures only when the first choice they saved is in the allocation.
    const firstChoice = first.rank === 1 ? figures.get(first.opportunityId) : undefined;
    const params: Record<string, string> = firstChoice
      ? { firstChoiceSeats: String(firstChoice.seats), firstChoiceChosenBy: String(firstChoice.chosenBy), firstChoiceFirstTimers: String(firstChoice.firstTimersChoosing) }
      : { firstChoiceFigures: "no" };
    const p = placement.get(traineeId);
    if (p) {
      const saved = list.find((x) => x.opportunityId === p.opportunityId)!;
      messages.push({ userId: traineeId, audience: "trainee", params: { outcome: "placed", rank: String(saved.rank), opportunityId: p.opportunityId, ...params } });
    } else {
      messages.push({ userId: traineeId, audience: "trainee", params: { outcome: "unplaced", ...params } });
    }
  }
  // Those who chose but have nothing left in the allocation (every choice declined, or on an
  // opportunity no longer taking trainees) are told too: the round is over for them as well.
  const untold = await tx
    .selectDistinct({ traineeId: roundPreferences.traineeId })
    .from(roundPreferences)
    .where(eq(roundPreferences.roundId, c.roundId))
    .orderBy(asc(roundPreferences.traineeId));
  for (const { traineeId } of untold) {
    if (!c.choicesOf.has(traineeId)) messages.push({ userId: traineeId, audience: "trainee", params: { outcome: "none" } });
  }
  const trustIds = [...new Set(c.trustOf.values())];
  if (trustIds.length) {
    const placed = new Map<string, number>();
    const waiting = new Map<string, Set<string>>();
    for (const a of c.written) {
      const trust = c.trustOf.get(a.opportunityId)!;
      if (a.status === "offered") placed.set(trust, (placed.get(trust) ?? 0) + 1);
      else waiting.set(trust, (waiting.get(trust) ?? new Set()).add(a.traineeId));
    }
    const staff = await tx
      .select({ id: users.id, role: users.role, trustId: users.trustId })
      .from(users)
      .where(and(inArray(users.trustId, trustIds), inArray(users.role, ["trust_lead", "dme"]), isNull(users.disabledAt)))
      .orderBy(asc(users.id));
    for (const s of staff) {
      messages.push({
        userId: s.id,
        audience: s.role as Audience,
        params: { placed: String(placed.get(s.trustId!) ?? 0), waitlisted: String(waiting.get(s.trustId!)?.size ?? 0) },
      });
    }
  }
  for (const batch of batches(messages, 1000)) await tellAboutRound(tx, { roundId: c.roundId, event: "allocated", actorId: c.actorId }, batch);
}

/**
 * The scheduled close: every round whose closing time has passed and is still open, each in
 * its own transaction, so one that fails (and stays open for the next minute's try) does not
 * hold up the others. Returns the ids it allocated.
 */
export async function closeDueRounds(db: Db, now: Date): Promise<string[]> {
  const due = await db
    .select({ id: allocationRounds.id })
    .from(allocationRounds)
    .where(and(eq(allocationRounds.status, "open"), lte(allocationRounds.closesAt, now)))
    .orderBy(asc(allocationRounds.closesAt), asc(allocationRounds.id));
  const closed: string[] = [];
  for (const { id } of due) {
    try {
      const result = await closeRound(db, id, { actor: null, now });
      if (result.ok) closed.push(id);
    } catch (error) {
      // The error's class and SQL state only: no ids of people, no query parameters.
      logError("Closing a round failed", error);
    }
  }
  return closed;
}

export interface RoundAllocationView {
  id: string;
  name: string;
  trustId: string | null;
  status: RoundStatus;
  seed: string | null;
  closesAt: Date;
  allocatedAt: Date | null;
  closedByItself: boolean;
  record: RoundRecord | null;
}

/** Who may audit a round's allocation: an admin any round, a trust lead their own trust's. */
export function maySeeAllocation(viewer: Pick<SessionUser, "role" | "trustId">, round: { trustId: string | null }): boolean {
  return viewer.role === "admin" || (viewer.role === "trust_lead" && round.trustId !== null && round.trustId === viewer.trustId);
}

/**
 * A round's allocation for its audit: an admin sees any round, a trust lead their own trust's
 * rounds; anyone else, or another trust's round, gets null (the page answers 404).
 */
export async function getRoundAllocation(db: Db, viewer: Pick<SessionUser, "role" | "trustId">, roundId: string): Promise<RoundAllocationView | null> {
  if (!UUID.test(roundId)) return null;
  const [round] = await db
    .select({
      id: allocationRounds.id,
      name: allocationRounds.name,
      trustId: allocationRounds.trustId,
      status: allocationRounds.status,
      seed: allocationRounds.seed,
      closesAt: allocationRounds.closesAt,
      allocatedAt: allocationRounds.allocatedAt,
      allocatedBy: allocationRounds.allocatedBy,
      record: allocationRounds.record,
    })
    .from(allocationRounds)
    .where(eq(allocationRounds.id, roundId));
  if (!round || !maySeeAllocation(viewer, round)) return null;
  const { allocatedBy, record, ...rest } = round;
  return { ...rest, closedByItself: round.status === "allocated" && allocatedBy === null, record: (record as unknown as RoundRecord | null) ?? null };
}

/**
 * "Download the round": {"input": …, "result": …}, the input exactly as scripts/allocate.ts
 * reads it and the result byte for byte as it prints it for that input.
 */
export function roundDownloadJson(record: RoundRecord): string {
  const input = {
    seed: record.input.seed,
    opportunities: record.input.opportunities.map((o) => ({ id: o.id, seats: o.seats })),
    trainees: record.input.trainees.map((t) => ({ id: t.id, placedBefore: t.placedBefore, ranking: t.ranking })),
  };
  return `{"input":${JSON.stringify(input)},"result":${resultJson(record.result)}}\n`;
}

/**
 * Every minute, the rounds whose closing time has passed are closed. The scheduler runs it
 * once across processes (a lease on its row) and at start-up when it fell due while the
 * service was down, so a round overdue during an outage closes as soon as a process starts;
 * closeRound's own lock keeps it to one allocation even if two runs overlapped.
 */
export const closeRoundsJob: ScheduledJob = {
  name: "close-rounds",
  next: (from) => new Date(from.getTime() + 60_000),
  // A round of 10,000 trainees closes in seconds; another process may take over after this.
  leaseMs: 10 * 60_000,
  async run(db, now) {
    const closed = await closeDueRounds(db, now);
    if (closed.length) console.log(`Rounds closed: ${closed.length}`);
  },
};

export type CloseRefusal = "allocated" | "cancelled" | "notOpenYet";

/**
 * Why an admin's "Close and allocate now" would be refused now, by the same rules as closeRound
 * (null: the round can be closed; "notFound": no such round). The refusal page reads it, because
 * a page rendered after its action runs the loader too, and the refusal must still show.
 */
export async function closeRefusal(db: Db, roundId: string, now: Date): Promise<CloseRefusal | null | "notFound"> {
  if (!UUID.test(roundId)) return "notFound";
  const [round] = await db
    .select({ status: allocationRounds.status, opensAt: allocationRounds.opensAt })
    .from(allocationRounds)
    .where(eq(allocationRounds.id, roundId));
  if (!round) return "notFound";
  if (round.status !== "open") return round.status;
  return now < round.opensAt ? "notOpenYet" : null;
}
