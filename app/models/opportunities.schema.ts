// The opportunity form's rules, in one valibot schema used by the server (and safe in the
// browser bundle). Rules that need the database (the objective belongs to the trust) live
// in opportunities.server.ts.
import * as v from "valibot";

import { addMonthsIso, isCalendarDate } from "~/utils/dates";
import { calendarDate, cleanText, formValues, issuesToFieldErrors, requiredText, type FormResult } from "~/utils/forms";

import { FOCUSES, GRADES, HLM_DIMENSIONS, OPPORTUNITY_TYPES, type OpportunityType } from "./domain";

export const SESSION_ROWS = 6;
export const ARRAY_FIELDS = ["eligibleGrades", "hlmDimensions", "sessionDate", "sessionStart", "sessionEnd", "sessionLocation"] as const;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const dateField = (label: string) => calendarDate(label, "2027-03-15");

const numberField = (label: string, min: number, max: number, integer = false) =>
  v.pipe(
    v.string(`Enter the ${label}`),
    v.trim(),
    v.nonEmpty(`Enter the ${label}`),
    // A minus sign is a number too: say what is wrong with it rather than that it is not one.
    v.check((s) => !/^-\s*\d/.test(s), `The ${label} must be ${min} or more`),
    v.check((s) => /^\d+(\.\d)?$/.test(s), `The ${label} must be a number${integer ? "" : ", like 2 or 2.5"}`),
    v.transform(Number),
    v.check((n) => !integer || Number.isInteger(n), `The ${label} must be a whole number`),
    v.minValue(min, `The ${label} must be ${min} or more`),
    v.maxValue(max, `The ${label} must be ${max} or fewer`),
  );

const lines = (max: number, each: number, label: string) =>
  v.pipe(
    v.optional(v.string(), ""),
    v.transform((s) =>
      s
        .split(/\r?\n/)
        .map((line) => line.replace(/^[-•*]\s*/, "").trim())
        .filter(Boolean),
    ),
    v.check((list) => list.length <= max, `List at most ${max} ${label}`),
    v.check((list) => list.every((x) => x.length <= each), `Each of the ${label} must be ${each} characters or fewer`),
  );

const checkbox = v.pipe(
  v.optional(v.string(), ""),
  v.transform((s) => s === "yes" || s === "on" || s === "true"),
);

export interface SessionInput {
  date: string;
  startsAt: string;
  endsAt: string;
  location: string;
}

const sessionsField = v.pipe(
  v.object({
    sessionDate: v.array(v.string()),
    sessionStart: v.array(v.string()),
    sessionEnd: v.array(v.string()),
    sessionLocation: v.array(v.string()),
  }),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const { sessionDate, sessionStart, sessionEnd, sessionLocation } = dataset.value;
    const rows: SessionInput[] = [];
    const n = Math.max(sessionDate.length, sessionStart.length, sessionEnd.length, sessionLocation.length);
    for (let i = 0; i < n; i++) {
      const row = {
        date: (sessionDate[i] ?? "").trim(),
        startsAt: (sessionStart[i] ?? "").trim(),
        endsAt: (sessionEnd[i] ?? "").trim(),
        location: (sessionLocation[i] ?? "").trim(),
      };
      if (!row.date && !row.startsAt && !row.endsAt && !row.location) continue;
      const which = `Session ${i + 1}`;
      let message: string | undefined;
      if (!isCalendarDate(row.date)) message = `${which}: enter a real date, like 2027-03-15`;
      else if (!TIME.test(row.startsAt) || !TIME.test(row.endsAt)) message = `${which}: enter start and end times, like 09:30 and 12:00`;
      else if (row.endsAt <= row.startsAt) message = `${which}: the end time must be after the start time`;
      else if (!row.location) message = `${which}: enter where it takes place`;
      else if (row.location.length > 200) message = `${which}: the location must be 200 characters or fewer`;
      if (message) {
        addIssue({ message });
        return NEVER;
      }
      rows.push(row);
    }
    return rows;
  }),
);

const base = v.object({
  type: v.picklist(OPPORTUNITY_TYPES, "Select the type of opportunity"),
  title: requiredText("Enter a title", 120, "Title must be 120 characters or fewer"),
  summary: requiredText("Enter a one-sentence summary", 300, "Summary must be 300 characters or fewer"),
  description: requiredText("Enter a description", 5000, "Description must be 5,000 characters or fewer"),
  siteId: v.optional(v.string(), ""),
  objectiveId: v.optional(v.string(), ""),
  sponsorName: requiredText("Enter the sponsor's name", 120, "Sponsor's name must be 120 characters or fewer"),
  sponsorRole: requiredText("Enter the sponsor's role", 120, "Sponsor's role must be 120 characters or fewer"),
  startsOn: dateField("start date"),
  endsOn: dateField("end date"),
  applicationDeadline: dateField("application deadline"),
  totalHours: numberField("total hours", 0.5, 2000),
  hoursPerWeek: numberField("hours a week", 0.5, 48),
  seats: numberField("number of seats", 1, 50, true),
  eligibleGrades: v.pipe(
    v.array(v.picklist(GRADES, "Select grades from the list")),
    v.minLength(1, "Select at least one eligible grade"),
  ),
  specialties: lines(20, 100, "specialties"),
  ltftFriendly: checkbox,
  multiprofessional: checkbox,
  tier: v.pipe(
    v.picklist(["1", "2", "3"], "Select the tier"),
    v.transform((s) => Number(s) as 1 | 2 | 3),
  ),
  focus: v.picklist(FOCUSES, "Select the focus"),
  hlmDimensions: v.pipe(
    v.array(v.picklist(HLM_DIMENSIONS, "Select dimensions from the list")),
    v.minLength(1, "Select at least one Healthcare Leadership Model dimension"),
  ),
  learningOutcomes: v.pipe(lines(10, 300, "learning outcomes"), v.minLength(1, "Enter at least one learning outcome")),
});

const NEEDS_SESSION: readonly OpportunityType[] = ["board_seat", "shadowing"];

/** The whole form: field rules, then the rules between fields, each reported next to its field. */
export const OpportunitySchema = v.pipe(
  v.object({ ...base.entries, sessions: sessionsField }),
  v.forward(
    v.partialCheck([["startsOn"], ["endsOn"]], (i) => i.endsOn >= i.startsOn, "The end date must be the same as or after the start date"),
    ["endsOn"],
  ),
  v.forward(
    v.partialCheck(
      [["startsOn"], ["applicationDeadline"]],
      (i) => i.applicationDeadline <= i.startsOn,
      "The application deadline must be on or before the start date",
    ),
    ["applicationDeadline"],
  ),
  v.forward(
    v.partialCheck([["type"], ["tier"]], (i) => i.type !== "chief_resident" || i.tier === 3, "A chief resident role is tier 3: a sustained track"),
    ["tier"],
  ),
  v.forward(
    v.partialCheck(
      [["type"], ["startsOn"], ["endsOn"]],
      (i) => i.type !== "chief_resident" || i.endsOn >= addMonthsIso(i.startsOn, 3),
      "A chief resident role lasts at least 3 months",
    ),
    ["endsOn"],
  ),
  v.forward(
    v.partialCheck(
      [["type"], ["objectiveId"]],
      (i) => i.type !== "qi_project" || i.objectiveId !== "",
      "Select the organisational objective this quality improvement project supports",
    ),
    ["objectiveId"],
  ),
  v.forward(
    v.partialCheck(
      [["type"], ["sessions"]],
      (i) => !NEEDS_SESSION.includes(i.type) || i.sessions.length > 0,
      "Board seats and shadowing need at least one dated session",
    ),
    ["sessions"],
  ),
  v.forward(
    v.partialCheck(
      [["startsOn"], ["endsOn"], ["sessions"]],
      (i) => i.sessions.every((s) => s.date >= i.startsOn && s.date <= i.endsOn),
      "Every session must fall between the start and end dates",
    ),
    ["sessions"],
  ),
  v.forward(
    v.partialCheck(
      [["totalHours"], ["hoursPerWeek"]],
      (i) => i.hoursPerWeek <= i.totalHours,
      "Hours a week cannot be more than the total hours",
    ),
    ["hoursPerWeek"],
  ),
);

export type OpportunityInput = v.InferOutput<typeof OpportunitySchema>;

export const ObjectiveSchema = v.object({
  title: requiredText("Enter the objective", 200, "Objective must be 200 characters or fewer"),
  description: v.pipe(v.optional(v.string(), ""), v.trim(), v.maxLength(2000, "Description must be 2,000 characters or fewer")),
});
export type ObjectiveInput = v.InferOutput<typeof ObjectiveSchema>;

/** Form data to the schema's input: repeated fields as arrays, the session rows grouped. */
export function opportunityFormInput(formData: FormData): Record<string, unknown> {
  const all = (name: string) =>
    formData
      .getAll(name)
      .filter((x): x is string => typeof x === "string")
      .map(cleanText);
  const one = (name: string) => all(name)[0] ?? "";
  return {
    type: one("type"),
    title: one("title"),
    summary: one("summary"),
    description: one("description"),
    siteId: one("siteId"),
    objectiveId: one("objectiveId"),
    sponsorName: one("sponsorName"),
    sponsorRole: one("sponsorRole"),
    startsOn: one("startsOn"),
    endsOn: one("endsOn"),
    applicationDeadline: one("applicationDeadline"),
    totalHours: one("totalHours"),
    hoursPerWeek: one("hoursPerWeek"),
    seats: one("seats"),
    eligibleGrades: all("eligibleGrades"),
    specialties: one("specialties"),
    ltftFriendly: one("ltftFriendly"),
    multiprofessional: one("multiprofessional"),
    tier: one("tier"),
    focus: one("focus"),
    hlmDimensions: all("hlmDimensions"),
    learningOutcomes: one("learningOutcomes"),
    sessions: {
      sessionDate: all("sessionDate"),
      sessionStart: all("sessionStart"),
      sessionEnd: all("sessionEnd"),
      sessionLocation: all("sessionLocation"),
    },
  };
}

// The order of the fields on the page: the error summary lists problems in the same order.
const FIELD_ORDER = [
  "type", "title", "summary", "description", "learningOutcomes", "objectiveId", "siteId", "sponsorName", "sponsorRole",
  "startsOn", "endsOn", "applicationDeadline", "totalHours", "hoursPerWeek", "sessions", "seats", "eligibleGrades",
  "specialties", "tier", "focus", "hlmDimensions",
];

export function parseOpportunityForm(formData: FormData): FormResult<OpportunityInput> {
  const result = v.safeParse(OpportunitySchema, opportunityFormInput(formData));
  if (result.success) return { ok: true, data: result.output };
  const errors = issuesToFieldErrors(result.issues);
  const rank = (k: string) => (FIELD_ORDER.indexOf(k) === -1 ? FIELD_ORDER.length : FIELD_ORDER.indexOf(k));
  const fieldErrors = Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
  return { ok: false, fieldErrors, values: formValues(formData) };
}
