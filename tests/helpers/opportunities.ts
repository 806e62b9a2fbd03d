// A valid opportunity form, as a trust lead would submit it, for tests to vary one field at a time.
export function opportunityForm(overrides: Record<string, string | string[]> = {}): FormData {
  const fields: Record<string, string | string[]> = {
    type: "shadowing",
    title: "Shadow the Chief Medical Officer",
    summary: "Spend three days alongside the Chief Medical Officer.",
    description: "See how the executive team works.\n\n- Executive meetings\n- Clinical governance",
    siteId: "",
    objectiveId: "",
    sponsorName: "Dr Miriam Osei",
    sponsorRole: "Chief Medical Officer",
    startsOn: "2027-03-01",
    endsOn: "2027-03-31",
    applicationDeadline: "2027-02-15",
    totalHours: "21",
    hoursPerWeek: "7",
    seats: "2",
    eligibleGrades: ["FY2", "CT1"],
    specialties: "",
    ltftFriendly: "yes",
    multiprofessional: "",
    tier: "1",
    focus: "organisation",
    hlmDimensions: ["leading_with_care", "sharing_the_vision"],
    learningOutcomes: "Understand how executive decisions are made\nSee clinical governance in action",
    sessionDate: ["2027-03-03", "", "", "", "", ""],
    sessionStart: ["09:00", "", "", "", "", ""],
    sessionEnd: ["17:00", "", "", "", "", ""],
    sessionLocation: ["Executive offices", "", "", "", "", ""],
    ...overrides,
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
  return form;
}

export function opportunityFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const form = opportunityForm(overrides);
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key) as string[];
    out[key] = ["eligibleGrades", "hlmDimensions", "sessionDate", "sessionStart", "sessionEnd", "sessionLocation"].includes(key) ? all : all[0]!;
  }
  return out;
}
