// The trainee's own forms: profile, manual placements and closing the account. Browser-safe;
// the rules that need the database (the site belongs to the trust, placements do not
// overlap, one placement per trust and start date) live in profile.server.ts.
import * as v from "valibot";

import { calendarDate, requiredText } from "~/utils/forms";

import { UUID } from "./ids";
import { DISABILITY_ANSWERS, ETHNIC_GROUPS, GRADES, PLACEMENT_TYPES, SEXES } from "./domain";

const optionalText = (max: number, message: string) =>
  v.pipe(v.optional(v.string(), ""), v.trim(), v.maxLength(max, message));

const dateField = (label: string) => calendarDate(label, "2027-08-04");

import { PROFILE_LIMITS } from "./profile-limits";

export { PROFILE_LIMITS };

export const ProfileSchema = v.object({
  name: requiredText("Enter your full name", PROFILE_LIMITS.name, `Full name must be ${PROFILE_LIMITS.name} characters or fewer`),
  grade: v.picklist(GRADES, "Select your grade"),
  specialty: optionalText(PROFILE_LIMITS.specialty, `Specialty must be ${PROFILE_LIMITS.specialty} characters or fewer`),
  programme: optionalText(PROFILE_LIMITS.programme, `Programme must be ${PROFILE_LIMITS.programme} characters or fewer`),
  ltft: v.pipe(
    v.picklist(["no", "yes"], "Select whether you work full time or less than full time"),
    v.transform((s) => s === "yes"),
  ),
});
export type ProfileInput = v.InferOutput<typeof ProfileSchema>;

/**
 * A voluntary answer: one of the question's answers, or nothing. "Not answered" is sent as
 * the empty string (and an untouched group sends nothing), both saved as null, so a trainee
 * can take an answer back at any time.
 */
function voluntaryAnswer<const T extends readonly string[]>(answers: T, message: string) {
  return v.pipe(
    v.optional(v.string(), ""),
    v.picklist(["", ...answers] as ["", ...T], message),
    v.transform((s): T[number] | null => (s === "" ? null : s)),
  );
}

export const EqualitySchema = v.object({
  sex: voluntaryAnswer(SEXES, "Select your sex, Prefer not to say or Not answered"),
  ethnicGroup: voluntaryAnswer(ETHNIC_GROUPS, "Select your ethnic group, Prefer not to say or Not answered"),
  disability: voluntaryAnswer(DISABILITY_ANSWERS, "Select whether you have a disability, Prefer not to say or Not answered"),
});
export type EqualityInput = v.InferOutput<typeof EqualitySchema>;

export const WTE_MIN = 0.1;
export const WTE_MAX = 1;

export const PlacementSchema = v.pipe(
  v.object({
    trustId: v.pipe(v.string("Select the trust"), v.trim(), v.regex(UUID, "Select the trust")),
    siteId: v.pipe(
      v.optional(v.string(), ""),
      v.trim(),
      v.check((s) => s === "" || UUID.test(s), "Select a site of the trust, or leave the site blank"),
    ),
    specialty: optionalText(PROFILE_LIMITS.specialty, `Specialty must be ${PROFILE_LIMITS.specialty} characters or fewer`),
    grade: v.picklist(GRADES, "Select your grade in this placement"),
    startsOn: dateField("start date"),
    endsOn: dateField("end date"),
    wte: v.pipe(
      v.string("Enter the whole-time equivalent"),
      v.trim(),
      v.nonEmpty("Enter the whole-time equivalent, like 1.0 for full time or 0.6"),
      v.check((s) => /^(0|1)?(\.\d{1,2})?$/.test(s) && /\d/.test(s), "The whole-time equivalent must be a number from 0.1 to 1.0, like 0.6"),
      v.transform(Number),
      v.minValue(WTE_MIN, "The whole-time equivalent must be 0.1 or more"),
      v.maxValue(WTE_MAX, "The whole-time equivalent must be 1.0 or less"),
    ),
    placementType: v.picklist(PLACEMENT_TYPES, "Select the type of placement"),
  }),
  v.forward(
    v.partialCheck(
      [["startsOn"], ["endsOn"]],
      (input) => input.endsOn >= input.startsOn,
      "The end date must be the same as or after the start date",
    ),
    ["endsOn"],
  ),
);
export type PlacementFormInput = v.InferOutput<typeof PlacementSchema>;

export const CloseAccountSchema = v.object({
  password: v.pipe(v.string("Enter your password"), v.nonEmpty("Enter your password"), v.maxLength(1024, "Enter your password")),
});

/** "Unlink NHS CIS2" on the profile: the current password (the page has a "Your password" heading with id "password"). */
export const UnlinkCis2Schema = v.object({
  currentPassword: v.pipe(v.string("Enter your password"), v.nonEmpty("Enter your password"), v.maxLength(1024, "Enter your password")),
});
