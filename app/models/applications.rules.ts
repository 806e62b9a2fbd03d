// Who may move an application from which status to which: one table, used by the server
// for every change and by the pages to offer only the buttons that will work.
import type { ApplicationStatus, Role } from "./domain";

export type ApplicationAction = "offer" | "waitlist" | "decline" | "approve" | "reject" | "withdraw" | "complete" | "not_complete";

export interface TransitionRule {
  from: readonly ApplicationStatus[];
  to: ApplicationStatus;
  by: Role;
  reason: "required" | "optional" | "none";
  /** The button that performs it. */
  label: string;
  /** The label of its reason box, where it has one. */
  reasonLabel?: string;
}

export const TRANSITIONS: Record<ApplicationAction, TransitionRule> = {
  offer: { from: ["submitted", "waitlisted"], to: "offered", by: "trust_lead", reason: "none", label: "Offer a place" },
  waitlist: { from: ["submitted"], to: "waitlisted", by: "trust_lead", reason: "none", label: "Add to waiting list" },
  decline: { from: ["submitted", "waitlisted"], to: "declined", by: "trust_lead", reason: "required", label: "Decline application", reasonLabel: "Why you are declining the application" },
  approve: { from: ["offered"], to: "approved", by: "dme", reason: "none", label: "Approve placement" },
  reject: { from: ["offered"], to: "rejected", by: "dme", reason: "required", label: "Reject placement", reasonLabel: "Why you are not approving the placement" },
  withdraw: { from: ["submitted", "waitlisted", "offered", "approved"], to: "withdrawn", by: "trainee", reason: "optional", label: "Withdraw application", reasonLabel: "Why you are withdrawing (optional)" },
  complete: { from: ["approved"], to: "completed", by: "trust_lead", reason: "optional", label: "Sign off as completed", reasonLabel: "Feedback for the trainee (optional)" },
  not_complete: { from: ["approved"], to: "not_completed", by: "trust_lead", reason: "required", label: "Record as not completed", reasonLabel: "Why it was not completed" },
};

export const APPLICATION_ACTIONS = Object.keys(TRANSITIONS) as ApplicationAction[];

/** Statuses that hold one of the opportunity's seats. */
export const HOLDS_SEAT: readonly ApplicationStatus[] = ["offered", "approved", "completed"];

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
  completed: "Well done. Add a reflection to your record.",
  declined: "The trust has declined this application. The reason is in the history below.",
  waitlisted: "If a seat comes free you will be offered it automatically, and told.",
  rejected: "The director of medical education did not approve the placement. The reason is in the history below.",
  withdrawn: "You withdrew this application.",
  not_completed: "The sponsor recorded that this opportunity was not completed.",
};

/** The actions this role may take on an application in this status, in the order pages show them. */
export function actionsFor(role: Role, status: ApplicationStatus): ApplicationAction[] {
  return APPLICATION_ACTIONS.filter((a) => TRANSITIONS[a].by === role && TRANSITIONS[a].from.includes(status));
}

export function canTransition(action: ApplicationAction, role: Role, status: ApplicationStatus): boolean {
  const rule = TRANSITIONS[action];
  return rule.by === role && rule.from.includes(status);
}
