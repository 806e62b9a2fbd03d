import { and, count, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { hasDemoAccounts, readReferenceTrusts, seedDemoData } from "@db/seed/demo";
import { allocationRounds, applicationEvents, applications, completionSignoffs, emailOutbox, reflections, notifications, opportunities, placements, reportBaselines, roundPreferences, sites, traineeProfiles, trusts, users } from "@db/schema";
import { APPLICATION_STATUSES } from "~/models/domain";
import type { RoundRecord } from "~/models/round-rules";
import { listApprovalQueue, listTraineeApplications } from "~/models/applications.server";
import { countUnread } from "~/models/notifications.server";
import { listViewsOfTrainee } from "~/models/audit.server";
import { getDmeHome, getTraineeHome } from "~/models/homes.server";
import { listChoices } from "~/models/round-choices.server";
import { opportunityRatings } from "~/models/reflections.server";
import { readReportParams } from "~/models/measures";
import { evaluationOf } from "~/models/measures.server";

import { addDaysIso } from "~/utils/dates";

import { createTestDatabase, type TestDatabase } from "../helpers/db";

const today = "2026-11-25";

// Seeding takes 2 s on PostgreSQL and 10 s or more on PGlite, and every test here only reads
// what it made: the demo data is seeded once for the file, into a database that starts empty.
let t: TestDatabase;
let emptyBefore: boolean;
let seeded: boolean;
beforeAll(async () => {
  t = await createTestDatabase();
  emptyBefore = !(await hasDemoAccounts(t.db));
  seeded = await seedDemoData(t.db, today);
}, 300_000);
afterAll(async () => {
  await t?.dispose();
});

describe("demo data", () => {
  it("gives the demo trainee a completed opportunity with a draft reflection and one with a final one shared with RRK, and the lead an opportunity with ratings", async () => {
    const [demo] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const mine = await t.db
      .select({ status: applications.status, trustId: opportunities.trustId, finalisedAt: reflections.finalisedAt, sharedAt: reflections.sharedAt, rating: reflections.rating })
      .from(reflections)
      .innerJoin(applications, eq(applications.id, reflections.applicationId))
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .where(eq(applications.traineeId, demo!.id));
    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    expect(mine).toHaveLength(2);
    expect(mine.every((r) => r.status === "completed" && r.trustId === rrk!.id)).toBe(true);
    expect(mine.filter((r) => r.finalisedAt === null && r.sharedAt === null)).toHaveLength(1);
    expect(mine.filter((r) => r.finalisedAt !== null && r.sharedAt !== null && r.rating !== null)).toHaveLength(1);

    // Every completed sign-off carries the sponsor's structured feedback.
    const signOffs = await t.db.select().from(completionSignoffs).where(eq(completionSignoffs.outcome, "completed"));
    expect(signOffs.length).toBeGreaterThanOrEqual(10);
    for (const s of signOffs) {
      expect(s.observedDimensions.length).toBeGreaterThanOrEqual(1);
      expect(s.strengths).not.toBe("");
      expect(s.nextStep).not.toBe("");
    }

    // Some RRK opportunity has enough final ratings for its lead to see them.
    const rrkOpportunities = await t.db.select({ id: opportunities.id }).from(opportunities).where(eq(opportunities.trustId, rrk!.id));
    const ratings = await Promise.all(rrkOpportunities.map((o) => opportunityRatings(t.db, o.id)));
    expect(ratings.some((r) => r.shown && r.rated >= 8)).toBe(true);

    // England's report for this year shows evaluation scores, overall and for at least one type.
    const read = readReportParams(new URLSearchParams(), today);
    if (!read.ok) throw new Error("the default report does not read");
    const evaluation = await evaluationOf(t.db, read.query);
    expect(Number(evaluation.find((r) => r.group === "all")!.rated)).toBeGreaterThanOrEqual(8);
    expect(evaluation.filter((r) => r.group === "type" && r.mean !== "").length).toBeGreaterThanOrEqual(1);
  });

  it("fills an empty database with the reference trusts, one account per role and 40 trainees on rotation", async () => {
    expect(emptyBefore).toBe(true);
    expect(seeded).toBe(true);
    const [trustCount] = await t.db.select({ n: count() }).from(trusts);
    expect(trustCount!.n).toBe(readReferenceTrusts().length);
    const [siteCount] = await t.db.select({ n: count() }).from(sites);
    expect(siteCount!.n).toBeGreaterThanOrEqual(trustCount!.n);

    const roles = await t.db.select({ role: users.role, n: count() }).from(users).groupBy(users.role);
    expect(Object.fromEntries(roles.map((r) => [r.role, r.n]))).toEqual({ admin: 1, trust_lead: 1, dme: 1, trainee: 41 });
    expect(await hasDemoAccounts(t.db)).toBe(true);

    const trainees = await t.db.select({ id: users.id }).from(users).where(eq(users.role, "trainee"));
    for (const trainee of trainees) {
      const home = await getTraineeHome(t.db, trainee.id, today);
      expect(home?.current, "every demo trainee is placed today").not.toBeNull();
    }
    const demo = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const home = await getTraineeHome(t.db, demo[0]!.id, today);
    expect(home?.current?.trustOds).toBe("RRK");
    expect(home?.next?.trustOds).toBe("RKB");

    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    const dme = await getDmeHome(t.db, rrk!.id, today);
    expect(dme!.placedNow.trainees.length).toBeGreaterThanOrEqual(5);
    expect(dme!.startingNext.trainees.length).toBeGreaterThanOrEqual(1);
  });

  it("gives every role living work: applicants for the lead, placements for the DME, the trainee's own applications and notifications", async () => {
    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    const person = async (email: string) => (await t.db.select({ id: users.id }).from(users).where(eq(users.email, email)))[0]!.id;
    const submitted = await t.db
      .select({ n: count() })
      .from(applications)
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .where(and(eq(opportunities.trustId, rrk!.id), eq(applications.status, "submitted")));
    expect(submitted[0]!.n).toBeGreaterThanOrEqual(5);
    expect((await listApprovalQueue(t.db, rrk!.id, today)).length).toBeGreaterThanOrEqual(1);
    const mine = await listTraineeApplications(t.db, await person("trainee@demo.test"));
    expect(mine.map((a) => a.status).sort()).toEqual(["approved", "completed", "completed", "submitted"]);
    expect(await countUnread(t.db, await person("lead@demo.test"))).toBeGreaterThanOrEqual(5);
    expect(await countUnread(t.db, await person("trainee@demo.test"))).toBeGreaterThanOrEqual(3);
    // No e-mail waits for the demo's made-up addresses.
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.status, "pending"))).toHaveLength(0);
  });

  it("holds an open round at RRK with a few choices and an allocated one where a first-timer took a seat over a trainee already placed", async () => {
    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    const rounds = await t.db.select().from(allocationRounds).where(eq(allocationRounds.trustId, rrk!.id));
    const open = rounds.find((r) => r.status === "open")!;
    const allocated = rounds.find((r) => r.status === "allocated")!;
    expect(open.closesAt.getTime()).toBeGreaterThan(new Date(`${today}T12:00:00Z`).getTime() + 14 * 24 * 3_600_000);
    expect(open.opensAt.getTime()).toBeLessThan(new Date(`${today}T00:00:00Z`).getTime());
    const choices = await t.db.select({ traineeId: roundPreferences.traineeId }).from(roundPreferences).where(eq(roundPreferences.roundId, open.id));
    expect(new Set(choices.map((c) => c.traineeId)).size).toBeGreaterThanOrEqual(3);

    const record = allocated.record as unknown as RoundRecord;
    const placed = new Set(record.result.placements.map((p) => p.traineeId));
    const before = new Map(record.input.trainees.map((x) => [x.id, x.placedBefore]));
    expect(record.result.unplaced.some((id) => before.get(id)! > 0), "a trainee already placed this year is not placed").toBe(true);
    expect([...placed].some((id) => before.get(id) === 0)).toBe(true);
    // First come, first served would have seated the trainee already placed, who saved first.
    expect(record.comparison.firstComeFirstServed.firstTimersPlaced).toBeLessThan(record.result.summary.firstTimersPlaced);
    const offers = await t.db.select({ status: applications.status }).from(applications).where(eq(applications.roundId, allocated.id));
    expect(offers.filter((a) => a.status === "offered")).toHaveLength(placed.size);
    expect(offers.some((a) => a.status === "waitlisted")).toBe(true);
  });

  it("gives the demo trainee more than one opportunity to rank in the open round, so choices can be ordered", async () => {
    // It held one: the demo trainee could add a single choice and never move one up or down.
    const [demo] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const [open] = await t.db.select({ id: allocationRounds.id }).from(allocationRounds).where(and(eq(allocationRounds.status, "open"), eq(allocationRounds.name, "Spring leadership round")));
    const page = await listChoices(t.db, demo!.id, open!.id, today, new Date(`${today}T12:00:00Z`));
    expect(page!.choices).toHaveLength(0);
    expect(page!.others.filter((o) => o.eligible).length).toBeGreaterThanOrEqual(3);
  });

  it("holds applications in every state on opportunities starting in this training year and in the last one, with their history dated when it happened", async () => {
    const byYear = await t.db
      .select({ year: sql<string>`case when ${opportunities.startsOn} >= '2026-08-01' then 'this' else 'last' end`, status: applications.status, n: count() })
      .from(applications)
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .where(sql`${opportunities.startsOn} >= '2025-08-01' and ${opportunities.startsOn} <= '2027-07-31'`)
      .groupBy(sql`1`, applications.status);
    for (const year of ["this", "last"]) {
      const states = byYear.filter((r) => r.year === year).map((r) => r.status).sort();
      expect(states, `${year} training year`).toEqual([...APPLICATION_STATUSES].sort());
    }
    // The history is dated on or before the seed's day (the rest of the demo's events are made
    // now, by the real clock), and last year's approvals were made last year (the monthly series has a past).
    const [future] = await t.db
      .select({ n: count() })
      .from(applicationEvents)
      .where(sql`${applicationEvents.createdAt} > ${`${today}T23:59:59Z`}::timestamptz and ${applicationEvents.createdAt} < now() - interval '1 hour'`);
    expect(future!.n).toBe(0);
    const approvalsByMonth = await t.db
      .selectDistinct({ month: sql<string>`to_char(${applicationEvents.createdAt}, 'YYYY-MM')` })
      .from(applicationEvents)
      .where(eq(applicationEvents.toStatus, "approved"));
    expect(approvalsByMonth.filter((m) => m.month < "2026-08").length).toBeGreaterThanOrEqual(4);
    // Every application's status is where its last event left it.
    const drift = await t.db.execute(sql`select a.id from applications a
      where a.status <> (select e.to_status from application_events e where e.application_id = a.id order by e.created_at desc, e.id desc limit 1)`);
    expect(Array.isArray(drift) ? drift : (drift as { rows: unknown[] }).rows).toHaveLength(0);
    // Old news is read: nobody's bell rings for last year.
    const [unreadOld] = await t.db.select({ n: count() }).from(notifications).where(and(isNull(notifications.readAt), sql`${notifications.createdAt} < '2026-08-01'`));
    expect(unreadOld!.n).toBe(0);
  });

  it("places trainees last year too, a grade lower where their programme has one, some at the DME's trust", async () => {
    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    const lastYear = await t.db
      .select({ traineeId: placements.traineeId, trustId: placements.trustId, grade: placements.grade })
      .from(placements)
      .where(sql`${placements.startsOn} <= '2026-07-31' and ${placements.endsOn} >= '2025-08-01'`);
    expect(new Set(lastYear.map((p) => p.traineeId)).size).toBe(41);
    expect(lastYear.filter((p) => p.trustId === rrk!.id).length).toBeGreaterThanOrEqual(5);
    const demo = (await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test")))[0]!;
    expect(lastYear.filter((p) => p.traineeId === demo.id).map((p) => p.grade)).toContain("FY1");
  });

  it("records a baseline for this training year and a spread of equality answers, with Prefer not to say and unanswered", async () => {
    expect(await t.db.select({ year: reportBaselines.trainingYearStart, on: reportBaselines.baselineOn }).from(reportBaselines)).toEqual([{ year: "2026-08-01", on: "2026-08-31" }]);
    const answers = await t.db.select({ sex: traineeProfiles.sex, ethnicGroup: traineeProfiles.ethnicGroup, disability: traineeProfiles.disability }).from(traineeProfiles);
    for (const field of ["sex", "ethnicGroup", "disability"] as const) {
      const values = new Set(answers.map((a) => a[field]));
      expect(values, field).toContain("prefer_not_to_say");
      expect(values, field).toContain(null);
      expect(values.size, field).toBeGreaterThanOrEqual(3);
    }
    const [answered] = await t.db.select({ n: count() }).from(traineeProfiles).where(isNotNull(traineeProfiles.ethnicGroup));
    expect(answered!.n).toBeGreaterThanOrEqual(30);
  });

  it("shows the demo trainee who has viewed their data: the DME opened their applications at RRK", async () => {
    const [trainee] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const views = await listViewsOfTrainee(t.db, trainee!.id);
    expect(views.length).toBeGreaterThan(0);
    expect(views.every((v) => v.role === "dme" && v.viewer === "Dr Helen Shah")).toBe(true);
  });

  it("does nothing when the database already has users", async () => {
    const [before] = await t.db.select({ n: count() }).from(placements);
    expect(await seedDemoData(t.db, today)).toBe(false);
    const [after] = await t.db.select({ n: count() }).from(placements);
    expect(after!.n).toBe(before!.n);
  });
});

describe("demo data for the staff's nudges, bulk approval and to-do list", () => {
  it("gives the demo DME and lead trainees with nothing yet, offers to approve together and a to-do list", async () => {
    const { listNothingYet } = await import("~/models/nudges.server");
    const { getTrustToDo } = await import("~/models/trust-todo.server");
    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    const nothing = await listNothingYet(t.db, rrk!.id, today);
    expect(nothing.total).toBeGreaterThanOrEqual(3);
    expect(nothing.nudgeable).toBe(nothing.total);
    expect((await listApprovalQueue(t.db, rrk!.id, today)).length).toBeGreaterThanOrEqual(2);
    const todo = await getTrustToDo(t.db, rrk!.id, today, new Date(`${today}T12:00:00Z`));
    expect(todo.items.waiting.count).toBeGreaterThanOrEqual(3);
    expect(todo.items.offered.count).toBeGreaterThanOrEqual(2);
    expect(todo.items.sign_off.count).toBe(2);
  });
});

describe("demo data for the shortlist", () => {
  it("starts although the demo trainee's closed, reflected-on edition shares its title with a shortlisted opportunity (only published ones are saved)", async () => {
    const { listSaved } = await import("~/models/shortlist.server");
    const [trainee] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const saved = await listSaved(t.db, trainee!.id, today);
    expect(saved.length).toBeGreaterThanOrEqual(3);
    expect(saved.every((s) => s.status === "published")).toBe(true);
    expect(saved.map((s) => s.title)).toContain("A week shadowing the Chief Medical Officer");
  });
});

describe("demo data's sign-off dates", () => {
  it("dates each seeded sign-off on the day it was signed off, not on the day the demo was seeded", async () => {
    const rows = await t.db
      .select({ signedOff: sql<string>`(${completionSignoffs.createdAt} at time zone 'Europe/London')::date::text`, endsOn: opportunities.endsOn, title: opportunities.title, email: users.email })
      .from(completionSignoffs)
      .innerJoin(applications, eq(applications.id, completionSignoffs.applicationId))
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .innerJoin(users, eq(users.id, applications.traineeId));
    expect(rows.length).toBeGreaterThan(5);
    // Every demo sign-off happened after its opportunity ended and before today.
    for (const r of rows) {
      expect(r.signedOff >= r.endsOn).toBe(true);
      expect(r.signedOff < today).toBe(true);
    }
    const cmo = rows.find((r) => r.email === "trainee@demo.test" && r.title === "A week shadowing the Chief Medical Officer");
    expect(cmo?.signedOff).toBe(addDaysIso(cmo!.endsOn, 3));
  });
});
