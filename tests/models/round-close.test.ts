// The close of a round: what it writes, once, in one transaction; the scheduled close (also
// when overdue at start-up); the waiting list it leaves behind.
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase, type Db } from "@db/client";
import { addRoundChoice, createRound } from "@db/seed/rounds";
import { allocationRounds, applicationEvents, applications, emailOutbox, notifications, opportunities, scheduledJobs } from "@db/schema";
import { SCHEDULED_JOBS } from "~/jobs.server";
import { allocate, resultJson } from "~/models/allocation";
import { fillSeatsFromWaitingList } from "~/models/applications.server";
import { closeRound } from "~/models/round-close.server";
import type { RoundRecord } from "~/models/round-rules";
import { runDueJobs } from "~/scheduler.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { composedOutbox } from "../helpers/emails";
import { makeApplicationEvent, makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
// Opportunities start 2027-03-01 (the test form's dates); the close is in the training year 2026-27.
const CLOSE = new Date("2027-01-10T12:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

async function trustWithStaff() {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  return { trust, lead, dme };
}

async function round(trustId: string | null, opportunityIds: string[], closesAt = new Date(CLOSE.getTime() - DAY)) {
  return createRound(t.db, { name: "Winter leadership round", trustId, opensAt: new Date(closesAt.getTime() - 14 * DAY), closesAt, opportunityIds });
}

/** A trainee with an approved placement on an opportunity starting on `startsOn` (elsewhere). */
async function placedTrainee(startsOn = "2027-02-01", status: "approved" | "offered" | "completed" | "withdrawn" = "approved") {
  const trainee = await makeTrainee(t.db);
  const e = await makeApplicationEvent(t.db, { traineeId: trainee.id, toStatus: status });
  await t.db.update(opportunities).set({ startsOn, endsOn: startsOn, applicationDeadline: startsOn }).where(eq(opportunities.id, e.opportunityId));
  return trainee;
}

async function roundApplications(roundId: string) {
  return t.db
    .select({ id: applications.id, traineeId: applications.traineeId, opportunityId: applications.opportunityId, status: applications.status, statement: applications.statement, waitlistPosition: applications.waitlistPosition, confidentialityAcceptedAt: applications.confidentialityAcceptedAt })
    .from(applications)
    .where(eq(applications.roundId, roundId));
}

async function recordOf(roundId: string): Promise<RoundRecord> {
  const [row] = await t.db.select({ record: allocationRounds.record }).from(allocationRounds).where(eq(allocationRounds.id, roundId));
  return row!.record as unknown as RoundRecord;
}

async function countRows(db: Db, table: typeof notifications | typeof emailOutbox | typeof applications) {
  const [row] = await db.select({ n: count() }).from(table);
  return row!.n;
}

/** A database failure in the middle of the close, as a full disk or a broken constraint would cause. */
async function failingOn(table: "email_outbox" | "applications", when: string) {
  await t.db.execute(sql.raw(`create or replace function fail_in_test() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`));
  await t.db.execute(sql.raw(`create trigger fail_in_test before insert on ${table} for each row when (${when}) execute function fail_in_test()`));
  return () => t.db.execute(sql.raw(`drop trigger fail_in_test on ${table}`));
}

describe("closing a round", () => {
  it("writes the offers, waiting lists, events, one message per person, e-mails and the record", async () => {
    const { trust, lead, dme } = await trustWithStaff();
    const admin = await makeUser(t.db, { role: "admin" });
    const board = await makeOpportunity(t.db, trust.id, { seats: "1", title: "Observe the Trust Board" });
    const qi = await makeOpportunity(t.db, trust.id, { seats: "1", title: "Join the discharge improvement team" });
    const roundId = await round(trust.id, [board, qi]);
    const first = await makeTrainee(t.db);
    const alreadyPlaced = await placedTrainee();
    const other = await makeTrainee(t.db);
    const accepted = new Date("2027-01-02T10:00:00Z");
    await addRoundChoice(t.db, { roundId, traineeId: first.id, opportunityId: board, rank: 1, statement: "First's statement about the board, long enough to read.", confidentialityAcceptedAt: accepted });
    await addRoundChoice(t.db, { roundId, traineeId: alreadyPlaced.id, opportunityId: board, rank: 1 });
    await addRoundChoice(t.db, { roundId, traineeId: alreadyPlaced.id, opportunityId: qi, rank: 2 });
    await addRoundChoice(t.db, { roundId, traineeId: other.id, opportunityId: qi, rank: 1 });
    const notificationsBefore = await countRows(t.db, notifications);
    const emailsBefore = await countRows(t.db, emailOutbox);

    const result = await closeRound(t.db, roundId, { actor: admin, now: CLOSE });
    expect(result).toMatchObject({ ok: true, placed: 2, waitlisted: 2 });

    const apps = await roundApplications(roundId);
    const of = (traineeId: string) => apps.filter((a) => a.traineeId === traineeId);
    expect(of(first.id)).toEqual([
      expect.objectContaining({ opportunityId: board, status: "offered", statement: "First's statement about the board, long enough to read.", waitlistPosition: null, confidentialityAcceptedAt: accepted }),
    ]);
    expect(of(other.id)).toEqual([expect.objectContaining({ opportunityId: qi, status: "offered" })]);
    expect(of(alreadyPlaced.id).map((a) => [a.opportunityId, a.status, a.waitlistPosition]).sort()).toEqual(
      [[board, "waitlisted", 1], [qi, "waitlisted", 1]].sort(),
    );

    const offer = of(first.id)[0]!;
    const history = await t.db
      .select({ actorId: applicationEvents.actorId, fromStatus: applicationEvents.fromStatus, toStatus: applicationEvents.toStatus, reason: applicationEvents.reason })
      .from(applicationEvents)
      .where(eq(applicationEvents.applicationId, offer.id))
      .orderBy(asc(applicationEvents.createdAt), asc(applicationEvents.id));
    expect(history).toEqual([
      { actorId: first.id, fromStatus: null, toStatus: "submitted", reason: null },
      { actorId: null, fromStatus: "submitted", toStatus: "offered", reason: "Allocated in the round Winter leadership round" },
    ]);
    const waiting = of(alreadyPlaced.id)[0]!;
    const [last] = await t.db.select({ toStatus: applicationEvents.toStatus, reason: applicationEvents.reason }).from(applicationEvents).where(and(eq(applicationEvents.applicationId, waiting.id), eq(applicationEvents.fromStatus, "submitted")));
    expect(last).toEqual({ toStatus: "waitlisted", reason: "Not placed in the round Winter leadership round: on its waiting list" });

    // One message each (no message per offer), in the app and by e-mail.
    const told = await t.db.select({ userId: notifications.userId, kind: notifications.kind, roundId: notifications.roundId, actorId: notifications.actorId, params: notifications.params }).from(notifications);
    expect(told).toHaveLength(notificationsBefore + 5);
    const round_ = told.filter((n) => n.kind === "round_event");
    expect(round_.map((n) => n.userId).sort()).toEqual([first.id, alreadyPlaced.id, other.id, lead.id, dme.id].sort());
    expect(round_.every((n) => n.roundId === roundId && n.actorId === admin.id)).toBe(true);
    const params = (userId: string) => round_.find((n) => n.userId === userId)!.params;
    expect(params(first.id)).toEqual({ event: "allocated", audience: "trainee", outcome: "placed", rank: "1", opportunityId: board, firstChoiceSeats: "1", firstChoiceChosenBy: "2", firstChoiceFirstTimers: "1" });
    expect(params(alreadyPlaced.id)).toMatchObject({ outcome: "unplaced", firstChoiceSeats: "1", firstChoiceChosenBy: "2", firstChoiceFirstTimers: "1" });
    expect(params(lead.id)).toEqual({ event: "allocated", audience: "trust_lead", placed: "2", waitlisted: "1" });
    expect(params(dme.id)).toMatchObject({ audience: "dme", placed: "2", waitlisted: "1" });
    const mail = await t.db.select({ kind: emailOutbox.kind, recipientId: emailOutbox.recipientId, roundId: emailOutbox.roundId }).from(emailOutbox).where(eq(emailOutbox.kind, "round_event"));
    expect(mail).toHaveLength(5);
    expect(await countRows(t.db, emailOutbox)).toBe(emailsBefore + 5);

    const [row] = await t.db.select().from(allocationRounds).where(eq(allocationRounds.id, roundId));
    expect(row).toMatchObject({ status: "allocated", allocatedBy: admin.id, allocatedAt: CLOSE });
    expect(row!.seed).toMatch(/^[0-9a-f]{32}$/);
    const record = await recordOf(roundId);
    expect(record.input.seed).toBe(row!.seed);
    expect(record.input.opportunities.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual([{ id: board, seats: 1 }, { id: qi, seats: 1 }].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(record.input.trainees.find((x) => x.id === alreadyPlaced.id)).toEqual({ id: alreadyPlaced.id, placedBefore: 1, ranking: [board, qi] });
    expect(record.result.summary).toEqual({ firstTimersPlaced: 2, placed: 2, rankSum: 2 });
    expect(record).toMatchObject({ trainees: 3, firstTimers: 2, byRank: [2] });
    expect(record.comparison.maxPlaced).toBe(2);
    // The download reproduces: the same code on the recorded input gives the same bytes.
    expect(resultJson(allocate(record.input))).toBe(resultJson(record.result));
  });

  it("closes only once: a second close changes nothing", async () => {
    const { trust } = await trustWithStaff();
    const opp = await makeOpportunity(t.db, trust.id);
    const roundId = await round(trust.id, [opp]);
    const trainee = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: opp, rank: 1 });
    expect((await closeRound(t.db, roundId, { actor: null, now: CLOSE })).ok).toBe(true);
    const before = [await countRows(t.db, applications), await countRows(t.db, notifications), await countRows(t.db, emailOutbox)];
    expect(await closeRound(t.db, roundId, { actor: null, now: CLOSE })).toEqual({ ok: false, alreadyClosed: true, status: "allocated" });
    expect([await countRows(t.db, applications), await countRows(t.db, notifications), await countRows(t.db, emailOutbox)]).toEqual(before);
    const [row] = await t.db.select({ allocatedBy: allocationRounds.allocatedBy }).from(allocationRounds).where(eq(allocationRounds.id, roundId));
    expect(row!.allocatedBy).toBeNull();
  });

  it("uses the seed an admin set, and counts seats already held", async () => {
    const { trust } = await trustWithStaff();
    const opp = await makeOpportunity(t.db, trust.id, { seats: "3" });
    const roundId = await createRound(t.db, { name: "Seeded", trustId: trust.id, opensAt: new Date(CLOSE.getTime() - 9 * DAY), closesAt: new Date(CLOSE.getTime() - DAY), seed: "audit-seed-2027", opportunityIds: [opp] });
    const holder = await makeTrainee(t.db);
    await t.db.insert(applications).values({ opportunityId: opp, traineeId: holder.id, statement: "Applied before the round held this opportunity.", status: "approved" });
    const trainee = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: opp, rank: 1 });
    await closeRound(t.db, roundId, { actor: null, now: CLOSE });
    const record = await recordOf(roundId);
    expect(record.input.seed).toBe("audit-seed-2027");
    expect(record.input.opportunities).toEqual([{ id: opp, seats: 2 }]);
  });

  it("counts as placed before only offered, approved or completed opportunities starting in the training year of the close", async () => {
    const { trust } = await trustWithStaff();
    const opp = await makeOpportunity(t.db, trust.id);
    const roundId = await round(trust.id, [opp]);
    const thisYear = await placedTrainee("2026-08-01", "approved");
    const offered = await placedTrainee("2027-07-31", "offered");
    const completed = await placedTrainee("2026-09-15", "completed");
    const lastYear = await placedTrainee("2026-07-31", "approved");
    const nextYear = await placedTrainee("2027-08-01", "approved");
    const withdrawn = await placedTrainee("2026-10-01", "withdrawn");
    for (const x of [thisYear, offered, completed, lastYear, nextYear, withdrawn]) await addRoundChoice(t.db, { roundId, traineeId: x.id, opportunityId: opp, rank: 1 });
    await closeRound(t.db, roundId, { actor: null, now: CLOSE });
    const placedBefore = Object.fromEntries((await recordOf(roundId)).input.trainees.map((x) => [x.id, x.placedBefore]));
    expect(placedBefore).toEqual({ [thisYear.id]: 1, [offered.id]: 1, [completed.id]: 1, [lastYear.id]: 0, [nextYear.id]: 0, [withdrawn.id]: 0 });
  });

  it("leaves out declined choices, closed and ended opportunities, and opportunities the trainee has applied for already", async () => {
    const { trust, lead } = await trustWithStaff();
    const kept = await makeOpportunity(t.db, trust.id, { title: "Kept" });
    const declined = await makeOpportunity(t.db, trust.id, { title: "Declined" });
    const closed = await makeOpportunity(t.db, trust.id, { title: "Closed" }, "closed");
    const ended = await makeOpportunity(t.db, trust.id, { title: "Ended" });
    await t.db.update(opportunities).set({ startsOn: "2026-12-01", endsOn: "2027-01-09", applicationDeadline: "2026-11-30" }).where(eq(opportunities.id, ended));
    const applied = await makeOpportunity(t.db, trust.id, { title: "Applied" });
    const roundId = await round(trust.id, [kept, declined, closed, ended, applied]);
    const trainee = await makeTrainee(t.db);
    await t.db.insert(applications).values({ opportunityId: applied, traineeId: trainee.id, statement: "Applied before the round held this opportunity.", status: "submitted" });
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: declined, rank: 1, declined: { by: lead.id, reason: "Needs a sponsor's agreement first" } });
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: closed, rank: 2 });
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: ended, rank: 3 });
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: applied, rank: 4 });
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: kept, rank: 5 });
    const onlyDeclined = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId, traineeId: onlyDeclined.id, opportunityId: declined, rank: 1, declined: { by: lead.id, reason: "Not eligible for this board" } });

    await closeRound(t.db, roundId, { actor: null, now: CLOSE });
    const record = await recordOf(roundId);
    expect(record.input.trainees).toEqual([{ id: trainee.id, placedBefore: 0, ranking: [kept] }]);
    expect(record.input.opportunities.map((o) => o.id).sort()).toEqual([kept, declined, applied].sort());
    expect((await roundApplications(roundId)).map((a) => [a.opportunityId, a.status])).toEqual([[kept, "offered"]]);
    // Placed on the 5th choice they saved; their 1st was declined, so no figures of it.
    const [message] = await t.db.select({ params: notifications.params }).from(notifications).where(and(eq(notifications.userId, trainee.id), eq(notifications.kind, "round_event")));
    expect(message!.params).toMatchObject({ outcome: "placed", rank: "5", firstChoiceFigures: "no" });
  });

  it("puts unplaced trainees on each choice's waiting list in one order, first-timers first", async () => {
    const { trust } = await trustWithStaff();
    const a = await makeOpportunity(t.db, trust.id, { seats: "1" });
    const b = await makeOpportunity(t.db, trust.id, { seats: "1" });
    const roundId = await round(trust.id, [a, b]);
    const trainees = [await placedTrainee(), await makeTrainee(t.db), await makeTrainee(t.db), await placedTrainee(), await makeTrainee(t.db)];
    for (const x of trainees) {
      await addRoundChoice(t.db, { roundId, traineeId: x.id, opportunityId: a, rank: 1 });
      await addRoundChoice(t.db, { roundId, traineeId: x.id, opportunityId: b, rank: 2 });
    }
    await closeRound(t.db, roundId, { actor: null, now: CLOSE });
    const record = await recordOf(roundId);
    const firstTimer = new Map(record.input.trainees.map((x) => [x.id, x.placedBefore === 0]));
    const waiting = (await roundApplications(roundId)).filter((x) => x.status === "waitlisted");
    expect(waiting).toHaveLength(2 * record.result.unplaced.length);
    for (const opp of [a, b]) {
      const list = waiting.filter((x) => x.opportunityId === opp).sort((x, y) => x.waitlistPosition! - y.waitlistPosition!);
      expect(list.map((x) => x.waitlistPosition)).toEqual(list.map((_, i) => i + 1));
      const flags = list.map((x) => firstTimer.get(x.traineeId));
      expect(flags).toEqual([...flags].sort((x, y) => Number(y) - Number(x)));
    }
    // The same trainee has the same place on every list.
    const position = new Map<string, number>();
    for (const w of waiting) {
      if (position.has(w.traineeId)) expect(position.get(w.traineeId)).toBe(w.waitlistPosition);
      position.set(w.traineeId, w.waitlistPosition!);
    }
  });

  it("a failure while closing leaves the round open with nothing written, and a later close allocates it", async () => {
    const { trust } = await trustWithStaff();
    const opp = await makeOpportunity(t.db, trust.id);
    const roundId = await round(trust.id, [opp]);
    const trainee = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: opp, rank: 1 });
    // The last write of the close (the staff's e-mails) fails.
    const restore = await failingOn("email_outbox", "new.kind = 'round_event'");
    try {
      await expect(closeRound(t.db, roundId, { actor: null, now: CLOSE })).rejects.toThrow();
    } finally {
      await restore();
    }
    const [row] = await t.db.select({ status: allocationRounds.status, seed: allocationRounds.seed, record: allocationRounds.record }).from(allocationRounds).where(eq(allocationRounds.id, roundId));
    expect(row).toEqual({ status: "open", seed: null, record: null });
    expect(await countRows(t.db, applications)).toBe(0);
    expect(await countRows(t.db, notifications)).toBe(0);
    expect((await t.db.select({ n: count() }).from(applicationEvents))[0]!.n).toBe(0);

    expect((await closeRound(t.db, roundId, { actor: null, now: CLOSE })).ok).toBe(true);
    expect(await roundApplications(roundId)).toHaveLength(1);
  });

  it("allocates once when two processes close the same round at the same moment", async () => {
    const { trust } = await trustWithStaff();
    const opps = [await makeOpportunity(t.db, trust.id, { seats: "2" }), await makeOpportunity(t.db, trust.id, { seats: "1" })];
    const roundId = await round(trust.id, opps);
    for (let i = 0; i < 6; i++) {
      const trainee = await makeTrainee(t.db);
      await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: opps[i % 2]!, rank: 1 });
      await addRoundChoice(t.db, { roundId, traineeId: trainee.id, opportunityId: opps[(i + 1) % 2]!, rank: 2 });
    }
    // On PostgreSQL the other closer has its own pool, as another app process would.
    const other = usingPostgres ? await openDatabase({ url: t.url!, poolSize: 2 }) : null;
    try {
      const results = await Promise.all([0, 1, 2, 3].map((i) => closeRound(i % 2 && other ? other.db : t.db, roundId, { actor: null, now: CLOSE })));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok)).toEqual([0, 1, 2].map(() => ({ ok: false, alreadyClosed: true, status: "allocated" })));
    } finally {
      await other?.close();
    }
    expect(await roundApplications(roundId)).toHaveLength(3 + 3 * 2);
    expect(await countRows(t.db, notifications)).toBe(6 + 2);
    expect(await countRows(t.db, emailOutbox)).toBe(6 + 2);
  });
});

describe("the scheduled close", () => {
  it("closes a round overdue while the service was down as soon as a process starts, and leaves rounds still open alone", async () => {
    const { trust } = await trustWithStaff();
    const opp = await makeOpportunity(t.db, trust.id);
    const later = await makeOpportunity(t.db, trust.id);
    const now = new Date();
    const overdue = await round(trust.id, [opp], new Date(now.getTime() - 3 * DAY));
    const stillOpen = await round(trust.id, [later], new Date(now.getTime() + DAY));
    const trainee = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId: overdue, traineeId: trainee.id, opportunityId: opp, rank: 1 });
    // The job's row as the last process left it: due three days ago.
    await t.db.insert(scheduledJobs).values(SCHEDULED_JOBS.map((j) => ({ name: j.name, nextRunAt: new Date(now.getTime() - 3 * DAY) })));
    expect(await runDueJobs(t.db, SCHEDULED_JOBS)).toContain("close-rounds");
    const rows = await t.db.select({ id: allocationRounds.id, status: allocationRounds.status, allocatedBy: allocationRounds.allocatedBy }).from(allocationRounds).where(inArray(allocationRounds.id, [overdue, stillOpen]));
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.status, r.allocatedBy]]))).toEqual({ [overdue]: ["allocated", null], [stillOpen]: ["open", null] });
    expect(await roundApplications(overdue)).toEqual([expect.objectContaining({ traineeId: trainee.id, status: "offered" })]);
  });

  it("closes every due round even when one of them fails, and logs no one's details", async () => {
    const { trust } = await trustWithStaff();
    const a = await makeOpportunity(t.db, trust.id);
    const b = await makeOpportunity(t.db, trust.id);
    const now = new Date();
    const failing = await round(trust.id, [a], new Date(now.getTime() - 2 * DAY));
    const fine = await round(trust.id, [b], new Date(now.getTime() - DAY));
    const trainee = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId: failing, traineeId: trainee.id, opportunityId: a, rank: 1 });
    await addRoundChoice(t.db, { roundId: fine, traineeId: trainee.id, opportunityId: b, rank: 1 });
    const restore = await failingOn("applications", `new.round_id = '${failing}'`);
    const logged: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void logged.push(args.join(" "));
    try {
      const job = SCHEDULED_JOBS.find((j) => j.name === "close-rounds")!;
      await job.run(t.db, now);
    } finally {
      console.error = original;
      await restore();
    }
    const status = Object.fromEntries((await t.db.select({ id: allocationRounds.id, status: allocationRounds.status }).from(allocationRounds)).map((r) => [r.id, r.status]));
    expect(status).toEqual({ [failing]: "open", [fine]: "allocated" });
    expect(logged.join("\n")).toContain("Closing a round failed");
    expect(logged.join("\n")).not.toContain(trainee.id);
    expect(logged.join("\n")).not.toContain(failing);
  });
});

describe("the waiting list after a round", () => {
  async function waitlisted(opportunityId: string, traineeId: string, roundId: string | null, waitlistPosition: number | null, createdAt: Date) {
    const [row] = await t.db
      .insert(applications)
      .values({ opportunityId, traineeId, statement: "On the waiting list for this opportunity.", status: "waitlisted", roundId, waitlistPosition, createdAt })
      .returning({ id: applications.id });
    return row!.id;
  }

  async function freeSeat(opportunityId: string) {
    return t.db.transaction(async (tx) => {
      const [opp] = await tx.select({ id: opportunities.id, seats: opportunities.seats, trustId: opportunities.trustId, status: opportunities.status, endsOn: opportunities.endsOn }).from(opportunities).where(eq(opportunities.id, opportunityId)).for("update");
      return fillSeatsFromWaitingList(tx, opp!, "2027-01-10");
    });
  }

  it("offers a freed seat in the round's lottery order, not by when the application was made", async () => {
    const { trust } = await trustWithStaff();
    const opp = await makeOpportunity(t.db, trust.id, { seats: "1" });
    const roundId = await round(trust.id, [opp]);
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "s", allocatedAt: CLOSE }).where(eq(allocationRounds.id, roundId));
    const early = await waitlisted(opp, (await makeTrainee(t.db)).id, roundId, 3, new Date("2027-01-01T09:00:00Z"));
    const drawnFirst = await waitlisted(opp, (await makeTrainee(t.db)).id, roundId, 1, new Date("2027-01-05T09:00:00Z"));
    const drawnSecond = await waitlisted(opp, (await makeTrainee(t.db)).id, roundId, 2, new Date("2027-01-03T09:00:00Z"));
    expect(await freeSeat(opp)).toEqual([drawnFirst]);
    await t.db.update(opportunities).set({ seats: 3 }).where(eq(opportunities.id, opp));
    expect(await freeSeat(opp)).toEqual([drawnSecond, early]);
  });

  it("never offers a trainee a second seat from the same round", async () => {
    const { trust } = await trustWithStaff();
    const first = await makeOpportunity(t.db, trust.id, { seats: "1" });
    const freed = await makeOpportunity(t.db, trust.id, { seats: "1" });
    const roundId = await round(trust.id, [first, freed]);
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "s", allocatedAt: CLOSE }).where(eq(allocationRounds.id, roundId));
    const placed = await makeTrainee(t.db);
    await t.db.insert(applications).values({ opportunityId: first, traineeId: placed.id, statement: "Placed by the round on this opportunity.", status: "offered", roundId });
    const passedOver = await waitlisted(freed, placed.id, roundId, 1, CLOSE);
    const next = await waitlisted(freed, (await makeTrainee(t.db)).id, roundId, 2, CLOSE);
    expect(await freeSeat(freed)).toEqual([next]);
    const [still] = await t.db.select({ status: applications.status }).from(applications).where(eq(applications.id, passedOver));
    expect(still!.status).toBe("waitlisted");
  });
});

describe("trainees whose choices all dropped out", () => {
  it("a trainee with choices in the round but none left in the allocation is told the round closed and that nothing was allocated", async () => {
    const { trust, lead } = await trustWithStaff();
    const kept = await makeOpportunity(t.db, trust.id, { title: "Kept" });
    const closed = await makeOpportunity(t.db, trust.id, { title: "Closed" });
    const roundId = await round(trust.id, [kept, closed]);
    const onlyDeclined = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId, traineeId: onlyDeclined.id, opportunityId: kept, rank: 1, declined: { by: lead.id, reason: "Needs a sponsor's agreement first" } });
    const onlyClosed = await makeTrainee(t.db);
    await addRoundChoice(t.db, { roundId, traineeId: onlyClosed.id, opportunityId: closed, rank: 1 });
    await t.db.update(opportunities).set({ status: "closed" }).where(eq(opportunities.id, closed));

    expect(await closeRound(t.db, roundId, { actor: null, now: CLOSE })).toMatchObject({ ok: true, placed: 0, waitlisted: 0 });
    for (const trainee of [onlyDeclined, onlyClosed]) {
      const notes = await t.db.select({ params: notifications.params }).from(notifications).where(eq(notifications.userId, trainee.id));
      expect(notes.map((n) => n.params)).toEqual([{ event: "allocated", audience: "trainee", outcome: "none" }]);
      const mail = (await composedOutbox(t.db)).find((m) => m.row.recipientId === trainee.id);
      expect(mail?.email?.text).toContain("None of your choices was part of the allocation");
    }
  });
});
