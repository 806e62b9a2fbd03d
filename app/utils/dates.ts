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
  return day <= daysInMonth(year, month);
}

// Only Intl here, no date library: this module runs in the browser too, and date-fns was the
// largest thing after React in a page's first load (about 9 KB gzipped).

/**
 * One formatter each, made on first use and kept: a page of results formats about a hundred
 * dates, and building a formatter per date was a visible share of its render. Made lazily (and
 * marked pure) so a page that uses none of them carries none of them.
 */
function formatter(options: Intl.DateTimeFormatOptions): () => Intl.DateTimeFormat {
  let made: Intl.DateTimeFormat | undefined;
  return () => (made ??= new Intl.DateTimeFormat("en-GB", options));
}

const LONDON_PARTS = /* @__PURE__ */ formatter({
  timeZone: LONDON,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
});

function londonParts(at: Date): Record<string, string> {
  const parts: Record<string, string> = {};
  for (const p of LONDON_PARTS().formatToParts(at)) parts[p.type] = p.value;
  return parts;
}

// [UTC minute, its date in London]. An invalid date's minute is NaN, which matches nothing.
let lastToday: [number, string] | undefined;

/** Today's date in England, as YYYY-MM-DD (dates are stored as SQL `date`). */
export function todayInLondon(now: Date = new Date()): string {
  // London's day always turns at a whole minute of UTC (its offsets are whole hours), so the
  // date worked out once holds for the rest of that minute: formatToParts is the slow part
  // of Intl, and nearly every page asks for today.
  const minute = Math.floor(+now / 6e4);
  if (lastToday?.[0] !== minute) {
    const p = londonParts(now);
    lastToday = [minute, `${p.year}-${p.month}-${p.day}`];
  }
  return lastToday[1];
}

const CALENDAR_DATE = /* @__PURE__ */ formatter({ day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const LONDON_DATE = /* @__PURE__ */ formatter({ day: "numeric", month: "long", year: "numeric", timeZone: LONDON });
const ISO_DATE_PREFIX = /^(\d{4})-(\d{2})-(\d{2})/;

/** Midnight UTC of a calendar date: the day itself, whatever the server's time zone. */
function utcDay(year: number, month: number, day: number): Date {
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year);
  return d;
}

/**
 * "3 February 2027", the GOV.UK / NHS.UK way of writing a date. A `YYYY-MM-DD` string is a
 * calendar date (SQL `date`) and is written as it is; a Date is an instant, written as its
 * day in London.
 */
export function formatDate(isoDate: string | Date | null | undefined): string {
  if (!isoDate) return "";
  if (typeof isoDate !== "string") return LONDON_DATE().format(isoDate);
  // A page writes the same few dates many times, and Intl's format is the slow part: a
  // string's words depend on the string alone, so each is worked out once (and the list
  // started again past a few thousand).
  let words = writtenDates.get(isoDate);
  if (words === undefined) {
    const m = ISO_DATE_PREFIX.exec(isoDate);
    const at = m ? utcDay(Number(m[1]), Number(m[2]), Number(m[3])) : new Date(isoDate);
    words = Number.isNaN(at.getTime()) ? isoDate : (m ? CALENDAR_DATE() : LONDON_DATE()).format(at);
    if (writtenDates.size >= 4096) writtenDates.clear();
    writtenDates.set(isoDate, words);
  }
  return words;
}
const writtenDates = new Map<string, string>();

/** "3 February 2027 at 2:05pm" in London time. */
export function formatDateTime(at: Date | string | null | undefined): string {
  if (!at) return "";
  const instant = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) return "";
  const p = londonParts(instant);
  const hour = p.hour === "0" ? "12" : p.hour;
  return `${LONDON_DATE().format(instant)} at ${hour}:${p.minute}${(p.dayPeriod ?? "").toLowerCase()}`;
}

/** The calendar date `days` after (or before) a `YYYY-MM-DD` date. */
export function addDaysIso(isoDate: string, days: number): string {
  const m = ISO_DATE_PREFIX.exec(isoDate);
  if (!m) throw new RangeError("not a YYYY-MM-DD date");
  const d = utcDay(Number(m[1]), Number(m[2]), Number(m[3]));
  d.setUTCDate(d.getUTCDate() + days);
  return isoOf(d);
}

/** The same day `months` later, or the month's last day when it has no such day (as date-fns's addMonths). */
export function addMonthsIso(isoDate: string, months: number): string {
  const m = ISO_DATE_PREFIX.exec(isoDate);
  if (!m) throw new RangeError("not a YYYY-MM-DD date");
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return isoOf(utcDay(year, month, Math.min(Number(m[3]), daysInMonth(year, month))));
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

function isoOf(d: Date): string {
  return `${String(d.getUTCFullYear()).padStart(4, "0")}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** "9:30am", "2pm", "midday": a wall-clock time ("14:00" or "14:00:00") the NHS.UK way. */
export function formatClockTime(time: string): string {
  const [h = 0, m = 0] = time.split(":").map(Number);
  if (m === 0 && h === 12) return "midday";
  if (m === 0 && h === 0) return "midnight";
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, "0")}` : ""}${h < 12 ? "am" : "pm"}`;
}

/** "14 March 2027 at 5pm", "1 April 2027 at 9:30am": an instant in London time, the NHS.UK way. */
export function formatMoment(at: Date | string | null | undefined): string {
  if (!at) return "";
  const instant = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(instant.getTime())) return "";
  const p = londonParts(instant);
  const hour24 = (Number(p.hour) % 12) + ((p.dayPeriod ?? "").toLowerCase() === "pm" ? 12 : 0);
  return `${LONDON_DATE().format(instant)} at ${formatClockTime(`${hour24}:${p.minute}`)}`;
}

/** The wall-clock time in London of an instant, as the form fields hold it: ["2027-03-14", "17:00"]. */
export function londonDateAndTime(at: Date): [string, string] {
  const p = londonParts(at);
  const hour24 = (Number(p.hour) % 12) + ((p.dayPeriod ?? "").toLowerCase() === "pm" ? 12 : 0);
  return [`${p.year}-${p.month}-${p.day}`, `${String(hour24).padStart(2, "0")}:${p.minute}`];
}

/**
 * The instant a London wall-clock date and time ("2027-03-14", "17:00") stands for, or null
 * when it is no real date or time. In the hour the clocks go back the earlier instant is taken;
 * a time skipped when they go forward is read as an hour later, as a wall clock would show it.
 */
export function instantInLondon(date: string, time: string): Date | null {
  if (!isCalendarDate(date)) return null;
  const t = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time.trim());
  if (!t) return null;
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, mo - 1, d, Number(t[1]), Number(t[2]));
  // London is UTC+0 or UTC+1: try both offsets and keep the one whose London time is the wall time.
  for (const offsetHours of [1, 0]) {
    const at = new Date(wall - offsetHours * 3_600_000);
    const [ld, lt] = londonDateAndTime(at);
    if (ld === date && lt === `${t[1]!.padStart(2, "0")}:${t[2]}`) return at;
  }
  return new Date(wall - 0);
}

/** The training year (1 August to 31 July) a calendar date falls in: ["2026-08-01", "2027-07-31"]. */
export function trainingYearOf(isoDate: string): [string, string] {
  const year = Number(isoDate.slice(0, 4));
  const start = isoDate.slice(5) >= "08-01" ? year : year - 1;
  return [`${start}-08-01`, `${start + 1}-07-31`];
}
