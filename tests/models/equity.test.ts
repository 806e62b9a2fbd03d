// Equity tables on a hand-built region where the answer is written in the test: trusts A and
// B are the scope, C is outside it; training year 2026-27, as at 31 March 2027.
import { eq } from "drizzle-orm";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications, opportunities, traineeProfiles } from "@db/schema";
import type { ApplicationStatus, Grade, PlacementType } from "~/models/domain";
import { getEquityReport, getUnsuppressedEquityCounts } from "~/models/equity.server";
import { FEWER_THAN, NOT_SHOWN, type DisplayCell } from "~/models/suppression";

import { EquitySection } from "~/components/equity-section";

import { useTestDatabase } from "../helpers/db";
import { textOf } from "../helpers/render";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust } from "../helpers/factories";

const t = useTestDatabase();
const YEAR: [string, string] = ["2026-08-01", "2027-07-31"];
const AS_AT = "2027-03-31";

/** An application whose history is the given events, each at a London noon on its date. */
async function history(traineeId: string, opportunityId: string, events: [ApplicationStatus, string][]) {
  const [app] = await t.db
    .insert(applications)
    .values({ opportunityId, traineeId, statement: "I would like to lead a project.", status: events[events.length - 1]![0] })
    .returning({ id: applications.id });
  let from: ApplicationStatus | null = null;
  for (const [to, on] of events) {
    await t.db.insert(applicationEvents).values({ applicationId: app!.id, fromStatus: from, toStatus: to, createdAt: new Date(`${on}T12:00:00Z`) });
    from = to;
  }
}

async function region() {
  const a = await makeTrust(t.db, { name: "Alpha NHS Trust" });
  const b = await makeTrust(t.db, { name: "Beta NHS Trust" });
  const c = await makeTrust(t.db, { name: "Gamma NHS Trust" });
  const opportunity = async (trustId: string, startsOn: string, endsOn: string) => {
    const id = await makeOpportunity(t.db, trustId);
    await t.db.update(opportunities).set({ startsOn, endsOn, applicationDeadline: startsOn }).where(eq(opportunities.id, id));
    return id;
  };
  const atA = await opportunity(a.id, "2026-11-01", "2026-12-20");
  const alsoAtA = await opportunity(a.id, "2027-02-01", "2027-02-28");
  const atC = await opportunity(c.id, "2027-01-10", "2027-02-10");
  const nextYear = await opportunity(a.id, "2027-08-10", "2027-09-10");

  const trainee = async (
    answers: { sex?: "female" | "male" | null; ethnicGroup?: "asian" | "white" | null; disability?: "yes" | "no" | null },
    posts: { trustId: string; grade: Grade; startsOn?: string; endsOn?: string; wte?: string; placementType?: PlacementType }[],
  ) => {
    const me = await makeTrainee(t.db);
    await t.db.update(traineeProfiles).set({ sex: answers.sex ?? null, ethnicGroup: answers.ethnicGroup ?? null, disability: answers.disability ?? null }).where(eq(traineeProfiles.userId, me.id));
    for (const p of posts) await makePlacement(t.db, { traineeId: me.id, trustId: p.trustId, grade: p.grade, startsOn: p.startsOn ?? "2026-08-05", endsOn: p.endsOn ?? "2027-08-01", wte: p.wte, placementType: p.placementType });
    return me.id;
  };
  const approvedOn = (on: string): [ApplicationStatus, string][] => [["submitted", "2026-09-01"], ["offered", "2026-09-10"], ["approved", on]];

  // 10 women, full time, FY2 at A, white, not disabled: 8 covered (one of them twice).
  for (let i = 0; i < 10; i++) {
    const id = await trainee({ sex: "female", ethnicGroup: "white", disability: "no" }, [{ trustId: a.id, grade: "FY2" }]);
    if (i < 8) await history(id, atA, approvedOn("2026-10-01"));
    if (i === 0) await history(id, alsoAtA, approvedOn("2027-01-15"));
  }
  // 9 men, full time, ST4 at B, white, not disabled: 1 covered.
  for (let i = 0; i < 9; i++) {
    const id = await trainee({ sex: "male", ethnicGroup: "white", disability: "no" }, [{ trustId: b.id, grade: "ST4" }]);
    if (i === 0) await history(id, atA, approvedOn("2026-10-01"));
  }
  // Six who did not answer, each a case of the definitions:
  // moved from C to A mid-year, counted as the FY1 at A they became; covered by an opportunity at C (any trust counts).
  const moved = await trainee({}, [
    { trustId: c.id, grade: "FY1", startsOn: "2026-08-05", endsOn: "2026-12-01" },
    { trustId: a.id, grade: "FY1", startsOn: "2026-12-02", endsOn: "2027-08-01" },
  ]);
  await history(moved, atC, approvedOn("2026-12-10"));
  // less than full time CT1 at A, approved then completed: covered.
  const ltft = await trainee({ ethnicGroup: "asian", disability: "yes" }, [{ trustId: a.id, grade: "CT1", wte: "0.60" }]);
  await history(ltft, atA, [...approvedOn("2026-10-01"), ["completed", "2026-12-21"]]);
  // ST4 at B, approved then withdrawn in January: covered at the end of December, not at the end of March.
  const withdrew = await trainee({}, [{ trustId: b.id, grade: "ST4" }]);
  await history(withdrew, atA, [...approvedOn("2026-10-01"), ["withdrawn", "2027-01-10"]]);
  // ST4 at B, approved for an opportunity starting next year: not covered this year.
  const later = await trainee({}, [{ trustId: b.id, grade: "ST4" }]);
  await history(later, nextYear, approvedOn("2027-03-01"));
  // CT2 at A whose account was closed: still counted, no answers.
  const closed = await trainee({}, [{ trustId: a.id, grade: "CT2" }]);
  await t.db.update(traineeProfiles).set({ gmcNumber: null, anonymisedAt: new Date("2027-02-01T12:00:00Z") }).where(eq(traineeProfiles.userId, closed));
  // ST5 at B approved after the as-at date: not covered as at 31 March.
  const afterwards = await trainee({}, [{ trustId: b.id, grade: "ST5" }]);
  await history(afterwards, alsoAtA, approvedOn("2027-04-15"));

  // Not placed in the scope: only at C; at A from after the as-at date; at A before the year; at A on parental leave.
  await trainee({ sex: "female" }, [{ trustId: c.id, grade: "FY2" }]);
  await trainee({ sex: "female" }, [{ trustId: a.id, grade: "FY2", startsOn: "2027-05-01", endsOn: "2027-10-01" }]);
  await trainee({ sex: "female" }, [{ trustId: a.id, grade: "FY2", startsOn: "2025-08-06", endsOn: "2026-07-31" }]);
  await trainee({ sex: "female" }, [{ trustId: a.id, grade: "FY2", placementType: "Parental Leave" }]);

  return { scope: { trustIds: [a.id, b.id] }, a, b, c };
}

const texts = (cells: DisplayCell[]) => cells.map((c) => c.text);

describe("equity counts", () => {
  it("count each trainee placed in the scope once, by their latest post there, covered from the history as at the date", async () => {
    const { scope } = await region();
    const counts = await getUnsuppressedEquityCounts(t.db, scope, { year: YEAR, asAt: AS_AT });
    expect(counts.sex).toEqual({
      columns: ["Female", "Male", "Prefer not to say", "Not answered"],
      placed: [10, 9, 0, 6],
      covered: [8, 1, 0, 2],
      approvals: [9, 1, 0, 2],
    });
    expect(counts.ltft).toMatchObject({ columns: ["Full time", "Less than full time"], placed: [24, 1], covered: [10, 1] });
    // Foundation: 10 FY2 + the FY1 who moved; core: CT1 (LTFT) and CT2 (closed); higher: 9 + 3 at B.
    expect(counts.stage).toMatchObject({ columns: ["Foundation", "Core", "Higher"], placed: [11, 2, 12], covered: [9, 1, 1] });
    expect(counts.ethnicGroup.placed).toEqual([1, 0, 0, 19, 0, 0, 5]);
    expect(counts.disability).toMatchObject({ columns: ["Disabled", "Not disabled", "Prefer not to say", "Not answered"], placed: [1, 19, 0, 5], covered: [1, 9, 0, 1] });
  });

  it("as at an earlier date the withdrawn approval still counts and later ones do not", async () => {
    const { scope } = await region();
    const counts = await getUnsuppressedEquityCounts(t.db, scope, { year: YEAR, asAt: "2026-12-31" });
    // The moved trainee's approval on 10 December counts; the withdrawal in January has not happened.
    expect(counts.sex.covered).toEqual([8, 1, 0, 3]);
    // The second approval of the first woman (15 January) is not yet made.
    expect(counts.sex.approvals).toEqual([8, 1, 0, 3]);
  });

  it("all England takes every trust, C included; an empty list of trusts has nobody", async () => {
    await region();
    const england = await getUnsuppressedEquityCounts(t.db, { trustIds: null }, { year: YEAR, asAt: AS_AT });
    expect(england.sex.placed).toEqual([11, 9, 0, 6]);
    const none = await getUnsuppressedEquityCounts(t.db, { trustIds: [] }, { year: YEAR, asAt: AS_AT });
    expect(none.sex.placed).toEqual([0, 0, 0, 0]);
    // An id that is no id (from a hand-made address) matches nothing rather than failing.
    const odd = await getUnsuppressedEquityCounts(t.db, { trustIds: ["RRK'; drop table trusts"] }, { year: YEAR, asAt: AS_AT });
    expect(odd.sex.placed).toEqual([0, 0, 0, 0]);
  });

  it("one trust alone: A", async () => {
    const { a } = await region();
    const counts = await getUnsuppressedEquityCounts(t.db, { trustIds: [a.id] }, { year: YEAR, asAt: AS_AT });
    // 10 women, and of those who did not answer: the one who moved, the LTFT one and the closed account.
    expect(counts.sex.placed).toEqual([10, 0, 0, 3]);
    expect(counts.sex.covered).toEqual([8, 0, 0, 2]);
  });
});

describe("equity tables are suppressed", () => {
  it("coverage by sex: the small cells read 'fewer than 8', the cells that would give them away are hidden, the published totals stay", async () => {
    const { scope } = await region();
    const report = await getEquityReport(t.db, scope, { year: YEAR, asAt: AS_AT });
    const sex = report.coverage.find((c) => c.dimension === "sex")!;
    expect(sex.caption).toBe("Coverage by sex");
    expect(sex.table.rows).toEqual(["Covered", "Not covered"]);
    expect(texts(sex.table.cells[0]!)).toEqual([NOT_SHOWN, FEWER_THAN, "0", FEWER_THAN]);
    expect(texts(sex.table.cells[1]!)).toEqual([FEWER_THAN, NOT_SHOWN, "0", FEWER_THAN]);
    expect(texts(sex.table.rowTotals)).toEqual(["11", "14"]);
    expect(texts(sex.table.columnTotals)).toEqual(["10", NOT_SHOWN, "0", FEWER_THAN]);
    expect(sex.table.grandTotal.text).toBe("25");
    expect(texts(sex.coverage)).toEqual([NOT_SHOWN, NOT_SHOWN, "no trainees", NOT_SHOWN]);
    expect(sex.overallCoverage.text).toBe("44%");
  });

  it("one LTFT trainee against published totals: the whole table is hidden but the totals", async () => {
    const { scope } = await region();
    const report = await getEquityReport(t.db, scope, { year: YEAR, asAt: AS_AT });
    const ltft = report.coverage.find((c) => c.dimension === "ltft")!;
    expect([...ltft.table.cells.flat(), ...ltft.table.columnTotals].every((c) => c.suppressed)).toBe(true);
    expect(texts(ltft.table.rowTotals)).toEqual(["11", "14"]);
  });

  it("nothing hidden is in the data sent on: no hidden cell carries its number", async () => {
    const { scope } = await region();
    const report = await getEquityReport(t.db, scope, { year: YEAR, asAt: AS_AT });
    for (const table of [...report.coverage.map((c) => c.table), ...report.approvals.map((a) => a.table)]) {
      for (const cell of [...table.cells.flat(), ...table.rowTotals, ...table.columnTotals, table.grandTotal]) {
        if (cell.suppressed) expect(cell.value).toBeNull();
      }
    }
    const approvals = report.approvals.find((a) => a.dimension === "sex")!;
    // 9, 1, 0, 2 approvals: the 1 and 2 are small and together under 8, so the 9 goes too.
    expect(texts(approvals.table.cells[0]!)).toEqual([NOT_SHOWN, FEWER_THAN, "0", FEWER_THAN]);
    expect(approvals.table.rowTotals[0]!.text).toBe("12");
  });
});

describe("the equity section", () => {
  it("shows each table with its caption, row headers, the suppression explained, and the hidden figures as words", async () => {
    const { scope } = await region();
    const report = await getEquityReport(t.db, scope, { year: YEAR, asAt: AS_AT });
    const html = renderToStaticMarkup(createElement(EquitySection, { report }));
    const text = textOf(html);
    for (const caption of ["Coverage by working pattern", "Coverage by grade stage", "Coverage by sex", "Coverage by ethnic group", "Coverage by disability", "Approvals by sex"]) {
      expect(html).toContain(`<caption class="nhsuk-table__caption nhsuk-table__caption--m">${caption}</caption>`);
    }
    expect(text.replace(/&quot;/g, '"')).toContain('any figure of 1 to 7 trainees is shown as "fewer than 8"');
    expect(html).toMatch(/<th[^>]*scope="row"[^>]*>Covered<\/th>/);
    // The sex table's rows as the page prints them (the mobile label, then the figure).
    const sexTable = textOf(html.split("Coverage by sex</caption>")[1]!.split("</table>")[0]!);
    expect(sexTable).toContain("Trainees placed Female 10 Male not shown Prefer not to say 0 Not answered fewer than 8 All trainees placed 25");
    expect(sexTable).toContain("Coverage Female not shown Male not shown Prefer not to say no trainees Not answered not shown All trainees placed 44%");
  });
});
