// When a trainee may be nudged again: at most once a month, counted in London calendar days.
// Pure, so the month's edges (31st, February) are unit-tested without a database.
import { addDaysIso, addMonthsIso } from "~/utils/dates";

/** Suggested opportunities a nudge points at, at most. */
export const NUDGE_SUGGESTIONS = 3;

/**
 * The London date from which a nudge sent earlier counts against today: the same date a month
 * earlier (or that month's last day, when it has no such date). A nudge sent on or after it blocks
 * another today.
 */
export function nudgeWindowStart(today: string): string {
  return addMonthsIso(today, -1);
}

/** The first London date on which a trainee last nudged on `lastNudged` (a London date) may be nudged again. */
export function nextNudgeDate(lastNudged: string): string {
  // Walk forward: the window's start moves a day at a time except at month ends, where two
  // dates can share one start (30 and 31 March both start on 28 February), so no formula fits every month.
  let day = addDaysIso(lastNudged, 1);
  while (nudgeWindowStart(day) <= lastNudged) day = addDaysIso(day, 1);
  return day;
}
