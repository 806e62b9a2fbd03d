// When each reminder is due: pure rules on London calendar days and working days, so the
// scheduled job's queries and the outbox's check at sending agree, and tests can name an
// instant. Used only on the server (date-holidays carries every country's calendar).
import Holidays from "date-holidays";

import { addDaysIso, todayInLondon } from "~/utils/dates";

/** A shortlisted opportunity's deadline is this many days away, or fewer (not yet passed). */
export const SHORTLIST_DEADLINE_DAYS = 3;
/** A round closes within this long. */
export const ROUND_CLOSING_MS = 2 * 24 * 60 * 60_000;
/** An application or an offer has waited this many working days since its last change. */
export const WAITING_WORKING_DAYS = 5;
/** A completed opportunity without a final reflection, this many days after its sign-off… */
export const REFLECTION_DUE_DAYS = 7;
/**
 * …and no later than this: a reminder about something signed off a month ago is no longer a
 * nudge to write it while it is fresh, and without a limit the first run would write to every
 * trainee about every opportunity they ever completed.
 */
export const REFLECTION_LAST_DAY = 30;

// England and Wales share their bank holidays ("GB", state "ENG"); substitute days (Boxing
// Day on a Saturday is kept on the Monday) come with the library. Only the days off count:
// "public" and "bank" types, not observances such as Mother's Day.
let calendar: Holidays | undefined;
const holidaysByYear = new Map<number, Set<string>>();

function bankHolidays(year: number): Set<string> {
  let days = holidaysByYear.get(year);
  if (!days) {
    calendar ??= new Holidays("GB", "ENG", { types: ["public", "bank"] });
    days = new Set(calendar.getHolidays(year).map((h) => h.date.slice(0, 10)));
    holidaysByYear.set(year, days);
  }
  return days;
}

/** Whether a `YYYY-MM-DD` date is a bank holiday in England and Wales. */
export function isBankHoliday(isoDate: string): boolean {
  return bankHolidays(Number(isoDate.slice(0, 4))).has(isoDate);
}

/** Monday to Friday, and not a bank holiday in England and Wales. */
export function isWorkingDay(isoDate: string): boolean {
  const [y, m, d] = isoDate.split("-").map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isBankHoliday(isoDate);
}

/** How many working days there are after `from` up to and including `to` (0 when `to` is not later). */
export function workingDaysAfter(from: string, to: string): number {
  let n = 0;
  for (let day = addDaysIso(from, 1); day <= to; day = addDaysIso(day, 1)) if (isWorkingDay(day)) n += 1;
  return n;
}

/**
 * The latest date whose following working days up to `today` number at least `n`: anything
 * that last changed on or before it has waited `n` working days. The `n`th working day back
 * from today, less one day.
 */
export function waitedSinceOnOrBefore(today: string, n: number): string {
  let day = today;
  let found = 0;
  for (;;) {
    if (isWorkingDay(day)) found += 1;
    if (found === n) return addDaysIso(day, -1);
    day = addDaysIso(day, -1);
  }
}

/** The London calendar day of an instant. */
export function londonDay(at: Date): string {
  return todayInLondon(at);
}

/** The bounds the scheduled job's queries use at `now`, all worked out in London days. */
export interface ReminderWindow {
  today: string;
  tomorrow: string;
  /** Shortlist: a deadline from today up to this date. */
  shortlistDeadlineUpTo: string;
  /** Rounds: closing after now and no later than this instant. */
  roundClosingBy: Date;
  /** Waiting applications and offers: last changed on or before this London date. */
  waitingChangedOnOrBefore: string;
  /** Reflections: signed off between these London dates (inclusive). */
  reflectionSignedOffFrom: string;
  reflectionSignedOffTo: string;
}

export function reminderWindow(now: Date): ReminderWindow {
  const today = londonDay(now);
  return {
    today,
    tomorrow: addDaysIso(today, 1),
    shortlistDeadlineUpTo: addDaysIso(today, SHORTLIST_DEADLINE_DAYS),
    roundClosingBy: new Date(now.getTime() + ROUND_CLOSING_MS),
    waitingChangedOnOrBefore: waitedSinceOnOrBefore(today, WAITING_WORKING_DAYS),
    reflectionSignedOffFrom: addDaysIso(today, -REFLECTION_LAST_DAY),
    reflectionSignedOffTo: addDaysIso(today, -REFLECTION_DUE_DAYS),
  };
}

// The same rules one fact at a time: what the unit tests name, and what the outbox checks
// again before sending (a reminder is sent only while it is still true).

export function shortlistDeadlineDue(deadline: string, now: Date): boolean {
  const w = reminderWindow(now);
  return deadline >= w.today && deadline <= w.shortlistDeadlineUpTo;
}

export function roundClosingDue(closesAt: Date, now: Date): boolean {
  return closesAt.getTime() > now.getTime() && closesAt.getTime() <= now.getTime() + ROUND_CLOSING_MS;
}

export function sessionTomorrowDue(sessionDate: string, now: Date): boolean {
  return sessionDate === reminderWindow(now).tomorrow;
}

/** At sending: the session has not yet passed (an e-mail queued at 11pm may go just after midnight). */
export function sessionStillAhead(sessionDate: string, now: Date): boolean {
  return sessionDate >= londonDay(now);
}

export function waitingDue(lastChangedAt: Date, now: Date): boolean {
  return workingDaysAfter(londonDay(lastChangedAt), londonDay(now)) >= WAITING_WORKING_DAYS;
}

export function reflectionDue(signedOffAt: Date, now: Date): boolean {
  const w = reminderWindow(now);
  const day = londonDay(signedOffAt);
  return day >= w.reflectionSignedOffFrom && day <= w.reflectionSignedOffTo;
}

export function deadlinePassedDue(deadline: string, now: Date): boolean {
  return deadline < londonDay(now);
}
