// The words of each e-mail, composed at the moment it is sent from the facts the outbox row
// stores and the rows as they are then. A recipient who has closed their account, or been
// disabled, gets nothing; a trainee who closed theirs is named in no message sent afterwards.
import { and, eq, isNull } from "drizzle-orm";

import type { Db } from "@db/client";
import { applicationEvents, applications, emailOutbox, invitations, opportunities, traineeProfiles, trusts, users } from "@db/schema";

import { ROLE_LABELS, type OptionalEmailKind } from "./domain";
import { EMAIL_KIND_LABELS } from "./email-kinds";
import { isOptedOut, isOptionalEmailKind, unsubscribeToken } from "./email-preferences.server";
import { applicationPath, nudgePath, reminderPath, roundPath, wordApplicationEvent, wordNudge, wordReminder, wordRoundEvent, type Audience } from "./messages";
import { nudgeFacts } from "./nudge-messages.server";
import { isReminderKind, reminderFacts, reminderStillHolds, type StoredReminder } from "./reminder-facts.server";
import { roundEventFacts } from "./round-messages.server";
import type { OutgoingEmail } from "./outbox.server";

type OutboxRow = typeof emailOutbox.$inferSelect;

export const TRAINEE_INVITATION_SUBJECT = "Set up your Invitational account";
export const STAFF_INVITATION_SUBJECT = "You have been invited to Invitational";
export const PASSWORD_RESET_SUBJECT = "Reset your Invitational password";

/** The address of an account that can still receive mail; null once closed or disabled. */
async function activeAddress(db: Db, userId: string | null): Promise<{ email: string; name: string } | null> {
  if (!userId) return null;
  const [row] = await db
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)));
  return row ?? null;
}

/**
 * The e-mail an outbox row stands for now, or null when it should no longer be sent: an
 * optional kind the recipient has turned off (email_opt_outs) is not sent, and every optional
 * kind carries a link that turns it off without signing in (with RFC 8058's one-click headers).
 */
export async function composeEmail(db: Db, row: OutboxRow, options: { origin: string }): Promise<OutgoingEmail | null> {
  const optional = isOptionalEmailKind(row.kind) && row.recipientId ? { kind: row.kind, userId: row.recipientId } : null;
  if (optional && (await isOptedOut(db, optional.userId, optional.kind))) return null;
  const email = await composeMessage(db, row, options);
  if (!email || !optional) return email;
  const link = `${options.origin.replace(/\/+$/, "")}/unsubscribe/${await unsubscribeToken(db, optional.userId, optional.kind)}`;
  return {
    ...email,
    text: `${email.text}\n\n${unsubscribeFooter(optional.kind, link)}`,
    headers: { "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  };
}

async function composeMessage(db: Db, row: OutboxRow, options: { origin: string }): Promise<OutgoingEmail | null> {
  const origin = options.origin.replace(/\/+$/, "");
  if (isReminderKind(row.kind)) return composeReminder(db, { ...row, kind: row.kind }, origin);
  switch (row.kind) {
    case "application_event": {
      const to = await activeAddress(db, row.recipientId);
      if (!to || row.eventId === null) return null;
      const [facts] = await db
        .select({
          applicationId: applications.id,
          toStatus: applicationEvents.toStatus,
          actorId: applicationEvents.actorId,
          reason: applicationEvents.reason,
          opportunityTitle: opportunities.title,
          traineeName: users.name,
          anonymisedAt: traineeProfiles.anonymisedAt,
        })
        .from(applicationEvents)
        .innerJoin(applications, eq(applications.id, applicationEvents.applicationId))
        .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
        .innerJoin(users, eq(users.id, applications.traineeId))
        .leftJoin(traineeProfiles, eq(traineeProfiles.userId, applications.traineeId))
        .where(eq(applicationEvents.id, row.eventId));
      if (!facts) return null;
      const audience = (row.params.audience ?? "trainee") as Audience;
      const words = wordApplicationEvent(
        {
          toStatus: facts.toStatus,
          byService: facts.actorId === null,
          reason: facts.reason,
          opportunityTitle: facts.opportunityTitle,
          traineeName: facts.anonymisedAt ? null : facts.traineeName,
        },
        audience,
      );
      if (!words) return null;
      return {
        to: to.email,
        subject: `Invitational: ${words.title}`,
        text: `${words.body}\n\nSee it in Invitational: ${origin}${applicationPath(facts.applicationId)}`,
      };
    }
    case "staff_invitation": {
      if (!row.toAddress || !row.secret || !row.invitationId) return null;
      const [invitation] = await db
        .select({ name: invitations.name, role: invitations.role, usedAt: invitations.usedAt, trustName: trusts.name })
        .from(invitations)
        .leftJoin(trusts, eq(trusts.id, invitations.trustId))
        .where(eq(invitations.id, row.invitationId));
      if (!invitation || invitation.usedAt) return null;
      return {
        to: row.toAddress,
        subject: STAFF_INVITATION_SUBJECT,
        text: [
          `Dear ${invitation.name},`,
          "",
          `You have been invited to join Invitational as ${ROLE_LABELS[invitation.role].toLowerCase()}${invitation.trustName ? ` at ${invitation.trustName}` : ""}.`,
          "",
          `Set your password within 7 days: ${row.secret}`,
          "",
          "The link works once. If you were not expecting this, you can ignore this email.",
        ].join("\n"),
      };
    }
    case "trainee_invitation": {
      const to = await activeAddress(db, row.recipientId);
      if (!to || !row.secret || !row.invitationId) return null;
      const [invitation] = await db.select({ usedAt: invitations.usedAt }).from(invitations).where(eq(invitations.id, row.invitationId));
      if (!invitation || invitation.usedAt) return null;
      return {
        to: to.email,
        subject: TRAINEE_INVITATION_SUBJECT,
        text: [
          `Dear ${to.name},`,
          "",
          "Your placements from your training programme's records have been added to Invitational, where NHS trusts offer leadership opportunities in the workplace to doctors in training.",
          "",
          `Set a password for your account within 7 days: ${row.secret}`,
          "",
          "The link works once. If you were not expecting this, you can ignore this email.",
        ].join("\n"),
      };
    }
    case "password_reset": {
      const to = await activeAddress(db, row.recipientId);
      if (!to || !row.secret) return null;
      return {
        to: to.email,
        subject: PASSWORD_RESET_SUBJECT,
        text: [
          `Dear ${to.name},`,
          "",
          "Someone asked to reset the password of your Invitational account.",
          "",
          `Choose a new password within 1 hour: ${row.secret}`,
          "",
          "The link works once. If you did not ask for this, you can ignore this email: your password has not changed.",
        ].join("\n"),
      };
    }
    case "round_event": {
      const to = await activeAddress(db, row.recipientId);
      if (!to || !row.roundId || !row.recipientId) return null;
      const [facts] = await roundEventFacts(db, [{ roundId: row.roundId, userId: row.recipientId, params: row.params }]);
      const audience = (row.params.audience ?? "trainee") as Audience;
      const words = facts ? wordRoundEvent(facts, audience) : null;
      if (!words) return null;
      return {
        to: to.email,
        subject: `Invitational: ${words.title}`,
        text: `${words.body}\n\nSee it in Invitational: ${origin}${roundPath(row.roundId, audience)}`,
      };
    }
    case "nudge": {
      const to = await activeAddress(db, row.recipientId);
      if (!to || !row.nudgeId) return null;
      const [facts] = await nudgeFacts(db, [{ nudgeId: row.nudgeId, params: row.params }]);
      if (!facts) return null;
      const words = wordNudge(facts);
      const links = facts.opportunities.map((o) => `${o.title}: ${origin}/opportunities/${o.id}`);
      return {
        to: to.email,
        subject: `Invitational: ${words.title}`,
        text: [`Dear ${to.name},`, "", words.body, "", ...(links.length ? [...links, ""] : []), `See every opportunity at ${facts.trustName}: ${origin}${nudgePath({ ...facts, opportunities: [] })}`].join("\n"),
      };
    }
    default:
      return null;
  }
}

function unsubscribeFooter(kind: OptionalEmailKind, link: string): string {
  return `You get this e-mail because e-mails about "${EMAIL_KIND_LABELS[kind].label.toLowerCase()}" are on for your account. To stop them (you will still see them in Invitational): ${link}`;
}

/** A reminder is sent only while it is still true (the job's rules, checked again now). */
async function composeReminder(db: Db, row: OutboxRow & { kind: StoredReminder["kind"] }, origin: string): Promise<OutgoingEmail | null> {
  const to = await activeAddress(db, row.recipientId);
  if (!to || !row.recipientId) return null;
  const stored: StoredReminder = {
    kind: row.kind,
    userId: row.recipientId,
    applicationId: row.applicationId,
    opportunityId: row.opportunityId,
    roundId: row.roundId,
    params: row.params,
  };
  if (!(await reminderStillHolds(db, stored))) return null;
  const [facts] = await reminderFacts(db, [stored]);
  if (!facts) return null;
  const words = wordReminder(facts);
  const path = reminderPath(facts);
  return {
    to: to.email,
    subject: `Invitational: ${words.title}`,
    text: `${words.body}${path ? `\n\nSee it in Invitational: ${origin}${path}` : ""}`,
  };
}
