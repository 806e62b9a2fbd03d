import * as v from "valibot";

import { cleanText } from "~/utils/forms";

export const STATEMENT_MIN = 50;
export const STATEMENT_MAX = 2000;

export const ApplySchema = v.object({
  statement: v.pipe(
    v.string("Tell the trust why you want this opportunity"),
    v.trim(),
    v.nonEmpty("Tell the trust why you want this opportunity and what you hope to learn"),
    v.minLength(STATEMENT_MIN, `Your statement must be at least ${STATEMENT_MIN} characters`),
    v.maxLength(STATEMENT_MAX, `Your statement must be ${STATEMENT_MAX.toLocaleString("en-GB")} characters or fewer`),
  ),
  confidentiality: v.pipe(
    v.optional(v.string(), ""),
    v.transform((s) => s === "yes"),
  ),
});

// Read from the form by itself, not through parseForm, so it cleans its own text (a NUL is a 500 in PostgreSQL).
export const ReasonSchema = v.pipe(v.optional(v.string(), ""), v.transform(cleanText), v.trim(), v.maxLength(1000, "The reason must be 1,000 characters or fewer"));
