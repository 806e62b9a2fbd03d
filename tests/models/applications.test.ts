import { and, count, eq, isNull } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications, emailOutbox, notifications } from "@db/schema";
import {
  applyForOpportunity,
  getApplicationForViewer,
  listApplicants,
  listApprovalQueue,
  transitionApplication,
} from "~/models/applications.server";

import { listNotifications } from "~/models/notifications.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
const today = "2026-11-25";
const statement = "I want to learn how the executive team makes decisions about patient safety and flow.";

async function setting(seats = "2", fields: Record<string, string | string[]> = {}) {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const opportunityId = await makeOpportunity(t.db, trust.id, { seats, ...fields });
  return { trust, lead, dme, opportunityId };
}

async function applied(opportunityId: string, grade: "FY2" | "CT1" = "FY2") {
  const trainee = await makeTrainee(t.db, { grade });
  const result = await applyForOpportunity(t.db, trainee.id, { opportunityId, statement, confidentiality: false }, today);
  if (!result.ok) throw new Error(JSON.stringify(result));
  return { trainee, applicationId: result.applicationId };
}

const asActor = (u: { id: string; role: "trainee" | "trust_lead" | "dme" | "admin"; trustId: string | null }) => ({ id: u.id, role: u.role, trustId: u.trustId });

async function eventsOf(applicationId: string) {
  return t.db.select().from(applicationEvents).where(eq(applicationEvents.applicationId, applicationId)).orderBy(applicationEvents.id);
}

describe("applying", () => {
  it("records the application, its first event, and tells the trainee and the trust lead", async () => {
    const { opportunityId, lead } = await setting();
    const { trainee, applicationId } = await applied(opportunityId);
    expect((await eventsOf(applicationId)).map((e) => [e.fromStatus, e.toStatus])).toEqual([[null, "submitted"]]);
    const notes = await t.db.select().from(notifications);
    expect(notes.map((n) => n.userId).sort()).toEqual([trainee.id, lead.id].sort());
    expect(await t.db.select().from(emailOutbox)).toHaveLength(2);
  });

  it("re-checks eligibility, the deadline and a second application", async () => {
    const { opportunityId } = await setting("2", { eligibleGrades: ["ST4"] });
    const trainee = await makeTrainee(t.db, { grade: "FY2" });
    expect(await applyForOpportunity(t.db, trainee.id, { opportunityId, statement, confidentiality: false }, today)).toMatchObject({ ok: false, status: 409, formError: "Open to ST4; you are FY2." });
    const open = await setting();
    const first = await applyForOpportunity(t.db, trainee.id, { opportunityId: open.opportunityId, statement, confidentiality: false }, today);
    expect(first.ok).toBe(true);
    expect(await applyForOpportunity(t.db, trainee.id, { opportunityId: open.opportunityId, statement, confidentiality: false }, today)).toMatchObject({ ok: false, status: 409, formError: "You have already applied for this opportunity" });
    expect(await applyForOpportunity(t.db, trainee.id, { opportunityId: open.opportunityId, statement, confidentiality: false }, "2027-03-01")).toMatchObject({ ok: false, status: 409 });
  });

  it("asks for the confidentiality statement on board seats and records it", async () => {
    const { opportunityId } = await setting("2", { type: "board_seat" });
    const trainee = await makeTrainee(t.db);
    expect(await applyForOpportunity(t.db, trainee.id, { opportunityId, statement, confidentiality: false }, today)).toMatchObject({ ok: false, status: 400, fieldErrors: { confidentiality: expect.any(String) } });
    const ok = await applyForOpportunity(t.db, trainee.id, { opportunityId, statement, confidentiality: true }, today);
    if (!ok.ok) throw new Error("apply");
    const [row] = await t.db.select().from(applications).where(eq(applications.id, ok.applicationId));
    expect(row!.confidentialityAcceptedAt).not.toBeNull();
  });

  it("refuses a draft opportunity as not found", async () => {
    const trust = await makeTrust(t.db);
    const draft = await makeOpportunity(t.db, trust.id, {}, "draft");
    const trainee = await makeTrainee(t.db);
    expect(await applyForOpportunity(t.db, trainee.id, { opportunityId: draft, statement, confidentiality: false }, today)).toMatchObject({ ok: false, status: 404 });
  });
});

describe("transitions", () => {
  it("a lead's 'New application' notification is read once the lead has decided the application (acting reads it)", async () => {
    const { opportunityId, lead, dme } = await setting();
    const other = await makeUser(t.db, { role: "trust_lead", trustId: (await makeTrust(t.db)).id });
    const { applicationId } = await applied(opportunityId);
    const unread = async (userId: string) =>
      (await t.db.select().from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))).length;
    expect(await unread(lead.id)).toBe(1);
    await transitionApplication(t.db, asActor(lead), applicationId, "offer", { today });
    expect(await unread(lead.id)).toBe(0);
    // The DME's notification waits until the DME acts; nobody else's changes.
    expect(await unread(dme.id)).toBe(1);
    await transitionApplication(t.db, asActor(dme), applicationId, "approve", { today });
    expect(await unread(dme.id)).toBe(0);
    expect(await unread(other.id)).toBe(0);
  });

  it("goes submitted → offered → approved → completed with an event for each", async () => {
    const { opportunityId, lead, dme } = await setting();
    const { applicationId } = await applied(opportunityId);
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "offer", { today })).toMatchObject({ ok: true, status: "offered" });
    expect(await transitionApplication(t.db, asActor(dme), applicationId, "approve", { today })).toMatchObject({ ok: true, status: "approved" });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "complete", { today })).toMatchObject({ ok: false, status: 409, message: expect.stringContaining("You can sign off completion from") });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "complete", { today: "2027-04-01", reason: "Excellent work" })).toMatchObject({ ok: true, status: "completed" });
    expect((await eventsOf(applicationId)).map((e) => e.toStatus)).toEqual(["submitted", "offered", "approved", "completed"]);
  });

  it("records a placement as not completed with the sponsor's note, and refuses a withdrawal afterwards", async () => {
    const { opportunityId, lead, dme } = await setting();
    const { trainee, applicationId } = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(dme), applicationId, "approve", { today });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "not_complete", { today: "2027-04-01" })).toMatchObject({ ok: false, status: 400 });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "not_complete", { today: "2027-04-01", reason: "Did not attend the sessions" })).toMatchObject({ ok: true, status: "not_completed" });
    expect(await transitionApplication(t.db, asActor({ ...trainee, trustId: null }), applicationId, "withdraw", { today: "2027-04-02" })).toMatchObject({ ok: false, status: 409 });
  });

  it("lets a waitlisted applicant be offered later or declined", async () => {
    const { opportunityId, lead } = await setting("1");
    const a = await applied(opportunityId);
    const b = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), a.applicationId, "waitlist", { today });
    await transitionApplication(t.db, asActor(lead), b.applicationId, "waitlist", { today });
    expect(await transitionApplication(t.db, asActor(lead), a.applicationId, "offer", { today })).toMatchObject({ ok: true, status: "offered" });
    expect(await transitionApplication(t.db, asActor(lead), b.applicationId, "decline", { today, reason: "The one seat is taken" })).toMatchObject({ ok: true, status: "declined" });
  });

  it("refuses the wrong role with 403 and another trust's staff with 404", async () => {
    const { opportunityId, lead } = await setting();
    const { trainee, applicationId } = await applied(opportunityId);
    const other = await makeTrust(t.db);
    const otherDme = await makeUser(t.db, { role: "dme", trustId: other.id });
    expect(await transitionApplication(t.db, asActor({ ...trainee, trustId: null }), applicationId, "offer", { today })).toMatchObject({ ok: false, status: 403 });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "approve", { today })).toMatchObject({ ok: false, status: 403 });
    expect(await transitionApplication(t.db, asActor(otherDme), applicationId, "approve", { today })).toMatchObject({ ok: false, status: 404 });
    const stranger = await makeTrainee(t.db);
    expect(await transitionApplication(t.db, asActor({ ...stranger, trustId: null }), applicationId, "withdraw", { today })).toMatchObject({ ok: false, status: 404 });
    expect(await getApplicationForViewer(t.db, asActor({ ...stranger, trustId: null }), applicationId)).toBeNull();
    expect(await getApplicationForViewer(t.db, asActor(otherDme), applicationId)).toBeNull();
  });

  it("answers 409 saying why when the status has moved on", async () => {
    const { opportunityId, lead } = await setting();
    const { trainee, applicationId } = await applied(opportunityId);
    await transitionApplication(t.db, asActor({ ...trainee, trustId: null }), applicationId, "withdraw", { today, reason: "Rota clash" });
    const result = await transitionApplication(t.db, asActor(lead), applicationId, "offer", { today });
    expect(result).toMatchObject({ ok: false, status: 409, message: expect.stringMatching(/^This application was withdrawn on \d+ \w+ \d{4}, so it cannot be offered now$/) });
  });

  it("needs a reason to decline", async () => {
    const { opportunityId, lead } = await setting();
    const { applicationId } = await applied(opportunityId);
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "decline", { today, reason: " " })).toMatchObject({ ok: false, status: 400 });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "decline", { today, reason: "All places went to first-timers" })).toMatchObject({ ok: true });
    const [last] = (await eventsOf(applicationId)).slice(-1);
    expect(last!.reason).toBe("All places went to first-timers");
  });

  it("makes no second event when the same form is sent twice", async () => {
    const { opportunityId, lead } = await setting();
    const { applicationId } = await applied(opportunityId);
    const [a, b] = await Promise.all([
      transitionApplication(t.db, asActor(lead), applicationId, "offer", { today }),
      transitionApplication(t.db, asActor(lead), applicationId, "offer", { today }),
    ]);
    expect([a, b].every((r) => r.ok)).toBe(true);
    expect((await eventsOf(applicationId)).filter((e) => e.toStatus === "offered")).toHaveLength(1);
  });

  it("refuses an offer when the seats are full, and offers waitlisting instead", async () => {
    const { opportunityId, lead } = await setting("1");
    const first = await applied(opportunityId);
    const second = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), first.applicationId, "offer", { today });
    expect(await transitionApplication(t.db, asActor(lead), second.applicationId, "offer", { today })).toEqual({
      ok: false,
      status: 409,
      message: "All 1 seat is taken: add the applicant to the waiting list instead",
    });
    expect(await transitionApplication(t.db, asActor(lead), second.applicationId, "waitlist", { today })).toMatchObject({ ok: true });
  });

  it("offers a freed seat to the next waitlisted applicant, first-timers first, and tells them", async () => {
    const { opportunityId, lead, dme, trust } = await setting("1");
    const holder = await applied(opportunityId);
    const veteran = await applied(opportunityId);
    const newcomer = await applied(opportunityId);
    // The veteran already had a leadership opportunity elsewhere.
    const earlier = await makeOpportunity(t.db, trust.id, { title: "Earlier" });
    await t.db.insert(applications).values({ opportunityId: earlier, traineeId: veteran.trainee.id, statement, status: "completed" });
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(lead), veteran.applicationId, "waitlist", { today });
    await transitionApplication(t.db, asActor(lead), newcomer.applicationId, "waitlist", { today });

    const result = await transitionApplication(t.db, asActor(dme), holder.applicationId, "reject", { today, reason: "Rota cannot release the trainee" });
    expect(result).toMatchObject({ ok: true, promoted: newcomer.applicationId });
    const events = await eventsOf(newcomer.applicationId);
    expect(events.at(-1)).toMatchObject({ fromStatus: "waitlisted", toStatus: "offered", actorId: null });
    const told = await listNotifications(t.db, newcomer.trainee.id);
    expect(told.map((n) => n.title)).toContain("Offered, waiting for approval: Shadow the Chief Medical Officer");
    expect(told.find((n) => n.title.startsWith("Offered"))!.body).toContain("A seat came free");
  });

  it("puts offered applications in the DME's queue with a warning when the trainee is placed elsewhere", async () => {
    const { opportunityId, lead, trust } = await setting();
    const elsewhere = await makeTrust(t.db);
    const a = await applied(opportunityId);
    await makePlacement(t.db, { traineeId: a.trainee.id, trustId: elsewhere.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });
    const b = await applied(opportunityId);
    await makePlacement(t.db, { traineeId: b.trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });
    await transitionApplication(t.db, asActor(lead), a.applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(lead), b.applicationId, "offer", { today });
    const queue = await listApprovalQueue(t.db, trust.id);
    expect(queue.map((q) => q.id)).toEqual([a.applicationId, b.applicationId]);
    expect(queue[0]!.warning).toContain(elsewhere.name);
    expect(queue[1]!.warning).toBeNull();
  });

  it("lists applicants first-timers first with where they are placed", async () => {
    const { opportunityId, trust } = await setting();
    const veteran = await applied(opportunityId);
    const earlier = await makeOpportunity(t.db, trust.id, { title: "Earlier" });
    await t.db.insert(applications).values({ opportunityId: earlier, traineeId: veteran.trainee.id, statement, status: "approved" });
    const newcomer = await applied(opportunityId);
    const list = await listApplicants(t.db, trust.id, opportunityId);
    expect(list!.applicants.map((x) => [x.id, x.firstTimer])).toEqual([
      [newcomer.applicationId, true],
      [veteran.applicationId, false],
    ]);
    const other = await makeTrust(t.db);
    expect(await listApplicants(t.db, other.id, opportunityId)).toBeNull();
  });
});

describe("concurrency on a real server", () => {
  it("25 parallel offers and approvals on 3 seats end with exactly 3 holding seats", async () => {
    const { opportunityId, lead, dme } = await setting("3");
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await applied(opportunityId)).applicationId);
    // On PostgreSQL each transaction gets its own pooled connection: a real race.
    const second = usingPostgres && t.url ? await createTestDatabaseAt(t.url) : null;
    const dbFor = (i: number) => (second && i % 2 ? second.db : t.db);
    const offers = await Promise.all(ids.map((id, i) => transitionApplication(dbFor(i), asActor(lead), id, "offer", { today })));
    const approvals = await Promise.all(ids.map((id, i) => transitionApplication(dbFor(i + 1), asActor(dme), id, "approve", { today })));
    await second?.close();
    expect(offers.filter((r) => r.ok)).toHaveLength(3);
    for (const r of offers.filter((x) => !x.ok)) expect(r).toMatchObject({ status: 409, message: "All 3 seats are taken: add the applicant to the waiting list instead" });
    expect(approvals.filter((r) => r.ok)).toHaveLength(3);
    const holding = await t.db.select({ status: applications.status }).from(applications).where(and(eq(applications.opportunityId, opportunityId)));
    expect(holding.filter((h) => h.status === "approved")).toHaveLength(3);
    expect(holding.filter((h) => h.status === "submitted")).toHaveLength(22);
    const offeredEvents = await t.db.select({ n: count() }).from(applicationEvents).where(eq(applicationEvents.toStatus, "offered"));
    expect(offeredEvents[0]!.n).toBe(3);
  });
});

async function createTestDatabaseAt(url: string) {
  const { openDatabase } = await import("@db/client");
  return openDatabase({ url, poolSize: 10 });
}

