import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase, queryRows } from "@db/client";
import { allocationRounds, applications, roundPreferences } from "@db/schema";
import { applyForOpportunity } from "~/models/applications.server";
import { addChoice, listChoices, listOpenRoundsForTrainee, moveChoice, removeChoice, saveStatement } from "~/models/round-choices.server";
import type { RoundRecord } from "~/models/round-rules";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makeRound, makeRoundChoice, makeTrainee, makeTrust } from "../helpers/factories";

const t = useTestDatabase();
const today = "2026-12-01";
const statement = "I want to learn how the executive team makes decisions about patient safety and flow.";
// Far enough ahead to start after any round these tests open.
const dates = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };

async function scene(options: { count?: number; maxChoices?: number; fields?: Record<string, string | string[]> } = {}) {
  const trust = await makeTrust(t.db);
  const ids: string[] = [];
  for (let i = 0; i < (options.count ?? 3); i++) ids.push(await makeOpportunity(t.db, trust.id, { ...dates, title: `Opportunity ${String.fromCharCode(65 + i)}`, ...options.fields }));
  const round = await makeRound(t.db, { opportunityIds: ids, maxChoices: options.maxChoices ?? 5, name: "Spring leadership round" });
  const trainee = await makeTrainee(t.db);
  return { trust, ids, round, trainee };
}

const add = (traineeId: string, roundId: string, opportunityId: string, fields: { statement?: string; confidentiality?: string } = {}) =>
  addChoice(t.db, traineeId, { roundId, opportunityId, statement: fields.statement ?? statement, confidentiality: fields.confidentiality }, today);

async function ranksOf(roundId: string, traineeId: string) {
  return t.db
    .select({ opportunityId: roundPreferences.opportunityId, rank: roundPreferences.rank })
    .from(roundPreferences)
    .where(and(eq(roundPreferences.roundId, roundId), eq(roundPreferences.traineeId, traineeId)))
    .orderBy(asc(roundPreferences.rank));
}

describe("adding, moving and removing choices", () => {
  it("adds choices in order, moves one up, removes one, and the ranks stay 1..n", async () => {
    const s = await scene();
    const [a, b, c] = s.ids as [string, string, string];
    expect(await add(s.trainee.id, s.round.id, a)).toEqual({ ok: true, saved: ["Opportunity A"] });
    expect(await add(s.trainee.id, s.round.id, b)).toEqual({ ok: true, saved: ["Opportunity A", "Opportunity B"] });
    expect(await add(s.trainee.id, s.round.id, c)).toMatchObject({ ok: true });
    expect(await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: c, direction: "up" })).toEqual({ ok: true, saved: ["Opportunity A", "Opportunity C", "Opportunity B"] });
    expect(await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: c, direction: "up" })).toEqual({ ok: true, saved: ["Opportunity C", "Opportunity A", "Opportunity B"] });
    // Already first: nothing moves.
    expect(await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: c, direction: "up" })).toEqual({ ok: true, saved: ["Opportunity C", "Opportunity A", "Opportunity B"] });
    expect(await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: c, direction: "down" })).toEqual({ ok: true, saved: ["Opportunity A", "Opportunity C", "Opportunity B"] });
    expect(await removeChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a })).toEqual({ ok: true, saved: ["Opportunity C", "Opportunity B"] });
    expect(await ranksOf(s.round.id, s.trainee.id)).toEqual([
      { opportunityId: c, rank: 1 },
      { opportunityId: b, rank: 2 },
    ]);
  });

  it("moves a choice past a declined one, which keeps out of the order that counts", async () => {
    const s = await scene();
    const [a, b, c] = s.ids as [string, string, string];
    for (const id of [a, b, c]) await add(s.trainee.id, s.round.id, id);
    await t.db.update(roundPreferences).set({ declinedAt: new Date(), declineReason: "Needs someone on site on Tuesdays" }).where(eq(roundPreferences.opportunityId, b));
    expect(await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: c, direction: "up" })).toEqual({ ok: true, saved: ["Opportunity C", "Opportunity A"] });
    expect(await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: b, direction: "up" })).toEqual({ ok: true, saved: ["Opportunity C", "Opportunity A"] });
    expect((await ranksOf(s.round.id, s.trainee.id)).map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it("keeps when each choice was first saved, and its statement, when it moves", async () => {
    const s = await scene();
    const [a, b] = s.ids as [string, string];
    await add(s.trainee.id, s.round.id, a, { statement: `${statement} First.` });
    await add(s.trainee.id, s.round.id, b);
    const before = await t.db.select().from(roundPreferences).where(eq(roundPreferences.opportunityId, a));
    await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: b, direction: "up" });
    const after = await t.db.select().from(roundPreferences).where(eq(roundPreferences.opportunityId, a));
    expect(after[0]!.rank).toBe(2);
    expect(after[0]!.createdAt).toEqual(before[0]!.createdAt);
    expect(after[0]!.statement).toBe(`${statement} First.`);
  });

  it("changes a statement, and refuses one too short with 400 by the field, changing nothing", async () => {
    const s = await scene();
    const [a] = s.ids as [string];
    await add(s.trainee.id, s.round.id, a);
    expect(await saveStatement(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a, statement: `${statement} Changed.` })).toMatchObject({ ok: true });
    expect(await saveStatement(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a, statement: "Too short" })).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { statement: "Your statement must be at least 50 characters" },
    });
    const [row] = await t.db.select({ statement: roundPreferences.statement }).from(roundPreferences);
    expect(row!.statement).toBe(`${statement} Changed.`);
  });

  it("refuses a short statement on adding, and a board seat's choice without the confidentiality box, both at once", async () => {
    const trust = await makeTrust(t.db);
    const seat = await makeOpportunity(t.db, trust.id, { ...dates, type: "board_seat" });
    const round = await makeRound(t.db, { opportunityIds: [seat] });
    const trainee = await makeTrainee(t.db);
    expect(await add(trainee.id, round.id, seat, { statement: "Too short" })).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { statement: "Your statement must be at least 50 characters", confidentiality: "Confirm that you will keep what you see and hear confidential" },
    });
    expect(await add(trainee.id, round.id, seat, { confidentiality: "yes" })).toMatchObject({ ok: true });
    const [row] = await t.db.select({ at: roundPreferences.confidentialityAcceptedAt }).from(roundPreferences);
    expect(row!.at).toBeInstanceOf(Date);
  });
});

describe("refusals", () => {
  it("refuses every change in a round past its closing time, allocated or cancelled, with 409", async () => {
    const s = await scene();
    const [a] = s.ids as [string];
    await add(s.trainee.id, s.round.id, a);
    const closed = await makeRound(t.db, { opportunityIds: [], opensAt: new Date(Date.now() - 7200_000), closesAt: new Date(Date.now() - 3600_000), name: "Past round" });
    expect(await add(s.trainee.id, closed.id, a)).toMatchObject({ ok: false, status: 409, formError: expect.stringMatching(/^The round Past round closed on .*: your choices can no longer change$/) });
    await t.db.update(allocationRounds).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
    for (const result of [
      await add(s.trainee.id, s.round.id, s.ids[1]!),
      await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a, direction: "down" }),
      await removeChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a }),
      await saveStatement(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a, statement }),
    ]) {
      expect(result).toEqual({ ok: false, status: 409, fieldErrors: {}, formError: "The round Spring leadership round was cancelled: choices in it can no longer change" });
    }
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "s", allocatedAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
    expect(await removeChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: a })).toMatchObject({ status: 409 });
    expect(await ranksOf(s.round.id, s.trainee.id)).toEqual([{ opportunityId: a, rank: 1 }]);
  });

  it("refuses more choices than the round allows, but a declined choice does not count", async () => {
    const s = await scene({ maxChoices: 2 });
    const [a, b, c] = s.ids as [string, string, string];
    await add(s.trainee.id, s.round.id, a);
    await add(s.trainee.id, s.round.id, b);
    expect(await add(s.trainee.id, s.round.id, c)).toEqual({
      ok: false,
      status: 409,
      fieldErrors: {},
      formError: "You already have 2 choices, the most this round allows: remove one to add another",
    });
    await t.db.update(roundPreferences).set({ declinedAt: new Date(), declineReason: "Not this year" }).where(eq(roundPreferences.opportunityId, a));
    expect(await add(s.trainee.id, s.round.id, c)).toEqual({ ok: true, saved: ["Opportunity B", "Opportunity C"] });
    expect((await ranksOf(s.round.id, s.trainee.id)).map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it("refuses the same opportunity twice, and one not in the round with 404", async () => {
    const s = await scene();
    const [a] = s.ids as [string];
    await add(s.trainee.id, s.round.id, a);
    expect(await add(s.trainee.id, s.round.id, a)).toMatchObject({ ok: false, status: 409, formError: "Opportunity A is already your 1st choice in this round" });
    const elsewhere = await makeOpportunity(t.db, s.trust.id, dates);
    expect(await add(s.trainee.id, s.round.id, elsewhere)).toMatchObject({ ok: false, status: 404 });
    expect(await add(s.trainee.id, s.round.id, "not-an-id")).toMatchObject({ ok: false, status: 404 });
    expect(await addChoice(t.db, s.trainee.id, { roundId: "00000000-0000-4000-8000-000000000000", opportunityId: a, statement }, today)).toMatchObject({ ok: false, status: 404 });
    expect(await ranksOf(s.round.id, s.trainee.id)).toHaveLength(1);
  });

  it("refuses an opportunity the trainee's grade, working pattern or the dates rule out, or already applied for, saying why", async () => {
    const trust = await makeTrust(t.db);
    const forCt1 = await makeOpportunity(t.db, trust.id, { ...dates, eligibleGrades: ["CT1"], title: "For CT1" });
    const fullTime = await makeOpportunity(t.db, trust.id, { ...dates, ltftFriendly: "", title: "Full time only" });
    const early = await makeOpportunity(t.db, trust.id, { startsOn: "2027-03-01", endsOn: "2027-03-31", applicationDeadline: "2027-02-15", sessionDate: ["2027-03-03"], title: "Starts early" });
    const applied = await makeOpportunity(t.db, trust.id, { ...dates, title: "Applied for" });
    // Closes after "Starts early" begins.
    const round = await makeRound(t.db, { opportunityIds: [forCt1, fullTime, early, applied], closesAt: new Date("2027-03-10T17:00:00Z") });
    const trainee = await makeTrainee(t.db, { grade: "FY2", ltft: true });
    await t.db.insert(applications).values({ opportunityId: applied, traineeId: trainee.id, statement });
    expect(await add(trainee.id, round.id, forCt1)).toMatchObject({ status: 409, formError: "You cannot add For CT1: open to CT1; you are FY2." });
    expect(await add(trainee.id, round.id, fullTime)).toMatchObject({ status: 409, formError: "You cannot add Full time only: it is not suited to less-than-full-time working, and you work less than full time." });
    expect(await add(trainee.id, round.id, early)).toMatchObject({ status: 409, formError: "You cannot add Starts early: it starts on 1 March 2027, before the round closes on 10 March 2027 at 5pm." });
    expect(await add(trainee.id, round.id, applied)).toMatchObject({ status: 409, formError: "You cannot add Applied for: you have already applied for this opportunity." });
    expect(await t.db.select().from(roundPreferences)).toHaveLength(0);
    const page = await listChoices(t.db, trainee.id, round.id, today);
    expect(page!.others.map((o) => [o.title, o.eligible])).toEqual([
      ["Applied for", false],
      ["For CT1", false],
      ["Full time only", false],
      ["Starts early", false],
    ]);
  });
});

describe("first-come applications while a round holds the opportunity", () => {
  it("refuses an application with 409 pointing to the round's choices", async () => {
    const s = await scene();
    const result = await applyForOpportunity(t.db, s.trainee.id, { opportunityId: s.ids[0]!, statement, confidentiality: false }, today);
    expect(result).toEqual({ ok: false, status: 409, fieldErrors: {}, formError: "Places on this opportunity are allocated in the round Spring leadership round: add it to your choices instead" });
    await t.db.update(allocationRounds).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
    expect(await applyForOpportunity(t.db, s.trainee.id, { opportunityId: s.ids[0]!, statement, confidentiality: false }, today)).toMatchObject({ ok: true });
  });
});

describe("after the close", () => {
  it("says on which choice the trainee was placed, and why not the first, from the round's record", async () => {
    const s = await scene();
    const [a, b] = s.ids as [string, string];
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: a, rank: 1 });
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: b, rank: 2 });
    const [offer] = await t.db.insert(applications).values({ opportunityId: b, traineeId: s.trainee.id, statement, status: "offered", roundId: s.round.id }).returning({ id: applications.id });
    const record = recordFor(s.trainee.id, [a, b], { traineeId: s.trainee.id, opportunityId: b, rank: 2 });
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "x", allocatedAt: new Date(), record: record as unknown as Record<string, unknown> }).where(eq(allocationRounds.id, s.round.id));
    const page = await listChoices(t.db, s.trainee.id, s.round.id, today);
    expect(page!.round.phase).toBe("allocated");
    expect(page!.outcome).toMatchObject({
      kind: "placed",
      sentence: "You were placed on your 2nd choice, Opportunity B. Your 1st choice had 2 seats; 9 trainees chose it, 7 of them with no opportunity yet this year.",
      application: { id: offer!.id },
    });
  });

  it("says the trainee is on the waiting list, and why, when not placed", async () => {
    const s = await scene();
    const [a] = s.ids as [string];
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: a, rank: 1 });
    await t.db.insert(applications).values({ opportunityId: a, traineeId: s.trainee.id, statement, status: "waitlisted", roundId: s.round.id, waitlistPosition: 3 });
    const record = recordFor(s.trainee.id, [a], null);
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "x", allocatedAt: new Date(), record: record as unknown as Record<string, unknown> }).where(eq(allocationRounds.id, s.round.id));
    const page = await listChoices(t.db, s.trainee.id, s.round.id, today);
    expect(page!.outcome).toMatchObject({
      kind: "waitlisted",
      sentence:
        "You were not placed in this round. Your 1st choice had 2 seats; 9 trainees chose it, 7 of them with no opportunity yet this year. You are on the waiting list for your choices: if a seat comes free, it is offered to the next trainee on the list.",
      applications: [{ opportunityId: a, waitlistPosition: 3 }],
    });
  });
});

describe("after the close, ranks as the trainee numbered them", () => {
  it("the outcome page counts the choice's rank as the trainee saved it, not its place among the choices left in the allocation", async () => {
    const s = await scene();
    const [a, b, c] = s.ids as [string, string, string];
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: a, rank: 1, declineReason: "Needs a surgical trainee" });
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: b, rank: 2 });
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: c, rank: 3 });
    await t.db.insert(applications).values({ opportunityId: c, traineeId: s.trainee.id, statement, status: "offered", roundId: s.round.id });
    // The allocation saw B and C only (A was declined): C is the 2nd of its ranking, the trainee's 3rd choice.
    const record = recordFor(s.trainee.id, [b, c], { traineeId: s.trainee.id, opportunityId: c, rank: 2 });
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "x", allocatedAt: new Date(), record: record as unknown as Record<string, unknown> }).where(eq(allocationRounds.id, s.round.id));
    const page = await listChoices(t.db, s.trainee.id, s.round.id, today);
    // As the close's message says it: the 3rd choice, and no figures, since the 1st choice was not in the allocation.
    expect(page!.outcome).toMatchObject({ kind: "placed", sentence: "You were placed on your 3rd choice, Opportunity C." });

    await t.db.update(applications).set({ status: "waitlisted", waitlistPosition: 1 });
    await t.db.update(allocationRounds).set({ record: recordFor(s.trainee.id, [b, c], null) as unknown as Record<string, unknown> }).where(eq(allocationRounds.id, s.round.id));
    const waiting = await listChoices(t.db, s.trainee.id, s.round.id, today);
    expect(waiting!.outcome!.sentence).not.toContain("Your 1st choice had");
  });
});

function recordFor(traineeId: string, ranking: string[], placement: { traineeId: string; opportunityId: string; rank: number } | null): RoundRecord {
  const summary = { firstTimersPlaced: placement ? 1 : 0, placed: placement ? 1 : 0, rankSum: placement?.rank ?? 0 };
  return {
    input: { seed: "x", opportunities: ranking.map((id) => ({ id, seats: 2 })), trainees: [{ id: traineeId, placedBefore: 0, ranking }] },
    result: { seed: "x", placements: placement ? [placement] : [], unplaced: placement ? [] : [traineeId], summary },
    opportunities: ranking.map((id) => ({ id, seats: 2, chosenBy: 9, firstTimersChoosing: 7 })),
    byRank: placement ? [0, 1] : [],
    comparison: { firstComeFirstServed: summary, deferredAcceptance: summary, floorFirstDeferredAcceptance: summary, maxPlaced: 1 },
    trainees: 1,
    firstTimers: 1,
  };
}

describe("rounds open now on the trainee's home", () => {
  it("lists an open round with an opportunity the trainee is eligible for, or their choices, and not others", async () => {
    const trust = await makeTrust(t.db);
    const open = await makeOpportunity(t.db, trust.id, { ...dates, title: "Open to FY2" });
    const forCt1 = await makeOpportunity(t.db, trust.id, { ...dates, eligibleGrades: ["CT1"], title: "CT1 only" });
    const forCt1Too = await makeOpportunity(t.db, trust.id, { ...dates, eligibleGrades: ["CT1"], title: "CT1 only, chosen" });
    const mine = await makeRound(t.db, { opportunityIds: [open], name: "Eligible round" });
    await makeRound(t.db, { opportunityIds: [forCt1], name: "Not for me" });
    const chosen = await makeRound(t.db, { opportunityIds: [forCt1Too], name: "Chosen before", closesAt: new Date(Date.now() + 3600_000) });
    await makeRound(t.db, { opportunityIds: [], name: "Not open yet", opensAt: new Date(Date.now() + 3600_000), closesAt: new Date(Date.now() + 7200_000) });
    const trainee = await makeTrainee(t.db, { grade: "FY2" });
    await makeRoundChoice(t.db, { roundId: chosen.id, traineeId: trainee.id, opportunityId: forCt1Too, rank: 1 });
    const rounds = await listOpenRoundsForTrainee(t.db, trainee.id, today);
    expect(rounds.map((r) => [r.id, r.name, r.choices])).toEqual([
      [chosen.id, "Chosen before", 1],
      [mine.id, "Eligible round", 0],
    ]);
  });
});

describe("limits under parallel requests on a real server", () => {
  it("8 simultaneous adds by one trainee with 5 allowed save exactly 5, ranked 1..5", async () => {
    const s = await scene({ count: 8, maxChoices: 5 });
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 10 }) : null;
    const results = await Promise.all(
      s.ids.map((id, i) => addChoice(second && i % 2 ? second.db : t.db, s.trainee.id, { roundId: s.round.id, opportunityId: id, statement }, today)),
    );
    await second?.close();
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ status: 409, formError: "You already have 5 choices, the most this round allows: remove one to add another" });
    expect((await ranksOf(s.round.id, s.trainee.id)).map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it("parallel moves and removals keep the ranks 1..n without a unique-index collision", async () => {
    const s = await scene({ count: 5 });
    for (const id of s.ids) await add(s.trainee.id, s.round.id, id);
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 10 }) : null;
    const dbFor = (i: number) => (second && i % 2 ? second.db : t.db);
    // The removed choice is not moved as well: whether that move came before the removal or
    // found it gone (404) would depend on which transaction took the lock first.
    const results = await Promise.all([
      ...s.ids.map((id, i) => (i === 2 ? null : moveChoice(dbFor(i), s.trainee.id, { roundId: s.round.id, opportunityId: id, direction: i % 2 ? "up" : "down" }))),
      removeChoice(dbFor(1), s.trainee.id, { roundId: s.round.id, opportunityId: s.ids[2]! }),
    ]);
    await second?.close();
    expect(results.filter((r) => r !== null).map((r) => r.ok)).toEqual([true, true, true, true, true]);
    expect((await ranksOf(s.round.id, s.trainee.id)).map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  it("a change at the instant of the close waits for it and is refused; one that came first is in what the close reads", async () => {
    const s = await scene();
    const [a, b] = s.ids as [string, string];
    await add(s.trainee.id, s.round.id, a);
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 10 }) : null;
    if (second) {
      // The close holds the round FOR UPDATE; the add, queued behind it on the round's row, must see it closed.
      let locked!: () => void;
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const closing = second.db.transaction(async (tx) => {
        await tx.select({ id: allocationRounds.id }).from(allocationRounds).where(eq(allocationRounds.id, s.round.id)).for("update");
        locked();
        await released;
        await tx.update(allocationRounds).set({ status: "allocated", seed: "race", allocatedAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
      });
      await holding;
      const adding = add(s.trainee.id, s.round.id, b);
      await until(async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n > 0);
      release();
      await closing;
      expect(await adding).toMatchObject({ ok: false, status: 409, formError: expect.stringContaining("your choices can no longer change") });
      expect(await ranksOf(s.round.id, s.trainee.id)).toEqual([{ opportunityId: a, rank: 1 }]);

      // A true race of an add and the close: whichever takes the round's row first, the add is in what the close reads or refused.
      await t.db.update(allocationRounds).set({ status: "open", seed: null, allocatedAt: null }).where(eq(allocationRounds.id, s.round.id));
      const [added, read] = await Promise.all([
        add(s.trainee.id, s.round.id, b),
        second.db.transaction(async (tx) => {
          await tx.select({ id: allocationRounds.id }).from(allocationRounds).where(eq(allocationRounds.id, s.round.id)).for("update");
          const rows = await tx.select({ opportunityId: roundPreferences.opportunityId }).from(roundPreferences).where(eq(roundPreferences.roundId, s.round.id));
          await tx.update(allocationRounds).set({ status: "allocated", seed: "race", allocatedAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
          return rows.map((r) => r.opportunityId);
        }),
      ]);
      await second.close();
      // Either in the allocation or refused, never half.
      if (added.ok) expect(read.sort()).toEqual([a, b].sort());
      else expect(read).toEqual([a]);
    } else {
      // PGlite runs one statement at a time: the close simply comes first.
      await t.db.update(allocationRounds).set({ status: "allocated", seed: "race", allocatedAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
      expect(await add(s.trainee.id, s.round.id, b)).toMatchObject({ ok: false, status: 409 });
      expect(await ranksOf(s.round.id, s.trainee.id)).toEqual([{ opportunityId: a, rank: 1 }]);
    }
  });
});

/** Resolves once the check holds, checking again as soon as the last check has answered. */
async function until(check: () => Promise<boolean>) {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
}

describe("a trust's decline racing the trainee's own change", () => {
  it("a decline committed while the trainee moves a choice is not lost when the trainee's ranks are rewritten", async () => {
    const s = await scene({ count: 3 });
    for (const id of s.ids) await add(s.trainee.id, s.round.id, id);
    const [a, b] = s.ids as [string, string];
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    const decline = (tx: Pick<typeof t.db, "update">) =>
      tx
        .update(roundPreferences)
        .set({ declinedAt: new Date(), declineReason: "Not the grade this needs", updatedAt: new Date() })
        .where(and(eq(roundPreferences.roundId, s.round.id), eq(roundPreferences.traineeId, s.trainee.id), eq(roundPreferences.opportunityId, a)));
    if (second) {
      // The lead's decline holds the choice's row (as declineChoice's UPDATE does) while the trainee moves B up.
      let locked!: () => void;
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const declining = second.db.transaction(async (tx) => {
        await decline(tx);
        locked();
        await released;
      });
      await holding;
      const moving = moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: b, direction: "up" });
      await until(async () => (await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n > 0);
      release();
      await declining;
      await second.close();
      expect((await moving).ok).toBe(true);
    } else {
      // PGlite runs one statement at a time: the decline simply comes first.
      await decline(t.db);
      expect((await moveChoice(t.db, s.trainee.id, { roundId: s.round.id, opportunityId: b, direction: "up" })).ok).toBe(true);
    }
    const [declined] = await t.db
      .select({ declinedAt: roundPreferences.declinedAt, declineReason: roundPreferences.declineReason })
      .from(roundPreferences)
      .where(and(eq(roundPreferences.roundId, s.round.id), eq(roundPreferences.traineeId, s.trainee.id), eq(roundPreferences.opportunityId, a)));
    expect(declined).toMatchObject({ declinedAt: expect.any(Date), declineReason: "Not the grade this needs" });
  });
});
