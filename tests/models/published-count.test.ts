// The count of open opportunities the unfiltered search shows comes from published_by_deadline,
// which statement triggers on opportunities keep (migration 0011). It must always equal a
// count of the rows themselves, whatever changes them, and however many change at once.
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { queryRows } from "@db/client";
import { opportunities, publishedByDeadline } from "@db/schema";
import { parseSearchParams } from "~/models/search.schema";
import { searchOpportunities } from "~/models/search.server";

import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makeTrust } from "../helpers/factories";

const t = useTestDatabase();
const today = "2026-11-25";

/** The kept counts beside a count of the rows, by day (days that sum to zero left out). */
async function keptAndCounted() {
  const kept = await t.db.select().from(publishedByDeadline).orderBy(publishedByDeadline.deadline);
  const counted = await queryRows<{ deadline: string; published: number }>(
    t.db,
    sql`select application_deadline::text as deadline, count(*)::int as published from opportunities where status = 'published' group by 1 order by 1`,
  );
  return { kept: kept.filter((k) => k.published !== 0), counted };
}

describe("the kept count of published opportunities by deadline", () => {
  it("follows every kind of change: publishing, a new deadline, closing, a multi-row update and deleting", async () => {
    const trust = await makeTrust(t.db);
    const a = await makeOpportunity(t.db, trust.id, { applicationDeadline: "2027-01-05" });
    const b = await makeOpportunity(t.db, trust.id, { applicationDeadline: "2027-01-05" });
    const draft = await makeOpportunity(t.db, trust.id, { applicationDeadline: "2027-01-12" }, "draft");
    expect(await keptAndCounted()).toEqual({ kept: [{ deadline: "2027-01-05", published: 2 }], counted: [{ deadline: "2027-01-05", published: 2 }] });

    await t.db.update(opportunities).set({ status: "published" }).where(eq(opportunities.id, draft));
    await t.db.update(opportunities).set({ applicationDeadline: "2027-01-07" }).where(eq(opportunities.id, a));
    await t.db.update(opportunities).set({ status: "closed" }).where(eq(opportunities.id, b));
    let now = await keptAndCounted();
    expect(now.kept).toEqual(now.counted);
    expect(now.counted).toEqual([
      { deadline: "2027-01-07", published: 1 },
      { deadline: "2027-01-12", published: 1 },
    ]);

    // One statement over several rows, some leaving and some joining the count.
    await t.db.update(opportunities).set({ status: sql`case when status = 'published' then 'archived'::opportunity_status else 'published'::opportunity_status end` }).where(inArray(opportunities.id, [a, b, draft]));
    now = await keptAndCounted();
    expect(now.kept).toEqual(now.counted);
    expect(now.counted).toEqual([{ deadline: "2027-01-05", published: 1 }]);

    await t.db.delete(opportunities).where(eq(opportunities.id, b));
    now = await keptAndCounted();
    expect(now).toEqual({ kept: [], counted: [] });
  });

  it("gives the unfiltered search the same total as counting the rows, leaving out deadlines already gone", async () => {
    const trust = await makeTrust(t.db);
    for (const day of ["2026-11-24", "2026-11-25", "2026-12-01", "2027-02-01"]) {
      await makeOpportunity(t.db, trust.id, { applicationDeadline: day });
    }
    await makeOpportunity(t.db, trust.id, { applicationDeadline: "2027-02-01" }, "draft");
    const all = await searchOpportunities(t.db, parseSearchParams(new URLSearchParams()), { today });
    expect(all.total).toBe(3);
    expect(all.results).toHaveLength(3);
    // Past the last page no row carries the count: it is read on its own, the same way.
    const beyond = await searchOpportunities(t.db, parseSearchParams(new URLSearchParams("page=2")), { today });
    expect(beyond.total).toBe(3);
  });

  it("counts every one of many opportunities published at once on one day, each in its own transaction", async () => {
    const trust = await makeTrust(t.db);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await makeOpportunity(t.db, trust.id, { applicationDeadline: "2027-03-01" }, "draft"));
    // In parallel on PostgreSQL (each statement on its own connection): no increment may be lost.
    await Promise.all(ids.map((id) => t.db.update(opportunities).set({ status: "published" }).where(eq(opportunities.id, id))));
    const now = await keptAndCounted();
    expect(now.kept).toEqual([{ deadline: "2027-03-01", published: 12 }]);
    expect(now.kept).toEqual(now.counted);
  });
});
