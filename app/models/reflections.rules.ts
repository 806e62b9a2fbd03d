// A reflection's rules and words without valibot, so the pages that only link to a reflection or
// show one (the trainee's home, the opportunity pages) bring no schema into their JavaScript.
import { hasEnded } from "./applications.rules";
import type { ApplicationStatus } from "./domain";

export const REFLECTION_TEXT_MAX = 5000;
export const SIGN_OFF_TEXT_MAX = 2000;

/**
 * Ratings are shown to the trust only once this many trainees have rated an opportunity: the
 * measures of progress' small-number limit (SMALL_NUMBER_LIMIT in suppression.ts, kept equal by
 * a test), so the trust page shows no average the reports would hide, and one trainee's rating
 * is not read off an average of a handful. Not imported from there: this file is in pages' bundles.
 */
export const RATINGS_SHOWN_FROM = 8;

export const RATING_LABELS: Record<1 | 2 | 3 | 4 | 5, string> = {
  1: "1 – Poor",
  2: "2 – Fair",
  3: "3 – Good",
  4: "4 – Very good",
  5: "5 – Excellent",
};

export const REFLECTION_ARRAY_FIELDS = ["hlmDimensions", "gpcDomains"] as const;

/** The trainee may reflect once the opportunity is signed off as completed, or is over while approved. */
export function canReflect(status: ApplicationStatus, endsOn: string, today: string): boolean {
  return status === "completed" || (status === "approved" && hasEnded({ endsOn, today }));
}
