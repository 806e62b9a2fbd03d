// Equity in the measures of progress: coverage and approvals by working pattern (LTFT), grade
// stage and the trainees' voluntary sex, ethnic group and disability, for a scope (some
// trusts, or all England), a training year and an "as at" date. Every table leaves here
// already through small-number suppression (suppression.ts): nothing person by person, and
// no count of 1–7 shown or derivable.
//
// Definitions (issue 11, notes/measures.md):
// - placed: distinct trainees with an in-post placement at a trust of the scope overlapping the
//   training year up to the as-at date. Each trainee is counted once in each table, by the
//   latest such placement (the grade stage and LTFT of that post), so the columns add up to
//   the trainees placed;
// - covered: a placed trainee with at least one opportunity starting in the year whose
//   application was approved or completed as at the date (at any trust), from the
//   application events created before the day after the as-at date (London);
// - approvals: those applications (approved or completed as at the date, opportunity starting
//   in the year) of the trainees placed, counted by the trainee's column.
// Sex, ethnic group and disability are the trainee's own answers today (they are not
// recorded over time); closed accounts still count, as "Not answered" (closing removes them).
import { sql, type SQL } from "drizzle-orm";

import type { DbOrTx } from "@db/client";
import { allowLongStatements } from "@db/statement-timeouts";

import { addDaysIso, instantInLondon } from "~/utils/dates";

import {
  DISABILITY_ANSWERS,
  ETHNIC_GROUP_LABELS,
  ETHNIC_GROUPS,
  GRADES,
  PLACEMENT_TYPES,
  placesTraineeAtTrust,
  SEX_LABELS,
  SEXES,
  STAGES,
  stageOf,
  type Grade,
} from "./domain";
import { UUID } from "./ids";
import { percentCell, suppressTable, type DisplayCell, type SuppressedTable } from "./suppression";

export interface EquityScope {
  /** The trusts of the scope; null = all England. */
  trustIds: string[] | null;
}

export interface EquityPeriod {
  /** The training year's first and last days, ["2026-08-01", "2027-07-31"]. */
  year: [string, string];
  /** YYYY-MM-DD: figures as they stood at the end of this day (London). */
  asAt: string;
}

export const EQUITY_DIMENSIONS = ["ltft", "stage", "sex", "ethnicGroup", "disability"] as const;
export type EquityDimension = (typeof EQUITY_DIMENSIONS)[number];

/** One group's coverage table: rows Covered and Not covered, a column per answer, coverage % below. */
export interface EquityCoverageTable {
  dimension: EquityDimension;
  caption: string;
  table: SuppressedTable;
  /** Coverage (covered / placed) per column, then overall. */
  coverage: DisplayCell[];
  overallCoverage: DisplayCell;
}

/** Approvals by the same columns: one row. */
export interface EquityApprovalsTable {
  dimension: EquityDimension;
  caption: string;
  table: SuppressedTable;
}

export interface EquityReport {
  coverage: EquityCoverageTable[];
  approvals: EquityApprovalsTable[];
}

const NOT_ANSWERED = "Not answered";

/** The columns of each dimension: [key as the query gives it ("" = not answered), label]. */
export const EQUITY_COLUMNS: Record<EquityDimension, { title: string; columns: [string, string][] }> = {
  ltft: { title: "working pattern", columns: [["no", "Full time"], ["yes", "Less than full time"]] },
  stage: { title: "grade stage", columns: STAGES.map((s): [string, string] => [s, s[0]!.toUpperCase() + s.slice(1)]) },
  sex: { title: "sex", columns: [...SEXES.map((s): [string, string] => [s, SEX_LABELS[s]]), ["", NOT_ANSWERED]] },
  ethnicGroup: { title: "ethnic group", columns: [...ETHNIC_GROUPS.map((e): [string, string] => [e, ETHNIC_GROUP_LABELS[e]]), ["", NOT_ANSWERED]] },
  disability: {
    title: "disability",
    // "Yes" and "No" alone would not say what was asked.
    columns: [
      ...DISABILITY_ANSWERS.map((d): [string, string] => [d, d === "yes" ? "Disabled" : d === "no" ? "Not disabled" : "Prefer not to say"]),
      ["", NOT_ANSWERED],
    ],
  },
};

interface GroupRow {
  grade: Grade;
  ltft: boolean;
  sex: string | null;
  ethnic_group: string | null;
  disability: string | null;
  placed: number;
  covered: number;
  approvals: number;
}

async function rowsOf<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

const IN_POST = PLACEMENT_TYPES.filter(placesTraineeAtTrust);

/**
 * One pass over the scope's placements and the year's applications, grouped by every column
 * at once (at most 16 grades × 2 × 4 × 7 × 4 rows), so each table is a sum in memory. The
 * latest event before the cut-off is found per application through the (application, created_at)
 * index; only applications of opportunities starting in the year, by trainees placed, are read.
 */
async function groupCounts(db: DbOrTx, scope: EquityScope, period: EquityPeriod): Promise<GroupRow[]> {
  const query = equityCountsQuery(scope, period);
  if (!query) return [];
  // In its own transaction so the settings last for this query alone: all England
  // hashes some 200,000 applications and their events (PostgreSQL's default 4 MB of work
  // memory spilled them to disk), and compiling it with JIT cost more (0.7 s) than it saved.
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local jit = off`);
    await allowLongStatements(tx);
    return rowsOf<GroupRow>(tx, query);
  });
}

/** The grouped counts' query (null when the scope has no trusts); exported for EXPLAIN ANALYZE in tests/bench/equity.ts. */
export function equityCountsQuery(scope: EquityScope, period: EquityPeriod): SQL | null {
  const [start, end] = period.year;
  const upTo = period.asAt < end ? period.asAt : end;
  const cutoff = instantInLondon(addDaysIso(period.asAt, 1), "00:00");
  if (!cutoff) throw new Error("The as-at date must be a calendar date");
  // A trust id that is no id matches no trust (never a cast error, so never a 500).
  const trustIds = scope.trustIds?.filter((id) => UUID.test(id)) ?? null;
  if (trustIds !== null && trustIds.length === 0) return null;
  const inScope = trustIds === null ? sql`true` : sql`p.trust_id in (${sql.join(trustIds.map((id) => sql`${id}::uuid`), sql`, `)})`;
  const inPost = sql.join(IN_POST.map((t) => sql`${t}::placement_type`), sql`, `);
  return sql`
      with placed as (
        select distinct on (p.trainee_id) p.trainee_id, p.grade, p.wte < 1 as ltft
        from placements p
        where ${inScope}
          and p.placement_type in (${inPost})
          and p.starts_on <= ${upTo}::date and p.ends_on >= ${start}::date
        order by p.trainee_id, p.starts_on desc, p.ends_on desc
      ),
      approved_as_at as (
        -- Approved or completed as at the date: among the application's events before the
        -- cut-off, the last one moved it to approved or completed. "Last" is the highest id:
        -- events of one application are written one after another (each transition holds the
        -- opportunity's lock), so the id is the order they happened in, even when a waiting
        -- transaction's created_at (its start) is earlier. Hash joins and one aggregate, not a
        -- lookup per application (1.9 s at 200,000 applications).
        select a.trainee_id, e.application_id
        from application_events e
        join applications a on a.id = e.application_id
        join opportunities o on o.id = a.opportunity_id
        join placed ap on ap.trainee_id = a.trainee_id
        where o.starts_on between ${start}::date and ${end}::date
          and e.created_at < ${cutoff.toISOString()}::timestamptz
        group by a.trainee_id, e.application_id
        having max(e.id) filter (where e.to_status in ('approved', 'completed'))
             > coalesce(max(e.id) filter (where e.to_status not in ('approved', 'completed')), 0)
      ),
      approved as (
        select trainee_id, count(*)::int as approvals from approved_as_at group by trainee_id
      )
      select pl.grade, pl.ltft, tp.sex::text as sex, tp.ethnic_group::text as ethnic_group, tp.disability::text as disability,
             count(*)::int as placed, count(ap.trainee_id)::int as covered, coalesce(sum(ap.approvals), 0)::int as approvals
      from placed pl
      join trainee_profiles tp on tp.user_id = pl.trainee_id
      left join approved ap on ap.trainee_id = pl.trainee_id
      group by pl.grade, pl.ltft, tp.sex, tp.ethnic_group, tp.disability
    `;
}

function keyOf(row: GroupRow, dimension: EquityDimension): string {
  switch (dimension) {
    case "ltft":
      return row.ltft ? "yes" : "no";
    case "stage":
      return GRADES.includes(row.grade) ? stageOf(row.grade) : "";
    case "sex":
      return row.sex ?? "";
    case "ethnicGroup":
      return row.ethnic_group ?? "";
    case "disability":
      return row.disability ?? "";
  }
}

export interface EquityCounts {
  columns: string[];
  placed: number[];
  covered: number[];
  approvals: number[];
}

/**
 * The counts before suppression, by dimension. Only for the tables below and for the tests
 * that check the arithmetic: a page or a download must use getEquityReport.
 */
export async function getUnsuppressedEquityCounts(db: DbOrTx, scope: EquityScope, period: EquityPeriod): Promise<Record<EquityDimension, EquityCounts>> {
  const groups = await groupCounts(db, scope, period);
  const out = {} as Record<EquityDimension, EquityCounts>;
  for (const dimension of EQUITY_DIMENSIONS) {
    const { columns } = EQUITY_COLUMNS[dimension];
    const counts: EquityCounts = { columns: columns.map(([, label]) => label), placed: columns.map(() => 0), covered: columns.map(() => 0), approvals: columns.map(() => 0) };
    for (const row of groups) {
      const i = columns.findIndex(([key]) => key === keyOf(row, dimension));
      if (i < 0) continue;
      counts.placed[i]! += Number(row.placed);
      counts.covered[i]! += Number(row.covered);
      counts.approvals[i]! += Number(row.approvals);
    }
    out[dimension] = counts;
  }
  return out;
}

/** The equity tables of a scope, year and as-at date, every one already suppressed. */
export async function getEquityReport(db: DbOrTx, scope: EquityScope, period: EquityPeriod): Promise<EquityReport> {
  const counts = await getUnsuppressedEquityCounts(db, scope, period);
  const coverage: EquityCoverageTable[] = [];
  const approvals: EquityApprovalsTable[] = [];
  for (const dimension of EQUITY_DIMENSIONS) {
    const { title } = EQUITY_COLUMNS[dimension];
    const { columns: labels, placed, covered, approvals: approved } = counts[dimension];
    // Covered and not covered in every column, so the table adds up and the trainees placed
    // are its column totals; those overall (covered, not covered, placed) are published in the
    // rest of the report, so they are never hidden to protect a cell.
    const table = suppressTable(
      { rows: ["Covered", "Not covered"], columns: labels, cells: [covered, placed.map((p, i) => p - covered[i]!)] },
      { publicRowTotals: true },
    );
    coverage.push({
      dimension,
      caption: `Coverage by ${title}`,
      table,
      coverage: labels.map((_, i) => percentCell(table.cells[0]![i]!, table.columnTotals[i]!)),
      overallCoverage: percentCell(table.rowTotals[0]!, table.grandTotal),
    });
    approvals.push({
      dimension,
      caption: `Approvals by ${title}`,
      table: suppressTable({ rows: ["Approvals"], columns: labels, cells: [approved] }, { publicRowTotals: true }),
    });
  }
  return { coverage, approvals };
}
