// The kinds of e-mail a person may turn off (OPTIONAL_EMAIL_KINDS), in their words, and which of
// them each role is sent. Pure, for the settings page and the unsubscribe page.
import type { OptionalEmailKind, Role } from "./domain";

export const EMAIL_KIND_LABELS: Record<OptionalEmailKind, { label: string; hint: string }> = {
  application_event: { label: "Changes to applications", hint: "An application sent, offered, approved, declined, withdrawn or signed off." },
  round_event: { label: "Allocation rounds", hint: "A round cancelled or allocated, or a choice declined." },
  nudge: { label: "Nudges from your trust", hint: "Your trust's leadership team suggesting opportunities to you." },
  shortlist_deadline: { label: "Shortlist deadlines", hint: "An opportunity you saved for later closes to applications in 3 days." },
  round_closing: { label: "Rounds closing", hint: "A round you can take part in closes in 2 days and you have not ranked any choices." },
  session_tomorrow: { label: "Sessions tomorrow", hint: "A dated session of an opportunity you are approved for is tomorrow." },
  application_waiting: { label: "Applications waiting", hint: "An application has waited 5 working days for a decision." },
  offer_waiting: { label: "Placements waiting for approval", hint: "An offer has waited 5 working days for your approval." },
  reflection_due: { label: "Reflections to write", hint: "A week after an opportunity is signed off, if you have not finished your reflection." },
  deadline_passed: { label: "Deadlines passed", hint: "An opportunity is past its application deadline and still published." },
};

const BY_ROLE: Record<Role, readonly OptionalEmailKind[]> = {
  trainee: ["application_event", "round_event", "nudge", "shortlist_deadline", "round_closing", "session_tomorrow", "reflection_due"],
  trust_lead: ["application_event", "round_event", "application_waiting", "deadline_passed"],
  dme: ["application_event", "round_event", "offer_waiting"],
  admin: [],
};

/** The optional e-mails a role is sent, in the order the settings page lists them. */
export function emailKindsFor(role: Role): readonly OptionalEmailKind[] {
  return BY_ROLE[role];
}
