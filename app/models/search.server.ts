// Finding opportunities: full-text search with filters, and the rotation-aware sections
// a trainee sees first.
import { and, arrayContains, asc, count, desc, eq, gte, lte, ne, sql, type SQL } from "drizzle-orm";

import { unionAll } from "drizzle-orm/pg-core";

import type { Db } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { opportunities, publishedByDeadline, sites, trusts } from "@db/schema";

import type { Grade } from "./domain";
import { currentAndNext, listTraineePlacements, type PlacementSummary } from "./homes.server";
import { seatsTaken } from "./opportunities.server";
import type { SearchFilters } from "./search.schema";

export const PAGE_SIZE = 20;

/**
 * The page size written into the statement rather than sent as a parameter (drizzle writes an
 * SQL limit as it is): PostgreSQL guesses a parameter limit at a tenth of the rows, so it never
 * kept a generic plan for the first page of results and planned it again on every request.
 */
const PAGE_SIZE_LITERAL = sql.raw(String(PAGE_SIZE)) as unknown as number;

const listColumns = {
  id: opportunities.id,
  title: opportunities.title,
  summary: opportunities.summary,
  type: opportunities.type,
  tier: opportunities.tier,
  focus: opportunities.focus,
  startsOn: opportunities.startsOn,
  endsOn: opportunities.endsOn,
  applicationDeadline: opportunities.applicationDeadline,
  hoursPerWeek: opportunities.hoursPerWeek,
  seats: opportunities.seats,
  seatsTaken,
  ltftFriendly: opportunities.ltftFriendly,
  trustName: trusts.name,
  trustOds: trusts.odsCode,
  siteName: sites.name,
};

/** Open to trainees: published, and the deadline not passed. */
function openCondition(today: SQL): SQL {
  return and(eq(opportunities.status, "published"), gte(opportunities.applicationDeadline, today))!;
}

/** Which filters a search has, and its order: the statement's text follows from it alone. */
function searchShape(filters: SearchFilters, viewerGrade: Grade | null | undefined) {
  return {
    q: Boolean(filters.q),
    type: Boolean(filters.type),
    region: Boolean(filters.region),
    ics: Boolean(filters.ics),
    trust: Boolean(filters.trust),
    tier: Boolean(filters.tier),
    focus: Boolean(filters.focus),
    hlm: Boolean(filters.hlm),
    grade: filters.eligible === "mine" && Boolean(viewerGrade),
    ltft: filters.ltft === "yes",
    maxHours: filters.maxHours !== undefined,
    startFrom: Boolean(filters.startFrom),
    startTo: Boolean(filters.startTo),
    seatsLeft: filters.seatsLeft === "yes",
    sort: filters.sort,
  };
}
type SearchShape = ReturnType<typeof searchShape>;

/** The search's statements for one shape, values left as placeholders. */
function buildSearch(db: Db, shape: SearchShape) {
  const tsquery = shape.q ? sql`websearch_to_tsquery('english', ${sql.placeholder("q")})` : null;
  const conditions: SQL[] = [openCondition(sql`${sql.placeholder("today")}`)];
  if (tsquery) conditions.push(sql`${opportunities.searchVector} @@ ${tsquery}`);
  if (shape.type) conditions.push(eq(opportunities.type, sql.placeholder("type")));
  // Trust-level filters become a list of trust ids worked out once (an InitPlan), so the
  // planner scans opportunities by trust_id instead of repeating the text search per trust.
  const trustConditions: SQL[] = [];
  if (shape.region) trustConditions.push(sql`t.region = ${sql.placeholder("region")}`);
  if (shape.ics) trustConditions.push(sql`t.integrated_care_system = ${sql.placeholder("ics")}`);
  if (shape.trust) trustConditions.push(sql`t.ods_code = ${sql.placeholder("trust")}`);
  if (trustConditions.length) {
    conditions.push(sql`${opportunities.trustId} = any(array(select t.id from trusts t where ${sql.join(trustConditions, sql` and `)}))`);
  }
  if (shape.tier) conditions.push(eq(opportunities.tier, sql.placeholder("tier")));
  if (shape.focus) conditions.push(eq(opportunities.focus, sql.placeholder("focus")));
  if (shape.hlm) conditions.push(arrayContains(opportunities.hlmDimensions, sql.placeholder("hlm")));
  if (shape.grade) conditions.push(arrayContains(opportunities.eligibleGrades, sql.placeholder("grade")));
  if (shape.ltft) conditions.push(eq(opportunities.ltftFriendly, true));
  if (shape.maxHours) conditions.push(lte(opportunities.hoursPerWeek, sql.placeholder("maxHours")));
  if (shape.startFrom) conditions.push(gte(opportunities.startsOn, sql.placeholder("startFrom")));
  if (shape.startTo) conditions.push(lte(opportunities.startsOn, sql.placeholder("startTo")));
  if (shape.seatsLeft) conditions.push(sql`${opportunities.seats} > ${seatsTaken}`);
  const where = and(...conditions);

  const order =
    shape.sort === "newest"
      ? [desc(opportunities.publishedAt), asc(opportunities.id)]
      : shape.sort === "deadline" || !tsquery
        ? [asc(opportunities.applicationDeadline), asc(opportunities.id)]
        : [desc(sql`ts_rank_cd(${opportunities.searchVector}, ${tsquery})`), asc(opportunities.applicationDeadline), asc(opportunities.id)];

  // Every filter is on opportunities itself, so the count needs no join. With no filter at
  // all it is every open opportunity: the sum of the days still to come, kept by triggers.
  const unfiltered = conditions.length === 1;
  const countQuery = () =>
    unfiltered
      ? db.select({ n: sql<number>`coalesce(sum(${publishedByDeadline.published}), 0)`.mapWith(Number) }).from(publishedByDeadline).where(gte(publishedByDeadline.deadline, sql`${sql.placeholder("today")}`))
      : db.select({ n: count() }).from(opportunities).where(where);
  // Ranking reads every match anyway, so with text a window count comes with the page in
  // one query. Without text the page is the first rows of an index, and a window count
  // would read every open opportunity to return twenty: the count is an uncorrelated
  // subquery there, which PostgreSQL works out once, still in the one statement.
  const rows = db
    .select({ ...listColumns, total: (tsquery ? sql<number>`count(*) over ()` : sql<number>`(${countQuery()})`).mapWith(Number) })
    .from(opportunities)
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .leftJoin(sites, eq(sites.id, opportunities.siteId))
    .where(where)
    .orderBy(...order)
    .limit(PAGE_SIZE_LITERAL)
    .offset(sql.placeholder("offset"))
    .prepare("search_page");
  return { rows, count: countQuery().prepare("search_count") };
}

// Built once per shape of search and database: building a query with drizzle cost about as much
// CPU as PostgreSQL running it. A few hundred shapes at most are ever seen; the list starts
// again past that, as a bound on memory.
const searchesOf = preparedQuery(() => new Map<string, ReturnType<typeof buildSearch>>());
function searchFor(db: Db, shape: SearchShape) {
  const searches = searchesOf(db);
  const key = JSON.stringify(shape);
  let search = searches.get(key);
  if (!search) {
    if (searches.size >= 512) searches.clear();
    searches.set(key, (search = buildSearch(db, shape)));
  }
  return search;
}

export async function searchOpportunities(
  db: Db,
  filters: SearchFilters,
  options: { today: string; viewerGrade?: Grade | null },
) {
  const shape = searchShape(filters, options.viewerGrade);
  const search = searchFor(db, shape);
  const values = {
    today: options.today,
    q: filters.q,
    type: filters.type,
    region: filters.region,
    ics: filters.ics,
    trust: filters.trust,
    tier: filters.tier,
    focus: filters.focus,
    hlm: filters.hlm ? [filters.hlm] : undefined,
    grade: shape.grade ? [options.viewerGrade] : undefined,
    maxHours: filters.maxHours !== undefined ? String(filters.maxHours) : undefined,
    startFrom: filters.startFrom,
    startTo: filters.startTo,
    offset: (filters.page - 1) * PAGE_SIZE,
  };
  const rows = await search.rows.execute(values);
  // Any row carries the count; only a page past the end has none to carry it.
  const total = rows[0]?.total ?? (filters.page > 1 ? ((await search.count.execute(values))[0]?.n ?? 0) : 0);
  return { results: rows.map(({ total: _, ...row }) => withSeatsLeft(row)), total, page: filters.page, pageSize: PAGE_SIZE };
}

function withSeatsLeft<T extends { seats: number; seatsTaken: number }>(row: T) {
  return { ...row, seatsLeft: Math.max(0, row.seats - row.seatsTaken) };
}

export type OpportunitySummary = Awaited<ReturnType<typeof searchOpportunities>>["results"][number];

const FACETS_TTL_MS = 60_000;
const facetCache = new WeakMap<Db, { at: number; rows: { odsCode: string; name: string; region: string; ics: string }[] }>();

/**
 * Values for the filter menus. Trusts change rarely, so the list is kept for a minute per
 * process. The trust menu lists only the trusts of the chosen region or system (220 trusts
 * in every page would triple its size); a trust already chosen is always offered.
 */
export async function searchFacets(db: Db, filters: Partial<Pick<SearchFilters, "region" | "ics" | "trust">>) {
  let cached = facetCache.get(db);
  if (!cached || Date.now() - cached.at > FACETS_TTL_MS) {
    const rows = await db
      .select({ odsCode: trusts.odsCode, name: trusts.name, region: trusts.region, ics: trusts.integratedCareSystem })
      .from(trusts)
      .orderBy(asc(trusts.name));
    cached = { at: Date.now(), rows };
    facetCache.set(db, cached);
  }
  const systems = [...new Set(cached.rows.filter((t) => !filters.region || t.region === filters.region).map((t) => t.ics))].sort();
  const narrowed = Boolean(filters.region || filters.ics);
  const trustOptions = cached.rows
    .filter((t) => (narrowed ? (!filters.region || t.region === filters.region) && (!filters.ics || t.ics === filters.ics) : t.odsCode === filters.trust))
    .map((t) => ({ odsCode: t.odsCode, name: t.name }));
  return { trusts: trustOptions, systems, narrowed };
}

const SECTION_SIZE = 4;
type Section = "current" | "next" | "system";

/**
 * What a section's line shows (rotation-sections.tsx): no trust or site, which the section's
 * heading already names, so its query reads opportunities alone (joining trusts and sites
 * three times was most of its planning and the two hash tables of sites).
 */
const sectionColumns = {
  id: opportunities.id,
  title: opportunities.title,
  type: opportunities.type,
  startsOn: opportunities.startsOn,
  endsOn: opportunities.endsOn,
  applicationDeadline: opportunities.applicationDeadline,
  seats: opportunities.seats,
  seatsTaken,
};

function sectionQuery(db: Db, section: Section, where: SQL) {
  return db
    .select({ ...sectionColumns, section: sql<Section>`${section}::text`.as("section") })
    .from(opportunities)
    .where(and(openCondition(sql`${sql.placeholder("today")}::date`), where))
    .orderBy(asc(opportunities.applicationDeadline), asc(opportunities.id))
    .limit(SECTION_SIZE);
}

/** Opportunities whose dates overlap the placement named `which` ("current" or "next"), at its trust. */
function overlapsPlacement(which: "current" | "next"): SQL {
  return and(
    eq(opportunities.trustId, sql`${sql.placeholder(`${which}Trust`)}::uuid`),
    lte(opportunities.startsOn, sql`${sql.placeholder(`${which}Ends`)}::date`),
    gte(opportunities.endsOn, sql`${sql.placeholder(`${which}Starts`)}::date`),
  )!;
}

/** "Across your system": its other trusts, as a list worked out once (an InitPlan), as the search does. */
function inSystem(withNext: boolean): SQL {
  return and(
    sql`${opportunities.trustId} = any(array(select t.id from trusts t where t.integrated_care_system = ${sql.placeholder("system")}))`,
    ne(opportunities.trustId, sql`${sql.placeholder("currentTrust")}::uuid`),
    withNext ? ne(opportunities.trustId, sql`${sql.placeholder("nextTrust")}::uuid`) : undefined,
  )!;
}

// One prepared statement for each shape a trainee's rotation can have: built once, not per page.
const sectionsWithNext = preparedQuery((db) =>
  unionAll(sectionQuery(db, "current", overlapsPlacement("current")), sectionQuery(db, "next", overlapsPlacement("next")), sectionQuery(db, "system", inSystem(true))).prepare("rotation_sections_current_next"),
);
const sectionsCurrentOnly = preparedQuery((db) =>
  unionAll(sectionQuery(db, "current", overlapsPlacement("current")), sectionQuery(db, "system", inSystem(false))).prepare("rotation_sections_current"),
);
const sectionsNextOnly = preparedQuery((db) => sectionQuery(db, "next", overlapsPlacement("next")).prepare("rotation_sections_next"));

/**
 * "At your trust now", "At your next trust" and "Across your system": opportunities whose
 * dates overlap the trainee's current and next placements, and others in the same
 * integrated care system. The sections come back from one query (UNION ALL of their
 * first few rows each).
 */
export async function rotationSections(db: Db, traineeId: string, today: string, placements?: PlacementSummary[]) {
  // A page that has read the trainee's placements already (their home) passes them in.
  const { current, next } = currentAndNext(placements ?? (await listTraineePlacements(db, traineeId)), today);
  const values = {
    today,
    currentTrust: current?.trustId,
    currentStarts: current?.startsOn,
    currentEnds: current?.endsOn,
    system: current?.integratedCareSystem,
    nextTrust: next?.trustId,
    nextStarts: next?.startsOn,
    nextEnds: next?.endsOn,
  };
  const rows = current && next ? await sectionsWithNext(db).execute(values) : current ? await sectionsCurrentOnly(db).execute(values) : next ? await sectionsNextOnly(db).execute(values) : [];
  // UNION ALL promises no order across its parts: each section is put back in deadline order.
  const of = (section: Section) =>
    rows
      .filter((r) => r.section === section)
      .sort((a, b) => a.applicationDeadline.localeCompare(b.applicationDeadline) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(({ section: _, ...row }) => withSeatsLeft(row));
  return {
    current: current ? { trustName: current.trustName, trustOds: current.trustOds, startsOn: current.startsOn, endsOn: current.endsOn, integratedCareSystem: current.integratedCareSystem, opportunities: of("current") } : null,
    next: next ? { trustName: next.trustName, trustOds: next.trustOds, startsOn: next.startsOn, endsOn: next.endsOn, opportunities: of("next") } : null,
    system: current ? { name: current.integratedCareSystem, opportunities: of("system") } : null,
  };
}
