// One completed application's evidence rows, with names beyond Latin-1, for tests to vary a field at a time.
import type { EvidenceRow } from "../../app/models/evidence/evidence";

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
