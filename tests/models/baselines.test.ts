// The baseline of a training year: one row a year, set only by an administrator, a date inside
// the year and not in the future; saving again moves it.
import { describe, expect, it } from "vitest";

import { openDatabase } from "@db/client";
import { reportBaselines } from "@db/schema";
import { baselineYearChoices, currentTrainingYear, getBaseline, listBaselines, setBaseline } from "~/models/baselines.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeUser } from "../helpers/factories";

const t = useTestDatabase();
const TODAY = "2026-12-01";

describe("the training years a baseline can be set for", () => {
  it("the current year starts on 1 August: 31 July 2026 is still in 2025 to 2026", () => {
    expect(currentTrainingYear("2026-07-31")).toBe(2025);
    expect(currentTrainingYear("2026-08-01")).toBe(2026);
    expect(baselineYearChoices(TODAY)).toEqual([2026, 2025, 2024, 2023, 2022]);
  });
});

describe("setting a baseline", () => {
  it("an administrator records one, reads it back, and saving again moves it (still one row)", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    expect(await getBaseline(t.db, 2026)).toBeNull();
    const first = await setBaseline(t.db, admin, { year: 2026, baselineOn: "2026-09-01" }, TODAY);
    expect(first).toMatchObject({ ok: true, baseline: { year: 2026, trainingYearStart: "2026-08-01", baselineOn: "2026-09-01" }, replaced: null });
    const second = await setBaseline(t.db, admin, { year: 2026, baselineOn: "2026-10-15" }, TODAY);
    expect(second).toMatchObject({ ok: true, baseline: { baselineOn: "2026-10-15" }, replaced: "2026-09-01" });
    expect(await getBaseline(t.db, 2026)).toMatchObject({ baselineOn: "2026-10-15" });
    const rows = await t.db.select().from(reportBaselines);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.setBy).toBe(admin.id);
  });

  it("each training year keeps its own baseline, listed newest first", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    await setBaseline(t.db, admin, { year: 2025, baselineOn: "2026-07-31" }, TODAY);
    await setBaseline(t.db, admin, { year: 2026, baselineOn: "2026-08-01" }, TODAY);
    expect((await listBaselines(t.db)).map((b) => [b.year, b.baselineOn])).toEqual([
      [2026, "2026-08-01"],
      [2025, "2026-07-31"],
    ]);
  });

  it("a trust lead, a DME and a trainee are refused (403) and nothing is written", async () => {
    const someone = await makeUser(t.db, { role: "admin" });
    for (const role of ["trust_lead", "dme", "trainee"] as const) {
      const result = await setBaseline(t.db, { id: someone.id, role }, { year: 2026, baselineOn: "2026-09-01" }, TODAY);
      expect(result).toEqual({ ok: false, status: 403 });
    }
    expect(await listBaselines(t.db)).toEqual([]);
  });

  it("a date outside the training year, or after today, is refused by the date field", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    expect(await setBaseline(t.db, admin, { year: 2026, baselineOn: "2026-07-31" }, TODAY)).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { baselineOn: "The baseline date must be in the training year, from 1 August 2026 to 31 July 2027" },
    });
    expect(await setBaseline(t.db, admin, { year: 2025, baselineOn: "2026-08-01" }, TODAY)).toMatchObject({ status: 400, fieldErrors: { baselineOn: expect.stringContaining("1 August 2025 to 31 July 2026") } });
    expect(await setBaseline(t.db, admin, { year: 2026, baselineOn: "2026-12-02" }, TODAY)).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { baselineOn: "The baseline date must be today or earlier" },
    });
    expect(await listBaselines(t.db)).toEqual([]);
  });

  it("a year not offered (the next one, or one long gone) is refused by the year field", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    for (const year of [2027, 2021]) {
      expect(await setBaseline(t.db, admin, { year, baselineOn: `${year}-09-01` }, TODAY)).toEqual({ ok: false, status: 400, fieldErrors: { year: "Select a training year from the list" } });
    }
  });

  it("two administrators saving the same year at once leave one row holding one of their dates", async () => {
    const [a, b] = [await makeUser(t.db, { role: "admin" }), await makeUser(t.db, { role: "admin" })];
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    const dates = ["2026-08-03", "2026-08-04", "2026-08-05", "2026-08-06", "2026-08-07", "2026-08-10"];
    const results = await Promise.all(dates.map((d, i) => setBaseline(second && i % 2 ? second.db : t.db, i % 2 ? a : b, { year: 2026, baselineOn: d }, TODAY)));
    await second?.close();
    expect(results.every((r) => r.ok)).toBe(true);
    const rows = await t.db.select().from(reportBaselines);
    expect(rows).toHaveLength(1);
    expect(dates).toContain(rows[0]!.baselineOn);
  });
});
