import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase } from "@db/client";
import { seedDemoData } from "@db/seed/demo";
import { applications, opportunities, savedOpportunities, users } from "@db/schema";
import { getJourney, listSuggestionCandidates, MAX_CANDIDATES } from "~/models/journey.server";
import { closesSoon } from "~/models/shortlist";
import { MAX_SAVED, SHORTLIST_FULL } from "~/models/shortlist";
import { getShortlist, isSaved, listSaved, removeSaved, saveForLater } from "~/models/shortlist.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { countingQueries } from "../helpers/query-count";

const t = useTestDatabase();
const today = "2026-12-01";

/** An opportunity running between the dates, with its one dated session on the first day. */
const running = (startsOn: string, endsOn: string, fields: Record<string, string | string[]> = {}) => ({
  startsOn,
  endsOn,
  applicationDeadline: fields.applicationDeadline ?? "2026-12-20",
  sessionDate: [startsOn],
  eligibleGrades: ["FY2"],
  ...fields,
});

async function holding(traineeId: string, opportunityId: string, status: "submitted" | "approved" | "completed" | "withdrawn") {
  await t.db.insert(applications).values({
    opportunityId,
    traineeId,
    statement: "I would like to learn how the board works.",
    status,
  });
}

async function scene() {
  const now = await makeTrust(t.db, { name: "Now Hospitals NHS Trust" });
  const next = await makeTrust(t.db, { name: "Royal Wolverhampton NHS Trust" });
  const elsewhere = await makeTrust(t.db, { name: "Elsewhere NHS Trust" });
  const trainee = await makeTrainee(t.db, { grade: "FY2" });
  await makePlacement(t.db, {
    traineeId: trainee.id,
    trustId: now.id,
    grade: "FY2",
    startsOn: "2026-08-05",
    endsOn: "2027-02-02",
  });
  await makePlacement(t.db, {
    traineeId: trainee.id,
    trustId: next.id,
    grade: "FY2",
    startsOn: "2027-02-03",
    endsOn: "2027-08-03",
  });
  // Done: a completed team-level tier 1 last year, and an approved organisation-level tier 1 this year.
  const lastYear = await makeOpportunity(
    t.db,
    now.id,
    running("2026-03-01", "2026-03-20", {
      title: "Ward huddle",
      applicationDeadline: "2026-02-15",
      tier: "1",
      focus: "team",
      hlmDimensions: ["engaging_the_team"],
    })
  );
  const thisYear = await makeOpportunity(
    t.db,
    now.id,
    running("2026-12-10", "2026-12-30", {
      title: "Board seat",
      applicationDeadline: "2026-12-05",
      tier: "1",
      focus: "organisation",
      hlmDimensions: ["holding_to_account"],
    })
  );
  await holding(trainee.id, lastYear, "completed");
  await holding(trainee.id, thisYear, "approved");
  return { now, next, elsewhere, trainee, lastYear, thisYear };
}

describe("the journey", () => {
  it("shows what the trainee has done by training year, the grid, the tiers, and suggestions that fill a gap at the trust now and next", async () => {
    const s = await scene();
    const systemNow = await makeOpportunity(
      t.db,
      s.now.id,
      running("2027-01-05", "2027-01-30", {
        title: "System flow call",
        focus: "system",
        hlmDimensions: ["connecting_our_service"],
      })
    );
    const tier2Next = await makeOpportunity(
      t.db,
      s.next.id,
      running("2027-03-01", "2027-04-30", {
        title: "Discharge project",
        tier: "2",
        focus: "team",
        hlmDimensions: ["engaging_the_team"],
        applicationDeadline: "2027-02-01",
      })
    );
    // Not suggested: at the next trust before the trainee gets there; at a trust they are not placed at;
    // already applied for; not their grade; covers nothing new; a draft.
    await makeOpportunity(
      t.db,
      s.next.id,
      running("2027-01-05", "2027-01-30", {
        title: "Too early there",
        focus: "system",
      })
    );
    await makeOpportunity(
      t.db,
      s.elsewhere.id,
      running("2027-01-05", "2027-01-30", {
        title: "Elsewhere",
        focus: "system",
      })
    );
    const applied = await makeOpportunity(
      t.db,
      s.now.id,
      running("2027-01-05", "2027-01-30", {
        title: "Applied already",
        focus: "self",
      })
    );
    await holding(s.trainee.id, applied, "submitted");
    await makeOpportunity(
      t.db,
      s.now.id,
      running("2027-01-05", "2027-01-30", {
        title: "Not my grade",
        focus: "self",
        eligibleGrades: ["ST4"],
      })
    );
    await makeOpportunity(
      t.db,
      s.now.id,
      running("2027-01-05", "2027-01-30", {
        title: "Nothing new",
        tier: "1",
        focus: "team",
        hlmDimensions: ["engaging_the_team"],
      })
    );
    await makeOpportunity(t.db, s.now.id, running("2027-01-05", "2027-01-30", { title: "A draft", focus: "self" }), "draft");
    // Another trainee's journey and shortlist never show.
    const other = await makeTrainee(t.db);
    await holding(other.id, systemNow, "completed");
    await saveForLater(t.db, other.id, tier2Next);

    const journey = await getJourney(t.db, s.trainee.id, today);
    expect(journey.years.map((y) => [y.startsOn, y.steps.map((x) => `${x.title} (${x.status})`)])).toEqual([
      ["2026-08-01", ["Board seat (approved)"]],
      ["2025-08-01", ["Ward huddle (completed)"]],
    ]);
    expect(journey.tiers.map((x) => x.state)).toEqual(["done", "next", "not_yet"]);
    const cell = (d: string, f: string) => journey.grid.find((r) => r.dimension === d)!.cells.find((c) => c.focus === f)!.coverage;
    expect([cell("engaging_the_team", "team"), cell("holding_to_account", "organisation"), cell("connecting_our_service", "system")]).toEqual(["done", "confirmed", "none"]);
    expect(journey.suggested.none).toBeNull();
    expect(journey.suggested.suggestions.map((x) => [x.title, x.at, x.reasons])).toEqual([
      ["System flow call", "current", ["You have not yet worked at system level", "Develops Connecting our service, which you have not covered"]],
      ["Discharge project", "next", ["The next tier up: tier 2"]],
    ]);
    expect(journey.shortlist.saved).toEqual([]);
    expect(journey.current?.trustName).toBe("Now Hospitals NHS Trust");
  });

  it("costs the same few queries however many opportunities there are, and scores at most MAX_CANDIDATES", async () => {
    const s = await scene();
    const counting = countingQueries(t.db, t.database.driver);
    await getJourney(counting.db, s.trainee.id, today);
    const few = counting.queries.length;
    for (let i = 0; i < 5; i++)
      await makeOpportunity(
        t.db,
        s.now.id,
        running("2027-01-05", "2027-01-30", {
          title: `Open ${i}`,
          focus: "system",
        })
      );
    for (let i = 0; i < 3; i++)
      await saveForLater(
        t.db,
        s.trainee.id,
        (
          await t.db
            .select({ id: opportunities.id })
            .from(opportunities)
            .where(eq(opportunities.title, `Open ${i}`))
        )[0]!.id
      );
    counting.reset();
    const journey = await getJourney(counting.db, s.trainee.id, today);
    expect(journey.suggested.suggestions).toHaveLength(5);
    expect(journey.shortlist.saved).toHaveLength(3);
    expect(counting.queries.length).toBe(few);
    expect(few).toBeLessThanOrEqual(6);
    // The candidates' query is bounded by its LIMIT.
    const [template] = await t.db.select().from(opportunities).where(eq(opportunities.title, "Open 0"));
    const { id: _, ...copy } = template!;
    await t.db.insert(opportunities).values(
      Array.from({ length: MAX_CANDIDATES + 10 }, (_, i) => ({
        ...copy,
        title: `Copy ${i}`,
      }))
    );
    const candidates = await listSuggestionCandidates(t.db, s.trainee.id, {
      today,
      grade: "FY2",
      ltft: false,
      current: {
        trustId: s.now.id,
        trustName: "Now",
        startsOn: "2026-08-05",
        endsOn: "2027-02-02",
      },
      next: null,
    });
    expect(candidates).toHaveLength(MAX_CANDIDATES);
  });

  it("says why there are no suggestions for a trainee with no placement", async () => {
    const trainee = await makeTrainee(t.db);
    const journey = await getJourney(t.db, trainee.id, today);
    expect(journey.suggested).toEqual({
      suggestions: [],
      none: "You have no placement recorded now or next, so there is no trust to suggest opportunities at.",
    });
    expect(journey.years).toEqual([]);
  });
});

describe("the shortlist", () => {
  it("saves once, lists it with its deadline, removes it, and touches only the trainee's own row", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const other = await makeTrainee(t.db);
    const id = await makeOpportunity(
      t.db,
      trust.id,
      running("2027-01-05", "2027-01-30", {
        title: "Shadow the medical director",
        applicationDeadline: "2026-12-03",
      })
    );
    expect(await saveForLater(t.db, trainee.id, id)).toEqual({
      ok: true,
      added: true,
    });
    expect(await saveForLater(t.db, trainee.id, id)).toEqual({
      ok: true,
      added: false,
    });
    await saveForLater(t.db, other.id, id);
    const list = await listSaved(t.db, trainee.id, today);
    expect(list.map((o) => [o.title, o.trustName, o.applicationDeadline, o.deadline, o.closesSoon, o.open])).toEqual([
      ["Shadow the medical director", trust.name, "2026-12-03", "Closes in 2 days", true, true],
    ]);
    expect(await isSaved(t.db, trainee.id, id)).toBe(true);
    expect(await removeSaved(t.db, trainee.id, id)).toEqual({ removed: true });
    expect(await removeSaved(t.db, trainee.id, id)).toEqual({ removed: false });
    expect(await listSaved(t.db, trainee.id, today)).toEqual([]);
    expect(await isSaved(t.db, other.id, id)).toBe(true);
  });

  it("saves only published opportunities, only for trainees; a saved one the trust closes stays listed as closed, an archived one drops out", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const lead = await makeUser(t.db, {
      role: "trust_lead",
      trustId: trust.id,
    });
    const draft = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Draft" }), "draft");
    const archived = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Archived" }), "archived");
    const closed = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Closed" }), "closed");
    const open = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Open" }));
    expect(await saveForLater(t.db, trainee.id, draft)).toMatchObject({
      ok: false,
      reason: "not_found",
    });
    expect(await saveForLater(t.db, trainee.id, archived)).toMatchObject({
      ok: false,
      reason: "not_found",
    });
    expect(await saveForLater(t.db, trainee.id, closed)).toMatchObject({
      ok: false,
      reason: "closed",
    });
    expect(await saveForLater(t.db, lead.id, open)).toMatchObject({
      ok: false,
      reason: "not_found",
    });
    expect(await saveForLater(t.db, trainee.id, "not-a-uuid")).toMatchObject({
      ok: false,
      reason: "not_found",
    });
    expect(await saveForLater(t.db, trainee.id, "00000000-0000-4000-8000-000000000000")).toMatchObject({ ok: false, reason: "not_found" });
    await saveForLater(t.db, trainee.id, open);
    const other = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Later archived" }));
    await saveForLater(t.db, trainee.id, other);
    await t.db.update(opportunities).set({ status: "closed" }).where(eq(opportunities.id, open));
    await t.db.update(opportunities).set({ status: "archived" }).where(eq(opportunities.id, other));
    expect((await listSaved(t.db, trainee.id, today)).map((o) => [o.title, o.status, o.open, o.deadline])).toEqual([["Open", "closed", false, "Closed"]]);
    expect(await t.db.select().from(savedOpportunities).where(eq(savedOpportunities.traineeId, lead.id))).toEqual([]);
  });

  it(`holds at most ${MAX_SAVED}: the next save is refused with what to do, saving one already saved still answers yes`, async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const first = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Saved 0" }));
    const [template] = await t.db.select().from(opportunities).where(eq(opportunities.id, first));
    const { id: _, ...copy } = template!;
    const more = await t.db
      .insert(opportunities)
      .values(
        Array.from({ length: MAX_SAVED }, (_, i) => ({
          ...copy,
          title: `Saved ${i + 1}`,
        }))
      )
      .returning({ id: opportunities.id });
    await t.db.insert(savedOpportunities).values([first, ...more.slice(0, MAX_SAVED - 1).map((m) => m.id)].map((opportunityId) => ({ traineeId: trainee.id, opportunityId })));
    expect(await saveForLater(t.db, trainee.id, more[MAX_SAVED - 1]!.id)).toEqual({ ok: false, reason: "full", message: SHORTLIST_FULL });
    expect(await saveForLater(t.db, trainee.id, first)).toEqual({
      ok: true,
      added: false,
    });
    expect(await listSaved(t.db, trainee.id, today)).toHaveLength(MAX_SAVED);
    expect((await getShortlist(t.db, trainee.id, today)).full).toBe(SHORTLIST_FULL);
  });
});

describe("the shortlist under parallel requests on a real server", () => {
  it("parallel saves of the same opportunity leave one row, and parallel saves at the limit stop at it", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const id = await makeOpportunity(t.db, trust.id, running("2027-01-05", "2027-01-30", { title: "Popular" }));
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 10 }) : null;
    const dbFor = (i: number) => (second && i % 2 ? second.db : t.db);
    try {
      const same = await Promise.all(Array.from({ length: 12 }, (_, i) => saveForLater(dbFor(i), trainee.id, id)));
      expect(same.every((r) => r.ok)).toBe(true);
      expect(same.filter((r) => r.ok && r.added)).toHaveLength(1);
      const [rows] = await t.db.select({ n: sql<number>`count(*)::int` }).from(savedOpportunities);
      expect(rows!.n).toBe(1);

      const [template] = await t.db.select().from(opportunities).where(eq(opportunities.id, id));
      const { id: _, ...copy } = template!;
      const more = await t.db
        .insert(opportunities)
        .values(
          Array.from({ length: MAX_SAVED + 8 }, (_, i) => ({
            ...copy,
            title: `More ${i}`,
          }))
        )
        .returning({ id: opportunities.id });
      await t.db.insert(savedOpportunities).values(more.slice(0, MAX_SAVED - 3).map((m) => ({ traineeId: trainee.id, opportunityId: m.id })));
      const racing = more.slice(MAX_SAVED - 3, MAX_SAVED + 8);
      const results = await Promise.all(racing.map((m, i) => saveForLater(dbFor(i), trainee.id, m.id)));
      expect(results.filter((r) => r.ok)).toHaveLength(2);
      expect(results.filter((r) => !r.ok && r.reason === "full")).toHaveLength(racing.length - 2);
      const [after] = await t.db
        .select({ n: sql<number>`count(*)::int` })
        .from(savedOpportunities)
        .where(eq(savedOpportunities.traineeId, trainee.id));
      expect(after!.n).toBe(MAX_SAVED);
    } finally {
      await second?.close();
    }
  });
});

describe("the demo trainee's journey", () => {
  it("has saved opportunities, one closing within three days, and a journey with covered and uncovered focuses", async () => {
    await seedDemoData(t.db, today);
    const [demo] = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const journey = await getJourney(t.db, demo!.id, today);
    expect(journey.shortlist.saved.length).toBeGreaterThanOrEqual(3);
    expect(journey.shortlist.saved.filter((o) => closesSoon(o, today))).toHaveLength(1);
    const focuses = new Set(journey.grid.flatMap((r) => r.cells.filter((c) => c.coverage !== "none").map((c) => c.focus)));
    expect(focuses.size).toBeGreaterThan(0);
    expect(focuses.size).toBeLessThan(4);
    expect(journey.suggested.suggestions.length).toBeGreaterThan(0);
    expect(journey.suggested.suggestions.every((s) => s.reasons.length > 0)).toBe(true);
  });
});
