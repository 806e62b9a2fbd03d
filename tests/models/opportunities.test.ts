import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applications, objectives, opportunities, opportunitySessions } from "@db/schema";
import { createObjective, setObjectiveRetired, updateObjective } from "~/models/objectives.server";
import { parseOpportunityForm } from "~/models/opportunities.schema";
import {
  changeOpportunityStatus,
  duplicateOpportunity,
  getOpportunityForViewer,
  getTrustOpportunity,
  listTrustOpportunities,
  saveOpportunity,
} from "~/models/opportunities.server";
import { parseSearchParams } from "~/models/search.schema";
import { searchOpportunities } from "~/models/search.server";

import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makeTrainee, makeTrust } from "../helpers/factories";
import { opportunityForm } from "../helpers/opportunities";

const t = useTestDatabase();
const today = "2026-11-25";

function input(overrides: Record<string, string | string[]> = {}) {
  const parsed = parseOpportunityForm(opportunityForm(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
  return parsed.data;
}

describe("saving opportunities", () => {
  it("saves a draft with its sessions", async () => {
    const trust = await makeTrust(t.db);
    const result = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const detail = await getTrustOpportunity(t.db, trust.id, result.id);
    expect(detail).toMatchObject({ status: "draft", seats: 2, seatsLeft: 2, sessions: [expect.objectContaining({ date: "2027-03-03" })] });
  });

  it("refuses a QI project aligned to another trust's objective, and writes nothing", async () => {
    const mine = await makeTrust(t.db);
    const theirs = await makeTrust(t.db);
    const objectiveId = await createObjective(t.db, theirs.id, { title: "Their objective", description: "" });
    const result = await saveOpportunity(t.db, { trustId: mine.id, userId: null }, input({ type: "qi_project", objectiveId }));
    expect(result).toEqual({ ok: false, status: 400, fieldErrors: { objectiveId: "Select one of your trust's objectives" } });
    expect(await t.db.select().from(opportunities)).toHaveLength(0);
  });

  it("refuses another trust's site", async () => {
    const mine = await makeTrust(t.db);
    const theirs = await makeTrust(t.db);
    const result = await saveOpportunity(t.db, { trustId: mine.id, userId: null }, input({ siteId: theirs.sites[0]!.id }));
    expect(result).toMatchObject({ ok: false, fieldErrors: { siteId: "Select one of your trust's sites" } });
  });

  it("keeps a retired objective on an opportunity that already had it, but refuses it for a new one", async () => {
    const trust = await makeTrust(t.db);
    const objectiveId = await createObjective(t.db, trust.id, { title: "Cut waiting times", description: "" });
    const saved = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ type: "qi_project", objectiveId }));
    if (!saved.ok) throw new Error("setup");
    await setObjectiveRetired(t.db, trust.id, objectiveId, true);
    const edit = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ type: "qi_project", objectiveId, title: "Renamed" }), { id: saved.id, today });
    expect(edit.ok).toBe(true);
    const fresh = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ type: "qi_project", objectiveId }));
    expect(fresh).toMatchObject({ ok: false, fieldErrors: { objectiveId: "This objective is retired: choose a current one" } });
    const [row] = await t.db.select().from(objectives).where(eq(objectives.id, objectiveId));
    expect(row!.retiredAt).not.toBeNull();
  });

  it("answers 404 when a lead edits another trust's opportunity, and changes nothing", async () => {
    const mine = await makeTrust(t.db);
    const theirs = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, theirs.id);
    const result = await saveOpportunity(t.db, { trustId: mine.id, userId: null }, input({ title: "Hijacked" }), { id, today });
    expect(result).toMatchObject({ ok: false, status: 404 });
    expect(await getTrustOpportunity(t.db, mine.id, id)).toBeNull();
    expect((await getTrustOpportunity(t.db, theirs.id, id))!.title).toBe("Shadow the Chief Medical Officer");
  });

  it("replaces the sessions on edit", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, {}, "draft");
    await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ sessionDate: ["2027-03-10", "2027-03-17"], sessionStart: ["09:00", "10:00"], sessionEnd: ["12:00", "11:00"], sessionLocation: ["Room 1", "Room 2"] }), { id, today });
    const rows = await t.db.select().from(opportunitySessions).where(eq(opportunitySessions.opportunityId, id));
    expect(rows.map((r) => r.date).sort()).toEqual(["2027-03-10", "2027-03-17"]);
  });
});

describe("publishing, closing, archiving and duplicating", () => {
  it("moves through the lifecycle and refuses a step from the wrong status with a reason", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, {}, "draft");
    expect(await changeOpportunityStatus(t.db, trust.id, id, "close", today)).toEqual({ ok: false, status: 409, message: "This opportunity is a draft, so it cannot be closed" });
    expect(await changeOpportunityStatus(t.db, trust.id, id, "publish", today)).toEqual({ ok: true, promoted: [] });
    expect(await changeOpportunityStatus(t.db, trust.id, id, "publish", today)).toMatchObject({ ok: false, status: 409 });
    expect(await changeOpportunityStatus(t.db, trust.id, id, "close", today)).toEqual({ ok: true, promoted: [] });
    expect(await changeOpportunityStatus(t.db, trust.id, id, "archive", today)).toEqual({ ok: true, promoted: [] });
    const [row] = await t.db.select().from(opportunities).where(eq(opportunities.id, id));
    expect(row!.status).toBe("archived");
    const edit = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input(), { id, today });
    expect(edit).toMatchObject({ ok: false, status: 409 });
  });

  it("will not publish once the deadline has passed", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, {}, "draft");
    const result = await changeOpportunityStatus(t.db, trust.id, id, "publish", "2027-02-16");
    expect(result).toMatchObject({ ok: false, status: 409, message: expect.stringContaining("deadline has passed") });
  });

  it("does not let another trust change the status", async () => {
    const trust = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, {}, "draft");
    expect(await changeOpportunityStatus(t.db, other.id, id, "publish", today)).toMatchObject({ ok: false, status: 404 });
  });

  it("duplicates as a new draft with the same sessions, published only once its title is changed", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id);
    const copyId = await duplicateOpportunity(t.db, { trustId: trust.id, userId: null }, id);
    const copy = await getTrustOpportunity(t.db, trust.id, copyId!);
    expect(copy).toMatchObject({ status: "draft", title: "Copy of Shadow the Chief Medical Officer", sessions: [expect.objectContaining({ location: "Executive offices" })] });
    expect(await changeOpportunityStatus(t.db, trust.id, copyId!, "publish", today)).toMatchObject({
      ok: false,
      status: 409,
      message: "Change the title of this copy (and its dates) before you publish it",
    });
    await t.db.update(opportunities).set({ title: "Shadow the Chief Medical Officer in spring" }).where(eq(opportunities.id, copyId!));
    expect(await changeOpportunityStatus(t.db, trust.id, copyId!, "publish", today)).toEqual({ ok: true, promoted: [] });
  });

  it("will not cut the seats below the places already offered or approved", async () => {
    const trust = await makeTrust(t.db);
    const saved = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ seats: "3" }));
    if (!saved.ok) throw new Error("not saved");
    const [a, b, c] = [await makeTrainee(t.db), await makeTrainee(t.db), await makeTrainee(t.db)];
    await t.db.insert(applications).values([
      { opportunityId: saved.id, traineeId: a.id, statement: "x", status: "offered" },
      { opportunityId: saved.id, traineeId: b.id, statement: "x", status: "approved" },
      { opportunityId: saved.id, traineeId: c.id, statement: "x", status: "submitted" },
    ]);
    const cut = await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ seats: "1" }), { id: saved.id, today });
    expect(cut).toEqual({ ok: false, status: 400, fieldErrors: { seats: "2 places are already offered or approved: the number of seats must be 2 or more" } });
    expect((await getTrustOpportunity(t.db, trust.id, saved.id))?.seats).toBe(3);
    expect(await saveOpportunity(t.db, { trustId: trust.id, userId: null }, input({ seats: "2" }), { id: saved.id, today })).toMatchObject({ ok: true });
  });

  it("lists the trust's opportunities with seats filled and applications waiting", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, { seats: "3" });
    const a = await makeTrainee(t.db);
    const b = await makeTrainee(t.db);
    const c = await makeTrainee(t.db);
    await t.db.insert(applications).values([
      { opportunityId: id, traineeId: a.id, statement: "x", status: "offered" },
      { opportunityId: id, traineeId: b.id, statement: "x", status: "submitted" },
      { opportunityId: id, traineeId: c.id, statement: "x", status: "withdrawn" },
    ]);
    const [row] = await listTrustOpportunities(t.db, trust.id);
    expect(row).toMatchObject({ seats: 3, seatsTaken: 1, applicationsWaiting: 1 });
    expect(await listTrustOpportunities(t.db, trust.id, "draft")).toHaveLength(0);
  });
});

describe("who can see an opportunity", () => {
  it("shows a draft only to its own trust", async () => {
    const trust = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, {}, "draft");
    expect(await getOpportunityForViewer(t.db, id, null)).toBeNull();
    expect(await getOpportunityForViewer(t.db, id, other.id)).toBeNull();
    expect((await getOpportunityForViewer(t.db, id, trust.id))?.id).toBe(id);
    expect(await getOpportunityForViewer(t.db, "not-a-uuid", null)).toBeNull();
  });

  it("lists only published opportunities whose deadline has not passed", async () => {
    const trust = await makeTrust(t.db);
    await makeOpportunity(t.db, trust.id, { title: "Draft one" }, "draft");
    await makeOpportunity(t.db, trust.id, { title: "Closed one" }, "closed");
    await makeOpportunity(t.db, trust.id, { title: "Archived one" }, "archived");
    await makeOpportunity(t.db, trust.id, { title: "Open one" });
    const found = await searchOpportunities(t.db, parseSearchParams(new URLSearchParams()), { today });
    expect(found.results.map((r) => r.title)).toEqual(["Open one"]);
    const after = await searchOpportunities(t.db, parseSearchParams(new URLSearchParams()), { today: "2027-02-16" });
    expect(after.total).toBe(0);
  });

  it("rewrites the search document when the objective's title changes", async () => {
    const trust = await makeTrust(t.db);
    const objectiveId = await createObjective(t.db, trust.id, { title: "Reduce falls", description: "" });
    await makeOpportunity(t.db, trust.id, { type: "qi_project", objectiveId });
    const search = (q: string) => searchOpportunities(t.db, parseSearchParams(new URLSearchParams({ q })), { today });
    expect((await search("falls")).total).toBe(1);
    await updateObjective(t.db, trust.id, objectiveId, { title: "Improve sepsis screening", description: "" });
    expect((await search("falls")).total).toBe(0);
    expect((await search("sepsis")).total).toBe(1);
  });
});
