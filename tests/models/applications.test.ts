import { and, count, eq, isNull, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows } from "@db/client";
import { applicationEvents, applications, emailOutbox, notifications, opportunities } from "@db/schema";
import {
  applyForOpportunity,
  getApplicationForViewer,
  listApplicants,
  listApprovalQueue,
  transitionApplication,
} from "~/models/applications.server";

import { getTraineeGradeAndSpecialty } from "~/models/homes.server";
import { listNotifications } from "~/models/notifications.server";
import { changeOpportunityStatus, saveOpportunity } from "~/models/opportunities.server";
import { parseOpportunityForm } from "~/models/opportunities.schema";
import { updateProfile } from "~/models/profile.server";
import { parseSearchParams } from "~/models/search.schema";
import { searchOpportunities } from "~/models/search.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { opportunityForm } from "../helpers/opportunities";
import { countingQueries } from "../helpers/query-count";

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
    const signOff = { observedDimensions: ["engaging_the_team"], strengths: "Excellent work", nextStep: "Lead the next project" };
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "complete", { today, signOff })).toMatchObject({ ok: false, status: 409, message: expect.stringContaining("You can sign off completion from") });
    expect(await transitionApplication(t.db, asActor(lead), applicationId, "complete", { today: "2027-04-01", signOff })).toMatchObject({ ok: true, status: "completed" });
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
    const { opportunityId, lead, dme } = await setting("1");
    const holder = await applied(opportunityId);
    const a = await applied(opportunityId);
    const b = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    expect(await transitionApplication(t.db, asActor(lead), a.applicationId, "waitlist", { today })).toMatchObject({ ok: true, status: "waitlisted" });
    expect(await transitionApplication(t.db, asActor(lead), b.applicationId, "waitlist", { today })).toMatchObject({ ok: true, status: "waitlisted" });
    // Rejecting the holder frees the seat, and the waiting list offers it to the first waiting.
    expect(await transitionApplication(t.db, asActor(dme), holder.applicationId, "reject", { today, reason: "Rota" })).toMatchObject({ ok: true, promoted: [a.applicationId] });
    expect(await transitionApplication(t.db, asActor(lead), b.applicationId, "decline", { today, reason: "The one seat is taken" })).toMatchObject({ ok: true, status: "declined" });
  });

  it("refuses the waiting list while a seat is free: the seat is offered instead (the page and the server read one table)", async () => {
    const { opportunityId, lead } = await setting("1");
    const a = await applied(opportunityId);
    expect(await transitionApplication(t.db, asActor(lead), a.applicationId, "waitlist", { today })).toEqual({
      ok: false,
      status: 409,
      message: "A seat is free, so the applicant can be offered a place rather than join the waiting list",
    });
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
    expect(await getApplicationForViewer(t.db, asActor({ ...stranger, trustId: null }), applicationId, today)).toBeNull();
    expect(await getApplicationForViewer(t.db, asActor(otherDme), applicationId, today)).toBeNull();
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
    expect(result).toMatchObject({ ok: true, promoted: [newcomer.applicationId] });
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
    const queue = await listApprovalQueue(t.db, trust.id, today);
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
    const list = await listApplicants(t.db, trust.id, opportunityId, today);
    expect(list!.applicants.map((x) => [x.id, x.firstTimer])).toEqual([
      [newcomer.applicationId, true],
      [veteran.applicationId, false],
    ]);
    const other = await makeTrust(t.db);
    expect(await listApplicants(t.db, other.id, opportunityId, today)).toBeNull();
  });
});

/** An edit of the opportunity as the lead would send it: the test form with these fields changed. */
async function edit(trustId: string, opportunityId: string, fields: Record<string, string | string[]>, on = today) {
  const parsed = parseOpportunityForm(opportunityForm(fields));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return saveOpportunity(t.db, { trustId, userId: null }, parsed.data, { id: opportunityId, today: on });
}

async function statusOf(applicationId: string) {
  const [row] = await t.db.select({ status: applications.status }).from(applications).where(eq(applications.id, applicationId));
  return row?.status;
}

describe("a trainee can beat the grade rule by editing their own grade", () => {
  it("an FY1 who changes their profile to ST4 is still FY1 to an ST4-only opportunity: applying, the verdict and the search use the imported placement", async () => {
    const { opportunityId, trust } = await setting("2", { eligibleGrades: ["ST4"] });
    const fy1 = await makeTrainee(t.db, { grade: "FY1" });
    await makePlacement(t.db, { traineeId: fy1.id, trustId: trust.id, grade: "FY1", startsOn: "2026-08-05", endsOn: "2027-08-03", source: "import" });
    await updateProfile(t.db, fy1.id, { name: fy1.name, grade: "ST4", specialty: "Foundation", programme: "", ltft: false });

    expect(await applyForOpportunity(t.db, fy1.id, { opportunityId, statement, confidentiality: false }, today)).toMatchObject({
      ok: false,
      status: 409,
      formError: "Open to ST4; you are FY1.",
    });
    // The opportunity page and the search's "open to my grade" read the same grade.
    expect(await getTraineeGradeAndSpecialty(t.db, fy1.id, today)).toEqual({ grade: "FY1", gradeSelfDeclared: false, specialty: "Foundation" });
    const mine = await searchOpportunities(t.db, parseSearchParams(new URLSearchParams("eligible=mine")), { today, viewerGrade: "FY1" });
    expect(mine.results.map((r) => r.id)).not.toContain(opportunityId);
  });

  it("takes the imported placement current today, else the latest one started, else the next one; a manual placement never counts", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db, { grade: "ST8" });
    const gradeOn = async (day: string) => (await getTraineeGradeAndSpecialty(t.db, trainee.id, day))?.grade;
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT1", startsOn: "2026-02-04", endsOn: "2026-08-04", source: "import" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT2", startsOn: "2026-10-07", endsOn: "2027-08-03", source: "import" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "ST3", startsOn: "2027-08-04", endsOn: "2028-08-01", source: "import" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: (await makeTrust(t.db)).id, grade: "ST8", startsOn: "2026-08-05", endsOn: "2026-10-06", source: "manual" });
    expect(await gradeOn("2026-11-25")).toBe("CT2"); // current
    expect(await gradeOn("2026-09-01")).toBe("CT1"); // between posts: the latest one started (the manual ST8 does not count)
    expect(await gradeOn("2025-12-01")).toBe("CT1"); // before any: the next one
    expect(await gradeOn("2029-01-01")).toBe("ST3"); // after all: the latest one started
  });

  it("uses the grade the trainee typed only when no placement is imported, and staff see it as self-declared", async () => {
    const { opportunityId, trust, lead } = await setting("2", { eligibleGrades: ["FY2", "ST4"] });
    const typed = await makeTrainee(t.db, { grade: "FY2" });
    await updateProfile(t.db, typed.id, { name: typed.name, grade: "ST4", specialty: "", programme: "", ltft: false });
    const typedApp = await applyForOpportunity(t.db, typed.id, { opportunityId, statement, confidentiality: false }, today);
    const imported = await applied(opportunityId);
    await makePlacement(t.db, { traineeId: imported.trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-08-03", source: "import" });
    if (!typedApp.ok) throw new Error("apply");

    const list = await listApplicants(t.db, trust.id, opportunityId, today);
    const byId = new Map(list!.applicants.map((a) => [a.id, a]));
    expect(byId.get(typedApp.applicationId)).toMatchObject({ grade: "ST4", gradeSelfDeclared: true });
    expect(byId.get(imported.applicationId)).toMatchObject({ grade: "FY2", gradeSelfDeclared: false });
    expect(await getApplicationForViewer(t.db, asActor(lead), typedApp.applicationId, today)).toMatchObject({ grade: "ST4", gradeSelfDeclared: true });
    await transitionApplication(t.db, asActor(lead), typedApp.applicationId, "offer", { today });
    expect((await listApprovalQueue(t.db, trust.id, today)).map((q) => [q.grade, q.gradeSelfDeclared])).toEqual([["ST4", true]]);
  });
});

describe("closing an account, or withdrawing, rewrites history and offers dead seats", () => {
  const afterEnd = "2027-04-02"; // the test opportunity runs through March 2027

  it("withdrawing after the end date is refused with a message, and the outcome stays", async () => {
    const { opportunityId, lead, dme } = await setting("1");
    const { trainee, applicationId } = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(dme), applicationId, "approve", { today });
    expect(await transitionApplication(t.db, asActor({ ...trainee, trustId: null }), applicationId, "withdraw", { today: afterEnd })).toEqual({
      ok: false,
      status: 409,
      message: "This opportunity ended on 31 March 2027, so the application can no longer be withdrawn: it stays on your record as it is",
    });
    expect(await statusOf(applicationId)).toBe("approved");
    // Up to the last day it can still be withdrawn.
    expect(await transitionApplication(t.db, asActor({ ...trainee, trustId: null }), applicationId, "withdraw", { today: "2027-03-31" })).toMatchObject({ ok: true, status: "withdrawn" });
  });

  it("a seat freed after the end is not offered to the waiting list, and the DME is not asked to approve it", async () => {
    const { opportunityId, lead, dme, trust } = await setting("1");
    const holder = await applied(opportunityId);
    const waiting = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(lead), waiting.applicationId, "waitlist", { today });
    const dmeNotesBefore = (await listNotifications(t.db, dme.id)).length;
    expect(await transitionApplication(t.db, asActor(dme), holder.applicationId, "reject", { today: afterEnd, reason: "Too late to release the trainee" })).toMatchObject({ ok: true, promoted: [] });
    expect(await statusOf(waiting.applicationId)).toBe("waitlisted");
    expect(await listNotifications(t.db, dme.id)).toHaveLength(dmeNotesBefore);
    expect(await listApprovalQueue(t.db, trust.id, afterEnd)).toEqual([]);
  });

  it("nobody is promoted onto a closed opportunity; reopening it offers the free seat", async () => {
    const { opportunityId, lead, dme, trust } = await setting("1");
    const holder = await applied(opportunityId);
    const waiting = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(lead), waiting.applicationId, "waitlist", { today });
    await changeOpportunityStatus(t.db, trust.id, opportunityId, "close", today);
    expect(await transitionApplication(t.db, asActor(dme), holder.applicationId, "reject", { today, reason: "Rota" })).toMatchObject({ ok: true, promoted: [] });
    expect(await statusOf(waiting.applicationId)).toBe("waitlisted");
    expect(await changeOpportunityStatus(t.db, trust.id, opportunityId, "reopen", today)).toEqual({ ok: true, promoted: [waiting.applicationId] });
    expect(await statusOf(waiting.applicationId)).toBe("offered");
  });
});

describe("raising the seats does not promote the waiting list", () => {
  it("changing the seats from 1 to 2 offers the new seat to the first on the waiting list, in the same save, and tells them and the DME", async () => {
    const { opportunityId, lead, dme, trust } = await setting("1");
    const holder = await applied(opportunityId);
    const first = await applied(opportunityId);
    const second = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(lead), first.applicationId, "waitlist", { today });
    await transitionApplication(t.db, asActor(lead), second.applicationId, "waitlist", { today });
    const dmeNotesBefore = (await listNotifications(t.db, dme.id)).length;

    expect(await edit(trust.id, opportunityId, { seats: "2" })).toEqual({ ok: true, id: opportunityId, promoted: [first.applicationId] });
    expect(await statusOf(first.applicationId)).toBe("offered");
    expect(await statusOf(second.applicationId)).toBe("waitlisted");
    expect((await eventsOf(first.applicationId)).at(-1)).toMatchObject({ fromStatus: "waitlisted", toStatus: "offered", actorId: null });
    expect((await listNotifications(t.db, first.trainee.id)).map((n) => n.title)).toContain("Offered, waiting for approval: Shadow the Chief Medical Officer");
    expect((await listApprovalQueue(t.db, trust.id, today)).map((q) => q.id)).toEqual([holder.applicationId, first.applicationId]);
    expect(await listNotifications(t.db, dme.id)).toHaveLength(dmeNotesBefore + 1);

    // Saving again with the same seats changes nothing more.
    expect(await edit(trust.id, opportunityId, { seats: "2" })).toMatchObject({ ok: true, promoted: [] });
    // Three seats for one waiting: one more offer, and the list is empty.
    expect(await edit(trust.id, opportunityId, { seats: "4" })).toMatchObject({ ok: true, promoted: [second.applicationId] });
  });

  it("does not promote when the edit leaves the opportunity ended", async () => {
    const { opportunityId, lead, trust } = await setting("1");
    const holder = await applied(opportunityId);
    const waiting = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(lead), waiting.applicationId, "waitlist", { today });
    expect(await edit(trust.id, opportunityId, { seats: "2" }, "2027-04-02")).toMatchObject({ ok: true, promoted: [] });
    expect(await statusOf(waiting.applicationId)).toBe("waitlisted");
  });
});

describe("sign off as completed is offered before the opportunity has started", () => {
  it("the lead's page offers sign-off only from the end date, and the trainee's page withdrawal only until then", async () => {
    const { opportunityId, lead, dme } = await setting();
    const { trainee, applicationId } = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), applicationId, "offer", { today });
    await transitionApplication(t.db, asActor(dme), applicationId, "approve", { today });
    expect(await getApplicationForViewer(t.db, asActor(lead), applicationId, today)).toMatchObject({
      actions: [],
      notYet: ["You can sign off completion from 31 March 2027, when the opportunity ends"],
    });
    expect((await getApplicationForViewer(t.db, asActor(lead), applicationId, "2027-03-31"))?.actions).toEqual(["complete", "not_complete"]);
    expect((await getApplicationForViewer(t.db, asActor({ ...trainee, trustId: null }), applicationId, today))?.actions).toEqual(["withdraw"]);
    expect((await getApplicationForViewer(t.db, asActor({ ...trainee, trustId: null }), applicationId, "2027-04-01"))?.actions).toEqual([]);
  });

  it("the applicants list offers 'Add to waiting list' rather than an offer once the seats are full", async () => {
    const { opportunityId, lead, trust } = await setting("1");
    const holder = await applied(opportunityId);
    const next = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    const list = await listApplicants(t.db, trust.id, opportunityId, today);
    expect(list!.applicants.find((a) => a.id === next.applicationId)?.actions).toEqual(["waitlist", "decline"]);
  });
});

describe("listApplicants and listApprovalQueue run one placements query per row", () => {
  it("sends the same few queries for 25 applicants as for 1", async () => {
    const { opportunityId, lead, trust } = await setting("50");
    const counting = countingQueries(t.db, t.database.driver);
    const cost = async () => {
      counting.reset();
      const list = await listApplicants(counting.db, trust.id, opportunityId, today);
      const applicants = counting.queries.length;
      counting.reset();
      const queue = await listApprovalQueue(counting.db, trust.id, today);
      return { applicants, queue: counting.queries.length, rows: list!.applicants.length, queued: queue.length };
    };
    const one = await applied(opportunityId);
    await makePlacement(t.db, { traineeId: one.trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });
    await transitionApplication(t.db, asActor(lead), one.applicationId, "offer", { today });
    const small = await cost();
    for (let i = 0; i < 24; i++) {
      const a = await applied(opportunityId);
      await makePlacement(t.db, { traineeId: a.trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });
      await transitionApplication(t.db, asActor(lead), a.applicationId, "offer", { today });
    }
    const large = await cost();
    expect(small).toEqual({ applicants: 3, queue: 2, rows: 1, queued: 1 });
    expect(large).toEqual({ applicants: 3, queue: 2, rows: 25, queued: 25 });
    // Each row still carries its own placements.
    const list = await listApplicants(t.db, trust.id, opportunityId, today);
    expect(list!.applicants.every((a) => a.placements.length === 1 && a.placements[0]!.trustId === trust.id)).toBe(true);
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

describe("fewer seats while a place is being offered", () => {
  it("an edit that waited on the opportunity's lock for an offer counted the seats from before it: the seats fell below the places offered", async () => {
    const { opportunityId, lead, trust } = await setting("2");
    const holder = await applied(opportunityId);
    const next = await applied(opportunityId);
    await transitionApplication(t.db, asActor(lead), holder.applicationId, "offer", { today });
    const second = usingPostgres && t.url ? await createTestDatabaseAt(t.url) : null;
    let saved: Awaited<ReturnType<typeof edit>>;
    if (second) {
      // An offer in flight on another connection, as transitionApplication makes one: it holds
      // the opportunity's row lock until the edit is queued behind it, then commits.
      let locked!: () => void;
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const offering = second.db.transaction(async (tx) => {
        await tx.select({ id: opportunities.id }).from(opportunities).where(eq(opportunities.id, opportunityId)).for("update");
        await tx.update(applications).set({ status: "offered" }).where(eq(applications.id, next.applicationId));
        locked();
        await released;
      });
      await holding;
      const editing = edit(trust.id, opportunityId, { seats: "1" });
      await until(async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n > 0);
      release();
      await offering;
      saved = await editing;
      await second.close();
    } else {
      // PGlite runs one statement at a time: the offer simply comes first.
      await transitionApplication(t.db, asActor(lead), next.applicationId, "offer", { today });
      saved = await edit(trust.id, opportunityId, { seats: "1" });
    }
    expect(saved).toMatchObject({ ok: false, status: 400, fieldErrors: { seats: "2 places are already offered or approved: the number of seats must be 2 or more" } });
    const [opp] = await t.db.select({ seats: opportunities.seats }).from(opportunities).where(eq(opportunities.id, opportunityId));
    expect(opp!.seats).toBe(2);
  });
});

/** Resolves once the check holds, checking again as soon as the last check has answered. */
async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
}

async function createTestDatabaseAt(url: string) {
  const { openDatabase } = await import("@db/client");
  return openDatabase({ url, poolSize: 10 });
}

