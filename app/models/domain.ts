// The words of the domain and their constrained values, shared by the database schema,
// the valibot schemas and the pages. Safe for the browser bundle: no server imports.

export const ROLES = ["trainee", "trust_lead", "dme", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  trainee: "Trainee",
  trust_lead: "Trust lead",
  dme: "Director of medical education",
  admin: "Regional administrator",
};

export const REGIONS = [
  "East of England",
  "London",
  "Midlands",
  "North East and Yorkshire",
  "North West",
  "South East",
  "South West",
] as const;
export type Region = (typeof REGIONS)[number];

export const GRADES = [
  "FY1",
  "FY2",
  "CT1",
  "CT2",
  "CT3",
  "ST1",
  "ST2",
  "ST3",
  "ST4",
  "ST5",
  "ST6",
  "ST7",
  "ST8",
  "GPST1",
  "GPST2",
  "GPST3",
] as const;
export type Grade = (typeof GRADES)[number];

export const STAGES = ["foundation", "core", "higher"] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Foundation years are foundation; core training and the first two years of run-through
 * specialty training are core; ST3 and above are higher. GP specialty training leads
 * straight to a CCT, so GPST1–3 count as higher specialty training.
 */
export function stageOf(grade: Grade): Stage {
  if (grade === "FY1" || grade === "FY2") return "foundation";
  if (grade.startsWith("CT") || grade === "ST1" || grade === "ST2") return "core";
  return "higher";
}

export const OPPORTUNITY_TYPES = [
  "qi_project",
  "shadowing",
  "board_seat",
  "manager_buddying",
  "chief_resident",
  "patient_safety",
] as const;
export type OpportunityType = (typeof OPPORTUNITY_TYPES)[number];

export const OPPORTUNITY_TYPE_LABELS: Record<OpportunityType, string> = {
  qi_project: "Quality improvement project",
  shadowing: "Structured shadowing",
  board_seat: "Board or senior team meeting seat",
  manager_buddying: "Buddying with a manager",
  chief_resident: "Chief resident role",
  patient_safety: "Patient safety investigation",
};

export const OPPORTUNITY_STATUSES = ["draft", "published", "closed", "archived"] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

export const TIERS = [1, 2, 3] as const;
export type Tier = (typeof TIERS)[number];
export const TIER_LABELS: Record<Tier, string> = {
  1: "Tier 1: leadership literacy",
  2: "Tier 2: workplace change and improvement",
  3: "Tier 3: sustained track",
};

export const FOCUSES = ["self", "team", "organisation", "system"] as const;
export type Focus = (typeof FOCUSES)[number];
export const FOCUS_LABELS: Record<Focus, string> = { self: "Self", team: "Team", organisation: "Organisation", system: "System" };

export const HLM_DIMENSIONS = [
  "inspiring_shared_purpose",
  "leading_with_care",
  "evaluating_information",
  "connecting_our_service",
  "sharing_the_vision",
  "engaging_the_team",
  "holding_to_account",
  "developing_capability",
  "influencing_for_results",
] as const;
export type HlmDimension = (typeof HLM_DIMENSIONS)[number];
export const HLM_LABELS: Record<HlmDimension, string> = {
  inspiring_shared_purpose: "Inspiring shared purpose",
  leading_with_care: "Leading with care",
  evaluating_information: "Evaluating information",
  connecting_our_service: "Connecting our service",
  sharing_the_vision: "Sharing the vision",
  engaging_the_team: "Engaging the team",
  holding_to_account: "Holding to account",
  developing_capability: "Developing capability",
  influencing_for_results: "Influencing for results",
};

export const APPLICATION_STATUSES = [
  "submitted",
  "offered",
  "approved",
  "completed",
  "declined",
  "waitlisted",
  "rejected",
  "withdrawn",
  "not_completed",
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

export const PLACEMENT_TYPES = [
  "In Post",
  "In Post - Extension",
  "Parental Leave",
  "Long-term Sick",
  "OOPE",
  "OOPR",
  "OOPT",
  "OOPC",
] as const;
export type PlacementType = (typeof PLACEMENT_TYPES)[number];

/** Only in-post placements put the trainee at the trust. */
export function placesTraineeAtTrust(type: PlacementType): boolean {
  return type === "In Post" || type === "In Post - Extension";
}

// Voluntary, self-declared equality information: used only in anonymous totals in the
// measures of progress, never shown to staff person by person. Null = not answered.
export const SEXES = ["female", "male", "prefer_not_to_say"] as const;
export type Sex = (typeof SEXES)[number];
export const SEX_LABELS: Record<Sex, string> = { female: "Female", male: "Male", prefer_not_to_say: "Prefer not to say" };

/** The high-level ethnic groups of the 2021 census in England and Wales (ONS). */
export const ETHNIC_GROUPS = ["asian", "black", "mixed", "white", "other", "prefer_not_to_say"] as const;
export type EthnicGroup = (typeof ETHNIC_GROUPS)[number];
export const ETHNIC_GROUP_LABELS: Record<EthnicGroup, string> = {
  asian: "Asian, Asian British or Asian Welsh",
  black: "Black, Black British, Black Welsh, Caribbean or African",
  mixed: "Mixed or Multiple ethnic groups",
  white: "White",
  other: "Other ethnic group",
  prefer_not_to_say: "Prefer not to say",
};

export const DISABILITY_ANSWERS = ["yes", "no", "prefer_not_to_say"] as const;
export type DisabilityAnswer = (typeof DISABILITY_ANSWERS)[number];
export const DISABILITY_LABELS: Record<DisabilityAnswer, string> = { yes: "Yes", no: "No", prefer_not_to_say: "Prefer not to say" };

/**
 * The GMC's Generic Professional Capabilities framework (2017): the nine domains a piece of
 * portfolio evidence can be mapped to. Leadership opportunities mostly evidence domain 5
 * (leadership and team working) and domain 6 (patient safety and quality improvement).
 */
export const GPC_DOMAINS = [
  "professional_values",
  "professional_skills",
  "professional_knowledge",
  "health_promotion",
  "leadership_teamworking",
  "patient_safety_qi",
  "safeguarding",
  "education_training",
  "research_scholarship",
] as const;
export type GpcDomain = (typeof GPC_DOMAINS)[number];
export const GPC_LABELS: Record<GpcDomain, string> = {
  professional_values: "Domain 1: Professional values and behaviours",
  professional_skills: "Domain 2: Professional skills",
  professional_knowledge: "Domain 3: Professional knowledge",
  health_promotion: "Domain 4: Capabilities in health promotion and illness prevention",
  leadership_teamworking: "Domain 5: Capabilities in leadership and team working",
  patient_safety_qi: "Domain 6: Capabilities in patient safety and quality improvement",
  safeguarding: "Domain 7: Capabilities in safeguarding vulnerable groups",
  education_training: "Domain 8: Capabilities in education and training",
  research_scholarship: "Domain 9: Capabilities in research and scholarship",
};

/**
 * The kinds of message a person can turn e-mail off for (in-app messages always arrive).
 * Messages about an account's security (invitations, password resets) are not among them:
 * they are always sent. Each reminder kind is sent at most once per thing it is about.
 */
export const REMINDER_KINDS = [
  "shortlist_deadline",
  "round_closing",
  "session_tomorrow",
  "application_waiting",
  "offer_waiting",
  "reflection_due",
  "deadline_passed",
] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const OPTIONAL_EMAIL_KINDS = ["application_event", "round_event", "nudge", ...REMINDER_KINDS] as const;
export type OptionalEmailKind = (typeof OPTIONAL_EMAIL_KINDS)[number];
