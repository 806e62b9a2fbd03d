import * as v from "valibot";

import { calendarDate, cleanText, issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import { FOCUSES, HLM_DIMENSIONS, OPPORTUNITY_TYPES, REGIONS } from "./domain";

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

// The links built from a search (paging, removing a filter) run in the browser too, so they
// live apart from the schema: a page that only builds links does not load valibot.
export { activeFilters, searchHref, type ActiveFilter } from "./search-links";
