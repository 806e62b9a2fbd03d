import { describe, expect, it } from "vitest";

import { activeFilters, parseSearchParams } from "~/models/search.schema";

const filtersOf = (query: string) => parseSearchParams(new URLSearchParams(query));

describe("the filters in force above the results", () => {
  it("lists nothing for a plain search page, and ignores the sort and the page", () => {
    expect(activeFilters(filtersOf(""))).toEqual([]);
    expect(activeFilters(filtersOf("sort=deadline&page=3"))).toEqual([]);
  });

  it("names each filter in words, in the form's order, with a link that removes only it", () => {
    const list = activeFilters(
      filtersOf("seatsLeft=yes&tier=2&q=discharge&region=Midlands&trust=RRK&startFrom=2026-12-01&hlm=leading_with_care&page=2&sort=deadline"),
      new Map([["RRK", "University Hospitals Birmingham NHS Foundation Trust"]]),
    );
    expect(list.map((f) => [f.name, f.value])).toEqual([
      ["Search", "“discharge”"],
      ["Region", "Midlands"],
      ["Trust", "University Hospitals Birmingham NHS Foundation Trust"],
      ["", "Tier 2: workplace change and improvement"],
      ["Leadership dimension", "Leading with care"],
      ["Starting", "on or after 1 December 2026"],
      ["Only show", "with seats left"],
    ]);
    const tier = new URL(list[3]!.removeHref, "http://x");
    expect(tier.pathname).toBe("/opportunities");
    // Everything else is kept (the sort too); the page goes back to the first.
    expect(Object.fromEntries(tier.searchParams)).toEqual({
      q: "discharge",
      region: "Midlands",
      trust: "RRK",
      hlm: "leading_with_care",
      startFrom: "2026-12-01",
      seatsLeft: "yes",
      sort: "deadline",
    });
  });

  it("falls back to a trust's code when its name is not at hand, and words the other filters", () => {
    const list = activeFilters(filtersOf("trust=rrk&type=board_seat&ics=Birmingham and Solihull&focus=system&maxHours=4.5&startTo=2027-03-31&eligible=mine&ltft=yes"));
    expect(list.map((f) => `${f.name}: ${f.value}`)).toEqual([
      "Type: Board or senior team meeting seat",
      "Integrated care system: Birmingham and Solihull",
      "Trust: RRK",
      "Focus: System",
      "Hours a week: at most 4.5",
      "Starting: on or before 31 March 2027",
      "Only show: open to my grade",
      "Only show: suits less than full time",
    ]);
    expect(list.every((f) => !new URL(f.removeHref, "http://x").searchParams.has("page"))).toBe(true);
  });
});
