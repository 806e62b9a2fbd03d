// "Trainees at your trust with nothing yet this year" and the nudge a DME or trust lead sends
// them. At most one nudge per trainee per month, from any trust: the sending transaction locks
// the trainee's trainee_profiles row FOR UPDATE before it looks for a nudge in the last month,
// so two staff pressing at once (or one pressing twice) queue there and the second finds the first.
import { and, asc, countDistinct, desc, eq, gte, inArray, isNull, lte, ne, not, sql } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { applications, nudges, opportunities, placements, traineeProfiles, trusts, users } from "@db/schema";

import type { SessionUser } from "~/auth.server";
import { instantInLondon, londonDateAndTime, trainingYearOf } from "~/utils/dates";

import { seatsTaken } from "./applications.server";
import { auditBy, recordAudit, type AuditContext } from "./audit.server";
import { UUID } from "./ids";
import { eligibilityFor } from "./eligibility";
import { hadOpportunityInYear } from "./first-timers.server";
import { nextNudgeDate, nudgeWindowStart, NUDGE_SUGGESTIONS } from "./nudge-rules";
import { createNotifications } from "./notifications.server";
import { queueEmails } from "./outbox.server";
import { eligibilityGrade } from "./trainee-grade.server";

const IN_POST = ["In Post", "In Post - Extension"] as const;

/** Trainees a page of the list. */
export const NOTHING_YET_PAGE_SIZE = 50;
/** "Send a nudge to all" sends at most this many at one press; the page says when more are left. */
export const NUDGE_ALL_LIMIT = 500;

type Staff = Pick<SessionUser, "id" | "role"> & { trustId: string };

/** The first instant a nudge counts against today: midnight in London at the start of the window. */
function windowStartInstant(today: string): Date {
  return instantInLondon(nudgeWindowStart(today), "00:00")!;
}

/**
 * Placed at the trust today (an in-post placement whose dates contain it), account open, and no
 * offered, approved or completed opportunity starting in this training year (the round's first-timer rule).
 */
function nothingYetAt(db: DbOrTx, trustId: string, today: string) {
  return and(
    eq(placements.trustId, trustId),
    inArray(placements.placementType, [...IN_POST]),
    lte(placements.startsOn, today),
    gte(placements.endsOn, today),
    isNull(traineeProfiles.anonymisedAt),
    isNull(users.disabledAt),
    not(hadOpportunityInYear(db, placements.traineeId, trainingYearOf(today))),
  )!;
}

export interface NothingYetRow {
  traineeId: string;
  name: string;
  grade: string;
  endsOn: string;
  lastNudgedAt: Date | null;
  lastNudgedBy: string | null;
  /** The London date from which they can be nudged again; null when they can be now. */
  nudgeableFrom: string | null;
}

/** A page of the trust's trainees with nothing yet, by name, with the total and how many can be nudged today. Two queries. */
export async function listNothingYet(db: Db, trustId: string, today: string, page = 1) {
  const where = nothingYetAt(db, trustId, today);
  const since = windowStartInstant(today);
  const lastNudge = sql<string | null>`(select max(n.created_at) from ${nudges} n where n.trainee_id = ${placements.traineeId})`;
  const [rows, [totals]] = await Promise.all([
    db
      .selectDistinctOn([users.name, users.id], {
        traineeId: users.id,
        name: users.name,
        grade: placements.grade,
        endsOn: placements.endsOn,
        lastNudgedAt: lastNudge,
        lastNudgedBy: sql<string | null>`(select t.name from ${nudges} n join ${trusts} t on t.id = n.trust_id
          where n.trainee_id = ${placements.traineeId} order by n.created_at desc limit 1)`,
      })
      .from(placements)
      .innerJoin(users, eq(users.id, placements.traineeId))
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, placements.traineeId))
      .where(where)
      // Of two placements here today, the one that ends later.
      .orderBy(asc(users.name), asc(users.id), desc(placements.endsOn))
      .limit(NOTHING_YET_PAGE_SIZE)
      .offset((Math.max(1, page) - 1) * NOTHING_YET_PAGE_SIZE),
    db
      .select({
        total: countDistinct(placements.traineeId),
        nudgeable: sql<number>`count(distinct ${placements.traineeId}) filter (where not exists (
          select 1 from ${nudges} n where n.trainee_id = ${placements.traineeId} and n.created_at >= ${since.toISOString()}::timestamptz))`.mapWith(Number),
      })
      .from(placements)
      .innerJoin(users, eq(users.id, placements.traineeId))
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, placements.traineeId))
      .where(where),
  ]);
  const trainees: NothingYetRow[] = rows.map((r) => {
    const at = r.lastNudgedAt ? new Date(r.lastNudgedAt) : null;
    return { ...r, lastNudgedAt: at, nudgeableFrom: at && at >= since ? nextNudgeDate(londonDateAndTime(at)[0]) : null };
  });
  return { trainees, total: totals?.total ?? 0, nudgeable: totals?.nudgeable ?? 0, page: Math.max(1, page), pageSize: NOTHING_YET_PAGE_SIZE };
}

interface Candidate {
  id: string;
  eligibleGrades: (typeof opportunities.$inferSelect)["eligibleGrades"];
  specialties: string[];
  applicationDeadline: string;
  status: string;
  seatsLeft: number;
}

/** The trust's opportunities open for applications today, soonest deadline first: what a nudge can suggest. */
async function openOpportunities(db: DbOrTx, trustId: string, today: string): Promise<Candidate[]> {
  const rows = await db
    .select({
      id: opportunities.id,
      eligibleGrades: opportunities.eligibleGrades,
      specialties: opportunities.specialties,
      applicationDeadline: opportunities.applicationDeadline,
      status: opportunities.status,
      seats: opportunities.seats,
      seatsTaken,
    })
    .from(opportunities)
    .where(and(eq(opportunities.trustId, trustId), eq(opportunities.status, "published"), gte(opportunities.applicationDeadline, today)))
    .orderBy(asc(opportunities.applicationDeadline), asc(opportunities.startsOn), asc(opportunities.id))
    .limit(200);
  return rows.map(({ seats, seatsTaken: taken, ...o }) => ({ ...o, seatsLeft: seats - taken }));
}

export type NudgeOutcome =
  | { traineeId: string; outcome: "sent"; nudgeId: string; suggested: string[] }
  | { traineeId: string; outcome: "recent"; nudgeableFrom: string }
  | { traineeId: string; outcome: "not_listed" };

/**
 * One nudge, in its own transaction: lock the trainee's profile, check they are still on the
 * trust's list and were not nudged in the window, then write the nudge, its notification and
 * its e-mail, pointing at up to three opportunities at the trust they can apply for.
 */
async function nudgeOne(db: Db, sender: Staff, traineeId: string, today: string, candidates: Candidate[], audit?: AuditContext): Promise<NudgeOutcome> {
  // The id comes from a form: anything but an id (a NUL cannot even be compared in PostgreSQL) is no listed trainee.
  if (!UUID.test(traineeId)) return { traineeId, outcome: "not_listed" };
  return db.transaction(async (tx): Promise<NudgeOutcome> => {
    const [locked] = await tx
      .select({ userId: traineeProfiles.userId })
      .from(traineeProfiles)
      .where(eq(traineeProfiles.userId, traineeId))
      .for("update");
    if (!locked) return { traineeId, outcome: "not_listed" };
    const [listed] = await tx
      .select({ traineeId: placements.traineeId })
      .from(placements)
      .innerJoin(users, eq(users.id, placements.traineeId))
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, placements.traineeId))
      .where(and(eq(placements.traineeId, traineeId), nothingYetAt(tx, sender.trustId, today)))
      .limit(1);
    if (!listed) return { traineeId, outcome: "not_listed" };
    // Read after the lock is granted: a nudge committed by whoever held it is seen here.
    const [recent] = await tx
      .select({ createdAt: nudges.createdAt })
      .from(nudges)
      .where(and(eq(nudges.traineeId, traineeId), gte(nudges.createdAt, windowStartInstant(today))))
      .orderBy(desc(nudges.createdAt))
      .limit(1);
    if (recent) return { traineeId, outcome: "recent", nudgeableFrom: nextNudgeDate(londonDateAndTime(recent.createdAt)[0]) };

    const [viewer] = await tx
      .select({ grade: eligibilityGrade(today).grade, specialty: traineeProfiles.specialty })
      .from(traineeProfiles)
      .where(eq(traineeProfiles.userId, traineeId));
    const applied = candidates.length
      ? new Set(
          (
            await tx
              .select({ id: applications.opportunityId })
              .from(applications)
              .where(and(eq(applications.traineeId, traineeId), ne(applications.status, "withdrawn"), inArray(applications.opportunityId, candidates.map((c) => c.id))))
          ).map((r) => r.id),
        )
      : new Set<string>();
    const suggested = candidates
      .filter((c) => !applied.has(c.id) && eligibilityFor(c, { role: "trainee", grade: viewer?.grade ?? null, specialty: viewer?.specialty ?? "" }, today).eligible)
      .slice(0, NUDGE_SUGGESTIONS)
      .map((c) => c.id);

    const [nudge] = await tx.insert(nudges).values({ traineeId, trustId: sender.trustId, sentBy: sender.id }).returning({ id: nudges.id });
    const nudgeId = nudge!.id;
    // Ids only: the words (trust, titles, deadlines) are composed when shown or sent.
    const params = { opportunityIds: suggested.join(",") };
    await createNotifications(tx, [{ userId: traineeId, kind: "nudge", nudgeId, actorId: sender.id, params }]);
    await queueEmails(tx, [{ kind: "nudge", recipientId: traineeId, nudgeId, params }]);
    await recordAudit(tx, auditBy(audit, sender), {
      action: "nudge.sent",
      targetType: "user",
      targetId: traineeId,
      traineeId,
      trustId: sender.trustId,
      details: { suggested: suggested.length },
    });
    return { traineeId, outcome: "sent", nudgeId, suggested };
  });
}

export type SendNudgesResult = { sent: number; recent: number; notListed: number; left: number; outcomes: NudgeOutcome[] };

/**
 * Nudges the given trainees of the sender's trust, or every one on its list (`"all"`), each in its
 * own transaction so one refusal leaves the others sent. Trainees not on the trust's list today
 * (another trust's, already offered a place, unknown) are counted as not listed, never nudged.
 */
export async function sendNudges(db: Db, sender: Staff, who: string[] | "all", today: string, audit?: AuditContext): Promise<SendNudgesResult> {
  let ids: string[];
  let left = 0;
  if (who === "all") {
    const since = windowStartInstant(today);
    const rows = await db
      .selectDistinct({ id: placements.traineeId, name: users.name })
      .from(placements)
      .innerJoin(users, eq(users.id, placements.traineeId))
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, placements.traineeId))
      .where(nothingYetAt(db, sender.trustId, today))
      .orderBy(asc(users.name), asc(placements.traineeId));
    ids = rows.map((r) => r.id);
    // Those nudged in the window are counted as skipped without a transaction each; the
    // transaction still checks again for the ones sent to.
    const recentRows = ids.length
      ? await db.selectDistinct({ id: nudges.traineeId }).from(nudges).where(and(inArray(nudges.traineeId, ids), gte(nudges.createdAt, since)))
      : [];
    const recent = new Set(recentRows.map((r) => r.id));
    const toSend = ids.filter((id) => !recent.has(id));
    left = Math.max(0, toSend.length - NUDGE_ALL_LIMIT);
    ids = [...toSend.slice(0, NUDGE_ALL_LIMIT)];
    const candidates = await openOpportunities(db, sender.trustId, today);
    const outcomes: NudgeOutcome[] = [];
    for (const id of ids) outcomes.push(await nudgeOne(db, sender, id, today, candidates, audit));
    return summarise(outcomes, recent.size, left);
  }
  ids = [...new Set(who)];
  const candidates = await openOpportunities(db, sender.trustId, today);
  const outcomes: NudgeOutcome[] = [];
  for (const id of ids) outcomes.push(await nudgeOne(db, sender, id, today, candidates, audit));
  return summarise(outcomes, 0, left);
}

function summarise(outcomes: NudgeOutcome[], recentBefore: number, left: number): SendNudgesResult {
  return {
    sent: outcomes.filter((o) => o.outcome === "sent").length,
    recent: recentBefore + outcomes.filter((o) => o.outcome === "recent").length,
    notListed: outcomes.filter((o) => o.outcome === "not_listed").length,
    left,
    outcomes,
  };
}

/** The trainee's name when they are on the trust's list today (for the page's message); null otherwise. */
export async function nothingYetTraineeName(db: Db, trustId: string, traineeId: string, today: string): Promise<string | null> {
  // The id comes from the address: anything else names nobody.
  if (!UUID.test(traineeId)) return null;
  const [row] = await db
    .select({ name: users.name })
    .from(placements)
    .innerJoin(users, eq(users.id, placements.traineeId))
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, placements.traineeId))
    .where(and(eq(placements.traineeId, traineeId), nothingYetAt(db, trustId, today)))
    .limit(1);
  return row?.name ?? null;
}

export async function getTrustName(db: Db, trustId: string): Promise<string | null> {
  const [row] = await db.select({ name: trusts.name }).from(trusts).where(eq(trusts.id, trustId));
  return row?.name ?? null;
}
