import { closeRound } from "~/models/round-close.server";
import { and, eq, sql } from "drizzle-orm";
import * as v from "valibot";
import { describe, expect, it } from "vitest";

import { openDatabase, queryRows } from "@db/client";
import { allocationRounds, emailOutbox, notifications, opportunities, roundOpportunities, roundPreferences } from "@db/schema";
import { cancelRound, createRound, declineChoice, getRoundPage, listRounds, roundFormOptions, updateRound, type RoundViewer } from "~/models/round-admin.server";
import { DeclineChoiceSchema, roundFormSchema, type RoundInput } from "~/models/rounds.schema";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { composedOutbox } from "../helpers/emails";
import { makeOpportunity, makeRound, makeRoundChoice, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
const HOUR = 3_600_000;
// Far enough ahead that the opportunities start after any round in these tests closes.
const LATER = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };

const viewer = (u: { id: string; role: RoundViewer["role"]; trustId: string | null }): RoundViewer => ({ id: u.id, role: u.role, trustId: u.trustId });

async function trustWithStaff() {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const opportunityId = await makeOpportunity(t.db, trust.id, LATER);
  return { trust, lead: viewer(lead), dme: viewer(dme), opportunityId };
}

function input(opportunityIds: string[], overrides: Partial<RoundInput> = {}): RoundInput {
  const now = Date.now();
  return {
    name: "Spring leadership round",
    opportunityIds,
    opensAt: new Date(now + 24 * HOUR),
    closesAt: new Date(now + 8 * 24 * HOUR),
    maxChoices: 5,
    seed: null,
    ...overrides,
  };
}

async function admin() {
  return viewer(await makeUser(t.db, { role: "admin" }));
}

describe("creating a round", () => {
  it("a lead creates a round of their trust's opportunities; a seed a lead sends is not kept", async () => {
    const a = await trustWithStaff();
    const second = await makeOpportunity(t.db, a.trust.id, LATER);
    const result = await createRound(t.db, a.lead, input([a.opportunityId, second], { seed: "chosen-by-lead" }));
    expect(result.ok).toBe(true);
    const [round] = await t.db.select().from(allocationRounds);
    expect(round).toMatchObject({ name: "Spring leadership round", trustId: a.trust.id, maxChoices: 5, seed: null, status: "open", createdBy: a.lead.id });
    const held = await t.db.select().from(roundOpportunities).where(eq(roundOpportunities.roundId, round!.id));
    expect(held.map((h) => h.opportunityId).sort()).toEqual([a.opportunityId, second].sort());
  });

  it("an admin creates a round across trusts, with a seed", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const result = await createRound(t.db, await admin(), input([a.opportunityId, b.opportunityId], { seed: "spring-2027", maxChoices: 3 }));
    expect(result.ok).toBe(true);
    const [round] = await t.db.select().from(allocationRounds);
    expect(round).toMatchObject({ trustId: null, seed: "spring-2027", maxChoices: 3 });
    expect(await t.db.select().from(roundOpportunities)).toHaveLength(2);
  });

  it("refuses another trust's opportunity for a lead, and writes nothing", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    // Even when another round holds it, nothing of that round is told.
    await makeRound(t.db, { opportunityIds: [b.opportunityId], trustId: b.trust.id, name: "B's private round" });
    const result = await createRound(t.db, a.lead, input([a.opportunityId, b.opportunityId]));
    expect(result).toEqual({ ok: false, status: 400, fieldErrors: { opportunityIds: "Select only your trust's opportunities" } });
    expect(await t.db.select().from(allocationRounds)).toHaveLength(1);
    expect(await t.db.select().from(roundOpportunities)).toHaveLength(1);
  });

  it("refuses a draft opportunity, an ended one and one starting before the close, naming each", async () => {
    const a = await trustWithStaff();
    const draft = await makeOpportunity(t.db, a.trust.id, { ...LATER, title: "Draft shadowing" }, "draft");
    const ended = await makeOpportunity(t.db, a.trust.id, { title: "Ended shadowing", startsOn: "2024-03-01", endsOn: "2024-03-31", applicationDeadline: "2024-02-15", sessionDate: ["2024-03-03"] });
    const soon = await makeOpportunity(t.db, a.trust.id, { title: "Soon shadowing", startsOn: "2098-03-01", endsOn: "2098-03-31", applicationDeadline: "2098-02-15", sessionDate: ["2098-03-03"] });
    const closesAt = new Date(Date.UTC(2098, 2, 1, 12));
    for (const [id, message] of [
      [draft, "“Draft shadowing” is not published: publish it before adding it to a round"],
      [ended, "“Ended shadowing” has ended"],
      [soon, "“Soon shadowing” starts on 1 March 2098, before the round closes: an opportunity in a round must start after its closing date"],
    ] as const) {
      const result = await createRound(t.db, a.lead, input([id], { closesAt }));
      expect(result).toMatchObject({ ok: false, status: 400, fieldErrors: { opportunityIds: message } });
    }
    expect(await t.db.select().from(allocationRounds)).toHaveLength(0);
  });

  it("refuses an opportunity already in another unfinished round, saying which round; a cancelled round frees it", async () => {
    const a = await trustWithStaff();
    const title = (await t.db.select({ title: opportunities.title }).from(opportunities).where(eq(opportunities.id, a.opportunityId)))[0]!.title;
    const other = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id, name: "Winter round" });
    const refused = await createRound(t.db, a.lead, input([a.opportunityId]));
    expect(refused).toMatchObject({ ok: false, status: 400, fieldErrors: { opportunityIds: `“${title}” is already in the round “Winter round”, which has not finished` } });
    await t.db.update(allocationRounds).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(allocationRounds.id, other.id));
    expect((await createRound(t.db, a.lead, input([a.opportunityId]))).ok).toBe(true);
  });

  it("refuses a closing time in the past or before the opening time", async () => {
    const a = await trustWithStaff();
    const now = Date.now();
    expect(await createRound(t.db, a.lead, input([a.opportunityId], { opensAt: new Date(now - 48 * HOUR), closesAt: new Date(now - HOUR) }))).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { closesDate: "The closing time must be in the future" },
    });
    expect(await createRound(t.db, a.lead, input([a.opportunityId], { opensAt: new Date(now + 48 * HOUR), closesAt: new Date(now + 24 * HOUR) }))).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { closesDate: "The closing time must be after the opening time" },
    });
  });

  it("two rounds saved at once with the same opportunity: exactly one gets it", async () => {
    const a = await trustWithStaff();
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    const results = await Promise.all([createRound(t.db, a.lead, input([a.opportunityId])), createRound(second?.db ?? t.db, a.lead, input([a.opportunityId]))]);
    await second?.close();
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await t.db.select().from(roundOpportunities)).toHaveLength(1);
  });
});

describe("the round form's schema", () => {
  const form = (overrides: Record<string, unknown> = {}) => ({
    name: "Spring round",
    opportunityIds: ["6f1c1e9e-4c35-4b0e-9d59-7a5d3c1f2a10"],
    opensDate: "2099-03-01",
    opensTime: "09:00",
    closesDate: "2099-03-14",
    closesTime: "17:00",
    maxChoices: "5",
    seed: "",
    ...overrides,
  });
  const errors = (overrides: Record<string, unknown>) => {
    const r = v.safeParse(roundFormSchema(new Date(Date.UTC(2098, 0, 1))), form(overrides));
    return r.success ? {} : Object.fromEntries(r.issues.map((i) => [v.getDotPath(i), i.message]));
  };

  it("reads London wall-clock times: 5pm on 14 March 2099 is 17:00 UTC (winter time)", () => {
    const r = v.safeParse(roundFormSchema(new Date(Date.UTC(2098, 0, 1))), form());
    expect(r.success && r.output.closesAt.toISOString()).toBe("2099-03-14T17:00:00.000Z");
    expect(r.success && r.output.seed).toBeNull();
  });

  it("says what is wrong by each field", () => {
    expect(errors({ name: "", opportunityIds: [], maxChoices: "11", opensDate: "2099-02-30" })).toEqual({
      name: "Enter a name for the round",
      opportunityIds: "Select at least one opportunity for the round",
      opensDate: "The opening date must be a real date, like 2027-03-15",
      maxChoices: "Enter a whole number of choices from 1 to 10",
    });
    expect(errors({ name: "x".repeat(121) })).toEqual({ name: "The name must be 120 characters or fewer" });
    expect(errors({ closesDate: "2099-02-28" })).toEqual({ closesDate: "The closing time must be after the opening time" });
    expect(errors({ opensDate: "2097-01-01", closesDate: "2097-02-01" })).toEqual({
      opensDate: "The opening date must be today or later",
      closesDate: "The closing time must be in the future",
    });
    expect(errors({ closesTime: "25:00" })).toEqual({ closesTime: "The closing time must be a time on the 24-hour clock, like 17:00" });
  });

  it("a round opening in 2020 was accepted: the opening date must be today or later", () => {
    expect(errors({ opensDate: "2020-01-01" })).toEqual({ opensDate: "The opening date must be today or later" });
    expect(errors({ opensDate: "2098-01-01", opensTime: "00:00" })).toEqual({});
  });

  it("a decline needs a reason", () => {
    const r = v.safeParse(DeclineChoiceSchema, { traineeId: "x", opportunityId: "6f1c1e9e-4c35-4b0e-9d59-7a5d3c1f2a10", reason: "  " });
    expect(r.success).toBe(false);
    expect(!r.success && r.issues[0]!.message).toBe("Give the reason for declining this choice: the trainee sees it");
  });
});

describe("changing a round", () => {
  it("only before it opens: after that 409 and nothing changes", async () => {
    const a = await trustWithStaff();
    const created = await createRound(t.db, a.lead, input([a.opportunityId]));
    if (!created.ok) throw new Error("not created");
    const other = await makeOpportunity(t.db, a.trust.id, LATER);
    expect(await updateRound(t.db, a.lead, created.id, input([other], { name: "Renamed", maxChoices: 2 }))).toEqual({ ok: true, id: created.id });
    const [round] = await t.db.select().from(allocationRounds);
    expect(round).toMatchObject({ name: "Renamed", maxChoices: 2 });
    expect((await t.db.select().from(roundOpportunities)).map((r) => r.opportunityId)).toEqual([other]);
    // Now it opens.
    await t.db.update(allocationRounds).set({ opensAt: new Date(Date.now() - HOUR) }).where(eq(allocationRounds.id, created.id));
    expect(await updateRound(t.db, a.lead, created.id, input([other], { name: "Too late" }))).toMatchObject({ ok: false, status: 409 });
    expect((await t.db.select({ name: allocationRounds.name }).from(allocationRounds))[0]!.name).toBe("Renamed");
  });

  it("a lead cannot change an admin's round or another trust's (404); an admin can change a lead's", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const adminRound = await makeRound(t.db, { opportunityIds: [a.opportunityId], opensAt: new Date(Date.now() + HOUR) });
    const bRound = await makeRound(t.db, { opportunityIds: [b.opportunityId], trustId: b.trust.id, opensAt: new Date(Date.now() + HOUR) });
    expect(await updateRound(t.db, a.lead, adminRound.id, input([a.opportunityId]))).toMatchObject({ ok: false, status: 404 });
    expect(await updateRound(t.db, a.lead, bRound.id, input([b.opportunityId]))).toMatchObject({ ok: false, status: 404 });
    expect(await updateRound(t.db, a.dme, bRound.id, input([b.opportunityId]))).toMatchObject({ ok: false, status: 404 });
    // An admin editing a lead's round stays within that trust.
    const boss = await admin();
    expect(await updateRound(t.db, boss, bRound.id, input([a.opportunityId]))).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { opportunityIds: "This round is a trust's own: select only that trust's opportunities" },
    });
    expect((await updateRound(t.db, boss, bRound.id, input([b.opportunityId], { name: "By the admin" }))).ok).toBe(true);
  });
});

describe("cancelling a round", () => {
  async function roundWithChoices() {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId, b.opportunityId], name: "Summer round" });
    const trainees = [await makeTrainee(t.db), await makeTrainee(t.db)];
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: trainees[0]!.id, opportunityId: a.opportunityId, rank: 1 });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: trainees[0]!.id, opportunityId: b.opportunityId, rank: 2 });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: trainees[1]!.id, opportunityId: b.opportunityId, rank: 1 });
    return { a, b, round, trainees };
  }

  it("tells every trainee with a choice, and the leads and DMEs of its trusts, in-app and by e-mail", async () => {
    const { a, b, round, trainees } = await roundWithChoices();
    const boss = await admin();
    expect(await cancelRound(t.db, boss, round.id)).toEqual({ ok: true });
    const [row] = await t.db.select().from(allocationRounds);
    expect(row).toMatchObject({ status: "cancelled", cancelledBy: boss.id });
    expect(row!.cancelledAt).toBeInstanceOf(Date);
    const told = await t.db.select({ userId: notifications.userId, params: notifications.params, roundId: notifications.roundId, actorId: notifications.actorId }).from(notifications);
    const byUser = Object.fromEntries(told.map((n) => [n.userId, n.params.audience]));
    expect(byUser).toEqual({
      [trainees[0]!.id]: "trainee",
      [trainees[1]!.id]: "trainee",
      [a.lead.id]: "trust_lead",
      [a.dme.id]: "dme",
      [b.lead.id]: "trust_lead",
      [b.dme.id]: "dme",
    });
    expect(told.every((n) => n.roundId === round.id && n.actorId === boss.id && n.params.event === "cancelled")).toBe(true);
    const mail = await composedOutbox(t.db);
    expect(mail).toHaveLength(6);
    const traineeMail = mail.find((m) => m.row.recipientId === trainees[0]!.id)!;
    expect(traineeMail.row.roundId).toBe(round.id);
    expect(traineeMail.email?.subject).toBe("Invitational: Round cancelled: Summer round");
    expect(traineeMail.email?.text).toContain(`/trainee/rounds/${round.id}`);
    expect(mail.find((m) => m.row.recipientId === a.lead.id)!.email?.text).toContain(`/rounds/${round.id}`);
  });

  it("a lead cancels their own round, and is not told about it themselves; a second cancel is refused with 409", async () => {
    const a = await trustWithStaff();
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id });
    expect(await cancelRound(t.db, a.lead, round.id)).toEqual({ ok: true });
    expect((await t.db.select({ userId: notifications.userId }).from(notifications)).map((n) => n.userId)).toEqual([a.dme.id]);
    expect(await cancelRound(t.db, a.lead, round.id)).toMatchObject({ ok: false, status: 409, message: "This round has already been cancelled." });
  });

  it("is refused once the closing time has passed (409) and for another trust's lead (404)", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const closed = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id, opensAt: new Date(Date.now() - 48 * HOUR), closesAt: new Date(Date.now() - HOUR) });
    expect(await cancelRound(t.db, a.lead, closed.id)).toMatchObject({ ok: false, status: 409, message: "This round has closed and is being allocated, so it can no longer be cancelled." });
    expect(await cancelRound(t.db, b.lead, closed.id)).toMatchObject({ ok: false, status: 404 });
    expect((await t.db.select({ status: allocationRounds.status }).from(allocationRounds))[0]!.status).toBe("open");
    expect(await t.db.select().from(notifications)).toHaveLength(0);
  });

  it("two cancels at once: exactly one wins and everyone is told once", async () => {
    const { round } = await roundWithChoices();
    const boss = await admin();
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    const results = await Promise.all([cancelRound(t.db, boss, round.id), cancelRound(second?.db ?? t.db, boss, round.id)]);
    await second?.close();
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ status: 409, message: "This round has already been cancelled." });
    expect(await t.db.select().from(notifications)).toHaveLength(6);
    expect(await t.db.select().from(emailOutbox)).toHaveLength(6);
  });

  it("a cancel and a close at the same moment: exactly one happens", async () => {
    const { round } = await roundWithChoices();
    const boss = await admin();
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    const close = async (db: typeof t.db) => (await closeRound(db, round.id, { actor: boss, now: new Date() })).ok;
    const [cancelled, closed] = await Promise.all([cancelRound(t.db, boss, round.id), close(second?.db ?? t.db)]);
    await second?.close();
    expect([cancelled.ok, closed].filter(Boolean)).toHaveLength(1);
    const [row] = await t.db.select({ status: allocationRounds.status }).from(allocationRounds);
    expect(row!.status).toBe(cancelled.ok ? "cancelled" : "allocated");
    const told = await t.db.select({ params: notifications.params }).from(notifications);
    expect(new Set(told.map((n) => n.params.event))).toEqual(new Set([cancelled.ok ? "cancelled" : "allocated"]));
    if (cancelled.ok) expect(told).toHaveLength(6);
  });
});

describe("declining a choice", () => {
  const reason = "This opportunity needs a trainee in a surgical specialty.";

  it("the lead declines a choice on their opportunity with a reason, and the trainee is told why", async () => {
    const a = await trustWithStaff();
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id });
    const trainee = await makeTrainee(t.db);
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: trainee.id, opportunityId: a.opportunityId });
    expect(await declineChoice(t.db, a.lead, round.id, { traineeId: trainee.id, opportunityId: a.opportunityId, reason })).toEqual({ ok: true });
    const [choice] = await t.db.select().from(roundPreferences);
    expect(choice).toMatchObject({ declinedBy: a.lead.id, declineReason: reason });
    expect(choice!.declinedAt).toBeInstanceOf(Date);
    const [note] = await t.db.select().from(notifications);
    expect(note).toMatchObject({ userId: trainee.id, roundId: round.id, actorId: a.lead.id, params: { event: "choice_declined", opportunityId: a.opportunityId, audience: "trainee" } });
    const [mail] = await composedOutbox(t.db);
    expect(mail!.email?.text).toContain(reason);
    expect(await declineChoice(t.db, a.lead, round.id, { traineeId: trainee.id, opportunityId: a.opportunityId, reason })).toMatchObject({
      ok: false,
      status: 409,
      message: "This choice has already been declined.",
    });
  });

  it("only while the round is open: not once its closing time has passed, nor after a cancel (409)", async () => {
    const a = await trustWithStaff();
    const trainee = await makeTrainee(t.db);
    const closing = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id, opensAt: new Date(Date.now() - 48 * HOUR), closesAt: new Date(Date.now() - HOUR) });
    await makeRoundChoice(t.db, { roundId: closing.id, traineeId: trainee.id, opportunityId: a.opportunityId });
    expect(await declineChoice(t.db, a.lead, closing.id, { traineeId: trainee.id, opportunityId: a.opportunityId, reason })).toMatchObject({ ok: false, status: 409 });
    const other = await makeOpportunity(t.db, a.trust.id, LATER);
    const cancelled = await makeRound(t.db, { opportunityIds: [other], trustId: a.trust.id, status: "cancelled" });
    await makeRoundChoice(t.db, { roundId: cancelled.id, traineeId: trainee.id, opportunityId: other });
    expect(await declineChoice(t.db, a.lead, cancelled.id, { traineeId: trainee.id, opportunityId: other, reason })).toMatchObject({ ok: false, status: 409 });
    expect((await t.db.select().from(roundPreferences)).every((c) => c.declinedAt === null)).toBe(true);
    expect(await t.db.select().from(notifications)).toHaveLength(0);
  });

  it("another trust's choice is not found (404), even in an admin's round holding both trusts' opportunities", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId, b.opportunityId] });
    const trainee = await makeTrainee(t.db);
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: trainee.id, opportunityId: b.opportunityId });
    expect(await declineChoice(t.db, a.lead, round.id, { traineeId: trainee.id, opportunityId: b.opportunityId, reason })).toMatchObject({ ok: false, status: 404 });
    expect(await declineChoice(t.db, a.dme, round.id, { traineeId: trainee.id, opportunityId: b.opportunityId, reason })).toMatchObject({ ok: false, status: 404 });
    expect((await t.db.select().from(roundPreferences))[0]!.declinedAt).toBeNull();
  });
});

describe("who sees which round", () => {
  it("the lead's view of an admin's round shows only their own trust's applicants; a trust with no opportunity in it does not see it", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const c = await trustWithStaff();
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId, b.opportunityId], seed: "secret-seed" });
    const ann = await makeTrainee(t.db, { name: "Dr Ann Chosen-A" });
    const bob = await makeTrainee(t.db, { name: "Dr Bob Chosen-B" });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: ann.id, opportunityId: a.opportunityId, rank: 2 });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: bob.id, opportunityId: b.opportunityId });
    const page = await getRoundPage(t.db, a.lead, round.id);
    expect(page).not.toBeNull();
    const own = page!.opportunities.find((o) => o.id === a.opportunityId)!;
    const others = page!.opportunities.find((o) => o.id === b.opportunityId)!;
    expect(own.applicants!.map((x) => ({ name: x.name, rank: x.rank }))).toEqual([{ name: "Dr Ann Chosen-A", rank: 2 }]);
    expect(others.applicants).toBeNull();
    expect(others.chosenBy).toBe(1);
    expect(JSON.stringify(page)).not.toContain("Dr Bob Chosen-B");
    // The seed is the admins' until the round is allocated; a lead cannot manage an admin's round.
    expect(page!.round.seed).toBeNull();
    expect(page!.can).toMatchObject({ edit: false, cancel: false, decline: true, close: false });
    expect((await getRoundPage(t.db, a.dme, round.id))!.can).toMatchObject({ decline: false, cancel: false });
    expect(await getRoundPage(t.db, c.lead, round.id)).toBeNull();
    expect(await getRoundPage(t.db, c.dme, round.id)).toBeNull();
    const adminPage = await getRoundPage(t.db, await admin(), round.id);
    expect(adminPage!.round.seed).toBe("secret-seed");
    expect(adminPage!.can).toMatchObject({ cancel: true, close: true, decline: false });
  });

  it("lists an admin every round newest first, and a lead their trust's and the admin rounds holding their opportunities", async () => {
    const a = await trustWithStaff();
    const b = await trustWithStaff();
    const own = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id, name: "A's round" });
    const across = await makeRound(t.db, { opportunityIds: [b.opportunityId, await makeOpportunity(t.db, a.trust.id, LATER)], name: "Across" });
    const bOnly = await makeRound(t.db, { opportunityIds: [await makeOpportunity(t.db, b.trust.id, LATER)], trustId: b.trust.id, name: "B's round" });
    await t.db.execute(sql`update allocation_rounds set created_at = now() - interval '1 hour' where id = ${own.id}`);
    const all = await listRounds(t.db, await admin());
    expect(all.rounds.map((r) => r.name)).toEqual(["B's round", "Across", "A's round"]);
    expect(all.rounds.find((r) => r.id === across.id)).toMatchObject({ opportunities: 2, trainees: 0, phase: "open" });
    const forA = await listRounds(t.db, a.lead);
    expect(forA.rounds.map((r) => r.name).sort()).toEqual(["A's round", "Across"]);
    // A lead counts their own trust's opportunities in a round across trusts.
    expect(forA.rounds.find((r) => r.id === across.id)!.opportunities).toBe(1);
    expect((await listRounds(t.db, a.dme)).rounds.map((r) => r.id).sort()).toEqual([own.id, across.id].sort());
    expect((await listRounds(t.db, b.lead)).rounds.map((r) => r.id).sort()).toEqual([across.id, bOnly.id].sort());
  });

  it("pages the admin's list 20 at a time", async () => {
    const a = await trustWithStaff();
    for (let i = 0; i < 21; i++) await makeRound(t.db, { opportunityIds: [], trustId: a.trust.id, status: "cancelled" });
    const boss = await admin();
    expect((await listRounds(t.db, boss)).rounds).toHaveLength(20);
    expect(await listRounds(t.db, boss, { page: 2 })).toMatchObject({ page: 2, lastPage: 2, total: 21 });
    expect((await listRounds(t.db, boss, { page: 99 })).page).toBe(2);
  });
});

describe("the form's opportunities", () => {
  it("lists the lead's not-yet-started opportunities, leaves out (and counts) those another round holds, and keeps those of the round being changed", async () => {
    const a = await trustWithStaff();
    const started = await makeOpportunity(t.db, a.trust.id, { startsOn: "2024-03-01", endsOn: "2099-03-31", applicationDeadline: "2024-02-15", sessionDate: ["2024-03-03"] });
    const heldElsewhere = await makeOpportunity(t.db, a.trust.id, LATER);
    await makeRound(t.db, { opportunityIds: [heldElsewhere], trustId: a.trust.id });
    const mine = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id, opensAt: new Date(Date.now() + HOUR) });
    const forNew = await roundFormOptions(t.db, { trustId: a.trust.id }, {}, []);
    expect(forNew.options.map((o) => o.id)).toEqual([]);
    expect(forNew.heldElsewhere).toBe(2);
    const forEdit = await roundFormOptions(t.db, { trustId: a.trust.id, roundId: mine.id }, {}, [a.opportunityId]);
    expect(forEdit.options.map((o) => o.id)).toEqual([a.opportunityId]);
    expect(forEdit.heldElsewhere).toBe(1);
    expect(forEdit.options.map((o) => o.id)).not.toContain(started);
  });

  it("lists nothing for an admin until a place is chosen", async () => {
    const a = await trustWithStaff();
    expect(await roundFormOptions(t.db, { trustId: null }, {}, [])).toMatchObject({ options: [], filtered: false });
    const byTrust = await roundFormOptions(t.db, { trustId: null }, { trustId: a.trust.id }, []);
    expect(byTrust.options.map((o) => o.id)).toEqual([a.opportunityId]);
    expect(byTrust.places!.trusts.map((x) => x.id)).toContain(a.trust.id);
  });
});

describe("queries", () => {
  it("cancelling leaves the opportunities free for first-come applications (no unfinished round holds them)", async () => {
    const a = await trustWithStaff();
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id });
    await cancelRound(t.db, a.lead, round.id);
    const held = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from round_opportunities ro join allocation_rounds r on r.id = ro.round_id where ro.opportunity_id = ${a.opportunityId} and r.status = 'open'`,
    );
    expect(held[0]!.n).toBe(0);
    expect(await t.db.select().from(roundOpportunities).where(and(eq(roundOpportunities.roundId, round.id)))).toHaveLength(1);
  });
});

describe("two leads declining the same choice at once", () => {
  it("a choice declined by two leads at once is declined once and its trainee told once", async () => {
    const a = await trustWithStaff();
    const other = viewer(await makeUser(t.db, { role: "trust_lead", trustId: a.trust.id }));
    const round = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id });
    const trainee = await makeTrainee(t.db);
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: trainee.id, opportunityId: a.opportunityId });
    const choice = and(eq(roundPreferences.roundId, round.id), eq(roundPreferences.traineeId, trainee.id), eq(roundPreferences.opportunityId, a.opportunityId));
    const decline = (by: RoundViewer, db = t.db) => declineChoice(db, by, round.id, { traineeId: trainee.id, opportunityId: a.opportunityId, reason: `Declined by ${by.id}` });
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    let results: Awaited<ReturnType<typeof declineChoice>>[];
    if (second) {
      // The first lead's decline holds the choice's row; the second, arriving meanwhile, must see it declined when it gets the row.
      let locked!: () => void;
      let release!: () => void;
      const holding = new Promise<void>((resolve) => (locked = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const first = second.db.transaction(async (tx) => {
        await tx.update(roundPreferences).set({ declinedAt: new Date(), declinedBy: a.lead.id, declineReason: `Declined by ${a.lead.id}` }).where(choice);
        locked();
        await released;
      });
      await holding;
      const racing = decline(other);
      while ((await queryRows<{ n: number }>(t.db, sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))[0]!.n === 0) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      release();
      await first;
      await second.close();
      results = [await racing];
    } else {
      results = await Promise.all([decline(a.lead), decline(other)]);
    }
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(1);
    expect(results.some((r) => !r.ok && r.status === 409)).toBe(true);
    const [row] = await t.db.select().from(roundPreferences).where(choice);
    expect(row!.declineReason).toBe(`Declined by ${row!.declinedBy}`);
    expect((await t.db.select().from(notifications)).length).toBeLessThanOrEqual(1);
  });
});

describe("the round page's link to the allocation", () => {
  it("the See the allocation link is offered only to those the allocation page lets in, not to a DME or a lead in an admin's round", async () => {
    const a = await trustWithStaff();
    const own = await makeRound(t.db, { opportunityIds: [a.opportunityId], trustId: a.trust.id, status: "allocated" });
    const b = await trustWithStaff();
    const across = await makeRound(t.db, { opportunityIds: [b.opportunityId], status: "allocated" });
    const boss = await admin();
    const seen = async (who: RoundViewer, roundId: string) => (await getRoundPage(t.db, who, roundId))!.can.seeAllocation;
    expect(await seen(a.lead, own.id)).toBe(true);
    expect(await seen(boss, own.id)).toBe(true);
    expect(await seen(boss, across.id)).toBe(true);
    expect(await seen(a.dme, own.id)).toBe(false);
    expect(await seen(b.lead, across.id)).toBe(false);
    const unfinished = await makeRound(t.db, { opportunityIds: [await makeOpportunity(t.db, a.trust.id, LATER)], trustId: a.trust.id });
    expect(await seen(a.lead, unfinished.id)).toBe(false);
  });
});
