// A trainee's structured reflection on an opportunity (the Academy of Medical Royal Colleges'
// shape: what happened, so what, now what) and the trust's structured sign-off. Safe for the
// browser bundle: no server imports.
import * as v from "valibot";

import { cleanText } from "~/utils/forms";

import { GPC_DOMAINS, HLM_DIMENSIONS } from "./domain";
import { REFLECTION_TEXT_MAX, SIGN_OFF_TEXT_MAX } from "./reflections.rules";

export { canReflect, RATING_LABELS, RATINGS_SHOWN_FROM, REFLECTION_ARRAY_FIELDS, REFLECTION_TEXT_MAX, SIGN_OFF_TEXT_MAX } from "./reflections.rules";

const words = (max: number, tooLong: string) => v.pipe(v.optional(v.string(), ""), v.transform(cleanText), v.trim(), v.maxLength(max, tooLong));
const required = (max: number, empty: string, tooLong: string) => v.pipe(words(max, tooLong), v.nonEmpty(empty));

const MAX = REFLECTION_TEXT_MAX.toLocaleString("en-GB");
const tooLong = (what: string) => `${what} must be ${MAX} characters or fewer`;

const dimensions = v.pipe(v.optional(v.array(v.string()), []), v.transform((xs) => [...new Set(xs)]), v.array(v.picklist(HLM_DIMENSIONS, "Choose leadership dimensions from the list")));
const domains = v.pipe(v.optional(v.array(v.string()), []), v.transform((xs) => [...new Set(xs)]), v.array(v.picklist(GPC_DOMAINS, "Choose GMC domains from the list")));

const rating = v.pipe(
  v.optional(v.string(), ""),
  v.trim(),
  v.check((s) => s === "" || /^[1-5]$/.test(s), "Choose a rating from 1 to 5"),
  v.transform((s) => (s === "" ? null : Number(s))),
);
const recommend = v.pipe(
  v.optional(v.string(), ""),
  v.trim(),
  v.check((s) => s === "" || s === "yes" || s === "no", "Choose yes or no"),
  v.transform((s) => (s === "" ? null : s === "yes")),
);

/** A draft: any part may be empty, but what is there is within bounds and from the lists. */
export const DraftReflectionSchema = v.object({
  whatHappened: words(REFLECTION_TEXT_MAX, tooLong("What happened")),
  soWhat: words(REFLECTION_TEXT_MAX, tooLong("What you learned")),
  nowWhat: words(REFLECTION_TEXT_MAX, tooLong("What you will do next")),
  hlmDimensions: dimensions,
  gpcDomains: domains,
  rating,
  wouldRecommend: recommend,
});

/** A final reflection: every part answered. */
export const FinalReflectionSchema = v.object({
  whatHappened: required(REFLECTION_TEXT_MAX, "Describe what happened", tooLong("What happened")),
  soWhat: required(REFLECTION_TEXT_MAX, "Say what you learned", tooLong("What you learned")),
  nowWhat: required(REFLECTION_TEXT_MAX, "Say what you will do next", tooLong("What you will do next")),
  hlmDimensions: v.pipe(dimensions, v.minLength(1, "Select at least one leadership dimension you practised")),
  gpcDomains: v.pipe(domains, v.minLength(1, "Select at least one GMC domain this evidences")),
  rating: v.pipe(rating, v.check((r) => r !== null, "Choose a rating from 1 to 5")),
  wouldRecommend: v.pipe(recommend, v.check((r) => r !== null, "Say whether you would recommend this opportunity")),
});

export type ReflectionInput = v.InferOutput<typeof DraftReflectionSchema>;

/** The sponsor's structured feedback when the trust lead signs off an opportunity as completed. */
export const SignOffSchema = v.object({
  observedDimensions: v.pipe(dimensions, v.minLength(1, "Select at least one leadership dimension the sponsor observed")),
  strengths: required(SIGN_OFF_TEXT_MAX, "Describe the trainee's strengths", `The strengths must be ${SIGN_OFF_TEXT_MAX.toLocaleString("en-GB")} characters or fewer`),
  nextStep: required(SIGN_OFF_TEXT_MAX, "Suggest one next step for the trainee", `The next step must be ${SIGN_OFF_TEXT_MAX.toLocaleString("en-GB")} characters or fewer`),
});

export type SignOffInput = v.InferOutput<typeof SignOffSchema>;
