// The audit trail's actions, their labels and the words a trainee reads for a view of their data.
// A module of its own, not in domain.ts: the browser bundles a module whole, and these words are
// for two pages only (the admin's search, the trainee's profile), not the shared chunk every
// page loads.

/**
 * What the audit trail records (audit_events.action): every change a person or the service
 * makes, and every time a member of staff opens a trainee's personal data (the ".viewed"
 * actions). The label is what the admin's search page shows.
 */
export const AUDIT_ACTION_LABELS = {
  "opportunity.created": "Opportunity created",
  "opportunity.edited": "Opportunity edited",
  "opportunity.duplicated": "Opportunity duplicated",
  "opportunity.published": "Opportunity published",
  "opportunity.closed": "Opportunity closed",
  "opportunity.reopened": "Opportunity reopened",
  "opportunity.archived": "Opportunity archived",
  "objective.created": "Objective added",
  "objective.edited": "Objective edited",
  "objective.retired": "Objective retired",
  "objective.restored": "Objective brought back",
  "application.submitted": "Application sent",
  "application.offered": "Place offered",
  "application.approved": "Placement approved",
  "application.declined": "Application declined",
  "application.waitlisted": "Put on the waiting list",
  "application.rejected": "Placement not approved",
  "application.withdrawn": "Application withdrawn",
  "application.completed": "Signed off as completed",
  "application.not_completed": "Recorded as not completed",
  "application.promoted": "Offered a seat from the waiting list",
  "round.created": "Round created",
  "round.edited": "Round edited",
  "round.cancelled": "Round cancelled",
  "round.closed": "Round closed and allocated",
  "round.choice_declined": "Round choice declined",
  "import.uploaded": "Rotation file uploaded",
  "import.confirmed": "Rotation import confirmed",
  "import.discarded": "Rotation import discarded",
  "invitation.created": "Invitation sent",
  "invitation.resent": "Invitation sent again",
  "invitation.new_link": "New invitation link sent",
  "invitation.accepted": "Invitation accepted",
  "invitation.revoked": "Invitation cancelled",
  "account.registered": "Account registered",
  "account.password_changed": "Password changed",
  "account.password_reset": "Password reset",
  "account.profile_changed": "Profile changed",
  "account.equality_changed": "Equality answers changed",
  "account.placement_added": "Placement added",
  "account.placement_edited": "Placement edited",
  "account.placement_deleted": "Placement deleted",
  "account.email_choices_changed": "E-mail choices changed",
  "account.unsubscribed": "Unsubscribed from an e-mail",
  "account.closed": "Account closed",
  "account.cis2_linked": "NHS CIS2 linked",
  "account.cis2_unlinked": "NHS CIS2 unlinked",
  "settings.staff_password_sign_in": "Password sign-in for staff turned on or off",
  "user.email_corrected": "E-mail address corrected",
  "user.disabled": "Account disabled",
  "user.enabled": "Account enabled",
  "trust.created": "Trust added",
  "trust.edited": "Trust edited",
  "nudge.sent": "Nudge sent",
  "application.viewed": "Application viewed",
  "applicants.viewed": "Shown in an applicants list",
  "profile.viewed": "Profile viewed",
  "import.viewed": "Named in an import preview",
  "reflection.viewed": "Shared reflection viewed",
  "trainees.viewed": "Shown in a list of a trust's trainees",
} as const;
export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;
export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];

/** A staff member opening a trainee's personal data, as opposed to a change. */
export function isViewAction(action: string): boolean {
  return action.endsWith(".viewed");
}

export const AUDIT_TARGET_TYPES = ["opportunity", "objective", "application", "round", "import", "invitation", "user", "trust", "placement", "reflection", "settings"] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** What a member of staff opened, as the trainee reads it ("who has viewed my data"). */
export const AUDIT_VIEW_WORDS: Partial<Record<AuditAction, string>> = {
  "application.viewed": "An application of yours",
  "applicants.viewed": "A list of applicants that included you",
  "profile.viewed": "Your account's details",
  "import.viewed": "A rotation file's preview that named you",
  "reflection.viewed": "A reflection you shared",
  "trainees.viewed": "A list of a trust's trainees that included you",
};
