// Trainees at a trust with nothing yet this training year, and the nudges its staff send them:
// who is listed, what a nudge says and points at, and at most one nudge per trainee per month,
// also when ten are sent at once (on PostgreSQL each on its own pooled connection).
import { count, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase } from "@db/client";
import { applications, emailOutbox, notifications, nudges, opportunities, traineeProfiles } from "@db/schema";
import { listNotifications } from "~/models/notifications.server";
import { listNothingYet, sendNudges } from "~/models/nudges.server";
import { instantInLondon } from "~/utils/dates";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { composedOutbox } from "../helpers/emails";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase({ poolSize: 12 });
const today = "2026-11-25";
const statement = "I would like to learn how the executive team works.";

async function trustWithStaff() {
  const trust = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  return { trust, dme: { id: dme.id, role: "dme" as const, trustId: trust.id }, lead: { id: lead.id, role: "trust_lead" as const, trustId: trust.id } };
}

async function placedAt(trustId: string, name: string, dates: { startsOn: string; endsOn: string } = { startsOn: "2026-08-05", endsOn: "2027-02-02" }, grade: "FY2" | "CT1" = "FY2") {
  const trainee = await makeTrainee(t.db, { name, grade });
  await makePlacement(t.db, { traineeId: trainee.id, trustId, grade, source: "import", ...dates });
  return trainee;
}

async function applicationOn(opportunityId: string, traineeId: string, status: "offered" | "approved" | "completed" | "withdrawn" | "submitted") {
  await t.db.insert(applications).values({ opportunityId, traineeId, statement, status });
}

const counts = async () => ({
  nudges: (await t.db.select({ n: count() }).from(nudges))[0]!.n,
  notifications: (await t.db.select({ n: count() }).from(notifications).where(eq(notifications.kind, "nudge")))[0]!.n,
  emails: (await t.db.select({ n: count() }).from(emailOutbox).where(eq(emailOutbox.kind, "nudge")))[0]!.n,
});

describe("listNothingYet", () => {
  it("lists the trainees placed at the trust today with no offered, approved or completed opportunity starting this training year", async () => {
    const { trust } = await trustWithStaff();
    const other = await makeTrust(t.db);
    const thisYear = await makeOpportunity(t.db, other.id, { startsOn: "2027-03-01", endsOn: "2027-03-31", applicationDeadline: "2027-02-15" });
    const lastYear = await makeOpportunity(t.db, other.id, { startsOn: "2026-03-01", endsOn: "2026-03-31", applicationDeadline: "2026-02-15", sessionDate: ["2026-03-03", "", "", "", "", ""] });

    const listed = await placedAt(trust.id, "Dr Amy Able");
    await placedAt(other.id, "Dr Elsewhere Now");
    await placedAt(trust.id, "Dr Ended Before", { startsOn: "2026-02-01", endsOn: "2026-07-31" });
    await placedAt(trust.id, "Dr Starts Later", { startsOn: "2026-12-02", endsOn: "2027-06-01" });
    for (const status of ["offered", "approved", "completed"] as const) {
      const had = await placedAt(trust.id, `Dr Had ${status}`);
      await applicationOn(thisYear, had.id, status);
    }
    const lastYears = await placedAt(trust.id, "Dr Last Year Only", undefined, "CT1");
    await applicationOn(lastYear, lastYears.id, "completed");
    const withdrew = await placedAt(trust.id, "Dr Withdrew");
    await applicationOn(thisYear, withdrew.id, "withdrawn");
    const waiting = await placedAt(trust.id, "Dr Waiting");
    await applicationOn(thisYear, waiting.id, "submitted");
    const closed = await placedAt(trust.id, "Dr Closed Account");
    await t.db.update(traineeProfiles).set({ anonymisedAt: new Date() }).where(eq(traineeProfiles.userId, closed.id));

    const list = await listNothingYet(t.db, trust.id, today);
    expect(list.trainees.map((r) => r.name)).toEqual(["Dr Amy Able", "Dr Last Year Only", "Dr Waiting", "Dr Withdrew"]);
    expect(list.total).toBe(4);
    expect(list.nudgeable).toBe(4);
    expect(list.trainees[0]).toMatchObject({ traineeId: listed.id, grade: "FY2", endsOn: "2027-02-02", lastNudgedAt: null, nudgeableFrom: null });
    expect(list.trainees[1]).toMatchObject({ grade: "CT1" });
  });

  it("lists a trainee with two placements at the trust today once, with the one that ends later", async () => {
    const { trust } = await trustWithStaff();
    const trainee = await placedAt(trust.id, "Dr Two Posts");
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-11-01", endsOn: "2027-04-06" });
    const list = await listNothingYet(t.db, trust.id, today);
    expect(list.total).toBe(1);
    expect(list.trainees).toHaveLength(1);
    expect(list.trainees[0]!.endsOn).toBe("2027-04-06");
  });
});

describe("sendNudges", () => {
  it("writes one nudge, an in-app notification and an e-mail pointing at up to three opportunities at the trust the trainee can apply for", async () => {
    const { trust, dme } = await trustWithStaff();
    const other = await makeTrust(t.db);
    const trainee = await placedAt(trust.id, "Dr Amy Able");
    const open = (title: string, deadline: string, extra: Record<string, string | string[]> = {}) =>
      makeOpportunity(t.db, trust.id, { title, applicationDeadline: deadline, ...extra });
    const first = await open("Shadow the Chief Nurse", "2026-12-10");
    const second = await open("Join the safety huddle", "2026-12-20");
    const applied = await open("Shadow the Chief Executive", "2026-12-15");
    await applicationOn(applied, trainee.id, "submitted");
    await open("For registrars only", "2026-12-01", { eligibleGrades: ["ST3", "ST4"] });
    await open("Deadline passed", "2026-11-24", { startsOn: "2026-12-01", endsOn: "2026-12-31", sessionDate: ["2026-12-03", "", "", "", "", ""] });
    const closedOne = await open("Closed early", "2026-12-11");
    await t.db.update(opportunities).set({ status: "closed" }).where(eq(opportunities.id, closedOne));
    await makeOpportunity(t.db, other.id, { title: "Another trust's seat", applicationDeadline: "2026-12-05" });
    const third = await open("Buddy a manager", "2027-01-10");
    await open("A fourth, not suggested", "2027-02-10");

    const result = await sendNudges(t.db, dme, [trainee.id], today);
    expect(result).toMatchObject({ sent: 1, recent: 0, notListed: 0 });
    expect(result.outcomes[0]).toMatchObject({ outcome: "sent", suggested: [first, second, third] });
    expect(await counts()).toEqual({ nudges: 1, notifications: 1, emails: 1 });
    const [nudge] = await t.db.select().from(nudges);
    expect(nudge).toMatchObject({ traineeId: trainee.id, trustId: trust.id, sentBy: dme.id });
    // The notification stores ids only; the words are composed when shown.
    const [stored] = await t.db.select({ params: notifications.params, nudgeId: notifications.nudgeId }).from(notifications);
    expect(stored).toEqual({ params: { opportunityIds: [first, second, third].join(",") }, nudgeId: nudge!.id });

    const [shown] = await listNotifications(t.db, trainee.id);
    expect(shown!.title).toBe(`Leadership opportunities for you at ${trust.name}`);
    expect(shown!.body).toBe(
      `The director of medical education at ${trust.name} would like you to take up a leadership opportunity this training year: you have none yet. ` +
        "They suggest these opportunities, which you can apply for: Shadow the Chief Nurse (apply by 10 December 2026); Join the safety huddle (apply by 20 December 2026); Buddy a manager (apply by 10 January 2027).",
    );
    expect(shown!.link).toBe(`/opportunities?trust=${trust.odsCode}`);

    const [mail] = await composedOutbox(t.db);
    expect(mail!.email).toMatchObject({ to: trainee.email, subject: `Invitational: Leadership opportunities for you at ${trust.name}` });
    expect(mail!.email!.text).toContain(`Shadow the Chief Nurse: http://localhost:3000/opportunities/${first}`);
    expect(mail!.email!.text).toContain(`Buddy a manager: http://localhost:3000/opportunities/${third}`);
    expect(mail!.email!.text).not.toContain("A fourth");
  });

  it("sends at most one nudge per trainee per month, from any trust: not again from the same London date a month earlier", async () => {
    const { trust, dme } = await trustWithStaff();
    const { trust: second, lead: secondLead } = await trustWithStaff();
    const trainee = await placedAt(trust.id, "Dr Two Trusts");
    await makePlacement(t.db, { traineeId: trainee.id, trustId: second.id, grade: "FY2", startsOn: "2026-11-01", endsOn: "2026-12-31" });
    expect((await sendNudges(t.db, dme, [trainee.id], today)).sent).toBe(1);

    const fromOther = await sendNudges(t.db, secondLead, [trainee.id], today);
    expect(fromOther).toMatchObject({ sent: 0, recent: 1 });
    expect(fromOther.outcomes[0]).toMatchObject({ outcome: "recent" });
    expect(await counts()).toEqual({ nudges: 1, notifications: 1, emails: 1 });

    // Sent at the first moment of 25 October in London: still inside the month before 25 November.
    await t.db.update(nudges).set({ createdAt: instantInLondon("2026-10-25", "00:00")! });
    expect((await sendNudges(t.db, dme, [trainee.id], today)).recent).toBe(1);
    const list = await listNothingYet(t.db, trust.id, today);
    expect(list.trainees[0]!.nudgeableFrom).toBe("2026-11-26");
    expect(list.nudgeable).toBe(0);
    // The last minute of 24 October: a month and a day before, so another may go.
    await t.db.update(nudges).set({ createdAt: instantInLondon("2026-10-24", "23:59")! });
    expect((await listNothingYet(t.db, trust.id, today)).trainees[0]!.nudgeableFrom).toBeNull();
    expect((await sendNudges(t.db, secondLead, [trainee.id], today)).sent).toBe(1);
    expect(await counts()).toEqual({ nudges: 2, notifications: 2, emails: 2 });
  });

  it("sends to all listed, skipping and counting those nudged in the last month", async () => {
    const { trust, dme, lead } = await trustWithStaff();
    const names = ["Dr A", "Dr B", "Dr C", "Dr D"];
    const trainees = [];
    for (const n of names) trainees.push(await placedAt(trust.id, n));
    await sendNudges(t.db, lead, [trainees[1]!.id], today);
    const all = await sendNudges(t.db, dme, "all", today);
    expect(all).toMatchObject({ sent: 3, recent: 1, notListed: 0, left: 0 });
    expect(await counts()).toEqual({ nudges: 4, notifications: 4, emails: 4 });
    expect(await sendNudges(t.db, dme, "all", today)).toMatchObject({ sent: 0, recent: 4 });
  });

  it("never nudges a trainee who is not on the trust's list: another trust's, one already offered a place, an unknown id", async () => {
    const { trust, dme } = await trustWithStaff();
    const other = await makeTrust(t.db);
    const elsewhere = await placedAt(other.id, "Dr Elsewhere");
    const offered = await placedAt(trust.id, "Dr Offered");
    await applicationOn(await makeOpportunity(t.db, other.id), offered.id, "offered");
    const result = await sendNudges(t.db, dme, [elsewhere.id, offered.id, "no-such-trainee"], today);
    expect(result).toMatchObject({ sent: 0, notListed: 3 });
    expect(await counts()).toEqual({ nudges: 0, notifications: 0, emails: 0 });
  });
});

describe("the nudge limit under parallel requests", () => {
  it("10 parallel nudges to one trainee write exactly one nudge, one notification and one e-mail", async () => {
    const { trust, dme, lead } = await trustWithStaff();
    const trainee = await placedAt(trust.id, "Dr Parallel");
    await makeOpportunity(t.db, trust.id, { applicationDeadline: "2026-12-10" });
    // On PostgreSQL two pools, so the ten transactions really run at once on ten connections.
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 6 }) : null;
    try {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => sendNudges(second && i % 2 ? second.db : t.db, i % 3 ? dme : lead, [trainee.id], today)),
      );
      expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
      expect(results.reduce((n, r) => n + r.recent, 0)).toBe(9);
    } finally {
      await second?.close();
    }
    expect(await counts()).toEqual({ nudges: 1, notifications: 1, emails: 1 });
  });
});
