// Links from a search: the same search with one value changed, and each filter in force with
// a link that removes it. Browser code: no valibot here (see search.schema.ts).
import { formatDate } from "~/utils/dates";

import { FOCUS_LABELS, HLM_LABELS, OPPORTUNITY_TYPE_LABELS, TIER_LABELS, type Tier } from "./domain";
import type { SearchFilters } from "./search.schema";

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
