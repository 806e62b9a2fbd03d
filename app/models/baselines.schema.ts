import * as v from "valibot";

import { calendarDate } from "~/utils/forms";

/** The form at /reports/baseline: a training year (its first calendar year) and a date in it. */
export const SetBaselineSchema = v.object({
  year: v.pipe(v.string("Select a training year"), v.trim(), v.regex(/^\d{4}$/, "Select a training year"), v.transform(Number)),
  baselineOn: calendarDate("baseline date", "2026-09-01"),
});

/** "2026 to 2027": the training year that starts on 1 August 2026. */
export function trainingYearLabel(year: number): string {
  return `${year} to ${year + 1}`;
}
