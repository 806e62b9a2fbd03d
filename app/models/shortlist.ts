// The shortlist ("Save for later"): its limit and how a saved opportunity's deadline reads. Pure.
import { formatDate } from "~/utils/dates";

/** Enough for any real shortlist; a bound so the home and journey pages stay one small query. */
export const MAX_SAVED = 100;

export const SHORTLIST_CLOSED = "This opportunity is closed: it cannot be saved for later";

export const SHORTLIST_FULL = `You have saved ${MAX_SAVED} opportunities, the most you can: remove one to save another`;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Open for applications: published and the deadline (inclusive) not passed. */
export function isOpen(o: { status: string; applicationDeadline: string }, today: string): boolean {
  return o.status === "published" && o.applicationDeadline >= today;
}

/** "Closes today", "Closes tomorrow", "Closes in 3 days", "Closes on 14 January 2027"; "Closed" once it is not open. */
export function deadlineWords(o: { status: string; applicationDeadline: string }, today: string): string {
  if (!isOpen(o, today)) return o.applicationDeadline < today ? `Closed on ${formatDate(o.applicationDeadline)}` : "Closed";
  const days = daysBetween(today, o.applicationDeadline);
  if (days === 0) return "Closes today";
  if (days === 1) return "Closes tomorrow";
  if (days <= 14) return `Closes in ${days} days`;
  return `Closes on ${formatDate(o.applicationDeadline)}`;
}

/** Within three days: the shortlist marks it, as the deadline reminder does. */
export function closesSoon(o: { status: string; applicationDeadline: string }, today: string): boolean {
  return isOpen(o, today) && daysBetween(today, o.applicationDeadline) <= 3;
}
