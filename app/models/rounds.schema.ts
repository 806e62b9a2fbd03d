// The staff's forms for allocation rounds: creating or editing a round, and declining a
// trainee's choice. Imported only by actions, so valibot stays out of the pages' JavaScript.
import * as v from "valibot";

import { calendarDate, requiredText } from "~/utils/forms";
import { instantInLondon, isCalendarDate, todayInLondon } from "~/utils/dates";

import { UUID } from "./ids";
import { MAX_CHOICES, MIN_CHOICES } from "./round-rules";

export const ROUND_NAME_MAX = 120;
export const SEED_MAX = 100;
export const DECLINE_REASON_MAX = 1000;

const TIME = /^([01]?\d|2[0-3]):[0-5]\d$/;

function clockTime(label: string) {
  return v.pipe(
    v.string(`Enter the ${label}`),
    v.trim(),
    v.nonEmpty(`Enter the ${label}`),
    v.regex(TIME, `The ${label} must be a time on the 24-hour clock, like 17:00`),
  );
}

type Times = { opensDate: string; opensTime: string; closesDate: string; closesTime: string };
const opensAtOf = (t: Times) => instantInLondon(t.opensDate, t.opensTime);
const closesAtOf = (t: Times) => instantInLondon(t.closesDate, t.closesTime);

/**
 * A round as an admin or trust lead types it: the times are London wall-clock dates and times.
 * `now` decides "in the future", so a test can pin it; the model checks the same again.
 */
export function roundFormSchema(now: Date = new Date()) {
  return v.pipe(
    v.object({
      name: requiredText("Enter a name for the round", ROUND_NAME_MAX, `The name must be ${ROUND_NAME_MAX} characters or fewer`),
      opportunityIds: v.pipe(
        v.array(v.string()),
        v.transform((ids) => [...new Set(ids.map((id) => id.trim()).filter(Boolean))]),
        v.minLength(1, "Select at least one opportunity for the round"),
        v.check((ids) => ids.every((id) => UUID.test(id)), "Select opportunities from the list"),
      ),
      opensDate: calendarDate("opening date"),
      opensTime: clockTime("opening time"),
      closesDate: calendarDate("closing date"),
      closesTime: clockTime("closing time"),
      maxChoices: v.pipe(
        v.string(),
        v.trim(),
        v.nonEmpty(`Enter how many choices a trainee may rank, from ${MIN_CHOICES} to ${MAX_CHOICES}`),
        v.regex(/^\d{1,2}$/, `Enter a whole number of choices from ${MIN_CHOICES} to ${MAX_CHOICES}`),
        v.transform(Number),
        v.minValue(MIN_CHOICES, `Enter a whole number of choices from ${MIN_CHOICES} to ${MAX_CHOICES}`),
        v.maxValue(MAX_CHOICES, `Enter a whole number of choices from ${MIN_CHOICES} to ${MAX_CHOICES}`),
      ),
      seed: v.pipe(
        v.optional(v.string(), ""),
        v.trim(),
        v.maxLength(SEED_MAX, `The seed must be ${SEED_MAX} characters or fewer`),
        v.transform((s) => s || null),
      ),
    }),
    v.forward(
      v.partialCheck(
        [["opensDate"], ["opensTime"], ["closesDate"], ["closesTime"]],
        (t) => {
          const opens = opensAtOf(t);
          const closes = closesAtOf(t);
          return !opens || !closes || closes > opens;
        },
        "The closing time must be after the opening time",
      ),
      ["closesDate"],
    ),
    v.forward(
      v.partialCheck(
        [["closesDate"], ["closesTime"]],
        (t) => {
          const closes = instantInLondon(t.closesDate, t.closesTime);
          return !closes || closes > now;
        },
        "The closing time must be in the future",
      ),
      ["closesDate"],
    ),
    v.forward(
      v.partialCheck([["opensDate"]], (t) => !isCalendarDate(t.opensDate) || t.opensDate >= todayInLondon(now), "The opening date must be today or later"),
      ["opensDate"],
    ),
    v.transform((f) => ({
      name: f.name,
      opportunityIds: f.opportunityIds,
      opensAt: opensAtOf(f)!,
      closesAt: closesAtOf(f)!,
      maxChoices: f.maxChoices,
      seed: f.seed,
    })),
  );
}

export type RoundInput = v.InferOutput<ReturnType<typeof roundFormSchema>>;

export const DeclineChoiceSchema = v.object({
  traineeId: v.pipe(v.string(), v.trim(), v.nonEmpty("Choose the trainee whose choice to decline")),
  opportunityId: v.pipe(v.string(), v.trim(), v.regex(UUID, "Choose the opportunity whose choice to decline")),
  reason: requiredText(
    "Give the reason for declining this choice: the trainee sees it",
    DECLINE_REASON_MAX,
    `The reason must be ${DECLINE_REASON_MAX.toLocaleString("en-GB")} characters or fewer`,
  ),
});

export type DeclineChoiceInput = v.InferOutput<typeof DeclineChoiceSchema>;
