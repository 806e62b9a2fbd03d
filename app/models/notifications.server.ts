import { and, count, desc, eq, isNull, sql } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { applicationEvents, applications, notifications, opportunities, traineeProfiles, users } from "@db/schema";

import { safeRedirect } from "~/utils/redirect";
import type { ReminderKind, Role } from "./domain";
import { applicationPath, nudgePath, reminderPath, roundPath, wordApplicationEvent, wordNudge, wordReminder, wordRoundEvent, type Audience } from "./messages";
import { nudgeFacts } from "./nudge-messages.server";
import { isReminderKind, reminderFacts } from "./reminder-facts.server";
import { roundEventFacts } from "./round-messages.server";

/**
 * What happened, to whom: the words are composed when the notification is shown. Either an
 * event in an application's history, or something that happened in a round (round-messages.server.ts).
 */
export type NewNotification =
  | { userId: string; kind: "application_event"; applicationId: string; eventId: number; actorId: string | null }
  | { userId: string; kind: "round_event"; roundId: string; actorId: string | null; params: Record<string, string> }
  // A nudge from a trust's DME or lead (app/models/nudges.server.ts); params hold no names.
  | { userId: string; kind: "nudge"; nudgeId: string; actorId: string | null; params?: Record<string, string> }
  // A reminder (app/models/reminders.server.ts): what it is about by id, worded when shown.
  | {
      userId: string;
      kind: ReminderKind;
      applicationId?: string;
      opportunityId?: string;
      roundId?: string;
      actorId?: null;
      params: Record<string, string>;
    };

export type NotificationKind = NewNotification["kind"];

/** Written in the caller's transaction, with the change it tells people about. */
export async function createNotifications(tx: DbOrTx, list: NewNotification[]): Promise<void> {
  if (!list.length) return;
  await tx.insert(notifications).values(list);
}

/**
 * Acting on what a notification is about (deciding an application) reads it: the person's
 * unread notifications about that application are marked read, in the same transaction.
 */
export async function markReadForApplication(tx: DbOrTx, userId: string, applicationId: string): Promise<void> {
  await tx
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), eq(notifications.applicationId, applicationId), isNull(notifications.readAt)));
}

const unreadCount = preparedQuery((db) =>
  db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
    .prepare("count_unread"),
);

/** For the header of every signed-in page. */
export async function countUnread(db: Db, userId: string): Promise<number> {
  const [row] = await unreadCount(db).execute({ userId });
  return row?.n ?? 0;
}

export const NOTIFICATIONS_PAGE_SIZE = 50;

/** A page of the user's notifications, each worded now from the event it records. */
export async function listNotifications(db: Db, userId: string, page = 1) {
  return wordedNotifications(db, userId, { limit: NOTIFICATIONS_PAGE_SIZE, offset: (Math.max(1, page) - 1) * NOTIFICATIONS_PAGE_SIZE });
}

/** Every notification of the user, worded (for "download my data"). */
export async function listAllNotifications(db: Db, userId: string) {
  return wordedNotifications(db, userId, null);
}

async function wordedNotifications(db: Db, userId: string, range: { limit: number; offset: number } | null) {
  const [viewer] = await db.select({ role: users.role }).from(users).where(eq(users.id, userId));
  const rows = await db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      roundId: notifications.roundId,
      nudgeId: notifications.nudgeId,
      opportunityId: notifications.opportunityId,
      params: notifications.params,
      applicationId: notifications.applicationId,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
      toStatus: applicationEvents.toStatus,
      byService: sql<boolean>`${applicationEvents.actorId} is null`,
      reason: applicationEvents.reason,
      opportunityTitle: opportunities.title,
      traineeName: sql<string | null>`case when ${traineeProfiles.anonymisedAt} is null then ${users.name} end`,
    })
    .from(notifications)
    .leftJoin(applicationEvents, eq(applicationEvents.id, notifications.eventId))
    .leftJoin(applications, eq(applications.id, notifications.applicationId))
    .leftJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .leftJoin(users, eq(users.id, applications.traineeId))
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, applications.traineeId))
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(range?.limit ?? Number.MAX_SAFE_INTEGER)
    .offset(range?.offset ?? 0);
  const audience = audienceOf(viewer?.role);
  const roundRows = rows.filter((r) => r.kind === "round_event" && r.roundId);
  const roundFacts = await roundEventFacts(
    db,
    roundRows.map((r) => ({ roundId: r.roundId!, userId, params: r.params })),
  );
  const roundWords = new Map(roundRows.map((r, i) => [r.id, wordRoundEvent(roundFacts[i]!, (r.params.audience as Audience) ?? audience)]));
  const nudgeRows = rows.filter((r) => r.kind === "nudge" && r.nudgeId);
  const nudges = await nudgeFacts(
    db,
    nudgeRows.map((r) => ({ nudgeId: r.nudgeId!, params: r.params })),
  );
  const nudgeOf = new Map(nudgeRows.map((r, i) => [r.id, nudges[i] ?? null]));
  const reminderRows = rows.flatMap((r) => (isReminderKind(r.kind) ? [{ ...r, kind: r.kind, userId }] : []));
  const reminders = new Map((await reminderFacts(db, reminderRows)).map((f, i) => [reminderRows[i]!.id, f]));
  return rows.map((r) => {
    const reminder = reminders.get(r.id);
    if (reminder) {
      const words = wordReminder(reminder);
      return { id: r.id, title: words.title, body: words.body, link: reminderPath(reminder), readAt: r.readAt, createdAt: r.createdAt };
    }
    if (r.kind === "nudge") {
      const facts = nudgeOf.get(r.id);
      if (!facts) return { id: r.id, title: "Leadership opportunities for you", body: "A trust suggested you take up a leadership opportunity this training year.", link: "/opportunities", readAt: r.readAt, createdAt: r.createdAt };
      const words = wordNudge(facts);
      return { id: r.id, title: words.title, body: words.body, link: nudgePath(facts), readAt: r.readAt, createdAt: r.createdAt };
    }
    if (r.kind === "round_event" && r.roundId) {
      const words = roundWords.get(r.id) ?? { title: "Round updated", body: roundFacts[roundRows.indexOf(r)]?.roundName ?? "" };
      const link = roundPath(r.roundId, (r.params.audience as Audience) ?? audience);
      return { id: r.id, title: words.title, body: words.body, link, readAt: r.readAt, createdAt: r.createdAt };
    }
    const facts = { toStatus: r.toStatus!, byService: r.byService, reason: r.reason, opportunityTitle: r.opportunityTitle ?? "an opportunity", traineeName: r.traineeName };
    const words = wordApplicationEvent(facts, audience) ?? { title: "Application updated", body: `${facts.opportunityTitle}: ${r.toStatus}` };
    return { id: r.id, title: words.title, body: words.body, link: applicationPath(r.applicationId!), readAt: r.readAt, createdAt: r.createdAt };
  });
}

/** Admins see staff wording (they are never sent these today, but a role change keeps old rows). */
export function audienceOf(role: Role | undefined): Audience {
  return role === "trainee" ? "trainee" : role === "dme" ? "dme" : "trust_lead";
}

/** Only the owner's own notifications change: another user's id matches nothing. */
export async function markNotificationsRead(db: Db, userId: string, id?: string): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), id ? eq(notifications.id, id) : undefined))
    .returning({ id: notifications.id });
  return rows.length;
}

/** How many notifications the user has, and how many of them are unread, in one query. */
export async function countNotifications(db: Db, userId: string): Promise<{ total: number; unread: number }> {
  const [row] = await db
    .select({
      total: count(),
      unread: sql<number>`count(*) filter (where ${notifications.readAt} is null)`.mapWith(Number),
    })
    .from(notifications)
    .where(eq(notifications.userId, userId));
  return { total: row?.total ?? 0, unread: row?.unread ?? 0 };
}

/** Whether the notification is this user's own (read or not). Another user's id is false. */
export async function ownsNotification(db: Db, userId: string, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), eq(notifications.id, id)))
    .limit(1);
  return Boolean(row);
}

/** A notification's link, only when it is a path on this site (the one check every redirect uses). */
export function internalLink(link: string | null | undefined): string | null {
  return safeRedirect(link, null);
}
