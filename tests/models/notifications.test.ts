// Notifications: counted, listed and marked read only for their owner.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows } from "@db/client";
import { notifications } from "@db/schema";
import {
  countNotifications,
  countUnread,
  createNotifications,
  internalLink,
  listNotifications,
  markNotificationsRead,
  NOTIFICATIONS_PAGE_SIZE,
  ownsNotification,
} from "~/models/notifications.server";

import { useTestDatabase } from "../helpers/db";
import { approvedTitle, makeApplicationEvent, makeNotifications, makeTrainee, makeUser } from "../helpers/factories";

const t = useTestDatabase();

async function twoPeople() {
  const priya = await makeTrainee(t.db);
  const admin = await makeUser(t.db, { role: "admin" });
  return { priya: priya.id, admin: admin.id };
}

const notify = (userId: string, titles: string[], read: string[] = [], traineeId?: string) =>
  makeNotifications(t.db, userId, titles, { read, traineeId });
const approved = approvedTitle;

describe("notifications", () => {
  it("are written in the caller's transaction and counted as unread for their owner only", async () => {
    const { priya, admin } = await twoPeople();
    const e = await makeApplicationEvent(t.db, { traineeId: priya });
    const about = { kind: "application_event" as const, applicationId: e.applicationId, eventId: e.eventId, actorId: null };
    await t.db.transaction(async (tx) => {
      await createNotifications(tx, [
        { userId: priya, ...about },
        { userId: priya, ...about },
        { userId: admin, ...about },
      ]);
    });
    await createNotifications(t.db, []);
    expect(await countUnread(t.db, priya)).toBe(2);
    expect(await countUnread(t.db, admin)).toBe(1);
    expect(await countNotifications(t.db, priya)).toEqual({ total: 2, unread: 2 });
  });

  it("are rolled back with the change they tell people about", async () => {
    const { priya } = await twoPeople();
    const e = await makeApplicationEvent(t.db, { traineeId: priya });
    await expect(
      t.db.transaction(async (tx) => {
        await createNotifications(tx, [{ userId: priya, kind: "application_event", applicationId: e.applicationId, eventId: e.eventId, actorId: null }]);
        throw new Error("the transition failed");
      }),
    ).rejects.toThrow("the transition failed");
    expect(await countUnread(t.db, priya)).toBe(0);
  });

  it("list the owner's own, newest first, read and unread, a page at a time", async () => {
    const { priya, admin } = await twoPeople();
    await notify(priya, ["first", "second", "third"], ["second"]);
    await notify(admin, ["someone else's"], [], priya);
    const list = await listNotifications(t.db, priya);
    expect(list.map((n) => n.title)).toEqual(["third", "second", "first"].map(approved));
    expect(list.map((n) => n.readAt === null)).toEqual([true, false, true]);
    expect(await countNotifications(t.db, priya)).toEqual({ total: 3, unread: 2 });
  });

  it("split into pages of 50", async () => {
    const { priya } = await twoPeople();
    await notify(priya, Array.from({ length: NOTIFICATIONS_PAGE_SIZE + 1 }, (_, i) => `n${i}`));
    const first = await listNotifications(t.db, priya, 1);
    const second = await listNotifications(t.db, priya, 2);
    expect(first).toHaveLength(NOTIFICATIONS_PAGE_SIZE);
    expect(first[0]!.title).toBe(approved(`n${NOTIFICATIONS_PAGE_SIZE}`));
    expect(second.map((n) => n.title)).toEqual([approved("n0")]);
  });

  it("mark one read only for its owner: another user's id changes nothing", async () => {
    const { priya, admin } = await twoPeople();
    const mine = await notify(priya, ["mine"]);
    const theirs = await notify(admin, ["theirs"], [], priya);
    expect(await markNotificationsRead(t.db, priya, theirs.theirs!)).toBe(0);
    expect(await countUnread(t.db, admin)).toBe(1);
    expect(await markNotificationsRead(t.db, priya, mine.mine!)).toBe(1);
    expect(await countUnread(t.db, priya)).toBe(0);
    // A second time changes nothing and keeps the first time it was read.
    const [before] = await t.db.select({ readAt: notifications.readAt }).from(notifications).where(eq(notifications.id, mine.mine!));
    expect(await markNotificationsRead(t.db, priya, mine.mine!)).toBe(0);
    const [after] = await t.db.select({ readAt: notifications.readAt }).from(notifications).where(eq(notifications.id, mine.mine!));
    expect(after!.readAt).toEqual(before!.readAt);
  });

  it("mark all read for the owner only", async () => {
    const { priya, admin } = await twoPeople();
    await notify(priya, ["a", "b", "c"], ["a"]);
    await notify(admin, ["theirs"], [], priya);
    expect(await markNotificationsRead(t.db, priya)).toBe(2);
    expect(await countUnread(t.db, priya)).toBe(0);
    expect(await countUnread(t.db, admin)).toBe(1);
  });

  it("belong to their owner and to nobody else", async () => {
    const { priya, admin } = await twoPeople();
    const mine = await notify(priya, ["mine"], ["mine"]);
    expect(await ownsNotification(t.db, priya, mine.mine!)).toBe(true);
    expect(await ownsNotification(t.db, admin, mine.mine!)).toBe(false);
    expect(await ownsNotification(t.db, priya, "00000000-0000-4000-8000-000000000000")).toBe(false);
  });

  it("can count the unread ones from the index on (user_id, read_at)", async () => {
    const { priya } = await twoPeople();
    await notify(priya, ["a"]);
    const plan = await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const rows = await queryRows<{ "QUERY PLAN": string }>(
        tx,
        sql`explain select count(*) from notifications where user_id = ${priya} and read_at is null`,
      );
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toContain("notifications_user_idx");
  });
});

describe("notification links", () => {
  it.each([
    ["/trainee/applications/1", "/trainee/applications/1"],
    ["/opportunities?type=board_seat", "/opportunities?type=board_seat"],
    ["//evil.example/", null],
    ["/\\evil.example", null],
    ["/\t/evil.example", null],
    ["https://evil.example/", null],
    ["javascript:alert(1)", null],
    ["trainee", null],
    ["", null],
    [null, null],
  ])("%j becomes %j", (link, expected) => {
    expect(internalLink(link)).toBe(expected);
  });
});
