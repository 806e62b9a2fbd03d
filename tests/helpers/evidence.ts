// One completed application's evidence rows, with names beyond Latin-1, for tests to vary a field at a time.
import type { EvidenceRow } from "../../app/models/evidence/evidence";
import { applicationEvents, applications, completionSignoffs, objectives, reflections } from "../../db/schema";
import type { Db } from "../../db/client";
import type { ApplicationStatus, HlmDimension } from "../../app/models/domain";
import { makeOpportunity, makeTrust, makeUser } from "./factories";

export function evidenceRow(overrides: Partial<EvidenceRow> = {}): EvidenceRow {
  return {
    applicationId: "4f7c2a56-8f0e-4a57-9f0e-1d2c3b4a5e6f",
    status: "completed",
    traineeName: "Dr Łukasz Wójcik",
    gmcNumber: "7123456",
    title: "Reduce missed doses of time-critical medicines",
    type: "qi_project",
    tier: 2,
    focus: "team",
    hlmDimensions: ["evaluating_information", "engaging_the_team"],
    learningOutcomes: ["Lead a small test of change", "Present data to a committee"],
    trustName: "Sandwell and West Birmingham Hospitals NHS Trust",
    siteName: "City Hospital",
    sponsorName: "Siobhán Ní Bhriain",
    sponsorRole: "Chief Pharmacist",
    startsOn: "2027-01-04",
    endsOn: "2027-03-26",
    totalHours: "24.0",
    objectiveTitle: "Safer medicines",
    objectiveDescription: "Halve missed doses by 2028",
    signedOffAt: "2027-03-29T10:00:00Z",
    signedOffByName: "Priya Shah",
    observedDimensions: ["engaging_the_team", "influencing_for_results"],
    strengths: "Brought pharmacists and nurses together.",
    nextStep: "Present the results at the trust's quality committee.",
    sponsorFeedback: "",
    reflection: {
      whatHappened: "I ran three PDSA cycles on two wards.",
      soWhat: "Data persuades more than opinion.",
      nowWhat: "I will lead the next cycle myself.",
      hlmDimensions: ["leading_with_care", "evaluating_information"],
      gpcDomains: ["patient_safety_qi", "professional_values"],
      rating: 4,
      wouldRecommend: true,
      finalisedAt: "2027-04-01T09:00:00Z",
    },
    ...overrides,
  };
}


export const REFLECTION = {
  whatHappened: "I ran three plan-do-study-act cycles on two wards with the pharmacy team.",
  soWhat: "Data from the ward persuaded more than any opinion I gave.",
  nowWhat: "I will lead the next cycle myself and present it to the quality committee.",
};

/**
 * One of the trainee's applications for a quality improvement project that ended on `endsOn`,
 * at a new trust, in the given status (completed by default, signed off by a trust lead with
 * structured feedback), with a final or draft reflection if asked for.
 */
export async function makeEvidence(
  db: Db,
  input: {
    traineeId: string;
    title?: string;
    status?: ApplicationStatus;
    endsOn?: string;
    reflection?: "final" | "draft" | null;
    observed?: HlmDimension[];
    trustName?: string;
  },
) {
  const trust = await makeTrust(db, input.trustName ? { name: input.trustName } : {});
  const lead = await makeUser(db, { role: "trust_lead", trustId: trust.id, name: "Siobhán Ní Bhriain" });
  const [objective] = await db
    .insert(objectives)
    .values({ trustId: trust.id, title: "Safer medicines on every ward", description: "Halve missed doses of time-critical medicines by 2028" })
    .returning({ id: objectives.id });
  const endsOn = input.endsOn ?? "2026-03-27";
  const opportunityId = await makeOpportunity(
    db,
    trust.id,
    {
      type: "qi_project",
      objectiveId: objective!.id,
      siteId: trust.sites[0]!.id,
      title: input.title ?? "Reduce missed doses of time-critical medicines",
      sponsorName: "Dr Łukasz Wójcik",
      sponsorRole: "Chief Pharmacist",
      startsOn: "2026-01-05",
      endsOn,
      applicationDeadline: "2025-12-15",
      totalHours: "24",
      hoursPerWeek: "2",
      tier: "2",
      focus: "team",
      hlmDimensions: ["evaluating_information", "engaging_the_team"],
      learningOutcomes: "Lead a small test of change\nPresent data to a committee",
      sessionDate: ["2026-01-12", "", "", "", "", ""],
      sessionStart: ["09:30", "", "", "", "", ""],
      sessionEnd: ["12:00", "", "", "", "", ""],
      sessionLocation: ["Pharmacy seminar room", "", "", "", "", ""],
    },
    "closed",
  );
  const status = input.status ?? "completed";
  const [app] = await db
    .insert(applications)
    .values({ opportunityId, traineeId: input.traineeId, statement: "I want to lead a test of change.", status })
    .returning({ id: applications.id });
  const applicationId = app!.id;
  await db.insert(applicationEvents).values({ applicationId, actorId: null, fromStatus: null, toStatus: status });
  if (status === "completed") {
    await db.insert(completionSignoffs).values({
      applicationId,
      outcome: "completed",
      observedDimensions: input.observed ?? ["engaging_the_team", "influencing_for_results"],
      strengths: "Brought pharmacists and nurses together around the data.",
      nextStep: "Present the results at the trust's quality committee.",
      signedOffBy: lead.id,
      createdAt: new Date("2026-03-30T10:00:00Z"),
    });
  }
  if (input.reflection) {
    await db.insert(reflections).values({
      applicationId,
      ...REFLECTION,
      hlmDimensions: ["leading_with_care"],
      gpcDomains: ["professional_values", "patient_safety_qi"],
      rating: 4,
      wouldRecommend: true,
      finalisedAt: input.reflection === "final" ? new Date("2026-04-01T09:00:00Z") : null,
    });
  }
  return { applicationId, opportunityId, trustId: trust.id, trustName: trust.name, leadId: lead.id };
}
