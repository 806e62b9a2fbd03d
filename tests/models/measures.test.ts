// The measures of progress against a small hand-built region whose right answers are written
// here: a trainee who moves trust mid-year, a grade change, a withdrawal after approval, an
// opportunity of next year, an LTFT trainee, a closed account, and a trust in another region.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications, opportunities, reflections, reportBaselines, traineeProfiles, users } from "@db/schema";
import type { ApplicationStatus, Grade } from "~/models/domain";
import { coverageSummary, readReportParams, reportTables, seriesDates, tableCsv, type ReportQuery, type Scope } from "~/models/measures";
import { computeReport, coverageAt, coverageSeries, evaluationOf } from "~/models/measures.server";

import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust } from "../helpers/factories";

const t = useTestDatabase();
const TODAY = "2026-12-01";
const MIDLANDS: Scope = { kind: "region", region: "Midlands" };

function query(scope: Scope, asAt = "2026-07-31", filters: ReportQuery["filters"] = {}): ReportQuery {
  return { scope, year: 2025, yearStart: "2025-08-01", yearEnd: "2026-07-31", asAt, filters };
}

async function opportunityAt(trustId: string, startsOn: string, fields: { tier?: number; focus?: "self" | "team" | "organisation" | "system" } = {}) {
  const id = await makeOpportunity(t.db, trustId);
  await t.db
    .update(opportunities)
    .set({ startsOn, endsOn: startsOn, applicationDeadline: startsOn, tier: fields.tier ?? 1, focus: fields.focus ?? "organisation", publishedAt: new Date("2025-07-01T12:00:00Z") })
    .where(eq(opportunities.id, id));
  return id;
}

/** An application with its history: each step a status and the instant (UTC) it happened. */
async function applicationWith(traineeId: string, opportunityId: string, steps: [ApplicationStatus, string][]) {
  const [app] = await t.db
    .insert(applications)
    .values({ opportunityId, traineeId, statement: "I would like to learn.", status: steps[steps.length - 1]![0], createdAt: new Date(steps[0]![1]) })
    .returning({ id: applications.id });
  let from: ApplicationStatus | null = null;
  for (const [to, at] of steps) {
    await t.db.insert(applicationEvents).values({ applicationId: app!.id, fromStatus: from, toStatus: to, createdAt: new Date(at) });
    from = to;
  }
  return app!.id;
}

async function placed(traineeId: string, trustId: string, grade: Grade, startsOn: string, endsOn: string, wte = "1.00") {
  await makePlacement(t.db, { traineeId, trustId, grade, startsOn, endsOn, wte });
}

const noon = (d: string) => `${d}T12:00:00Z`;

async function buildRegion() {
  const a = await makeTrust(t.db, { odsCode: "RAA", name: "Alder Hospitals NHS Trust", region: "Midlands", integratedCareSystem: "Birmingham and Solihull" });
  const b = await makeTrust(t.db, { odsCode: "RBB", name: "Birch Hospitals NHS Trust", region: "Midlands", integratedCareSystem: "Black Country" });
  const c = await makeTrust(t.db, { odsCode: "RCC", name: "Cedar Hospitals NHS Trust", region: "London", integratedCareSystem: "North Central London" });

  const mover = await makeTrainee(t.db, { name: "Dr Mover" });
  const gradeChange = await makeTrainee(t.db, { name: "Dr Grade Change" });
  const withdrew = await makeTrainee(t.db, { name: "Dr Withdrew" });
  const nextYear = await makeTrainee(t.db, { name: "Dr Next Year" });
  const ltft = await makeTrainee(t.db, { name: "Dr Part Time", ltft: true });
  const closed = await makeTrainee(t.db, { name: "Dr Closed" });
  const london = await makeTrainee(t.db, { name: "Dr London" });
  const notYet = await makeTrainee(t.db, { name: "Dr Starts Next Year" });
  const away = await makeTrainee(t.db, { name: "Dr Out Of Programme" });

  await placed(mover.id, a.id, "FY2", "2025-08-06", "2026-02-03");
  await placed(mover.id, b.id, "FY2", "2026-02-04", "2026-08-05");
  await placed(gradeChange.id, a.id, "CT2", "2025-08-06", "2026-02-03");
  await placed(gradeChange.id, a.id, "ST3", "2026-02-04", "2026-08-05");
  await placed(withdrew.id, b.id, "FY1", "2025-08-06", "2026-08-05");
  await placed(nextYear.id, a.id, "ST4", "2025-08-06", "2026-08-05");
  await placed(ltft.id, b.id, "ST5", "2025-08-06", "2026-08-05", "0.60");
  await placed(closed.id, a.id, "FY2", "2025-08-06", "2026-08-05");
  await placed(london.id, c.id, "FY2", "2025-08-06", "2026-08-05");
  await placed(notYet.id, a.id, "FY1", "2026-08-06", "2027-08-04");
  await makePlacement(t.db, { traineeId: away.id, trustId: a.id, grade: "ST6", startsOn: "2025-08-06", endsOn: "2026-08-05", placementType: "OOPE" });

  // The mover's first opportunity is in London: coverage is about the trainee, at any trust.
  await applicationWith(mover.id, await opportunityAt(c.id, "2025-10-01"), [["submitted", noon("2025-09-01")], ["offered", noon("2025-09-03")], ["approved", noon("2025-09-20")]]);
  await applicationWith(mover.id, await opportunityAt(a.id, "2026-03-01", { tier: 2, focus: "team" }), [["submitted", noon("2026-01-05")], ["offered", noon("2026-01-06")], ["approved", noon("2026-01-08")]]);
  await applicationWith(gradeChange.id, await opportunityAt(a.id, "2025-10-01"), [["submitted", noon("2025-09-01")], ["declined", noon("2025-09-11")]]);
  await applicationWith(withdrew.id, await opportunityAt(b.id, "2025-12-01"), [["submitted", noon("2025-09-01")], ["offered", noon("2025-09-05")], ["approved", noon("2025-09-10")], ["withdrawn", noon("2025-11-15")]]);
  await applicationWith(nextYear.id, await opportunityAt(a.id, "2026-09-01"), [["submitted", noon("2026-03-01")], ["offered", noon("2026-03-02")], ["approved", noon("2026-03-03")], ["completed", noon("2026-07-01")]]);
  await applicationWith(ltft.id, await opportunityAt(b.id, "2026-01-10", { tier: 2, focus: "team" }), [["submitted", noon("2025-11-01")], ["offered", noon("2025-11-07")], ["approved", noon("2025-12-01")], ["completed", noon("2026-03-01")]]);
  // Approved at 00:30 on 15 October in London (summer time): not yet as at 14 October.
  await applicationWith(closed.id, await opportunityAt(a.id, "2025-11-01", { tier: 1, focus: "self" }), [["submitted", noon("2025-10-01")], ["offered", noon("2025-10-09")], ["approved", "2025-10-14T23:30:00Z"]]);
  await applicationWith(london.id, await opportunityAt(c.id, "2025-11-01"), [["submitted", noon("2025-09-01")], ["offered", noon("2025-09-02")], ["approved", noon("2025-09-03")]]);

  // The closed account keeps its rows, as closing an account does.
  await t.db.update(users).set({ name: "Closed account", disabledAt: new Date() }).where(eq(users.id, closed.id));
  await t.db.update(traineeProfiles).set({ gmcNumber: null, anonymisedAt: new Date() }).where(eq(traineeProfiles.userId, closed.id));
  return { a, b, c };
}

const report = (q: ReportQuery, withList = false) => computeReport(t.db, q, { scopeName: "Test", withList });
const byKey = <T extends { key: string }>(rows: T[]) => Object.fromEntries(rows.map((r) => [r.key, r]));

describe("coverage", () => {
  it("counts the region's trainees placed and covered, by trust, stage and LTFT, as they were", async () => {
    await buildRegion();
    const r = await report(query(MIDLANDS));
    // Mover, grade change, withdrew, next year, part time, closed: 6 placed; mover, part time, closed covered.
    expect(r.overall).toEqual({ placed: 6, covered: 3 });
    const trusts = byKey(r.coverage.trust);
    expect(Object.keys(trusts).sort()).toEqual(["RAA", "RBB"]);
    expect(trusts.RAA).toMatchObject({ label: "Alder Hospitals NHS Trust", placed: 4, covered: 2 });
    expect(trusts.RBB).toMatchObject({ placed: 3, covered: 2 });
    expect(byKey(r.coverage.ics)).toMatchObject({ "Birmingham and Solihull": { placed: 4, covered: 2 }, "Black Country": { placed: 3, covered: 2 } });
    expect(r.coverage.region).toEqual([{ key: "Midlands", label: "Midlands", placed: 6, covered: 3 }]);
    expect(byKey(r.coverage.stage)).toMatchObject({ foundation: { placed: 3, covered: 2 }, core: { placed: 1, covered: 0 }, higher: { placed: 3, covered: 1 } });
    expect(byKey(r.coverage.ltft)).toMatchObject({ yes: { label: "Less than full time", placed: 1, covered: 1 }, no: { placed: 5, covered: 2 } });
    expect(r.nothingYet.count).toBe(3);
    expect(r.nothingYet.trainees).toBeNull();
  });

  it("gives the figures as they stood at a past date, to the end of that day in London", async () => {
    await buildRegion();
    const atOct14 = await report(query(MIDLANDS, "2025-10-14"));
    // Mover and the withdrawal (then still approved); the closed account's approval came at 00:30 on the 15th.
    expect(atOct14.overall).toEqual({ placed: 6, covered: 2 });
    expect(byKey(atOct14.coverage.trust).RBB).toMatchObject({ placed: 2, covered: 1 });
    const atOct15 = await report(query(MIDLANDS, "2025-10-15"));
    expect(atOct15.overall).toEqual({ placed: 6, covered: 3 });
  });

  it("filters to higher trainees by the placement's grade", async () => {
    await buildRegion();
    const r = await report(query(MIDLANDS, "2026-07-31", { stage: "higher" }));
    expect(r.overall).toEqual({ placed: 3, covered: 1 });
    const ltft = await report(query(MIDLANDS, "2026-07-31", { ltft: "yes" }));
    expect(ltft.overall).toEqual({ placed: 1, covered: 1 });
  });

  it("lists a trust's trainees with nothing yet, with their latest placement there", async () => {
    await buildRegion();
    const r = await report(query({ kind: "trust", odsCode: "RAA" }), true);
    expect(r.overall).toEqual({ placed: 4, covered: 2 });
    expect(r.nothingYet.trainees).toEqual([
      expect.objectContaining({ name: "Dr Grade Change", grade: "ST3", startsOn: "2026-02-04", endsOn: "2026-08-05" }),
      expect.objectContaining({ name: "Dr Next Year", grade: "ST4" }),
    ]);
    expect(r.nothingYet.suggestionsHref).toBe("/opportunities?trust=RAA");
  });
});

describe("offer, uptake, first-timers and spread", () => {
  it("counts the region's offer and seats filled", async () => {
    await buildRegion();
    const r = await report(query(MIDLANDS));
    // Alder: the mover's second, the declined one, the closed account's; Birch: the withdrawal's, the part-timer's.
    expect(r.offer.total).toMatchObject({ opportunities: 5, seats: 10, filled: 3 });
    expect(byKey(r.offer.type).shadowing).toMatchObject({ opportunities: 5 });
    expect(byKey(r.offer.tier)).toMatchObject({ "1": { opportunities: 3, filled: 1 }, "2": { opportunities: 2, filled: 2 }, "3": { opportunities: 0 } });
    expect(byKey(r.offer.dimension).leading_with_care).toMatchObject({ opportunities: 5 });
    const table = reportTables(r).find((x) => x.name === "offer-by-type")!;
    expect(table.rows.at(-1)).toEqual(["All types", "5", "10", "83.3", "166.7", "3"]);
  });

  it("follows each application through the funnel as at the date, with the medians", async () => {
    await buildRegion();
    const r = await report(query(MIDLANDS));
    expect(r.funnel).toEqual({
      applications: 6,
      offers: 5,
      approvals: 5,
      completions: 1,
      withdrawals: 1,
      declines: 1,
      rejections: 0,
      notCompleted: 0,
      // Days to the trust's decision: 1, 2, 4, 6, 8, 10. Offer to approval: 2, 5, 5.48, 17, 24.
      medianDaysToDecision: 5,
      medianDaysOfferToApproval: 5.5,
    });
    expect(r.approvals).toEqual({ total: 4, firstTimers: 3 });
    expect(r.opportunitiesHad).toEqual({ zero: 3, one: 2, two: 1, threeOrMore: 0 });
    expect(byKey(r.spread.tier)).toMatchObject({ "1": { covered: 2 }, "2": { covered: 2 }, "3": { covered: 0 } });
    expect(byKey(r.spread.focus)).toMatchObject({ self: { covered: 1 }, team: { covered: 2 }, organisation: { covered: 1 }, system: { covered: 0 } });
  });
});

describe("the monthly series and the baseline", () => {
  it("gives coverage at each month's end, the previous year's months and the baseline", async () => {
    await buildRegion();
    await t.db.insert(reportBaselines).values({ trainingYearStart: "2025-08-01", baselineOn: "2025-09-30" });
    const r = await report(query(MIDLANDS));
    expect(r.series.current.map((p) => p.asAt)).toEqual(seriesDates("2025-08-01", "2026-07-31"));
    const at = Object.fromEntries(r.series.current.map((p) => [p.asAt, p.covered]));
    expect(at).toMatchObject({ "2025-08-31": 0, "2025-09-30": 2, "2025-10-31": 3, "2025-11-30": 2, "2025-12-31": 3, "2026-07-31": 3 });
    expect(r.series.current.every((p) => p.placed === 6)).toBe(true);
    expect(r.series.previous).toHaveLength(12);
    expect(r.series.previous.every((p) => p.placed === 0)).toBe(true);
    expect(r.series.baseline).toMatchObject({ asAt: "2025-09-30", placed: 6, covered: 2 });
    expect(coverageSummary(r)).toBe(
      "Coverage is 50%: 3 of 6 trainees placed have had an approved or completed opportunity this training year. It rose from 33% at the baseline (2025-09-30).",
    );
  });

  it("agrees with the report at a single date", async () => {
    await buildRegion();
    const [point] = await coverageSeries(t.db, query(MIDLANDS), ["2025-10-14"]);
    expect(point).toEqual({ asAt: "2025-10-14", placed: 6, covered: 2 });
    expect(await coverageAt(t.db, query(MIDLANDS), "2025-10-14")).toEqual(point);
    expect(await coverageAt(t.db, query(MIDLANDS), "2025-11-30")).toEqual({ asAt: "2025-11-30", placed: 6, covered: 2 });
  });
});

describe("reading the report's parameters", () => {
  const read = (qs: string) => readReportParams(new URLSearchParams(qs), TODAY);
  it("defaults to England, the current training year and today", () => {
    expect(read("")).toMatchObject({ ok: true, query: { scope: { kind: "england" }, year: 2026, asAt: TODAY, yearStart: "2026-08-01" } });
    expect(read("year=2025")).toMatchObject({ ok: true, query: { year: 2025, asAt: "2026-07-31" } });
    expect(read("scope=trust%3Arrk&stage=higher&ltft=yes")).toMatchObject({ ok: true, query: { scope: { kind: "trust", odsCode: "RRK" }, filters: { stage: "higher", ltft: "yes" } } });
    expect(read("scope=region%3AMidlands")).toMatchObject({ ok: true, query: { scope: { kind: "region", region: "Midlands" } } });
  });
  it.each([
    ["scope=wales", "scope"],
    ["scope=region%3ANarnia", "scope"],
    ["scope=trust%3AABCD", "scope"],
    ["year=20x6", "year"],
    ["year=2030", "year"],
    ["asAt=2026-02-30", "asAt"],
    ["year=2025&asAt=2026-09-01", "asAt"],
    ["asAt=2026-12-25", "asAt"],
    ["stage=senior", "stage"],
    ["ltft=maybe", "ltft"],
  ])("refuses %s with a message by the %s field", (qs, field) => {
    const result = read(qs);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors[field]).toEqual(expect.any(String));
  });
});

describe("evaluation", () => {
  /** Trainees' ratings on one opportunity: each a completed application with a reflection made final at the instant given. */
  async function rated(opportunityId: string, ratings: [number, boolean][], finalisedAt = noon("2026-05-01"), final = true) {
    for (const [rating, wouldRecommend] of ratings) {
      const trainee = await makeTrainee(t.db);
      const applicationId = await applicationWith(trainee.id, opportunityId, [["submitted", noon("2025-09-01")], ["offered", noon("2025-09-02")], ["approved", noon("2025-09-03")], ["completed", noon("2026-04-20")]]);
      await t.db.insert(reflections).values({ applicationId, rating, wouldRecommend, finalisedAt: final ? new Date(finalisedAt) : null, whatHappened: "Kept private", soWhat: "", nowWhat: "" });
    }
  }

  it("counts final ratings up to the as-at date by type and tier, hiding small counts and any count that would give one away", async () => {
    const a = await makeTrust(t.db, { odsCode: "RAA", region: "Midlands" });
    const london = await makeTrust(t.db, { odsCode: "RCC", region: "London" });
    const shadowing = await opportunityAt(a.id, "2025-10-01", { tier: 1 });
    const qi = await opportunityAt(a.id, "2025-11-01", { tier: 1 });
    await t.db.update(opportunities).set({ type: "manager_buddying" }).where(eq(opportunities.id, qi));
    const board = await opportunityAt(a.id, "2026-01-10", { tier: 2 });
    await t.db.update(opportunities).set({ type: "board_seat" }).where(eq(opportunities.id, board));
    // 9 ratings summing to 36 (mean 4.0), 8 would recommend.
    await rated(shadowing, [[5, true], [5, true], [4, true], [4, true], [4, true], [4, true], [3, true], [5, true], [2, false]]);
    // 8 buddying ratings summing to 32, all would recommend; 2 board ratings of 5.
    await rated(qi, [[4, true], [4, true], [4, true], [4, true], [4, true], [4, true], [4, true], [4, true]]);
    await rated(board, [[5, true], [5, true]]);
    // Not counted: a draft, a reflection made final after the as-at day (in London), another region's.
    await rated(shadowing, [[1, false]], noon("2026-05-01"), false);
    await rated(shadowing, [[1, false]], "2026-07-31T23:30:00Z");
    await rated(await opportunityAt(london.id, "2025-10-01"), [[1, false], [1, false], [1, false], [1, false], [1, false], [1, false], [1, false], [1, false]]);

    const rows = await evaluationOf(t.db, query(MIDLANDS));
    const row = (group: string, key: string) => rows.find((r) => r.group === group && r.key === key);
    // 19 trainees: (36 + 32 + 10) / 19 = 4.1; 18 of 19 would recommend.
    expect(row("all", "all")).toMatchObject({ label: "All opportunities", rated: "19", mean: "4.1", recommend: "95" });
    expect(row("type", "shadowing")).toMatchObject({ rated: "9", mean: "4.0", recommend: "89" });
    // The board seats' 2 are hidden, and the smallest shown count beside them too, or 19 − 9 − 8 would give them away.
    expect(row("type", "board_seat")).toMatchObject({ rated: "fewer than 8", mean: "", recommend: "" });
    expect(row("type", "manager_buddying")).toMatchObject({ rated: "not shown", mean: "", recommend: "" });
    expect(row("type", "chief_resident")).toMatchObject({ rated: "0", mean: "", recommend: "" });
    expect(row("tier", "1")).toMatchObject({ rated: "not shown", mean: "" });
    expect(row("tier", "2")).toMatchObject({ rated: "fewer than 8" });
    expect(row("tier", "3")).toMatchObject({ rated: "0" });

    // As at a day before any reflection was final, nobody has rated.
    expect((await evaluationOf(t.db, query(MIDLANDS, "2026-04-30"))).find((r) => r.group === "all")).toMatchObject({ rated: "0", mean: "" });
    // Exactly 8 in London: shown, every one of them a 1 that would not recommend it.
    expect((await evaluationOf(t.db, query({ kind: "region", region: "London" }))).find((r) => r.group === "all")).toMatchObject({ rated: "8", mean: "1.0", recommend: "0" });

    // The report carries it as a table with its own CSV.
    const r = await computeReport(t.db, query(MIDLANDS), { scopeName: "Midlands", withList: false });
    const table = reportTables(r).find((x) => x.name === "evaluation")!;
    expect(table.headings).toEqual(["Opportunities", "Trainees who rated", "Mean rating (1 to 5)", "Would recommend %"]);
    expect(table.rows[0]).toEqual(["All opportunities", "19", "4.1", "95"]);
    expect(tableCsv(table)).not.toContain("Kept private");
  });
});

describe("CSV", () => {
  it("quotes every cell, doubles quotes and neutralises formulae", () => {
    const csv = tableCsv({ headings: ["ODS code", "Trust"], rows: [["RAA", '=HYPERLINK("x")'], ["RBB", "+1"], ["RCC", "-2"], ["RDD", "@SUM(A1)"], ["REE", 'Say "hi", then go']] });
    expect(csv).toBe(
      '\uFEFF"ODS code","Trust"\r\n"RAA","\'=HYPERLINK(""x"")"\r\n"RBB","\'+1"\r\n"RCC","\'-2"\r\n"RDD","\'@SUM(A1)"\r\n"REE","Say ""hi"", then go"\r\n',
    );
  });
});
