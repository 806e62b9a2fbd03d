import { TZDate } from "@date-fns/tz";
import { addDays, format, parseISO } from "date-fns";

export const LONDON = "Europe/London";

/** Today's date in England, as YYYY-MM-DD (dates are stored as SQL `date`). */
export function todayInLondon(now: Date = new Date()): string {
  return format(new TZDate(now.getTime(), LONDON), "yyyy-MM-dd");
}

/** "3 February 2027", the GOV.UK / NHS.UK way of writing a date. */
export function formatDate(isoDate: string | Date | null | undefined): string {
  if (!isoDate) return "";
  const d = typeof isoDate === "string" ? parseISO(isoDate) : new TZDate(isoDate.getTime(), LONDON);
  return format(d, "d MMMM yyyy");
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
