// The seven reminders on a real database: each goes exactly once (two workers at once on
// PostgreSQL, and again after a restart), never once its condition has ended (also when the
// outbox sends the e-mail later), and an opted-out kind's e-mail is cancelled, not sent.
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase, type Db } from "@db/client";
import {
  allocationRounds,
  applicationEvents,
  applications,
  completionSignoffs,
  emailOptOuts,
  emailOutbox,
  notifications,
  opportunities,
  opportunitySessions,
  reflections,
  remindersSent,
  roundPreferences,
  savedOpportunities,
  users,
} from "@db/schema";
import { SCHEDULED_JOBS } from "~/jobs.server";
import type { ApplicationStatus, ReminderKind } from "~/models/domain";
import { composeEmail } from "~/models/emails.server";
import { processOutboxBatch, type OutgoingEmail } from "~/models/outbox.server";
import { findDueReminders, remindersJob, sendDueReminders } from "~/models/reminders.server";
import { waitedSinceOnOrBefore } from "~/models/reminder-timing";
import { listNotifications } from "~/models/notifications.server";
import { addDaysIso, todayInLondon } from "~/utils/dates";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makePlacement, makeRound, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
const DAY = 24 * 60 * 60_000;

/** An application with one event at `at` (its last change). */
async function apply(opportunityId: string, traineeId: string, status: ApplicationStatus, at: Date) {
  const [app] = await t.db.insert(applications).values({ opportunityId, traineeId, statement: "I want to learn how the trust runs its board.", status, createdAt: at, updatedAt: at }).returning({ id: applications.id });
  const [event] = await t.db.insert(applicationEvents).values({ applicationId: app!.id, actorId: null, toStatus: status, createdAt: at }).returning({ id: applicationEvents.id });
  return { id: app!.id, eventId: event!.id };
}

async function setOpportunity(id: string, fields: Partial<typeof opportunities.$inferInsert>) {
  await t.db.update(opportunities).set(fields).where(eq(opportunities.id, id));
}

/**
 * One of each reminder due now (dates relative to the real clock: the outbox checks again at
 * the moment it sends): a shortlisted opportunity closing in 3 days, a round closing tomorrow,
 * a session tomorrow, an application and an offer waiting 5 working days, a reflection not
 * written 8 days after sign-off, an opportunity past its deadline still published.
 */
async function everyReminder() {
  const now = new Date();
  const today = todayInLondon(now);
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const [saver, applicant, offered, ranker] = [await makeTrainee(t.db), await makeTrainee(t.db), await makeTrainee(t.db), await makeTrainee(t.db)];
  const far = addDaysIso(today, 60);
  const dates = { startsOn: far, endsOn: addDaysIso(far, 30) };

  const shortlisted = await makeOpportunity(t.db, trust.id, { title: "Shadow the Chief Nurse" });
  await setOpportunity(shortlisted, { ...dates, applicationDeadline: addDaysIso(today, 3) });
  await t.db.insert(savedOpportunities).values({ traineeId: saver.id, opportunityId: shortlisted });

  const passed = await makeOpportunity(t.db, trust.id, { title: "Join the patient safety panel" });
  await setOpportunity(passed, { ...dates, applicationDeadline: addDaysIso(today, -2) });

  const withSession = await makeOpportunity(t.db, trust.id, { title: "Observe the trust board" }, "closed");
  await setOpportunity(withSession, { startsOn: addDaysIso(today, -5), endsOn: addDaysIso(today, 20), applicationDeadline: addDaysIso(today, -10) });
  const [session] = await t.db.insert(opportunitySessions).values({ opportunityId: withSession, date: addDaysIso(today, 1), startsAt: "09:30", endsAt: "12:00", location: "Boardroom" }).returning({ id: opportunitySessions.id });
  await apply(withSession, saver.id, "approved", new Date(now.getTime() - 20 * DAY));

  const waitedSince = new Date(`${waitedSinceOnOrBefore(today, 5)}T12:00:00Z`);
  const waiting = await apply(shortlisted, applicant.id, "submitted", waitedSince);
  const offer = await apply(shortlisted, offered.id, "offered", waitedSince);

  const done = await makeOpportunity(t.db, trust.id, { title: "Lead a quality improvement huddle" }, "closed");
  const completed = await apply(done, saver.id, "completed", new Date(now.getTime() - 30 * DAY));
  await t.db.insert(completionSignoffs).values({ applicationId: completed.id, outcome: "completed", signedOffBy: lead.id, createdAt: new Date(now.getTime() - 8 * DAY) });

  const inRound = await makeOpportunity(t.db, trust.id, { title: "Buddy the divisional director" });
  await setOpportunity(inRound, { ...dates, applicationDeadline: addDaysIso(today, 20) });
  const round = await makeRound(t.db, { opportunityIds: [inRound], trustId: trust.id, opensAt: new Date(now.getTime() - 7 * DAY), closesAt: new Date(now.getTime() + DAY) });
  await makePlacement(t.db, { traineeId: ranker.id, trustId: trust.id, grade: "FY2", startsOn: addDaysIso(today, -30), endsOn: addDaysIso(today, 90) });

  return { now, trust, lead, dme, saver, applicant, offered, ranker, shortlisted, passed, withSession, sessionId: session!.id, waiting, offer, done, completed, inRound, round };
}

const EXPECTED: Record<ReminderKind, "saver" | "ranker" | "lead" | "dme"> = {
  shortlist_deadline: "saver",
  round_closing: "ranker",
  session_tomorrow: "saver",
  application_waiting: "lead",
  offer_waiting: "dme",
  reflection_due: "saver",
  deadline_passed: "lead",
};

async function sentByKind(db: Db) {
  const rows = await db.select({ kind: notifications.kind, userId: notifications.userId }).from(notifications).orderBy(asc(notifications.kind));
  const emails = await db.select({ kind: emailOutbox.kind, recipientId: emailOutbox.recipientId }).from(emailOutbox).orderBy(asc(emailOutbox.kind));
  const keys = await db.select({ kind: remindersSent.kind }).from(remindersSent).orderBy(asc(remindersSent.kind));
  return { notifications: rows, emails, keys: keys.map((k) => k.kind) };
}

function expectedFor(w: Awaited<ReturnType<typeof everyReminder>>) {
  return (Object.entries(EXPECTED) as [ReminderKind, (typeof EXPECTED)[ReminderKind]][])
    .map(([kind, who]) => ({ kind, userId: w[who].id }))
    .sort((a, b) => a.kind.localeCompare(b.kind));
}

class CapturingSender {
  sent: OutgoingEmail[] = [];
  async send(email: OutgoingEmail) {
    this.sent.push(email);
  }
}

describe("the reminders job", () => {
  it("writes each of the seven reminders exactly once across two workers at once and a restart", async () => {
    const w = await everyReminder();
    // Two app processes: on PostgreSQL a second pool runs the job at the same moment.
    const second = usingPostgres ? await openDatabase({ url: t.url!, poolSize: 4 }) : null;
    try {
      const counts = await Promise.all([sendDueReminders(t.db, w.now), sendDueReminders(second?.db ?? t.db, w.now)]);
      expect(counts[0] + counts[1]).toBe(7);
    } finally {
      await second?.close();
    }
    // A restart: the job runs again at start-up, later the same day.
    expect(await sendDueReminders(t.db, new Date(w.now.getTime() + 60_000))).toBe(0);
    const sent = await sentByKind(t.db);
    const expected = expectedFor(w);
    expect(sent.notifications).toEqual(expected);
    expect(sent.emails.map((e) => ({ kind: e.kind, userId: e.recipientId }))).toEqual(expected);
    expect(sent.keys).toEqual(expected.map((e) => e.kind));
  });

  it("is one entry of the one scheduler, due at start-up, every 10 minutes", () => {
    expect(SCHEDULED_JOBS).toContain(remindersJob);
    const from = new Date("2027-03-28T00:55:00Z");
    expect(remindersJob.next(from).getTime() - from.getTime()).toBe(10 * 60_000);
  });

  it("words each reminder on the notifications page with ids only in its params, and links where to act", async () => {
    const w = await everyReminder();
    await sendDueReminders(t.db, w.now);
    const params = await t.db.select({ params: notifications.params }).from(notifications);
    for (const p of params) for (const value of Object.values(p.params)) expect(value).toMatch(/^[0-9a-f-]{36}$|^\d{4}-\d{2}-\d{2}$|^\d+$/);
    const saverList = await listNotifications(t.db, w.saver.id);
    const leadList = await listNotifications(t.db, w.lead.id);
    const dmeList = await listNotifications(t.db, w.dme.id);
    const rankerList = await listNotifications(t.db, w.ranker.id);
    expect(saverList.map((n) => [n.title, n.link]).sort()).toEqual(
      [
        ["Closing soon: Shadow the Chief Nurse", `/opportunities/${w.shortlisted}`],
        ["Tomorrow: Observe the trust board", `/opportunities/${w.withSession}`],
        ["Write your reflection: Lead a quality improvement huddle", `/applications/${w.completed.id}/reflection`],
      ].sort(),
    );
    expect(saverList.find((n) => n.title.startsWith("Tomorrow"))!.body).toContain("from 9:30am at Boardroom");
    expect(leadList.map((n) => n.title).sort()).toEqual(["Application waiting: Shadow the Chief Nurse", "Deadline passed: Join the patient safety panel"]);
    expect(leadList.find((n) => n.title.startsWith("Application"))!.body).toContain(w.applicant.name);
    expect(dmeList.map((n) => [n.title, n.link])).toEqual([["Placement waiting for approval: Shadow the Chief Nurse", `/applications/${w.offer.id}`]]);
    expect(rankerList.map((n) => [n.title, n.link])).toEqual([[expect.stringMatching(/^Round closing soon: /), `/trainee/rounds/${w.round.id}`]]);
  });

  it("sends nothing for a condition that ended before the job ran", async () => {
    const w = await everyReminder();
    await t.db.insert(applications).values({ opportunityId: w.shortlisted, traineeId: w.saver.id, statement: "Applying now, before the deadline." });
    await t.db.update(applications).set({ status: "declined" }).where(eq(applications.id, w.waiting.id));
    await t.db.update(applications).set({ status: "approved" }).where(eq(applications.id, w.offer.id));
    await t.db.delete(opportunitySessions).where(eq(opportunitySessions.id, w.sessionId));
    await t.db.insert(reflections).values({ applicationId: w.completed.id, whatHappened: "I ran the huddle.", soWhat: "Short huddles work.", nowWhat: "Run one every week.", rating: 4, wouldRecommend: true, finalisedAt: new Date() });
    await setOpportunity(w.passed, { status: "closed", closedAt: new Date() });
    await t.db.insert(roundPreferences).values({ roundId: w.round.id, traineeId: w.ranker.id, opportunityId: w.inRound, rank: 1, statement: "My first choice in this round." });
    expect(await findDueReminders(t.db, w.now)).toEqual([]);
  });

  it("leaves a reminder unsent by e-mail once its condition ended after it was written (the outbox checks again)", async () => {
    const w = await everyReminder();
    await sendDueReminders(t.db, w.now);
    // Everything changes between the job and the outbox's turn.
    await t.db.insert(applications).values({ opportunityId: w.shortlisted, traineeId: w.saver.id, statement: "Applying now, before the deadline." });
    await t.db.insert(applicationEvents).values({ applicationId: w.waiting.id, actorId: w.lead.id, fromStatus: "submitted", toStatus: "waitlisted" });
    await t.db.update(applications).set({ status: "waitlisted" }).where(eq(applications.id, w.waiting.id));
    await t.db.update(applications).set({ status: "approved" }).where(eq(applications.id, w.offer.id));
    await t.db.delete(opportunitySessions).where(eq(opportunitySessions.id, w.sessionId));
    await t.db.insert(reflections).values({ applicationId: w.completed.id, whatHappened: "I ran the huddle.", soWhat: "Short huddles work.", nowWhat: "Run one every week.", rating: 4, wouldRecommend: true, finalisedAt: new Date() });
    await setOpportunity(w.passed, { status: "closed", closedAt: new Date() });
    await t.db.update(allocationRounds).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(allocationRounds.id, w.round.id));
    const sender = new CapturingSender();
    const result = await processOutboxBatch(t.db, sender, { origin: "https://invitational.example.nhs.uk" });
    expect(sender.sent).toEqual([]);
    expect(result).toMatchObject({ claimed: 7, sent: 0, cancelled: 7, failed: 0 });
    const statuses = await t.db.select({ status: emailOutbox.status }).from(emailOutbox);
    expect(statuses.every((s) => s.status === "cancelled")).toBe(true);
  });

  it("sends a reminder's e-mail while it still holds, with an unsubscribe link and one-click headers", async () => {
    const w = await everyReminder();
    await sendDueReminders(t.db, w.now);
    const sender = new CapturingSender();
    await processOutboxBatch(t.db, sender, { origin: "https://invitational.example.nhs.uk" });
    expect(sender.sent).toHaveLength(7);
    const nurse = sender.sent.find((e) => e.subject === "Invitational: Closing soon: Shadow the Chief Nurse")!;
    expect(nurse.to).toBe(w.saver.email);
    expect(nurse.text).toContain(`https://invitational.example.nhs.uk/opportunities/${w.shortlisted}`);
    const link = /https:\/\/invitational\.example\.nhs\.uk\/unsubscribe\/[A-Za-z0-9_.-]+/.exec(nurse.text)![0];
    expect(nurse.headers).toEqual({ "List-Unsubscribe": `<${link}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" });
  });

  it("honours an opt-out: the notification arrives, the e-mail is cancelled rather than sent or failed", async () => {
    const w = await everyReminder();
    await t.db.insert(emailOptOuts).values({ userId: w.saver.id, kind: "shortlist_deadline" });
    await sendDueReminders(t.db, w.now);
    const sender = new CapturingSender();
    await processOutboxBatch(t.db, sender, { origin: "https://invitational.example.nhs.uk" });
    expect(sender.sent.filter((e) => e.to === w.saver.email).map((e) => e.subject).sort()).toEqual([
      "Invitational: Tomorrow: Observe the trust board",
      "Invitational: Write your reflection: Lead a quality improvement huddle",
    ]);
    const [row] = await t.db.select({ status: emailOutbox.status }).from(emailOutbox).where(and(eq(emailOutbox.kind, "shortlist_deadline")));
    expect(row!.status).toBe("cancelled");
    expect((await listNotifications(t.db, w.saver.id)).map((n) => n.title)).toContain("Closing soon: Shadow the Chief Nurse");
  });

  it("honours an opt-out of application e-mails too, the kind every transition sends", async () => {
    const w = await everyReminder();
    await t.db.insert(emailOptOuts).values({ userId: w.applicant.id, kind: "application_event" });
    const { queueEmail } = await import("~/models/outbox.server");
    await queueEmail(t.db, { kind: "application_event", recipientId: w.applicant.id, applicationId: w.waiting.id, eventId: w.waiting.eventId, audience: "trainee" });
    const [row] = await t.db.select().from(emailOutbox);
    expect(await composeEmail(t.db, row!, { origin: "https://invitational.example.nhs.uk" })).toBeNull();
  });

  it("writes to no disabled account", async () => {
    const w = await everyReminder();
    await t.db.update(users).set({ disabledAt: new Date() }).where(sql`${users.id} in (${w.lead.id}, ${w.saver.id})`);
    const kinds = (await findDueReminders(t.db, w.now)).map((r) => r.kind).sort();
    expect(kinds).toEqual(["offer_waiting", "round_closing"]);
  });

  it("reminds of an application again when it changes and then waits another 5 working days", async () => {
    const w = await everyReminder();
    await sendDueReminders(t.db, w.now);
    const today = todayInLondon(w.now);
    await t.db.insert(applicationEvents).values({ applicationId: w.waiting.id, actorId: w.applicant.id, toStatus: "submitted", createdAt: new Date(`${waitedSinceOnOrBefore(today, 5)}T13:00:00Z`) });
    expect((await findDueReminders(t.db, w.now)).filter((r) => r.kind === "application_waiting")).toHaveLength(1);
    expect(await sendDueReminders(t.db, w.now)).toBe(1);
  });
});
