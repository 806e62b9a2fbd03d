// Who may move an application from which status to which, and when: one table, used by the
// server for every change and by the pages to offer only the buttons that will work now.
import { formatDate } from "~/utils/dates";
import { plural } from "~/utils/plural";

import type { ApplicationStatus, OpportunityStatus, Role } from "./domain";

export type ApplicationAction = "offer" | "waitlist" | "decline" | "approve" | "reject" | "withdraw" | "complete" | "not_complete";

/**
 * What a move may depend on besides the application's status: the opportunity as it is now
 * (read under its row lock on the server) and today's date in London.
 */
export interface OpportunityNow {
  today: string;
  endsOn: string;
  status: OpportunityStatus;
  seats: number;
  /** Seats held by offered, approved and completed applications. */
  seatsTaken: number;
}

export interface TransitionRule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  by: Role;
  reason: "required" | "optional" | "none";
  /** The button that performs it. */
  label: string;
  /** The label of its reason box, where it has one. */
  reasonLabel?: string;
  /**
   * "sponsor": the move carries the sponsor's structured feedback (the leadership dimensions
   * observed, strengths and one next step: SignOffSchema), all required.
   */
  feedback?: "sponsor";
  /** Why it cannot be done now, in words for the person who asked; null when it can. */
  refusal?: (o: OpportunityNow) => string | null;
}

/** An opportunity has ended once its last day is past; on that day it is still running. */
export function hasEnded(o: Pick<OpportunityNow, "endsOn" | "today">): boolean {
  return o.today > o.endsOn;
}

/** Places can be offered (by the lead, or from the waiting list): published and not ended. */
export function acceptsOffers(o: Pick<OpportunityNow, "endsOn" | "today" | "status">): boolean {
  return o.status === "published" && !hasEnded(o);
}

const ENDED = (o: OpportunityNow) => `This opportunity ended on ${formatDate(o.endsOn)}`;
const allTaken = (seats: number) => `All ${plural(seats, "seat is", "seats are")} taken`;

export const TRANSITIONS: Record<ApplicationAction, TransitionRule> = {
  offer: {
    from: ["submitted", "waitlisted"],
    to: "offered",
    by: "trust_lead",
    reason: "none",
    label: "Offer a place",
    refusal: (o) => {
      if (hasEnded(o)) return `${ENDED(o)}, so no place can be offered`;
      if (o.status === "closed") return "This opportunity is closed: reopen it to offer places";
      if (o.status !== "published") return `This opportunity is ${o.status}, so no place can be offered`;
      if (o.seatsTaken >= o.seats) return `${allTaken(o.seats)}: add the applicant to the waiting list instead`;
      return null;
    },
  },
  // The waiting list is for when no seat can be offered: a free seat on a published
  // opportunity is offered, and anyone waiting is offered seats as they come free.
  waitlist: {
    from: ["submitted"],
    to: "waitlisted",
    by: "trust_lead",
    reason: "none",
    label: "Add to waiting list",
    refusal: (o) => {
      if (hasEnded(o)) return `${ENDED(o)}, so nobody can join its waiting list`;
      if (o.status === "archived") return "This opportunity is archived, so nobody can join its waiting list";
      if (acceptsOffers(o) && o.seatsTaken < o.seats) return "A seat is free, so the applicant can be offered a place rather than join the waiting list";
      return null;
    },
  },
  decline: { from: ["submitted", "waitlisted"], to: "declined", by: "trust_lead", reason: "required", label: "Decline application", reasonLabel: "Why you are declining the application" },
  approve: {
    from: ["offered"],
    to: "approved",
    by: "dme",
    reason: "none",
    label: "Approve placement",
    refusal: (o) => (hasEnded(o) ? `${ENDED(o)}, so the placement can no longer be approved` : null),
  },
  reject: { from: ["offered"], to: "rejected", by: "dme", reason: "required", label: "Reject placement", reasonLabel: "Why you are not approving the placement" },
  // After the end the outcome is history: it stays as it is (see isOpenApplication).
  withdraw: {
    from: ["submitted", "waitlisted", "offered", "approved"],
    to: "withdrawn",
    by: "trainee",
    reason: "optional",
    label: "Withdraw application",
    reasonLabel: "Why you are withdrawing (optional)",
    refusal: (o) => (hasEnded(o) ? `${ENDED(o)}, so the application can no longer be withdrawn: it stays on your record as it is` : null),
  },
  complete: {
    from: ["approved"],
    to: "completed",
    by: "trust_lead",
    reason: "none",
    feedback: "sponsor",
    label: "Sign off as completed",
    refusal: (o) => signOffRefusal(o),
  },
  not_complete: {
    from: ["approved"],
    to: "not_completed",
    by: "trust_lead",
    reason: "required",
    label: "Record as not completed",
    reasonLabel: "Why it was not completed",
    refusal: (o) => signOffRefusal(o),
  },
};

function signOffRefusal(o: OpportunityNow): string | null {
  return o.today < o.endsOn ? `You can sign off completion from ${formatDate(o.endsOn)}, when the opportunity ends` : null;
}

export const APPLICATION_ACTIONS = Object.keys(TRANSITIONS) as ApplicationAction[];

/** Statuses that hold one of the opportunity's seats. */
export const HOLDS_SEAT: readonly ApplicationStatus[] = ["offered", "approved", "completed"];

/**
 * An application the trainee can still withdraw: one that holds or may yet get a seat on an
 * opportunity that has not ended. Closing an account withdraws exactly these, and anonymising
 * checks that none is left; an ended opportunity's outcome stays as it is.
 */
export function isOpenApplication(status: ApplicationStatus, endsOn: string, today: string): boolean {
  return TRANSITIONS.withdraw.from.includes(status) && !hasEnded({ endsOn, today });
}

export const STATUS_LABELS: Record<ApplicationStatus, string> = {
  submitted: "Submitted",
  offered: "Offered, waiting for approval",
  approved: "Approved",
  completed: "Completed",
  declined: "Declined",
  waitlisted: "On the waiting list",
  rejected: "Not approved",
  withdrawn: "Withdrawn",
  not_completed: "Not completed",
};

export const WHAT_NEXT: Record<ApplicationStatus, string> = {
  submitted: "The trust lead will review your application and offer a place, add you to the waiting list or decline.",
  offered: "The director of medical education will confirm the placement.",
  approved: "Your placement is confirmed. The dated sessions are in your calendar feed.",
  completed: "Well done: the sponsor signed off this opportunity as completed, with their feedback on your application.",
  declined: "The trust has declined this application. The reason is in the history below.",
  waitlisted: "If a seat comes free you will be offered it automatically, and told.",
  rejected: "The director of medical education did not approve the placement. The reason is in the history below.",
  withdrawn: "You withdrew this application.",
  not_completed: "The sponsor recorded that this opportunity was not completed.",
};

/** Whether the move is this role's and starts from this status, whatever the dates. */
function isTheirs(action: ApplicationAction, role: Role, status: ApplicationStatus): boolean {
  const rule = TRANSITIONS[action];
  return rule.by === role && rule.from.includes(status);
}

/** The actions this role can take now on an application in this status, in the order pages show them. */
export function actionsFor(role: Role, status: ApplicationStatus, opportunity: OpportunityNow): ApplicationAction[] {
  return APPLICATION_ACTIONS.filter((a) => canTransition(a, role, status, opportunity));
}

/**
 * Why this role's usual moves on this status cannot be made now ("You can sign off completion
 * from 31 March 2027"), each said once: a page shows them where the buttons would be.
 */
export function notYetFor(role: Role, status: ApplicationStatus, opportunity: OpportunityNow): string[] {
  const reasons = APPLICATION_ACTIONS.filter((a) => isTheirs(a, role, status)).map((a) => TRANSITIONS[a].refusal?.(opportunity) ?? null);
  return [...new Set(reasons.filter((r): r is string => r !== null))];
}

export function canTransition(action: ApplicationAction, role: Role, status: ApplicationStatus, opportunity: OpportunityNow): boolean {
  return isTheirs(action, role, status) && !TRANSITIONS[action].refusal?.(opportunity);
}
