// The DME's bulk approval and the trust lead's to-do list, against a real database.
import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications } from "@db/schema";
import { approvePlacements } from "~/models/bulk-approval.server";
import { getTrustToDo } from "~/models/trust-todo.server";

import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makeRound, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { countingQueries } from "../helpers/query-count";
import { usingPostgres } from "../helpers/db";

const t = useTestDatabase();
const today = "2026-11-25";
const statement = "I would like to learn how the executive team works.";

async function trust() {
  const trust = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  return { trust, dme: { id: dme.id, role: "dme" as const, trustId: trust.id } };
}

async function application(opportunityId: string, status: "submitted" | "offered" | "approved" | "withdrawn" = "offered", name?: string) {
  const trainee = await makeTrainee(t.db, name ? { name } : {});
  const [row] = await t.db.insert(applications).values({ opportunityId, traineeId: trainee.id, statement, status }).returning({ id: applications.id });
  return row!.id;
}

describe("approvePlacements", () => {
  it("approves each selected offer in its own transition and says which could not be approved and why", async () => {
    const { trust: here, dme } = await trust();
    const other = await makeTrust(t.db);
    const board = await makeOpportunity(t.db, here.id, { title: "Board seat", seats: "5" });
    const ended = await makeOpportunity(t.db, here.id, { title: "Ended project", startsOn: "2026-10-01", endsOn: "2026-10-31", applicationDeadline: "2026-09-15", sessionDate: ["2026-10-03", "", "", "", "", ""] });
    const a = await application(board, "offered", "Dr Ann");
    const b = await application(board, "offered", "Dr Ben");
    const withdrawn = await application(board, "withdrawn", "Dr Wendy");
    const late = await application(ended, "offered", "Dr Late");
    const elsewhere = await application(await makeOpportunity(t.db, other.id), "offered", "Dr Elsewhere");

    const summary = await approvePlacements(t.db, dme, [a, b, a, withdrawn, late, elsewhere, "not-an-id", "00000000-0000-4000-8000-000000000000"], today);
    expect(summary.approved.map((x) => x.name).sort()).toEqual(["Dr Ann", "Dr Ben"]);
    expect(summary.already).toEqual([]);
    expect(summary.refused.map((r) => [r.name, r.reason])).toEqual([
      ["Dr Wendy", expect.stringContaining("so it cannot be approved now")],
      ["Dr Late", expect.stringContaining("so the placement can no longer be approved")],
    ]);
    // Another trust's application is never named, nor approved: counted as not found with the unknown ones.
    expect(summary.notFound).toBe(3);
    const statusOf = async (id: string) => (await t.db.select({ s: applications.status }).from(applications).where(eq(applications.id, id)))[0]!.s;
    expect(await statusOf(a)).toBe("approved");
    expect(await statusOf(elsewhere)).toBe("offered");
    expect(await statusOf(late)).toBe("offered");
    // One approved event each, as a single approval writes.
    const events = await t.db.select({ n: count() }).from(applicationEvents).where(and(eq(applicationEvents.toStatus, "approved")));
    expect(events[0]!.n).toBe(2);

    const again = await approvePlacements(t.db, dme, [a], today);
    expect(again).toMatchObject({ approved: [], already: [{ id: a, name: "Dr Ann" }] });
  });
});

describe("getTrustToDo", () => {
  it("gathers what is waiting across all the trust's opportunities, each with its opportunity, in two queries", async () => {
    const { trust: here } = await trust();
    const other = await makeTrust(t.db);
    const shadow = await makeOpportunity(t.db, here.id, { title: "Shadow the CMO" });
    const huddle = await makeOpportunity(t.db, here.id, { title: "Safety huddle" });
    const done = await makeOpportunity(t.db, here.id, { title: "Finished project", startsOn: "2026-10-01", endsOn: "2026-10-31", applicationDeadline: "2026-09-15", sessionDate: ["2026-10-03", "", "", "", "", ""] }, "closed");
    const stale = await makeOpportunity(t.db, here.id, { title: "Stale deadline", startsOn: "2026-12-01", endsOn: "2026-12-31", applicationDeadline: "2026-11-20", sessionDate: ["2026-12-03", "", "", "", "", ""] });
    const theirs = await makeOpportunity(t.db, other.id, { title: "Another trust's" });
    await application(shadow, "submitted");
    await application(shadow, "submitted");
    await application(huddle, "submitted");
    await application(shadow, "offered");
    await application(done, "approved");
    await application(done, "approved");
    await application(theirs, "submitted");
    await application(theirs, "offered");
    const soon = await makeRound(t.db, { trustId: here.id, name: "Our winter round", closesAt: new Date(Date.now() + 2 * 24 * 3600_000), opportunityIds: [huddle] });
    const regional = await makeRound(t.db, { trustId: null, name: "Regional round", closesAt: new Date(Date.now() + 3 * 24 * 3600_000), opportunityIds: [shadow, theirs] });
    await makeRound(t.db, { trustId: null, name: "Not ours", closesAt: new Date(Date.now() + 3 * 24 * 3600_000), opportunityIds: [theirs] });
    await makeRound(t.db, { trustId: here.id, name: "Later", closesAt: new Date(Date.now() + 20 * 24 * 3600_000) });

    const counted = countingQueries(t.db, usingPostgres ? "postgres" : "pglite");
    const todo = await getTrustToDo(counted.db, here.id, today);
    expect(counted.queries).toHaveLength(2);
    expect(todo.items.waiting).toMatchObject({ count: 3, opportunities: [{ opportunityId: expect.any(String), count: expect.any(Number) }, expect.anything()] });
    expect(todo.items.waiting.opportunities.map((o) => [o.title, o.count]).sort()).toEqual([["Safety huddle", 1], ["Shadow the CMO", 2]]);
    expect(todo.items.waiting.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(todo.items.offered).toMatchObject({ count: 1, opportunities: [{ opportunityId: shadow, title: "Shadow the CMO" }] });
    expect(todo.items.sign_off).toMatchObject({ count: 2, since: "2026-10-31", opportunities: [{ opportunityId: done, count: 2 }] });
    expect(todo.items.past_deadline).toMatchObject({ count: 1, opportunities: [{ opportunityId: stale, since: "2026-11-20" }] });
    expect(todo.rounds.map((r) => [r.id, r.trustWide])).toEqual([
      [soon.id, false],
      [regional.id, true],
    ]);
  });

  it("is empty for a trust with nothing waiting", async () => {
    const { trust: here } = await trust();
    await makeOpportunity(t.db, here.id);
    const todo = await getTrustToDo(t.db, here.id, today);
    expect(Object.values(todo.items).map((i) => i.count)).toEqual([0, 0, 0, 0]);
    expect(todo.rounds).toEqual([]);
  });
});
