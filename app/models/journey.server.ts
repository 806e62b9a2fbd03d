// The journey page's data: the trainee's confirmed and completed opportunities, their placements,
// the candidates for "suggested next" and the shortlist. Five queries, whatever the trainee has done.
import { and, arrayContains, asc, eq, gte, inArray, lte, or, sql, type SQL } from "drizzle-orm";

import type { Db } from "@db/client";
import { applications, opportunities, traineeProfiles, trusts } from "@db/schema";

import { placesTraineeAtTrust, type Focus, type HlmDimension } from "./domain";
import { currentAndNext, listTraineePlacements } from "./homes.server";
import { byTrainingYear, coverageGrid, tierStanding, type JourneyStep } from "./journey";
import { seatsTaken } from "./opportunities.server";
import { getShortlist } from "./shortlist.server";
import { suggestNext, type PlacementWindow, type SuggestionCandidate } from "./suggestions";
import { eligibilityGrade } from "./trainee-grade.server";

/** The most candidates scored for "suggested next": the soonest deadlines first. */
export const MAX_CANDIDATES = 200;

/** The trainee's approved and completed opportunities, earliest first. */
export async function listJourneySteps(db: Db, traineeId: string): Promise<JourneyStep[]> {
  const rows = await db
    .select({
      applicationId: applications.id,
      opportunityId: opportunities.id,
      title: opportunities.title,
      trustName: trusts.name,
      status: applications.status,
      tier: opportunities.tier,
      focus: opportunities.focus,
      hlmDimensions: opportunities.hlmDimensions,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .where(and(eq(applications.traineeId, traineeId), inArray(applications.status, ["approved", "completed"])))
    .orderBy(asc(opportunities.startsOn), asc(opportunities.title));
  return rows.map((r) => ({ ...r, status: r.status as JourneyStep["status"] }));
}

/**
 * Open opportunities at the trust the trainee is placed at now or next, running while they are
 * there, open to their grade and not already applied for (the pure rules check all of it again):
 * one query, at most MAX_CANDIDATES rows.
 */
export async function listSuggestionCandidates(
  db: Db,
  traineeId: string,
  input: {
    today: string;
    grade: string;
    ltft: boolean;
    current: PlacementWindow | null;
    next: PlacementWindow | null;
  }
): Promise<SuggestionCandidate[]> {
  const during = (p: PlacementWindow | null): SQL | undefined =>
    p ? and(eq(opportunities.trustId, p.trustId), lte(opportunities.startsOn, p.endsOn), gte(opportunities.endsOn, p.startsOn)) : undefined;
  const where = [during(input.current), during(input.next)].filter((w): w is SQL => Boolean(w));
  if (!where.length) return [];
  const rows = await db
    .select({
      id: opportunities.id,
      title: opportunities.title,
      trustId: opportunities.trustId,
      trustName: trusts.name,
      status: opportunities.status,
      tier: opportunities.tier,
      focus: opportunities.focus,
      hlmDimensions: opportunities.hlmDimensions,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      applicationDeadline: opportunities.applicationDeadline,
      eligibleGrades: opportunities.eligibleGrades,
      specialties: opportunities.specialties,
      ltftFriendly: opportunities.ltftFriendly,
      seats: opportunities.seats,
      seatsTaken,
    })
    .from(opportunities)
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .where(
      and(
        eq(opportunities.status, "published"),
        gte(opportunities.applicationDeadline, input.today),
        gte(opportunities.endsOn, input.today),
        or(...where),
        arrayContains(opportunities.eligibleGrades, [input.grade as never]),
        input.ltft ? eq(opportunities.ltftFriendly, true) : undefined,
        sql`not exists (select 1 from ${applications} mine where mine.opportunity_id = ${opportunities.id} and mine.trainee_id = ${traineeId} and mine.status <> 'withdrawn')`
      )
    )
    .orderBy(asc(opportunities.applicationDeadline), asc(opportunities.id))
    .limit(MAX_CANDIDATES);
  return rows.map(({ seats, seatsTaken: taken, ...r }) => ({
    ...r,
    focus: r.focus as Focus,
    hlmDimensions: r.hlmDimensions as HlmDimension[],
    seatsLeft: Math.max(0, seats - taken),
    applied: false,
  }));
}

async function traineeFacts(db: Db, traineeId: string, today: string) {
  const [row] = await db
    .select({
      grade: eligibilityGrade(today).grade,
      specialty: traineeProfiles.specialty,
      ltft: traineeProfiles.ltft,
    })
    .from(traineeProfiles)
    .where(eq(traineeProfiles.userId, traineeId));
  return row?.grade ? { ...row, grade: row.grade } : null;
}

/** Suggested next for the trainee, with why, or why there is none. */
export async function suggestionsFor(
  db: Db,
  traineeId: string,
  today: string,
  known?: {
    steps: JourneyStep[];
    placements: Awaited<ReturnType<typeof listTraineePlacements>>;
  }
) {
  const [facts, steps, placements] = await Promise.all([
    traineeFacts(db, traineeId, today),
    known?.steps ?? listJourneySteps(db, traineeId),
    known?.placements ?? listTraineePlacements(db, traineeId),
  ]);
  if (!facts)
    return {
      suggestions: [],
      none: "Only trainees with a profile get suggestions.",
    };
  // Only a placement in post puts the trainee at a trust (not parental leave or time out of programme).
  const { current, next } = currentAndNext(
    placements.filter((p) => placesTraineeAtTrust(p.placementType)),
    today
  );
  const candidates = await listSuggestionCandidates(db, traineeId, {
    today,
    grade: facts.grade,
    ltft: facts.ltft,
    current,
    next,
  });
  return suggestNext(candidates, {
    today,
    trainee: facts,
    current,
    next,
    steps,
  });
}

export async function getJourney(db: Db, traineeId: string, today: string) {
  const [steps, placements, shortlist] = await Promise.all([listJourneySteps(db, traineeId), listTraineePlacements(db, traineeId), getShortlist(db, traineeId, today)]);
  const suggested = await suggestionsFor(db, traineeId, today, {
    steps,
    placements,
  });
  return {
    years: byTrainingYear(steps),
    grid: coverageGrid(steps),
    tiers: tierStanding(steps),
    suggested,
    shortlist,
    ...currentAndNext(placements, today),
  };
}
