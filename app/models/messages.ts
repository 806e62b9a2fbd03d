// The words of every message about an application, composed from the facts a notification
// or queued e-mail stores (the event, who it is for) and the rows as they are now. Nothing
// worded is ever stored, so a trainee who closes their account is named nowhere afterwards.
import { STATUS_LABELS } from "./applications.rules";
import type { ApplicationStatus } from "./domain";

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
