import { and, count, desc, eq, isNull, sql } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { notifications } from "@db/schema";

import { safeRedirect } from "~/utils/redirect";

export interface NewNotification {
  userId: string;
  title: string;
  body: string;
  link?: string | null;
  applicationId?: string | null;
}

/** Written in the caller's transaction, with the change it tells people about. */
export async function createNotifications(tx: DbOrTx, list: NewNotification[]): Promise<void> {
  if (!list.length) return;
  await tx.insert(notifications).values(
    list.map((n) => ({ userId: n.userId, title: n.title, body: n.body, link: n.link ?? null, applicationId: n.applicationId ?? null })),
  );
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

export async function listNotifications(db: Db, userId: string, page = 1) {
  return db
    .select({
      id: notifications.id,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      readAt: notifications.readAt,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(eq(notifications.userId, userId))
    .orderBy(desc(notifications.createdAt))
    .limit(NOTIFICATIONS_PAGE_SIZE)
    .offset((Math.max(1, page) - 1) * NOTIFICATIONS_PAGE_SIZE);
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
