// The measures of progress (issue 11), without the database: reading a report's query
// parameters, the training year and "as at" date, percentages, the tables' headings and the
// plain-words definitions. Safe for the browser bundle: no server imports.
import * as v from "valibot";

import type { EquityReport } from "./equity.server";

import { isCalendarDate, trainingYearOf } from "~/utils/dates";
import { cleanText, issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import {
  FOCUS_LABELS,
  FOCUSES,
  GRADES,
  HLM_DIMENSIONS,
  HLM_LABELS,
  OPPORTUNITY_TYPE_LABELS,
  OPPORTUNITY_TYPES,
  REGIONS,
  STAGES,
  stageOf,
  TIER_LABELS,
  TIERS,
  type Focus,
  type Grade,
  type HlmDimension,
  type OpportunityType,
  type Region,
  type Stage,
} from "./domain";

export type Scope =
  | { kind: "england" }
  | { kind: "region"; region: Region }
  | { kind: "ics"; ics: string }
  | { kind: "trust"; odsCode: string };

export interface ReportFilters {
  stage?: Stage;
  specialty?: string;
  ltft?: "yes" | "no";
}

export interface ReportQuery {
  scope: Scope;
  /** The training year's first calendar year: 2026 for 1 August 2026 to 31 July 2027. */
  year: number;
  yearStart: string;
  yearEnd: string;
  asAt: string;
  filters: ReportFilters;
}

export const STAGE_LABELS: Record<Stage, string> = { foundation: "Foundation", core: "Core", higher: "Higher" };

/** The grades of a stage, for SQL: the database holds grades, the stage is worked out from them. */
export function gradesOfStage(stage: Stage): Grade[] {
  return GRADES.filter((g) => stageOf(g) === stage);
}

export function trainingYearStarting(year: number): { yearStart: string; yearEnd: string } {
  return { yearStart: `${year}-08-01`, yearEnd: `${year + 1}-07-31` };
}

/** "2026 to 2027" */
export function trainingYearLabel(year: number): string {
  return `${year} to ${year + 1}`;
}

/** The figures are as they stand today in the current year, and at its last day for a year gone by. */
export function defaultAsAt(year: number, today: string): string {
  const { yearEnd } = trainingYearStarting(year);
  return today < yearEnd ? today : yearEnd;
}

export function scopeParam(scope: Scope): string {
  switch (scope.kind) {
    case "england":
      return "england";
    case "region":
      return `region:${scope.region}`;
    case "ics":
      return `ics:${scope.ics}`;
    case "trust":
      return `trust:${scope.odsCode}`;
  }
}

/** For file names: letters, digits and hyphens only. */
export function scopeSlug(scope: Scope): string {
  return scopeParam(scope)
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

const ScopeSchema = v.pipe(
  v.string(),
  v.check(
    (s) => s === "england" || /^(region|ics|trust):.+$/.test(s),
    "Choose a scope: all England, a region, an integrated care system or a trust",
  ),
  v.transform((s): Scope | null => {
    if (s === "england") return { kind: "england" };
    const at = s.indexOf(":");
    const kind = s.slice(0, at);
    const value = s.slice(at + 1).trim();
    if (kind === "region") return (REGIONS as readonly string[]).includes(value) ? { kind: "region", region: value as Region } : null;
    if (kind === "ics") return value.length > 0 && value.length <= 200 ? { kind: "ics", ics: value } : null;
    const ods = value.toUpperCase();
    return /^[A-Z0-9]{3}$/.test(ods) ? { kind: "trust", odsCode: ods } : null;
  }),
  v.check((s) => s !== null, "Choose a region, integrated care system or trust from the list"),
);

const QuerySchema = v.object({
  scope: v.optional(ScopeSchema),
  year: v.optional(v.pipe(v.string(), v.regex(/^\d{4}$/, "Enter the training year as its first year, like 2026"), v.transform(Number))),
  asAt: v.optional(v.pipe(v.string(), v.check(isCalendarDate, 'The "as at" date must be a real date, like 2027-03-15'))),
  stage: v.optional(v.picklist(STAGES, "Choose foundation, core or higher")),
  specialty: v.optional(v.pipe(v.string(), v.maxLength(100, "The specialty must be 100 characters or fewer"))),
  ltft: v.optional(v.picklist(["yes", "no"], "Choose less than full time or full time")),
});

export type ReadReport =
  | { ok: true; query: ReportQuery; scopeGiven: boolean; values: Record<string, string> }
  | { ok: false; fieldErrors: FieldErrors; values: Record<string, string> };

const FIRST_YEAR = 2000;

/**
 * The report's parameters from the URL. Unlike the search, a value that makes no sense is
 * refused (400) rather than dropped: a figure shown for another scope or year than the link
 * says would be read as the one asked for.
 */
export function readReportParams(params: URLSearchParams, today: string): ReadReport {
  const values: Record<string, string> = {};
  for (const [k, val] of params) if (val !== "" && !(k in values)) values[k] = cleanText(val).trim();
  for (const k of Object.keys(values)) if (values[k] === "") delete values[k];
  const parsed = v.safeParse(QuerySchema, values);
  if (!parsed.success) return { ok: false, fieldErrors: issuesToFieldErrors(parsed.issues), values };
  const currentYear = Number(trainingYearOf(today)[0].slice(0, 4));
  const year = parsed.output.year ?? currentYear;
  if (year < FIRST_YEAR || year > currentYear) {
    return { ok: false, fieldErrors: { year: `Choose a training year from ${FIRST_YEAR} to ${currentYear}: a later one has not started` }, values };
  }
  const { yearStart, yearEnd } = trainingYearStarting(year);
  const asAt = parsed.output.asAt ?? defaultAsAt(year, today);
  if (asAt < yearStart || asAt > yearEnd) {
    return { ok: false, fieldErrors: { asAt: `The "as at" date must be in the training year, from ${yearStart} to ${yearEnd}` }, values };
  }
  if (asAt > today) return { ok: false, fieldErrors: { asAt: `The "as at" date must be today (${today}) or earlier` }, values };
  const filters: ReportFilters = {};
  if (parsed.output.stage) filters.stage = parsed.output.stage;
  if (parsed.output.specialty) filters.specialty = parsed.output.specialty;
  if (parsed.output.ltft) filters.ltft = parsed.output.ltft;
  return {
    ok: true,
    query: { scope: parsed.output.scope ?? { kind: "england" }, year, yearStart, yearEnd, asAt, filters },
    scopeGiven: parsed.output.scope !== undefined,
    values,
  };
}

/** The query string of a report (for links to its CSV files and the printable page). */
export function reportSearch(query: ReportQuery): string {
  const p = new URLSearchParams({ scope: scopeParam(query.scope), year: String(query.year), asAt: query.asAt });
  if (query.filters.stage) p.set("stage", query.filters.stage);
  if (query.filters.specialty) p.set("specialty", query.filters.specialty);
  if (query.filters.ltft) p.set("ltft", query.filters.ltft);
  return p.toString();
}

/** Whole percentage points; "–" when there is nobody to divide by. */
export function formatPercent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : "–";
}

/** The same for a CSV cell: a number without the sign, empty when there is nobody to divide by. */
export function percentCell(part: number, whole: number): string {
  return whole > 0 ? String(Math.round((100 * part) / whole)) : "";
}

export function per100(count: number, placed: number): string {
  return placed > 0 ? ((100 * count) / placed).toFixed(1) : "";
}

export const formatCount = (n: number) => n.toLocaleString("en-GB");

/** Days to one decimal, or "–" when no application got that far. */
export function formatDays(days: number | null): string {
  return days === null ? "–" : days.toFixed(1);
}

// ---------------------------------------------------------------------------------------
// What the server computes (plain data)

export interface CoverageRow {
  key: string;
  label: string;
  placed: number;
  covered: number;
}

export interface NothingYetTrainee {
  traineeId: string;
  name: string;
  grade: Grade;
  startsOn: string;
  endsOn: string;
}

export interface OfferRow {
  key: string;
  label: string;
  opportunities: number;
  seats: number;
  filled: number;
}

export interface Funnel {
  applications: number;
  offers: number;
  approvals: number;
  completions: number;
  withdrawals: number;
  declines: number;
  rejections: number;
  notCompleted: number;
  medianDaysToDecision: number | null;
  medianDaysOfferToApproval: number | null;
}

export interface SeriesPoint {
  asAt: string;
  placed: number;
  covered: number;
}

export interface Report {
  query: ReportQuery;
  scopeName: string;
  /** When the figures were computed (an ISO instant): a report may come from the report cache, at most 10 minutes old. */
  computedAt: string;
  /** True when computed for this request, false when read from the report cache. */
  computedLive: boolean;
  overall: { placed: number; covered: number };
  coverage: { trust: CoverageRow[]; ics: CoverageRow[]; region: CoverageRow[]; stage: CoverageRow[]; specialty: CoverageRow[]; ltft: CoverageRow[] };
  /** The trust's region, for a trust's report: the figure beside the trust's. */
  comparison: { label: string; placed: number; covered: number } | null;
  nothingYet: { count: number; trainees: NothingYetTrainee[] | null; suggestionsHref: string | null };
  offer: { type: OfferRow[]; tier: OfferRow[]; focus: OfferRow[]; dimension: OfferRow[]; total: OfferRow };
  funnel: Funnel;
  /** Approvals (approved or completed as at the date) and how many were each trainee's first this year. */
  approvals: { total: number; firstTimers: number };
  opportunitiesHad: { zero: number; one: number; two: number; threeOrMore: number };
  spread: { tier: CoverageRow[]; focus: CoverageRow[] };
  series: { current: SeriesPoint[]; previous: SeriesPoint[]; baseline: (SeriesPoint & { trainingYearStart: string }) | null };
  /** Coverage and approvals by working pattern, stage and the voluntary equality answers, already suppressed. */
  equity: EquityReport;
  /** Trainees' ratings from final reflections, overall, by type and by tier, already suppressed. */
  evaluation: EvaluationRow[];
}

/** One line of the evaluation table as it may be shown: a hidden count is its words, never a number. */
export interface EvaluationRow {
  group: "all" | "type" | "tier";
  key: string;
  label: string;
  /** "12", "fewer than 8" or "not shown". */
  rated: string;
  /** The mean rating to one decimal, "" when there is nobody or it is hidden. */
  mean: string;
  /** Whole percentage points who would recommend it, "" when there is nobody or it is hidden. */
  recommend: string;
}

export const typeLabel = (t: OpportunityType) => OPPORTUNITY_TYPE_LABELS[t];
export const tierLabel = (t: number) => TIER_LABELS[t as (typeof TIERS)[number]] ?? `Tier ${t}`;
export const focusLabel = (f: Focus) => FOCUS_LABELS[f];
export const dimensionLabel = (d: HlmDimension) => HLM_LABELS[d];
export { FOCUSES, HLM_DIMENSIONS, OPPORTUNITY_TYPES, TIERS };

// ---------------------------------------------------------------------------------------
// Definitions, written beside the figures

export const DEFINITIONS = {
  year: "A training year runs from 1 August to 31 July.",
  equity:
    "From the trainees' own answers, given voluntarily and used only in anonymous totals. A count of 1 to 7 trainees reads \"fewer than 8\", and other cells are hidden (\"not shown\") where they would let it be worked out; a percentage is shown only over 8 or more trainees.",
  placed:
    "Trainees placed: different trainees with an in-post placement at a trust in this scope at any time from the start of the training year to the \"as at\" date. A trainee who moved trust or grade counts where and as what they were, so they can appear under two trusts or two stages; each is counted once in the total. Closed accounts still count.",
  covered:
    "Covered: a placed trainee who, on the \"as at\" date, had at least one opportunity starting in this training year approved or completed, at any trust.",
  coverage: "Coverage: covered trainees as a share of trainees placed.",
  asAt: "As at a date: every figure is worked out from the history of each application up to the end of that day, so a past date gives the figures as they stood then.",
  nothingYet: "Trainees with nothing yet: placed trainees not covered on the \"as at\" date.",
  offer:
    "Offer: opportunities at the trusts in this scope, published by the \"as at\" date and starting in the training year, and their seats, per 100 trainees placed. Seats filled: seats with an application approved or completed on the \"as at\" date. An opportunity counts once under each leadership dimension it develops.",
  funnel:
    "Uptake: applications made by the placed trainees to opportunities starting in the training year, and how many reached each step by the \"as at\" date (an application approved and then withdrawn counts as an approval and as a withdrawal). Days are counted from the application to the trust's first decision (offer, waiting list or decline), and from the offer to the DME's approval; the middle value (median) is shown.",
  firstTimers: "First-timers' share: of the approvals, the share that were the trainee's first approved opportunity in this training year.",
  had: "Opportunities had: placed trainees by how many opportunities starting in the training year they had approved or completed on the \"as at\" date.",
  spread: "Spread: placed trainees who have had at least one approved or completed opportunity of each tier and of each focus this training year.",
  evaluation:
    "Evaluation: the final reflections of trainees on opportunities at the trusts in this scope starting in the training year, made final by the end of the \"as at\" day: how many rated the opportunity, their mean rating (1 poor to 5 excellent) and the share who would recommend it. A count of 1 to 7 trainees reads \"fewer than 8\", and other counts are hidden (\"not shown\") where they would let it be worked out; a mean and a share are shown only beside a count that is shown.",
  series:
    "Monthly coverage: coverage as it stood at the end of each month of the training year up to the \"as at\" date, beside the same months of the previous training year and the baseline date recorded for this year.",
};

// ---------------------------------------------------------------------------------------
// The tables: one definition for the page and the CSV files

export interface ReportTable {
  name: string;
  title: string;
  definition: string;
  headings: string[];
  /** Columns shown right-aligned on the page. */
  numeric: number[];
  rows: string[][];
}

const coverageCells = (r: { placed: number; covered: number }) => [String(r.placed), String(r.covered), percentCell(r.covered, r.placed)];
const COVERAGE_HEADINGS = ["Trainees placed", "Trainees covered", "Coverage %"];

function coverageTable(name: string, title: string, definition: string, first: string[], rows: string[][]): ReportTable {
  return { name, title, definition: `${definition} Trainees placed and covered as defined under Coverage.`, headings: [...first, ...COVERAGE_HEADINGS], numeric: [first.length, first.length + 1, first.length + 2], rows };
}

function offerTable(name: string, title: string, first: string, rows: OfferRow[], placed: number): ReportTable {
  return {
    name,
    title,
    definition: DEFINITIONS.offer,
    headings: [first, "Opportunities", "Seats", "Opportunities per 100 trainees placed", "Seats per 100 trainees placed", "Seats filled"],
    numeric: [1, 2, 3, 4, 5],
    rows: rows.map((r) => [r.label, String(r.opportunities), String(r.seats), per100(r.opportunities, placed), per100(r.seats, placed), String(r.filled)]),
  };
}

/** Every table of a report, by the name its CSV file is downloaded under. */
export function reportTables(report: Report): ReportTable[] {
  const c = report.coverage;
  const placed = report.overall.placed;
  const labelRows = (rows: CoverageRow[]) => rows.map((r) => [r.label, ...coverageCells(r)]);
  const tables: ReportTable[] = [
    coverageTable("coverage-by-trust", "Coverage by trust", "A trainee who moved trust in the year counts at each trust they were placed at.", ["ODS code", "Trust"], c.trust.map((r) => [r.key, r.label, ...coverageCells(r)])),
    coverageTable("coverage-by-ics", "Coverage by integrated care system", "By the integrated care system of the placement's trust.", ["Integrated care system"], labelRows(c.ics)),
    coverageTable("coverage-by-region", "Coverage by region", "By the NHS England region of the placement's trust.", ["Region"], labelRows(c.region)),
    coverageTable("coverage-by-stage", "Coverage by grade stage", "By the grade of the placement: foundation (FY1, FY2), core (CT1 to CT3, ST1, ST2) and higher (ST3 and above, GP specialty training). A trainee whose grade changed counts in each stage they were in.", ["Grade stage"], labelRows(c.stage)),
    coverageTable("coverage-by-specialty", "Coverage by specialty", "By the specialty written on the placement.", ["Specialty"], labelRows(c.specialty)),
    coverageTable("coverage-by-ltft", "Coverage by less than full time and full time", "Less than full time: a placement below 1.0 whole-time equivalent.", ["Working pattern"], labelRows(c.ltft)),
  ];
  if (report.nothingYet.trainees) {
    tables.push({
      name: "nothing-yet",
      title: "Trainees with nothing yet",
      definition: DEFINITIONS.nothingYet,
      headings: ["Trainee", "Grade", "Placement starts", "Placement ends"],
      numeric: [],
      rows: report.nothingYet.trainees.map((t) => [t.name, t.grade, t.startsOn, t.endsOn]),
    });
  }
  tables.push(
    offerTable("offer-by-type", "Offer by type of opportunity", "Type", [...report.offer.type, report.offer.total], placed),
    offerTable("offer-by-tier", "Offer by tier", "Tier", report.offer.tier, placed),
    offerTable("offer-by-focus", "Offer by focus", "Focus", report.offer.focus, placed),
    offerTable("offer-by-dimension", "Offer by Healthcare Leadership Model dimension", "Dimension", report.offer.dimension, placed),
  );
  const f = report.funnel;
  tables.push({
    name: "uptake",
    title: "Uptake",
    definition: DEFINITIONS.funnel,
    headings: ["Step", "Applications"],
    numeric: [1],
    rows: [
      ["Applications", String(f.applications)],
      ["Offers", String(f.offers)],
      ["DME approvals", String(f.approvals)],
      ["Completions", String(f.completions)],
      ["Withdrawals", String(f.withdrawals)],
      ["Declined by the trust", String(f.declines)],
      ["Rejected by the DME", String(f.rejections)],
      ["Not completed", String(f.notCompleted)],
    ],
  });
  tables.push({
    name: "decision-days",
    title: "Days to a decision",
    definition: DEFINITIONS.funnel,
    headings: ["Measure", "Median days"],
    numeric: [1],
    rows: [
      ["From application to the trust's decision", f.medianDaysToDecision === null ? "" : f.medianDaysToDecision.toFixed(1)],
      ["From offer to the DME's approval", f.medianDaysOfferToApproval === null ? "" : f.medianDaysOfferToApproval.toFixed(1)],
    ],
  });
  const a = report.approvals;
  tables.push({
    name: "first-timers",
    title: "First-timers' share of approvals",
    definition: DEFINITIONS.firstTimers,
    headings: ["Approvals", "First-timers' approvals", "First-timers' share %"],
    numeric: [0, 1, 2],
    rows: [[String(a.total), String(a.firstTimers), percentCell(a.firstTimers, a.total)]],
  });
  const h = report.opportunitiesHad;
  tables.push({
    name: "opportunities-had",
    title: "Trainees by the number of opportunities they have had",
    definition: DEFINITIONS.had,
    headings: ["Opportunities had", "Trainees", "Share of trainees placed %"],
    numeric: [1, 2],
    rows: ([["0", h.zero], ["1", h.one], ["2", h.two], ["3 or more", h.threeOrMore]] as const).map(([label, n]) => [label, String(n), percentCell(n, placed)]),
  });
  tables.push({
    name: "spread",
    title: "Spread of the offer: trainees who have had each tier and focus",
    definition: DEFINITIONS.spread,
    headings: ["Tier or focus", "Trainees", "Share of trainees placed %"],
    numeric: [1, 2],
    rows: [...report.spread.tier, ...report.spread.focus].map((r) => [r.label, String(r.covered), percentCell(r.covered, placed)]),
  });
  tables.push({
    name: "evaluation",
    title: "Evaluation: trainees' ratings of the opportunities",
    definition: DEFINITIONS.evaluation,
    headings: ["Opportunities", "Trainees who rated", "Mean rating (1 to 5)", "Would recommend %"],
    numeric: [1, 2, 3],
    rows: report.evaluation.map((r) => [r.label, r.rated, r.mean, r.recommend]),
  });
  const previousByMonth = new Map(report.series.previous.map((p) => [p.asAt.slice(5, 7), p]));
  tables.push({
    name: "monthly-coverage",
    title: "Coverage month by month",
    definition: DEFINITIONS.series,
    headings: ["As at", "Trainees placed", "Trainees covered", "Coverage %", "Previous year's coverage %"],
    numeric: [1, 2, 3, 4],
    rows: report.series.current.map((p) => {
      const before = previousByMonth.get(p.asAt.slice(5, 7));
      return [p.asAt, ...coverageCells(p), before ? percentCell(before.covered, before.placed) : ""];
    }),
  });
  // The equity tables, already suppressed: a hidden cell is its words ("fewer than 8"), never a number.
  const equityTable = (name: string, e: EquityReport["approvals"][number], extra: string[][] = []): ReportTable => ({
    name,
    title: e.caption,
    definition: DEFINITIONS.equity,
    headings: ["", ...e.table.columns, "Total"],
    numeric: e.table.columns.map((_, i) => i + 1).concat(e.table.columns.length + 1),
    rows: [...e.table.rows.map((label, r) => [label, ...e.table.cells[r]!.map((c) => c.text), e.table.rowTotals[r]!.text]), ...extra],
  });
  for (const e of report.equity.coverage) {
    tables.push(
      equityTable(`equity-coverage-${e.dimension}`, e, [
        ["Placed", ...e.table.columnTotals.map((c) => c.text), e.table.grandTotal.text],
        ["Coverage", ...e.coverage.map((c) => c.text), e.overallCoverage.text],
      ]),
    );
  }
  for (const e of report.equity.approvals) tables.push(equityTable(`equity-approvals-${e.dimension}`, e));
  return tables;
}

export const REPORT_TABLE_NAMES = [
  "coverage-by-trust",
  "coverage-by-ics",
  "coverage-by-region",
  "coverage-by-stage",
  "coverage-by-specialty",
  "coverage-by-ltft",
  "nothing-yet",
  "offer-by-type",
  "offer-by-tier",
  "offer-by-focus",
  "offer-by-dimension",
  "uptake",
  "decision-days",
  "first-timers",
  "opportunities-had",
  "spread",
  "monthly-coverage",
  "evaluation",
  ...(["ltft", "stage", "sex", "ethnicGroup", "disability"] as const).flatMap((d) => [`equity-coverage-${d}` as const, `equity-approvals-${d}` as const]),
] as const;

/** A cell a spreadsheet would run as a formula gets a leading apostrophe, so it shows as text. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 (every value quoted, quotes doubled) with a byte order mark so spreadsheets read UTF-8. */
export function tableCsv(table: Pick<ReportTable, "headings" | "rows">): string {
  const line = (values: string[]) => values.map((value) => `"${neutraliseCell(value).replace(/"/g, '""')}"`).join(",");
  return `\uFEFF${[line(table.headings), ...table.rows.map(line)].join("\r\n")}\r\n`;
}

export function csvFileName(table: string, query: ReportQuery): string {
  return `${table}_${scopeSlug(query.scope)}_${trainingYearLabel(query.year).replace(/ to /, "-")}_as-at-${query.asAt}.csv`;
}

/** "Coverage is 63%: 1,260 of 2,000 trainees placed have had …" and the change since the baseline. */
export function coverageSummary(report: Pick<Report, "overall" | "series">): string {
  const { placed, covered } = report.overall;
  if (placed === 0) return "No trainees were placed in this scope in the training year up to this date.";
  const trainees = placed === 1 ? "trainee placed has" : "trainees placed have";
  let text = `Coverage is ${formatPercent(covered, placed)}: ${formatCount(covered)} of ${formatCount(placed)} ${trainees} had an approved or completed opportunity this training year.`;
  const b = report.series.baseline;
  if (b && b.placed > 0) {
    const before = Math.round((100 * b.covered) / b.placed);
    const now = Math.round((100 * covered) / placed);
    const verb = now > before ? "It rose from" : now < before ? "It fell from" : "It is unchanged from";
    text += ` ${verb} ${before}% at the baseline (${b.asAt}).`;
  }
  return text;
}

/** The last day of each month of the year up to the as-at date, and the as-at date itself. */
export function seriesDates(yearStart: string, asAt: string): string[] {
  const dates: string[] = [];
  let year = Number(yearStart.slice(0, 4));
  let month = 8;
  for (let i = 0; i < 12; i++) {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const d = `${year}-${String(month).padStart(2, "0")}-${String(last).padStart(2, "0")}`;
    if (d >= asAt) break;
    dates.push(d);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  dates.push(asAt);
  return dates;
}

/** The same day a year earlier (29 February becomes 28 February). */
export function yearEarlier(isoDate: string): string {
  const y = Number(isoDate.slice(0, 4)) - 1;
  const md = isoDate.slice(5);
  if (md === "02-29") return `${y}-02-28`;
  return `${y}-${md}`;
}

