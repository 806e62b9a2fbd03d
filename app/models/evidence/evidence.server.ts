// The rows behind a trainee's evidence: only their own applications, only completed ones (an
// approved one that has ended is "waiting for the trust's sign-off"). Both the page and the
// PDF call these, so they show the same evidence under the same scope.
import { and, asc, desc, eq, inArray, lte, or, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";

import type { Db } from "@db/client";
import { applications, completionSignoffs, objectives, opportunities, opportunitySessions, reflections, sites, traineeProfiles, trusts, users } from "@db/schema";

import { UUID } from "~/models/ids";
import { formatDate } from "~/utils/dates";

import { buildEvidence, summariseEvidence, type Evidence, type EvidenceRow, type EvidenceSession, type EvidenceSummary } from "./evidence";

const signer = alias(users, "signer");

const evidenceColumns = {
  applicationId: applications.id,
  status: applications.status,
  traineeName: users.name,
  gmcNumber: traineeProfiles.gmcNumber,
  opportunityId: opportunities.id,
  title: opportunities.title,
  type: opportunities.type,
  tier: opportunities.tier,
  focus: opportunities.focus,
  hlmDimensions: opportunities.hlmDimensions,
  learningOutcomes: opportunities.learningOutcomes,
  trustName: trusts.name,
  siteName: sites.name,
  sponsorName: opportunities.sponsorName,
  sponsorRole: opportunities.sponsorRole,
  startsOn: opportunities.startsOn,
  endsOn: opportunities.endsOn,
  totalHours: opportunities.totalHours,
  objectiveTitle: objectives.title,
  objectiveDescription: objectives.description,
  signedOffAt: completionSignoffs.createdAt,
  signedOffByName: signer.name,
  observedDimensions: completionSignoffs.observedDimensions,
  strengths: completionSignoffs.strengths,
  nextStep: completionSignoffs.nextStep,
  sponsorFeedback: completionSignoffs.sponsorFeedback,
  reflectionId: reflections.id,
  whatHappened: reflections.whatHappened,
  soWhat: reflections.soWhat,
  nowWhat: reflections.nowWhat,
  reflectionDimensions: reflections.hlmDimensions,
  gpcDomains: reflections.gpcDomains,
  rating: reflections.rating,
  wouldRecommend: reflections.wouldRecommend,
  finalisedAt: reflections.finalisedAt,
};

async function evidenceRows(db: Db, where: SQL | undefined) {
  return db
    .select(evidenceColumns)
    .from(applications)
    .innerJoin(users, eq(users.id, applications.traineeId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, applications.traineeId))
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .leftJoin(sites, eq(sites.id, opportunities.siteId))
    .leftJoin(objectives, eq(objectives.id, opportunities.objectiveId))
    // Only the completed sign-off: a "not completed" one says why, and is no evidence.
    .leftJoin(completionSignoffs, and(eq(completionSignoffs.applicationId, applications.id), eq(completionSignoffs.outcome, "completed")))
    .leftJoin(signer, eq(signer.id, completionSignoffs.signedOffBy))
    .leftJoin(reflections, eq(reflections.applicationId, applications.id))
    .where(where)
    .orderBy(desc(opportunities.endsOn), asc(opportunities.title), asc(applications.id));
}

type Row = Awaited<ReturnType<typeof evidenceRows>>[number];

function toEvidenceRow(r: Row): EvidenceRow {
  return {
    ...r,
    observedDimensions: r.observedDimensions ?? [],
    strengths: r.strengths ?? "",
    nextStep: r.nextStep ?? "",
    sponsorFeedback: r.sponsorFeedback ?? "",
    reflection: r.reflectionId
      ? {
          whatHappened: r.whatHappened ?? "",
          soWhat: r.soWhat ?? "",
          nowWhat: r.nowWhat ?? "",
          hlmDimensions: r.reflectionDimensions ?? [],
          gpcDomains: r.gpcDomains ?? [],
          rating: r.rating,
          wouldRecommend: r.wouldRecommend,
          finalisedAt: r.finalisedAt,
        }
      : null,
  };
}

async function sessionsOf(db: Db, opportunityIds: string[]): Promise<Map<string, EvidenceSession[]>> {
  const byOpportunity = new Map<string, EvidenceSession[]>(opportunityIds.map((id) => [id, []]));
  if (!opportunityIds.length) return byOpportunity;
  const rows = await db
    .select({ opportunityId: opportunitySessions.opportunityId, date: opportunitySessions.date, startsAt: opportunitySessions.startsAt, endsAt: opportunitySessions.endsAt, location: opportunitySessions.location })
    .from(opportunitySessions)
    .where(inArray(opportunitySessions.opportunityId, opportunityIds))
    .orderBy(asc(opportunitySessions.date), asc(opportunitySessions.startsAt));
  for (const { opportunityId, ...s } of rows) byOpportunity.get(opportunityId)!.push(s);
  return byOpportunity;
}

export type EvidenceLookup =
  | { kind: "evidence"; evidence: Evidence }
  | { kind: "waiting"; applicationId: string; title: string; trustName: string; endsOn: string; message: string };

/**
 * One of the trainee's applications as evidence. Null (the page answers 404) for another
 * trainee's application, an unknown id, and anything neither completed nor approved-and-ended.
 * An approved opportunity whose last day has come is waiting for the trust's sign-off.
 */
export async function getEvidence(db: Db, traineeId: string, applicationId: string, today: string, options: { includeReflection: boolean }): Promise<EvidenceLookup | null> {
  if (!UUID.test(applicationId)) return null;
  const [row] = await evidenceRows(
    db,
    and(
      eq(applications.id, applicationId),
      eq(applications.traineeId, traineeId),
      or(eq(applications.status, "completed"), and(eq(applications.status, "approved"), lte(opportunities.endsOn, today))),
    ),
  );
  if (!row) return null;
  if (row.status !== "completed") {
    return {
      kind: "waiting",
      applicationId: row.applicationId,
      title: row.title,
      trustName: row.trustName,
      endsOn: row.endsOn,
      message: `This opportunity ended on ${formatDate(row.endsOn)}. It is waiting for ${row.trustName} to sign it off as completed, for the sponsor: your evidence is ready once it has.`,
    };
  }
  const sessions = await sessionsOf(db, [row.opportunityId]);
  return { kind: "evidence", evidence: buildEvidence(toEvidenceRow(row), sessions.get(row.opportunityId) ?? [], options) };
}

/**
 * Every completed opportunity of the trainee's, newest first, with the totals, and the ones
 * waiting for sign-off. Null for an account with no trainee profile.
 */
export async function getEvidenceSummary(
  db: Db,
  traineeId: string,
  today: string,
  options: { includeReflection: boolean },
): Promise<{ summary: EvidenceSummary; waiting: { applicationId: string; title: string; trustName: string; endsOn: string }[] } | null> {
  const [trainee] = await db
    .select({ name: users.name, gmcNumber: traineeProfiles.gmcNumber })
    .from(users)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(eq(users.id, traineeId));
  if (!trainee) return null;
  const rows = await evidenceRows(
    db,
    and(eq(applications.traineeId, traineeId), or(eq(applications.status, "completed"), and(eq(applications.status, "approved"), lte(opportunities.endsOn, today)))),
  );
  const completed = rows.filter((r) => r.status === "completed");
  const sessions = await sessionsOf(db, [...new Set(completed.map((r) => r.opportunityId))]);
  const items = completed.map((r) => buildEvidence(toEvidenceRow(r), sessions.get(r.opportunityId) ?? [], options));
  const waiting = rows.filter((r) => r.status !== "completed").map((r) => ({ applicationId: r.applicationId, title: r.title, trustName: r.trustName, endsOn: r.endsOn }));
  return { summary: summariseEvidence(trainee, items), waiting };
}
