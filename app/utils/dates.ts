import { TZDate } from "@date-fns/tz";
import { addDays, format, parseISO } from "date-fns";

export const LONDON = "Europe/London";

const ISO_DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date that exists, written YYYY-MM-DD: "2026-02-30" and "2026-13-01" match the pattern but
 * are no day at all, and PostgreSQL refuses them (with a 500 if nothing checked first). Worked
 * out by hand, because Date treats years below 100 as 19xx and rolls 30 February into March.
 */
export function isCalendarDate(value: string): boolean {
  const m = ISO_DATE_ONLY.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** Today's date in England, as YYYY-MM-DD (dates are stored as SQL `date`). */
export function todayInLondon(now: Date = new Date()): string {
  return format(new TZDate(now.getTime(), LONDON), "yyyy-MM-dd");
}

// One formatter each, made once: a page of results formats about a hundred dates, and
// building a formatter (or parsing with date-fns) per date was a visible share of its render.
const CALENDAR_DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const LONDON_DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: LONDON });
const ISO_DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;

/**
 * "3 February 2027", the GOV.UK / NHS.UK way of writing a date. A `YYYY-MM-DD` string is a
 * calendar date (SQL `date`) and is written as it is; a Date is an instant, written as its
 * day in London.
 */
export function formatDate(isoDate: string | Date | null | undefined): string {
  if (!isoDate) return "";
  if (typeof isoDate !== "string") return LONDON_DATE.format(isoDate);
  const m = ISO_DATE_PREFIX.exec(isoDate);
  if (!m) return format(parseISO(isoDate), "d MMMM yyyy");
  return CALENDAR_DATE.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** "3 February 2027 at 2:05pm" in London time. */
export function formatDateTime(at: Date | string | null | undefined): string {
  if (!at) return "";
  const d = new TZDate(typeof at === "string" ? new Date(at).getTime() : at.getTime(), LONDON);
  return `${format(d, "d MMMM yyyy")} at ${format(d, "h:mmaaa")}`;
}

export function addDaysIso(isoDate: string, days: number): string {
  return format(addDays(parseISO(isoDate), days), "yyyy-MM-dd");
}

/** "9:30am", "2pm", "midday": a wall-clock time ("14:00" or "14:00:00") the NHS.UK way. */
export function formatClockTime(time: string): string {
  const [h = 0, m = 0] = time.split(":").map(Number);
  if (m === 0 && h === 12) return "midday";
  if (m === 0 && h === 0) return "midnight";
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, "0")}` : ""}${h < 12 ? "am" : "pm"}`;
}
