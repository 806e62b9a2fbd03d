import * as v from "valibot";

import { cleanText } from "~/utils/forms";

import { FOCUSES, HLM_DIMENSIONS, OPPORTUNITY_TYPES, REGIONS } from "./domain";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const optionalText = (max: number) => v.fallback(v.pipe(v.optional(v.string(), ""), v.trim(), v.maxLength(max)), "");
const optionalPick = <T extends readonly string[]>(list: T) => v.fallback(v.optional(v.picklist(list)), undefined);

/**
 * Every filter lives in the URL query. A value that makes no sense is dropped rather than
 * refused: a shared link with a stale filter still shows results.
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
  startFrom: v.fallback(v.optional(v.pipe(v.string(), v.regex(ISO_DATE))), undefined),
  startTo: v.fallback(v.optional(v.pipe(v.string(), v.regex(ISO_DATE))), undefined),
  seatsLeft: v.fallback(v.optional(v.picklist(["yes"])), undefined),
  sort: v.fallback(v.optional(v.picklist(["relevance", "deadline", "newest"]), "relevance"), "relevance"),
  page: v.fallback(v.pipe(v.optional(v.string(), "1"), v.transform(Number), v.integer(), v.minValue(1), v.maxValue(500)), 1),
});

export type SearchFilters = v.InferOutput<typeof SearchSchema>;

export function parseSearchParams(params: URLSearchParams): SearchFilters {
  const raw: Record<string, string> = {};
  for (const [k, val] of params) if (val !== "" && !(k in raw)) raw[k] = cleanText(val);
  return v.parse(SearchSchema, raw);
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
