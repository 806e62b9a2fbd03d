import * as v from "valibot";

import { calendarDate, cleanText, issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import { formatDate } from "~/utils/dates";

import { FOCUS_LABELS, FOCUSES, HLM_DIMENSIONS, HLM_LABELS, OPPORTUNITY_TYPE_LABELS, OPPORTUNITY_TYPES, REGIONS, TIER_LABELS, type Tier } from "./domain";

const optionalText = (max: number) => v.fallback(v.pipe(v.optional(v.string(), ""), v.trim(), v.maxLength(max)), "");
const optionalPick = <T extends readonly string[]>(list: T) => v.fallback(v.optional(v.picklist(list)), undefined);

/** The date filters, each a real day: a date that does not exist is refused by its field. */
const SEARCH_DATES = {
  startFrom: calendarDate('"starting on or after" date'),
  startTo: calendarDate('"starting on or before" date'),
};
const SearchDatesSchema = v.object({ startFrom: v.optional(SEARCH_DATES.startFrom), startTo: v.optional(SEARCH_DATES.startTo) });

/**
 * Every filter lives in the URL query. A value that makes no sense is dropped rather than
 * refused: a shared link with a stale filter still shows results. Dates are the exception
 * (see readSearchParams): a date that does not exist is something a person typed.
 */
export const SearchSchema = v.object({
  q: optionalText(200),
  type: optionalPick(OPPORTUNITY_TYPES),
  region: optionalPick(REGIONS),
  ics: optionalText(200),
  trust: v.fallback(v.optional(v.pipe(v.string(), v.toUpperCase(), v.regex(/^[A-Z0-9]{3}$/))), undefined),
  tier: v.fallback(v.optional(v.pipe(v.picklist(["1", "2", "3"]), v.transform(Number))), undefined),
  focus: optionalPick(FOCUSES),
  hlm: optionalPick(HLM_DIMENSIONS),
  eligible: v.fallback(v.optional(v.picklist(["mine"])), undefined),
  ltft: v.fallback(v.optional(v.picklist(["yes"])), undefined),
  maxHours: v.fallback(v.optional(v.pipe(v.string(), v.regex(/^\d{1,2}(\.\d)?$/), v.transform(Number))), undefined),
  startFrom: v.fallback(v.optional(SEARCH_DATES.startFrom), undefined),
  startTo: v.fallback(v.optional(SEARCH_DATES.startTo), undefined),
  seatsLeft: v.fallback(v.optional(v.picklist(["yes"])), undefined),
  sort: v.fallback(v.optional(v.picklist(["relevance", "deadline", "newest"]), "relevance"), "relevance"),
  page: v.fallback(v.pipe(v.optional(v.string(), "1"), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(500)), 1),
});

export type SearchFilters = v.InferOutput<typeof SearchSchema>;

export interface SearchRequest {
  /** The filters to search with; a refused date is left out. */
  filters: SearchFilters;
  /** A message per refused field (only dates are refused); empty when all is well. */
  fieldErrors: FieldErrors;
  /** What was typed, to show again in the fields. */
  values: Record<string, string>;
}

export function readSearchParams(params: URLSearchParams): SearchRequest {
  const raw: Record<string, string> = {};
  for (const [k, val] of params) if (val !== "" && !(k in raw)) raw[k] = cleanText(val);
  const dates = v.safeParse(SearchDatesSchema, { startFrom: raw.startFrom, startTo: raw.startTo });
  return { filters: v.parse(SearchSchema, raw), fieldErrors: dates.success ? {} : issuesToFieldErrors(dates.issues), values: raw };
}

export function parseSearchParams(params: URLSearchParams): SearchFilters {
  return readSearchParams(params).filters;
}

/** The same search with one value changed, for links (paging, removing a filter). */
export function searchHref(filters: SearchFilters, change: Partial<Record<keyof SearchFilters, string | number | undefined>>): string {
  const q = new URLSearchParams();
  const merged = { ...filters, ...change } as Record<string, unknown>;
  for (const [k, val] of Object.entries(merged)) {
    if (val === undefined || val === "" || (k === "page" && val === 1) || (k === "sort" && val === "relevance")) continue;
    q.set(k, String(val));
  }
  const s = q.toString();
  return s ? `/opportunities?${s}` : "/opportunities";
}

export interface ActiveFilter {
  /** What the filter is, as its field is labelled: "Region"; empty when the value says it ("Tier 2: …"). */
  name: string;
  /** Its value in words: "Midlands". */
  value: string;
  /** The same search without this filter (back to the first page). */
  removeHref: string;
}

/**
 * The filters in force, in the form's order, each with a link that removes it: shown above
 * the results so a trainee sees why the list is short and can widen it in one click.
 */
export function activeFilters(filters: SearchFilters, trustNames: ReadonlyMap<string, string> = new Map()): ActiveFilter[] {
  const without = (key: keyof SearchFilters) => searchHref(filters, { [key]: undefined, page: 1 });
  const list: ActiveFilter[] = [];
  const add = (key: keyof SearchFilters, name: string, value: string) => list.push({ name, value, removeHref: without(key) });
  if (filters.q) add("q", "Search", `“${filters.q}”`);
  if (filters.type) add("type", "Type", OPPORTUNITY_TYPE_LABELS[filters.type]);
  if (filters.region) add("region", "Region", filters.region);
  if (filters.ics) add("ics", "Integrated care system", filters.ics);
  if (filters.trust) add("trust", "Trust", trustNames.get(filters.trust) ?? filters.trust);
  if (filters.tier) add("tier", "", TIER_LABELS[filters.tier as Tier]);
  if (filters.focus) add("focus", "Focus", FOCUS_LABELS[filters.focus]);
  if (filters.hlm) add("hlm", "Leadership dimension", HLM_LABELS[filters.hlm]);
  if (filters.maxHours !== undefined) add("maxHours", "Hours a week", `at most ${filters.maxHours}`);
  if (filters.startFrom) add("startFrom", "Starting", `on or after ${formatDate(filters.startFrom)}`);
  if (filters.startTo) add("startTo", "Starting", `on or before ${formatDate(filters.startTo)}`);
  if (filters.eligible) add("eligible", "Only show", "open to my grade");
  if (filters.ltft) add("ltft", "Only show", "suits less than full time");
  if (filters.seatsLeft) add("seatsLeft", "Only show", "with seats left");
  return list;
}
