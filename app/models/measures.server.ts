// The measures of progress from the database (issue 11). Every figure is as at a date: an
// application's status then is its last event before the end of that day in London, never its
// current status, so a past date gives the figures as they stood. A handful of queries per
// report, each grouping all trusts at once (GROUPING SETS), never one query per trust.
import { and, asc, eq, gt, sql, type SQL } from "drizzle-orm";

import { queryRows, type DbOrTx } from "@db/client";
import { allowLongStatements } from "@db/statement-timeouts";
import { reportBaselines, reportSnapshots, trusts } from "@db/schema";

import type { ScheduledJob } from "~/scheduler.server";
import { todayInLondon } from "~/utils/dates";

import { getEquityReport } from "./equity.server";
import { suppressTable, SMALL_NUMBER_LIMIT } from "./suppression";

import {
  FOCUSES,
  HLM_DIMENSIONS,
  OPPORTUNITY_TYPES,
  REGIONS,
  STAGES,
  type Focus,
  type Grade,
  type HlmDimension,
  type OpportunityType,
  type Region,
  type Stage,
} from "./domain";
import {
  dimensionLabel,
  focusLabel,
  gradesOfStage,
  readReportParams,
  scopeParam,
  seriesDates,
  STAGE_LABELS,
  tierLabel,
  TIERS,
  trainingYearStarting,
  typeLabel,
  yearEarlier,
  type CoverageRow,
  type EvaluationRow,
  type Funnel,
  type NothingYetTrainee,
  type OfferRow,
  type Report,
  type ReportFilters,
  type ReportQuery,
  type Scope,
  type SeriesPoint,
} from "./measures";

const IN_POST = sql`('In Post', 'In Post - Extension')`;
const HAD = sql`('approved', 'completed')`;

/** The first instant after the as-at day in London: events before it had happened "as at" the date. */
const cutOf = (asAt: string) => sql`((${asAt}::date + 1)::timestamp at time zone 'Europe/London')`;

const list = (values: readonly string[]) => sql.join(values.map((value) => sql`${value}`), sql`, `);

function scopeCondition(scope: Scope, t: SQL = sql`t`): SQL {
  switch (scope.kind) {
    case "england":
      return sql`true`;
    case "region":
      return sql`${t}.region = ${scope.region}`;
    case "ics":
      return sql`${t}.integrated_care_system = ${scope.ics}`;
    case "trust":
      return sql`${t}.ods_code = ${scope.odsCode}`;
  }
}

function placementFilters(filters: ReportFilters): SQL {
  const parts: SQL[] = [];
  if (filters.stage) parts.push(sql`p.grade::text in (${list(gradesOfStage(filters.stage))})`);
  if (filters.specialty) parts.push(sql`lower(p.specialty) = lower(${filters.specialty})`);
  if (filters.ltft === "yes") parts.push(sql`p.wte < 1`);
  if (filters.ltft === "no") parts.push(sql`p.wte >= 1`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

const stageCase = sql.raw(
  `case ${STAGES.map((s) => `when p.grade::text in (${gradesOfStage(s).map((g) => `'${g}'`).join(", ")}) then '${s}'`).join(" ")} end`,
);

/** The in-post placements of the scope overlapping the training year up to the as-at date. */
function placedPlacements(q: { scope: Scope; filters: ReportFilters; yearStart: string }, upTo: SQL): SQL {
  return sql`select p.trainee_id, p.grade, p.starts_on, p.ends_on, p.specialty, p.wte, t.id as trust_id, t.ods_code, t.name as trust_name,
      t.integrated_care_system as ics, t.region::text as region, ${stageCase} as stage
    from placements p join trusts t on t.id = p.trust_id
    where p.placement_type in ${IN_POST} and p.starts_on <= ${upTo} and p.ends_on >= ${q.yearStart}::date
      and ${scopeCondition(q.scope)} and ${placementFilters(q.filters)}`;
}

/**
 * The applications on opportunities starting in the year whose status as at the date was
 * approved or completed: an approved or completed event before the end of that day with no
 * later event before it. Starting from those events (a fraction of all) and checking for a
 * later one is far cheaper than finding every application's last event.
 */
function hadAsAt(q: { asAt: string; yearStart: string; yearEnd: string }, among: SQL = sql`true`): SQL {
  const cut = cutOf(q.asAt);
  return sql`select a.id, a.trainee_id, a.opportunity_id, o.tier, o.focus
    from application_events e
    join applications a on a.id = e.application_id
    join opportunities o on o.id = a.opportunity_id
    where e.to_status in ${HAD} and e.created_at < ${cut}
      and o.starts_on between ${q.yearStart}::date and ${q.yearEnd}::date and ${among}
      and not exists (
        select 1 from application_events later
        where later.application_id = e.application_id and later.created_at < ${cut}
          and (later.created_at > e.created_at or (later.created_at = e.created_at and later.id > e.id))
      )`;
}

/**
 * The report's queries, each in its own short transaction with JIT compilation off: their cost
 * estimates on a national data set pass jit_above_cost, and compiling took 1.5 s of a 6.5 s
 * query on the bench data while each query runs once per page, so it never pays back.
 */
async function reportRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    await allowLongStatements(tx);
    return queryRows<T>(tx, query);
  });
}

interface CoverageSqlRow extends Record<string, unknown> {
  dimension: string;
  key: string | null;
  label: string | null;
  placed: number | string;
  covered: number | string;
}

/** Trainees placed and covered, overall and by trust, ICS, region, stage, specialty and LTFT, in one query. */
async function coverageByDimension(db: DbOrTx, q: ReportQuery) {
  const rows = await reportRows<CoverageSqlRow>(
    db,
    sql`with placed as (${placedPlacements(q, sql`${q.asAt}::date`)}),
    covered as (
      select distinct h.trainee_id from (${hadAsAt(q, sql`a.trainee_id in (select trainee_id from placed)`)}) h
    ),
    rows as (
      select pl.trainee_id, pl.trust_id::text as trust_id, pl.ods_code, pl.trust_name, pl.ics, pl.region, pl.stage,
        pl.specialty, case when pl.wte < 1 then 'yes' else 'no' end as ltft, c.trainee_id is not null as is_covered
      from placed pl left join covered c on c.trainee_id = pl.trainee_id
    )
    select
      case when grouping(ods_code) = 0 then 'trust' when grouping(ics) = 0 then 'ics' when grouping(region) = 0 then 'region'
        when grouping(stage) = 0 then 'stage' when grouping(specialty) = 0 then 'specialty' when grouping(ltft) = 0 then 'ltft' else 'all' end as dimension,
      coalesce(ods_code, ics, region, stage, specialty, ltft) as key,
      case when grouping(ods_code) = 0 then max(trust_name) else coalesce(ics, region, stage, specialty, ltft) end as label,
      count(distinct trainee_id) as placed,
      count(distinct trainee_id) filter (where is_covered) as covered
    from rows
    group by grouping sets ((), (ods_code), (region, ics), (region), (stage), (specialty), (ltft))
    order by 1, 3`,
  );
  const result = { all: { placed: 0, covered: 0 }, trust: [] as CoverageRow[], ics: [] as CoverageRow[], region: [] as CoverageRow[], stage: [] as CoverageRow[], specialty: [] as CoverageRow[], ltft: [] as CoverageRow[] };
  for (const r of rows) {
    const figures = { placed: Number(r.placed), covered: Number(r.covered) };
    if (r.dimension === "all") result.all = figures;
    else (result[r.dimension as keyof Omit<typeof result, "all">] as CoverageRow[]).push({ key: r.key ?? "", label: r.label ?? "", ...figures });
  }
  result.stage = STAGES.map((s) => result.stage.find((r) => r.key === s) ?? { key: s, label: s, placed: 0, covered: 0 }).map((r) => ({ ...r, label: STAGE_LABELS[r.key as Stage] }));
  result.ltft = (["yes", "no"] as const).map((k) => ({ ...(result.ltft.find((r) => r.key === k) ?? { key: k, placed: 0, covered: 0 }), label: k === "yes" ? "Less than full time" : "Full time" }));
  result.specialty = result.specialty.map((r) => ({ ...r, label: r.label || "Not recorded" }));
  return result;
}

/** The placed trainees with nothing yet, with their placement in the scope (the latest, when more than one). */
export async function listNothingYet(db: DbOrTx, q: ReportQuery): Promise<NothingYetTrainee[]> {
  const rows = await reportRows<{ trainee_id: string; name: string; grade: Grade; starts_on: string; ends_on: string }>(
    db,
    sql`with placed as (${placedPlacements(q, sql`${q.asAt}::date`)}),
    covered as (
      select distinct h.trainee_id from (${hadAsAt(q, sql`a.trainee_id in (select trainee_id from placed)`)}) h
    )
    select distinct on (u.name, pl.trainee_id) pl.trainee_id, u.name, pl.grade::text as grade, pl.starts_on::text as starts_on, pl.ends_on::text as ends_on
    from placed pl join users u on u.id = pl.trainee_id
    where not exists (select 1 from covered c where c.trainee_id = pl.trainee_id)
    order by u.name, pl.trainee_id, pl.starts_on desc`,
  );
  return rows.map((r) => ({ traineeId: r.trainee_id, name: r.name, grade: r.grade, startsOn: r.starts_on, endsOn: r.ends_on }));
}

interface HadSqlRow extends Record<string, unknown> {
  zero: string | number;
  one: string | number;
  two: string | number;
  three: string | number;
  approvals: string | number;
  first_timers: string | number;
  [k: string]: unknown;
}

/** Opportunities had per trainee (0, 1, 2, 3+), first-timers' approvals and the spread by tier and focus, in one query. */
async function opportunitiesHad(db: DbOrTx, q: ReportQuery) {
  const tierColumns = sql.raw(TIERS.map((t) => `count(*) filter (where tier_${t}) as tier_${t}`).join(", "));
  const focusColumns = sql.raw(FOCUSES.map((f) => `count(*) filter (where focus_${f}) as focus_${f}`).join(", "));
  const tierFlags = sql.raw(TIERS.map((t) => `bool_or(h.tier = ${t}) as tier_${t}`).join(", "));
  const focusFlags = sql.raw(FOCUSES.map((f) => `bool_or(h.focus = '${f}') as focus_${f}`).join(", "));
  const [row] = await reportRows<HadSqlRow>(
    db,
    sql`with placed as (${placedPlacements(q, sql`${q.asAt}::date`)}),
    had as (${hadAsAt(q, sql`a.trainee_id in (select trainee_id from placed)`)}),
    per_trainee as (select h.trainee_id, count(*) as n, ${tierFlags}, ${focusFlags} from had h group by h.trainee_id)
    select (select count(distinct trainee_id) from placed) - count(*) as zero, count(*) filter (where n = 1) as one,
      count(*) filter (where n = 2) as two, count(*) filter (where n >= 3) as three, coalesce(sum(n), 0) as approvals,
      count(*) as first_timers, ${tierColumns}, ${focusColumns}
    from per_trainee`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  return {
    opportunitiesHad: { zero: n("zero"), one: n("one"), two: n("two"), threeOrMore: n("three") },
    // Each trainee's first approval of the year is a first-timer's: as many as the trainees with one.
    approvals: { total: n("approvals"), firstTimers: n("first_timers") },
    spread: {
      tier: TIERS.map((t) => ({ key: String(t), label: tierLabel(t), placed: 0, covered: n(`tier_${t}`) })),
      focus: FOCUSES.map((f) => ({ key: f, label: `Focus: ${focusLabel(f)}`, placed: 0, covered: n(`focus_${f}`) })),
    },
  };
}

function opportunityFilters(filters: ReportFilters): SQL {
  const parts: SQL[] = [];
  if (filters.stage) parts.push(sql`o.eligible_grades && array[${list(gradesOfStage(filters.stage))}]::grade[]`);
  if (filters.specialty) parts.push(sql`(cardinality(o.specialties) = 0 or lower(${filters.specialty}) = any(select lower(x) from unnest(o.specialties) x))`);
  if (filters.ltft === "yes") parts.push(sql`o.ltft_friendly`);
  return parts.length ? sql.join(parts, sql` and `) : sql`true`;
}

interface OfferSqlRow extends Record<string, unknown> {
  dimension: string;
  key: string | null;
  opportunities: string | number;
  seats: string | number;
  filled: string | number;
}

/** The scope's offer: opportunities published by the date and starting in the year, their seats and seats filled. */
async function offerOf(db: DbOrTx, q: ReportQuery) {
  const rows = await reportRows<OfferSqlRow>(
    db,
    sql`with offered_here as (
      select o.id, o.type::text as type, o.tier::text as tier, o.focus::text as focus, o.hlm_dimensions, o.seats
      from opportunities o join trusts t on t.id = o.trust_id
      where o.published_at < ${cutOf(q.asAt)} and o.starts_on between ${q.yearStart}::date and ${q.yearEnd}::date
        and ${scopeCondition(q.scope)} and ${opportunityFilters(q.filters)}
    ),
    filled as (
      select h.opportunity_id, count(*) as filled
      from (${hadAsAt(q, sql`a.opportunity_id in (select id from offered_here)`)}) h group by h.opportunity_id
    ),
    offered as (select oh.*, coalesce(f.filled, 0) as filled from offered_here oh left join filled f on f.opportunity_id = oh.id)
    select case when grouping(type) = 0 then 'type' when grouping(tier) = 0 then 'tier' when grouping(focus) = 0 then 'focus' else 'all' end as dimension,
      coalesce(type, tier, focus) as key, count(*) as opportunities, coalesce(sum(seats), 0) as seats, coalesce(sum(least(filled, seats)), 0) as filled
    from offered group by grouping sets ((), (type), (tier), (focus))
    union all
    select 'dimension', d::text, count(*), coalesce(sum(seats), 0), coalesce(sum(least(filled, seats)), 0)
    from offered cross join unnest(hlm_dimensions) d group by d`,
  );
  const figures = (r: OfferSqlRow | undefined) => ({ opportunities: Number(r?.opportunities ?? 0), seats: Number(r?.seats ?? 0), filled: Number(r?.filled ?? 0) });
  const pick = (dimension: string, key: string) => figures(rows.find((r) => r.dimension === dimension && r.key === key));
  return {
    total: { key: "all", label: "All types", ...figures(rows.find((r) => r.dimension === "all")) },
    type: OPPORTUNITY_TYPES.map((t): OfferRow => ({ key: t, label: typeLabel(t as OpportunityType), ...pick("type", t) })),
    tier: TIERS.map((t): OfferRow => ({ key: String(t), label: tierLabel(t), ...pick("tier", String(t)) })),
    focus: FOCUSES.map((f): OfferRow => ({ key: f, label: focusLabel(f as Focus), ...pick("focus", f) })),
    dimension: HLM_DIMENSIONS.map((d): OfferRow => ({ key: d, label: dimensionLabel(d as HlmDimension), ...pick("dimension", d) })),
  };
}

/** The placed trainees' applications, which steps each reached by the date, and the medians of the days between. */
async function funnelOf(db: DbOrTx, q: ReportQuery): Promise<Funnel> {
  const cut = cutOf(q.asAt);
  const [row] = await reportRows<Record<string, string | number | null>>(
    db,
    sql`with placed as (${placedPlacements(q, sql`${q.asAt}::date`)}),
    apps as (
      select a.id, a.created_at from applications a join opportunities o on o.id = a.opportunity_id
      where o.starts_on between ${q.yearStart}::date and ${q.yearEnd}::date and a.created_at < ${cut}
        and a.trainee_id in (select trainee_id from placed)
    ),
    steps as (
      select apps.id, apps.created_at,
        bool_or(e.to_status = 'offered') as offered, bool_or(e.to_status = 'approved') as approved,
        bool_or(e.to_status = 'completed') as completed, bool_or(e.to_status = 'declined') as declined,
        bool_or(e.to_status = 'rejected') as rejected, bool_or(e.to_status = 'not_completed') as not_completed,
        (array_agg(e.to_status order by e.created_at desc, e.id desc))[1] as status,
        min(e.created_at) filter (where e.to_status in ('offered', 'waitlisted', 'declined')) as decided_at,
        min(e.created_at) filter (where e.to_status = 'offered') as offered_at,
        min(e.created_at) filter (where e.to_status = 'approved') as approved_at
      from apps join application_events e on e.application_id = apps.id and e.created_at < ${cut}
      group by apps.id, apps.created_at
    )
    select count(*) as applications, count(*) filter (where offered) as offers, count(*) filter (where approved) as approvals,
      count(*) filter (where completed) as completions, count(*) filter (where status = 'withdrawn') as withdrawals,
      count(*) filter (where declined) as declines, count(*) filter (where rejected) as rejections,
      count(*) filter (where not_completed) as not_completed,
      percentile_cont(0.5) within group (order by extract(epoch from decided_at - created_at) / 86400) filter (where decided_at is not null) as days_to_decision,
      percentile_cont(0.5) within group (order by extract(epoch from approved_at - offered_at) / 86400) filter (where approved_at is not null and offered_at is not null) as days_to_approval
    from steps`,
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  const days = (k: string) => (row?.[k] === null || row?.[k] === undefined ? null : Math.round(Number(row[k]) * 10) / 10);
  return {
    applications: n("applications"),
    offers: n("offers"),
    approvals: n("approvals"),
    completions: n("completions"),
    withdrawals: n("withdrawals"),
    declines: n("declines"),
    rejections: n("rejections"),
    notCompleted: n("not_completed"),
    medianDaysToDecision: days("days_to_decision"),
    medianDaysOfferToApproval: days("days_to_approval"),
  };
}

interface EvaluationSqlRow extends Record<string, unknown> {
  dimension: string;
  key: string | null;
  rated: string | number;
  rating_sum: string | number | null;
  recommended: string | number;
}

/**
 * Trainees' ratings from final reflections on the scope's opportunities starting in the year,
 * made final by the as-at date: overall, by type and by tier, in one query. Suppressed as the
 * equity tables are: each breakdown (types, tiers) adds up to the overall count, so a count of
 * 1–7 and any count that would give one away are hidden, with the mean and share beside it.
 */
export async function evaluationOf(db: DbOrTx, q: ReportQuery): Promise<EvaluationRow[]> {
  const rows = await reportRows<EvaluationSqlRow>(
    db,
    sql`with rated as (
      select o.type::text as type, o.tier::text as tier, r.rating, r.would_recommend
      from reflections r join applications a on a.id = r.application_id
        join opportunities o on o.id = a.opportunity_id join trusts t on t.id = o.trust_id
      where r.finalised_at < ${cutOf(q.asAt)} and r.rating is not null
        and o.starts_on between ${q.yearStart}::date and ${q.yearEnd}::date
        and ${scopeCondition(q.scope)} and ${opportunityFilters(q.filters)}
    )
    select case when grouping(type) = 0 then 'type' when grouping(tier) = 0 then 'tier' else 'all' end as dimension,
      coalesce(type, tier) as key, count(*) as rated, sum(rating) as rating_sum, count(*) filter (where would_recommend) as recommended
    from rated group by grouping sets ((), (type), (tier))`,
  );
  const figures = (dimension: string, key: string | null) => {
    const r = rows.find((x) => x.dimension === dimension && (key === null || x.key === key));
    return { rated: Number(r?.rated ?? 0), sum: Number(r?.rating_sum ?? 0), recommended: Number(r?.recommended ?? 0) };
  };
  const all = figures("all", null);
  const breakdown = (group: "type" | "tier", keys: string[], label: (k: string) => string) => {
    const each = keys.map((k) => ({ key: k, ...figures(group, k) }));
    const table = suppressTable({ rows: keys, columns: ["rated"], cells: each.map((e) => [e.rated]) });
    return { rows: each.map((e, i) => ({ ...e, group, label: label(e.key), cell: table.cells[i]![0]! })), total: table.grandTotal };
  };
  const types = breakdown("type", [...OPPORTUNITY_TYPES], (k) => typeLabel(k as OpportunityType));
  const tiers = breakdown("tier", TIERS.map(String), (k) => tierLabel(Number(k)));
  // The overall count is the total of both breakdowns: hidden if either hides it.
  const overall = types.total.value === null ? types.total : tiers.total;
  const line = (group: EvaluationRow["group"], key: string, label: string, f: { rated: number; sum: number; recommended: number }, cell: { text: string; value: number | null }): EvaluationRow => {
    const shown = cell.value !== null && cell.value >= SMALL_NUMBER_LIMIT;
    return {
      group,
      key,
      label,
      rated: cell.text,
      mean: shown ? (f.sum / f.rated).toFixed(1) : "",
      recommend: shown ? String(Math.round((100 * f.recommended) / f.rated)) : "",
    };
  };
  return [
    line("all", "all", "All opportunities", all, overall),
    ...types.rows.map((r) => line("type", r.key, r.label, r, r.cell)),
    ...tiers.rows.map((r) => line("tier", r.key, r.label, r, r.cell)),
  ];
}

/**
 * Coverage as at each of the given dates of one training year, in one query: each application's
 * history becomes spans of status (from one event to the next), and a trainee is covered at a
 * date when a span of approved or completed contains the end of that day.
 */
export async function coverageSeries(
  db: DbOrTx,
  q: { scope: Scope; filters: ReportFilters; yearStart: string; yearEnd: string },
  dates: string[],
): Promise<SeriesPoint[]> {
  if (dates.length === 0) return [];
  const points = sql.join(dates.map((d) => sql`(${d}::date)`), sql`, `);
  const rows = await reportRows<{ as_at: string; placed: string | number; covered: string | number }>(
    db,
    sql`with points(d) as (values ${points}),
    pts as (select d, ((d + 1)::timestamp at time zone 'Europe/London') as cut from points),
    placed_any as (${placedPlacements(q, sql`${dates[dates.length - 1]}::date`)}),
    placed as (select distinct pts.d, pl.trainee_id from placed_any pl join pts on pl.starts_on <= pts.d),
    spans as (
      select a.trainee_id, e.to_status, e.created_at as from_at,
        lead(e.created_at) over (partition by e.application_id order by e.created_at, e.id) as to_at
      from application_events e join applications a on a.id = e.application_id join opportunities o on o.id = a.opportunity_id
      where o.starts_on between ${q.yearStart}::date and ${q.yearEnd}::date and e.created_at < ${cutOf(dates[dates.length - 1]!)}
        and a.trainee_id in (select trainee_id from placed_any)
    ),
    covered as (
      select distinct pts.d, s.trainee_id from spans s join pts on s.from_at < pts.cut and (s.to_at is null or s.to_at >= pts.cut)
      where s.to_status in ${HAD}
    )
    select pts.d::text as as_at, count(pl.trainee_id) as placed, count(c.trainee_id) as covered
    from pts left join placed pl on pl.d = pts.d left join covered c on c.d = pl.d and c.trainee_id = pl.trainee_id
    group by pts.d order by pts.d`,
  );
  return rows.map((r) => ({ asAt: r.as_at, placed: Number(r.placed), covered: Number(r.covered) }));
}

/** Trainees placed and covered in a scope at one date (the region beside a trust, the baseline). */
export async function coverageAt(
  db: DbOrTx,
  q: { scope: Scope; filters: ReportFilters; yearStart: string; yearEnd: string },
  asAt: string,
): Promise<SeriesPoint> {
  const at = { ...q, asAt };
  const [row] = await reportRows<{ placed: string | number; covered: string | number }>(
    db,
    sql`with placed as (select distinct pl.trainee_id from (${placedPlacements(q, sql`${asAt}::date`)}) pl)
    select (select count(*) from placed) as placed,
      (select count(distinct h.trainee_id) from (${hadAsAt(at, sql`a.trainee_id in (select trainee_id from placed)`)}) h) as covered`,
  );
  return { asAt, placed: Number(row?.placed ?? 0), covered: Number(row?.covered ?? 0) };
}

export interface ReportTrust {
  id: string;
  odsCode: string;
  name: string;
  region: Region;
  integratedCareSystem: string;
}

/** Every trust, for the scope select (and to check a scope exists). */
export async function listReportTrusts(db: DbOrTx): Promise<ReportTrust[]> {
  return db
    .select({ id: trusts.id, odsCode: trusts.odsCode, name: trusts.name, region: trusts.region, integratedCareSystem: trusts.integratedCareSystem })
    .from(trusts)
    .orderBy(asc(trusts.name));
}

/** The scope's name, or null when no trust is in it (an unknown trust or ICS). */
export function scopeName(scope: Scope, all: ReportTrust[]): string | null {
  switch (scope.kind) {
    case "england":
      return "England";
    case "region":
      return scope.region;
    case "ics":
      return all.some((t) => t.integratedCareSystem === scope.ics) ? scope.ics : null;
    case "trust":
      return all.find((t) => t.odsCode === scope.odsCode)?.name ?? null;
  }
}

export async function baselineOf(db: DbOrTx, yearStart: string): Promise<string | null> {
  const [row] = await db.select({ on: reportBaselines.baselineOn }).from(reportBaselines).where(eq(reportBaselines.trainingYearStart, yearStart));
  return row?.on ?? null;
}

/**
 * The whole report for a scope. `withList` is for the trust's own staff: the names of the
 * trainees with nothing yet; everyone else gets the count only.
 */
export async function computeReport(
  db: DbOrTx,
  q: ReportQuery,
  options: { scopeName: string; withList: boolean; comparison?: { scope: Scope; label: string } | null; now?: Date },
): Promise<Report> {
  const previousYear = trainingYearStarting(q.year - 1);
  const previousDates = seriesDates(q.yearStart, q.asAt).map(yearEarlier);
  const baselineOn = await baselineOf(db, q.yearStart);
  const trustIds = q.scope.kind === "england" ? null : (await queryRows<{ id: string }>(db, sql`select t.id from trusts t where ${scopeCondition(q.scope)}`)).map((t) => t.id);
  const [coverage, had, offer, funnel, current, previous, baseline, comparison, nothingYet, equity, evaluation] = await Promise.all([
    coverageByDimension(db, q),
    opportunitiesHad(db, q),
    offerOf(db, q),
    funnelOf(db, q),
    coverageSeries(db, q, seriesDates(q.yearStart, q.asAt)),
    coverageSeries(db, { ...q, ...previousYear }, previousDates),
    baselineOn && baselineOn <= q.asAt ? coverageAt(db, q, baselineOn).then((p) => [p]) : Promise.resolve([]),
    options.comparison ? coverageAt(db, { ...q, scope: options.comparison.scope }, q.asAt).then((p) => [p]) : Promise.resolve([]),
    options.withList ? listNothingYet(db, q) : Promise.resolve(null),
    getEquityReport(db, { trustIds }, { year: [q.yearStart, q.yearEnd], asAt: q.asAt }),
    evaluationOf(db, q),
  ]);
  const trustOds = q.scope.kind === "trust" ? q.scope.odsCode : null;
  return {
    query: q,
    scopeName: options.scopeName,
    computedAt: (options.now ?? new Date()).toISOString(),
    computedLive: true,
    overall: coverage.all,
    coverage: { trust: coverage.trust, ics: coverage.ics, region: coverage.region, stage: coverage.stage, specialty: coverage.specialty, ltft: coverage.ltft },
    comparison: options.comparison && comparison[0] ? { label: options.comparison.label, placed: comparison[0].placed, covered: comparison[0].covered } : null,
    nothingYet: {
      count: coverage.all.placed - coverage.all.covered,
      trainees: nothingYet,
      suggestionsHref: trustOds ? `/opportunities?trust=${trustOds}` : null,
    },
    offer,
    funnel,
    approvals: had.approvals,
    opportunitiesHad: had.opportunitiesHad,
    spread: had.spread,
    series: { current, previous, baseline: baseline[0] && baselineOn ? { ...baseline[0], trainingYearStart: q.yearStart } : null },
    equity,
    evaluation,
  };
}

export interface ReportViewer {
  role: "admin" | "dme" | "trust_lead";
  trustId: string | null;
}

export interface ReportOptions {
  /** The scopes the viewer may choose (an admin's select); empty for a trust's staff. */
  scopes: { value: string; label: string; group: "England" | "Regions" | "Integrated care systems" | "Trusts" }[];
  /** The viewer's own trust, for its staff. */
  ownTrust: { odsCode: string; name: string } | null;
}

export type OpenedReport =
  | { ok: true; report: Report; options: ReportOptions; values: Record<string, string> }
  | { ok: false; status: 400; fieldErrors: Record<string, string>; options: ReportOptions; values: Record<string, string> }
  | { ok: false; status: 404 };

function optionsFor(viewer: ReportViewer, all: ReportTrust[]): ReportOptions {
  const own = viewer.trustId ? all.find((t) => t.id === viewer.trustId) ?? null : null;
  if (viewer.role !== "admin") return { scopes: [], ownTrust: own ? { odsCode: own.odsCode, name: own.name } : null };
  const regions = [...new Set(all.map((t) => t.region))].sort();
  const systems = [...new Set(all.map((t) => t.integratedCareSystem))].sort();
  return {
    ownTrust: null,
    scopes: [
      { value: "england", label: "All England", group: "England" },
      ...regions.map((r) => ({ value: `region:${r}`, label: r, group: "Regions" as const })),
      ...systems.map((s) => ({ value: `ics:${s}`, label: s, group: "Integrated care systems" as const })),
      ...all.map((t) => ({ value: `trust:${t.odsCode}`, label: `${t.name} (${t.odsCode})`, group: "Trusts" as const })),
    ],
  };
}

/**
 * A report as the viewer may see it: an admin any scope (England by default); a trust's DME or
 * lead their own trust only, with the names of its trainees with nothing yet — another trust's
 * report is not found, as another trust's data is everywhere else. Parameters that make no
 * sense are a 400 with a message by each field.
 */
export async function openReport(db: DbOrTx, viewer: ReportViewer, params: URLSearchParams, today: string, now: Date = new Date()): Promise<OpenedReport> {
  const all = await listReportTrusts(db);
  const options = optionsFor(viewer, all);
  const read = readReportParams(params, today);
  if (!read.ok) return { ok: false, status: 400, fieldErrors: read.fieldErrors, options, values: read.values };
  let q = read.query;
  const own = viewer.role === "admin" ? null : all.find((t) => t.id === viewer.trustId);
  if (viewer.role !== "admin") {
    if (!own) return { ok: false, status: 404 };
    if (read.scopeGiven && !(q.scope.kind === "trust" && q.scope.odsCode === own.odsCode)) return { ok: false, status: 404 };
    q = { ...q, scope: { kind: "trust", odsCode: own.odsCode } };
  }
  const name = scopeName(q.scope, all);
  if (!name) return { ok: false, status: 404 };
  const trust = q.scope.kind === "trust" ? all.find((t) => t.odsCode === (q.scope as { odsCode: string }).odsCode)! : null;
  const report = await cachedReport(db, q, {
    scopeName: name,
    withList: Boolean(own && trust && own.id === trust.id),
    comparison: trust ? { scope: { kind: "region", region: trust.region }, label: trust.region } : null,
    now,
  });
  return { ok: true, report, options, values: read.values };
}

// ---------------------------------------------------------------------------------------
// The report cache (issue 11's speed): the all-England report takes seconds on a national data
// set, so a report's aggregate figures are kept in report_snapshots, shared by every app
// process, and read while computed within the last 10 minutes. A past "as at" date follows the
// same rule. The names of a trust's trainees with nothing yet are never stored: they are
// personal data, and cheap to compute live for one trust.

/** The longest a report's figures are shown after they were computed. */
export const REPORT_FRESH_MS = 10 * 60_000;
/** Bumped when the stored figures change shape, so rows written by an older release are not read. */
const SNAPSHOT_VERSION = "2";

/** The figures stored: the report without what is given per request or per viewer. */
type StoredFigures = Omit<Report, "query" | "scopeName" | "computedAt" | "computedLive" | "nothingYet"> & {
  nothingYet: { count: number; suggestionsHref: string | null };
};

/**
 * The canonical key of a report's figures: everything they depend on (scope, year, as-at date,
 * filters, and the year's baseline date, so a new baseline shows at once). The specialty filter
 * matches case-insensitively, so it is keyed in lower case.
 */
export function reportSnapshotKey(q: ReportQuery, baselineOn: string | null): string {
  return new URLSearchParams([
    ["v", SNAPSHOT_VERSION],
    ["scope", scopeParam(q.scope)],
    ["year", String(q.year)],
    ["asAt", q.asAt],
    ["stage", q.filters.stage ?? ""],
    ["specialty", (q.filters.specialty ?? "").toLowerCase()],
    ["ltft", q.filters.ltft ?? ""],
    ["baseline", baselineOn ?? ""],
  ]).toString();
}

function storedFigures(report: Report): StoredFigures {
  const { query: _q, scopeName: _n, computedAt: _c, computedLive: _l, nothingYet, ...figures } = report;
  return { ...figures, nothingYet: { count: nothingYet.count, suggestionsHref: nothingYet.suggestionsHref } };
}

interface CacheOptions {
  scopeName: string;
  withList: boolean;
  comparison?: { scope: Scope; label: string } | null;
  now?: Date;
}

/** Computes a report's figures (without names) and stores them; a newer row already there is kept. */
async function computeAndStore(db: DbOrTx, q: ReportQuery, key: string, options: CacheOptions, now: Date): Promise<{ figures: StoredFigures; computedAt: Date }> {
  const report = await computeReport(db, q, { scopeName: options.scopeName, withList: false, comparison: options.comparison ?? null, now });
  const figures = storedFigures(report);
  // Two processes may compute the same report at once: the later computation wins, neither fails.
  await db
    .insert(reportSnapshots)
    .values({ key, computedAt: now, data: figures as unknown as Record<string, unknown> })
    .onConflictDoUpdate({
      target: reportSnapshots.key,
      set: { computedAt: sql`excluded.computed_at`, data: sql`excluded.data` },
      setWhere: sql`${reportSnapshots.computedAt} < excluded.computed_at`,
    });
  return { figures, computedAt: now };
}

// Requests in one process for the same report while it is being computed wait for that
// computation instead of starting another (per database handle: each pool is its own process).
const inFlight = new WeakMap<object, Map<string, Promise<{ figures: StoredFigures; computedAt: Date }>>>();

function computeOnce(db: DbOrTx, q: ReportQuery, key: string, options: CacheOptions, now: Date) {
  let running = inFlight.get(db);
  if (!running) inFlight.set(db, (running = new Map()));
  const existing = running.get(key);
  if (existing) return existing;
  const started = computeAndStore(db, q, key, options, now).finally(() => running.delete(key));
  running.set(key, started);
  return started;
}

/**
 * A report from the cache when its figures were computed within the last 10 minutes, else
 * computed now and stored. For a trust's own staff the list of names is added, computed live.
 */
export async function cachedReport(db: DbOrTx, q: ReportQuery, options: CacheOptions): Promise<Report> {
  const now = options.now ?? new Date();
  const baselineOn = await baselineOf(db, q.yearStart);
  const key = reportSnapshotKey(q, baselineOn);
  const [snapshotResult, trainees] = await Promise.all([
    (async () => {
      const [row] = await db
        .select({ computedAt: reportSnapshots.computedAt, data: reportSnapshots.data })
        .from(reportSnapshots)
        .where(and(eq(reportSnapshots.key, key), gt(reportSnapshots.computedAt, new Date(now.getTime() - REPORT_FRESH_MS))));
      if (row) return { figures: row.data as unknown as StoredFigures, computedAt: row.computedAt, live: false };
      return { ...(await computeOnce(db, q, key, options, now)), live: true };
    })(),
    options.withList ? listNothingYet(db, q) : Promise.resolve(null),
  ]);
  const { figures, computedAt, live } = snapshotResult;
  return {
    ...figures,
    query: q,
    scopeName: options.scopeName,
    computedAt: computedAt.toISOString(),
    computedLive: live,
    nothingYet: { ...figures.nothingYet, trainees },
  };
}

/** The views most opened: the current training year as at today, no filters, for England and each region. */
export function defaultReportQueries(today: string): { query: ReportQuery; scopeName: string }[] {
  const scopes: Scope[] = [{ kind: "england" }, ...REGIONS.map((region): Scope => ({ kind: "region", region }))];
  return scopes.map((scope) => {
    const read = readReportParams(new URLSearchParams({ scope: scopeParam(scope) }), today);
    if (!read.ok) throw new Error(`The default report of ${scopeParam(scope)} does not read`);
    return { query: read.query, scopeName: scope.kind === "region" ? scope.region : "England" };
  });
}

/** Computes the default views again and stores them, whatever is cached, so they are always fresh. */
export async function refreshDefaultReports(db: DbOrTx, clock: () => Date = () => new Date()): Promise<number> {
  const today = todayInLondon(clock());
  const defaults = defaultReportQueries(today);
  for (const { query, scopeName } of defaults) {
    const key = reportSnapshotKey(query, await baselineOf(db, query.yearStart));
    // Each at the instant its computation starts, so the time shown is never later than the data's.
    await computeAndStore(db, query, key, { scopeName, withList: false, comparison: null }, clock());
  }
  return defaults.length;
}

/** Every 5 minutes, well inside the 10 minutes a report may be shown after it was computed. */
export const refreshReportsJob: ScheduledJob = {
  name: "refresh-report-snapshots",
  next: (from) => new Date(from.getTime() + 5 * 60_000),
  leaseMs: 10 * 60_000,
  async run(db) {
    await refreshDefaultReports(db);
  },
};

/** Rows computed more than a day ago: nothing reads them any more (the daily clean-up). */
export async function deleteOldReportSnapshots(db: DbOrTx, now: Date = new Date()): Promise<number> {
  const gone = await db
    .delete(reportSnapshots)
    .where(sql`${reportSnapshots.computedAt} < ${new Date(now.getTime() - 24 * 60 * 60_000).toISOString()}::timestamptz`)
    .returning({ key: reportSnapshots.key });
  return gone.length;
}
