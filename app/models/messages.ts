// The words of every message about an application, composed from the facts a notification
// or queued e-mail stores (the event, who it is for) and the rows as they are now. Nothing
// worded is ever stored, so a trainee who closes their account is named nowhere afterwards.
import { formatClockTime, formatDate, formatMoment } from "~/utils/dates";

import { STATUS_LABELS } from "./applications.rules";
import type { ApplicationStatus, ReminderKind } from "./domain";

/** Who a message about an application is for: the trainee, or one of the trust's staff. */
export type Audience = "trainee" | "trust_lead" | "dme";

export interface ApplicationEventFacts {
  toStatus: ApplicationStatus;
  /** The service itself acted (a seat came free and the waiting list moved). */
  byService: boolean;
  reason: string | null;
  opportunityTitle: string;
  /** Null once the trainee has closed their account. */
  traineeName: string | null;
}

export interface Wording {
  title: string;
  body: string;
}

/** Which audiences hear of an event that moved an application to this status. */
export function audiencesFor(toStatus: ApplicationStatus): Audience[] {
  switch (toStatus) {
    case "submitted":
      return ["trainee", "trust_lead"];
    case "offered":
      return ["trainee", "dme"];
    case "approved":
    case "rejected":
      return ["trainee", "trust_lead"];
    case "withdrawn":
      return ["trust_lead", "dme"];
    case "waitlisted":
    case "declined":
    case "completed":
    case "not_completed":
      return ["trainee"];
  }
}

/** The words of one event for one audience; null when that audience is not told of it. */
export function wordApplicationEvent(e: ApplicationEventFacts, audience: Audience): Wording | null {
  if (!audiencesFor(e.toStatus).includes(audience)) return null;
  const t = e.opportunityTitle;
  const who = e.traineeName ?? "A trainee (whose account is now closed)";
  const withReason = (text: string) => (e.reason ? `${text} Reason: ${e.reason}` : text);
  if (audience === "trainee") {
    switch (e.toStatus) {
      case "submitted":
        return { title: `Application sent: ${t}`, body: `Your application for ${t} has been sent to the trust.` };
      case "offered":
        return {
          title: `${STATUS_LABELS.offered}: ${t}`,
          body: e.byService
            ? `A seat came free on ${t}, so you have been offered it from the waiting list. The director of medical education will confirm it.`
            : `You have been offered a place on ${t}. The director of medical education will confirm it.`,
        };
      case "waitlisted":
        return { title: `${STATUS_LABELS.waitlisted}: ${t}`, body: `You are on the waiting list for ${t}. If a seat comes free it will be offered to you.` };
      case "declined":
        return { title: `${STATUS_LABELS.declined}: ${t}`, body: withReason(`Your application for ${t} was declined.`) };
      case "approved":
        return { title: `${STATUS_LABELS.approved}: ${t}`, body: `Your placement on ${t} is confirmed.` };
      case "rejected":
        return { title: `${STATUS_LABELS.rejected}: ${t}`, body: withReason(`Your placement on ${t} was not approved.`) };
      case "completed":
        return { title: `${STATUS_LABELS.completed}: ${t}`, body: `${t} is signed off as completed.` };
      case "not_completed":
        return { title: `${STATUS_LABELS.not_completed}: ${t}`, body: withReason(`${t} was recorded as not completed.`) };
      default:
        return null;
    }
  }
  switch (e.toStatus) {
    case "submitted":
      return { title: `New application: ${t}`, body: `${who} has applied for ${t}.` };
    case "offered":
      return { title: `Placement to approve: ${t}`, body: `${who} has been offered a place on ${t}. Please approve or reject it.` };
    case "approved":
    case "rejected":
      return {
        title: `${STATUS_LABELS[e.toStatus]}: ${t}`,
        body: withReason(`The placement of ${e.traineeName ?? "a trainee (whose account is now closed)"} on ${t} was ${e.toStatus === "approved" ? "approved" : "not approved"}.`),
      };
    case "withdrawn":
      return { title: `Withdrawn: ${t}`, body: withReason(`${who} has withdrawn from ${t}.`) };
    default:
      return null;
  }
}

export function applicationPath(applicationId: string): string {
  return `/applications/${applicationId}`;
}

/**
 * What happened in a round, as a notification or e-mail stores it (kind "round_event"):
 * - "cancelled": the round was cancelled before its close (to every trainee with a choice in it);
 * - "choice_declined": the trust declined one of the trainee's choices (params.opportunityId);
 * - "allocated": the round closed and was allocated. A trainee's params say how they fared
 *   (outcome "placed" with rank and opportunityId, "unplaced", or "none" when none of their
 *   choices was left in the allocation), with the figures of their
 *   first choice (firstChoiceSeats, firstChoiceChosenBy, firstChoiceFirstTimers); a member of
 *   staff's say how many places and trainees on waiting lists the round gave their trust (placed, waitlisted).
 * Params carry ids, codes and counts only, never names or free text.
 */
export type RoundEvent = "cancelled" | "choice_declined" | "allocated";

export interface RoundEventFacts {
  event: RoundEvent;
  roundName: string;
  params: Record<string, string>;
  /** The opportunity params.opportunityId names, if any (the one placed on, or declined). */
  opportunityTitle: string | null;
  /** The trust's reason for a declined choice, from the choice itself. */
  declineReason: string | null;
}

/** "1st", "2nd", "3rd", "4th" … "11th", "12th", "13th", "21st". */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th"}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Why the trainee got what they got: the figures of their first choice, in one sentence. */
export function firstChoiceFigures(p: Record<string, string>): string | null {
  const seats = Number(p.firstChoiceSeats);
  const chosenBy = Number(p.firstChoiceChosenBy);
  const firstTimers = Number(p.firstChoiceFirstTimers);
  if (![seats, chosenBy, firstTimers].every(Number.isInteger)) return null;
  return `Your 1st choice had ${count(seats, "seat", "seats")}; ${count(chosenBy, "trainee", "trainees")} chose it, ${firstTimers} of them with no opportunity yet this year.`;
}

export function wordRoundEvent(f: RoundEventFacts, audience: Audience): Wording | null {
  const r = f.roundName;
  switch (f.event) {
    case "cancelled":
      return audience === "trainee"
        ? { title: `Round cancelled: ${r}`, body: `The round ${r} has been cancelled, so nobody will be allocated places in it. Your choices in it no longer count; the opportunities may take applications again.` }
        : { title: `Round cancelled: ${r}`, body: `The round ${r} has been cancelled.` };
    case "choice_declined": {
      if (audience !== "trainee") return null;
      const t = f.opportunityTitle ?? "an opportunity";
      const why = f.declineReason ? ` Reason: ${f.declineReason}` : "";
      return { title: `Choice declined: ${t}`, body: `The trust declined your choice of ${t} in the round ${r}, so it will not be part of the allocation.${why}` };
    }
    case "allocated": {
      if (audience === "trainee") {
        if (f.params.outcome === "none") {
          return {
            title: `Round closed: ${r}`,
            body: `The round ${r} has closed. None of your choices was part of the allocation (the trust declined them, or they no longer take trainees), so nothing was allocated to you in it.`,
          };
        }
        const figures = f.params.firstChoiceFigures === "no" ? null : firstChoiceFigures(f.params);
        if (f.params.outcome === "placed") {
          const rank = Number(f.params.rank);
          const t = f.opportunityTitle ?? "an opportunity";
          const why = rank > 1 && figures ? ` ${figures}` : "";
          return {
            title: `Placed in ${r}: ${t}`,
            body: `You were placed on your ${ordinal(rank)} choice, ${t}.${why} The director of medical education will confirm the placement.`,
          };
        }
        return {
          title: `Not placed in ${r}`,
          body: `You were not placed in the round ${r}.${figures ? ` ${figures}` : ""} You are on the waiting list for your choices: if a seat comes free, it is offered to the next trainee on the list.`,
        };
      }
      const placed = Number(f.params.placed ?? 0);
      const waitlisted = Number(f.params.waitlisted ?? 0);
      const approve = audience === "dme" && placed > 0 ? " Their placements are waiting for your approval." : "";
      return {
        title: `Round allocated: ${r}`,
        body: `The round ${r} has closed: ${count(placed, "trainee was", "trainees were")} placed on your trust's opportunities, and ${count(waitlisted, "trainee is", "trainees are")} on their waiting lists.${approve}`,
      };
    }
  }
}

/** Where a message about a round leads: the trainee's choices, or the round's page for staff. */
export function roundPath(roundId: string, audience: Audience): string {
  return audience === "trainee" ? `/trainee/rounds/${roundId}` : `/rounds/${roundId}`;
}

/**
 * A nudge from a trust's DME or lead to a trainee with nothing yet this training year (kind
 * "nudge"): the trust, who sent it (by role; null when the account is gone) and the suggested
 * opportunities as they are now. The notification stores only the nudge's id and the opportunities' ids.
 */
export interface NudgeFacts {
  trustName: string;
  trustOds: string;
  senderRole: "dme" | "trust_lead" | null;
  opportunities: { id: string; title: string; applicationDeadline: string }[];
}

export function wordNudge(f: NudgeFacts): Wording {
  const who =
    f.senderRole === "dme" ? `The director of medical education at ${f.trustName}` : f.senderRole === "trust_lead" ? `The trust lead at ${f.trustName}` : f.trustName;
  const title = `Leadership opportunities for you at ${f.trustName}`;
  if (!f.opportunities.length) {
    return { title, body: `${who} would like you to take up a leadership opportunity this training year: you have none yet. See what ${f.trustName} offers and apply.` };
  }
  const list = f.opportunities.map((o) => `${o.title} (apply by ${formatDate(o.applicationDeadline)})`).join("; ");
  const these = f.opportunities.length === 1 ? "this opportunity, which you can apply for" : "these opportunities, which you can apply for";
  return { title, body: `${who} would like you to take up a leadership opportunity this training year: you have none yet. They suggest ${these}: ${list}.` };
}

/** Where a nudge leads: the one suggested opportunity, or the trust's opportunities when there are several or none. */
export function nudgePath(f: Pick<NudgeFacts, "trustOds" | "opportunities">): string {
  return f.opportunities.length === 1 ? `/opportunities/${f.opportunities[0]!.id}` : `/opportunities?trust=${encodeURIComponent(f.trustOds)}`;
}

/**
 * A reminder (app/models/reminders.server.ts), as its notification or e-mail stores it: the
 * kind and ids (opportunity, round, application; a session's id in params), worded from the
 * rows as they are when shown. Null fields are rows that are gone or names that are closed.
 */
export interface ReminderFacts {
  kind: ReminderKind;
  opportunityId: string | null;
  applicationId: string | null;
  roundId: string | null;
  opportunityTitle: string | null;
  roundName: string | null;
  /** The opportunity's application deadline (YYYY-MM-DD). */
  deadline: string | null;
  /** The round's closing instant. */
  closesAt: Date | string | null;
  session: { date: string; startsAt: string; location: string } | null;
  /** The applicant's name for staff; null once the trainee has closed their account. */
  traineeName: string | null;
}

// A reminder missed while no app process ran is sent late, on start-up, while still true (a
// reflection up to 30 days after its sign-off): the words give the threshold ("or more", "at
// least"), never an exact age the reminder cannot vouch for.
export function wordReminder(f: ReminderFacts): Wording {
  const t = f.opportunityTitle ?? "an opportunity";
  const who = f.traineeName ?? "A trainee (whose account is now closed)";
  switch (f.kind) {
    case "shortlist_deadline":
      return {
        title: `Closing soon: ${t}`,
        body: `${t}, on your shortlist, takes applications until ${formatDate(f.deadline)}. Apply before then if you want a place.`,
      };
    case "round_closing": {
      const r = f.roundName ?? "a round";
      return {
        title: `Round closing soon: ${r}`,
        body: `The round ${r} closes on ${formatMoment(f.closesAt)} and you have not chosen any of its opportunities yet. Rank the ones you want before it closes.`,
      };
    }
    case "session_tomorrow":
      return {
        title: `Tomorrow: ${t}`,
        body: f.session
          ? `Your session of ${t} is tomorrow, ${formatDate(f.session.date)}, from ${formatClockTime(f.session.startsAt)}${f.session.location ? ` at ${f.session.location}` : ""}.`
          : `Your session of ${t} was tomorrow; it has since been changed or removed. See the opportunity for its dates.`,
      };
    case "application_waiting":
      return {
        title: `Application waiting: ${t}`,
        body: `${who} applied for ${t} and has waited 5 working days or more for a decision. Offer a place, add them to the waiting list or decline.`,
      };
    case "offer_waiting":
      return {
        title: `Placement waiting for approval: ${t}`,
        body: `${who} was offered a place on ${t} at least 5 working days ago and the placement is waiting for your approval. Approve or reject it.`,
      };
    case "reflection_due":
      return {
        title: `Write your reflection: ${t}`,
        body: `${t} was signed off as completed at least a week ago. Write your reflection while it is fresh: what happened, what you learned and what you will do next.`,
      };
    case "deadline_passed":
      return {
        title: `Deadline passed: ${t}`,
        body: `Applications for ${t} closed on ${formatDate(f.deadline)}, but it is still published. Close it, or change its deadline if it should stay open.`,
      };
  }
}

/** Where a reminder leads: the page to act on it. */
export function reminderPath(f: Pick<ReminderFacts, "kind" | "opportunityId" | "applicationId" | "roundId">): string | null {
  switch (f.kind) {
    case "shortlist_deadline":
    case "session_tomorrow":
      return f.opportunityId ? `/opportunities/${f.opportunityId}` : null;
    case "round_closing":
      return f.roundId ? roundPath(f.roundId, "trainee") : null;
    case "application_waiting":
    case "offer_waiting":
      return f.applicationId ? applicationPath(f.applicationId) : null;
    // Straight to the form that asks "what happened, so what, now what", where it is written.
    case "reflection_due":
      return f.applicationId ? `${applicationPath(f.applicationId)}/reflection` : null;
    case "deadline_passed":
      return f.opportunityId ? `/trust/opportunities/${f.opportunityId}` : null;
  }
}
