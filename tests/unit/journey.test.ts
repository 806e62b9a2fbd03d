import { describe, expect, it } from "vitest";

import { byTrainingYear, coverageGrid, nextTier, tierStanding, type JourneyStep } from "~/models/journey";
import { moveWarning } from "~/models/placement-warnings";
import { closesSoon, deadlineWords } from "~/models/shortlist";

const step = (overrides: Partial<JourneyStep> = {}): JourneyStep => ({
  applicationId: "a",
  opportunityId: "o",
  title: "Board seat",
  trustName: "Here Trust",
  status: "completed",
  tier: 1,
  focus: "organisation",
  hlmDimensions: ["holding_to_account"],
  startsOn: "2026-09-01",
  endsOn: "2026-09-30",
  ...overrides,
});

describe("the tiers", () => {
  it("a completed opportunity makes its tier done, an approved one in progress, and the tier above the highest reached is next", () => {
    expect(tierStanding([]).map((t) => t.state)).toEqual(["next", "not_yet", "not_yet"]);
    expect(tierStanding([step({ tier: 1 })]).map((t) => t.state)).toEqual(["done", "next", "not_yet"]);
    expect(tierStanding([step({ tier: 1 }), step({ tier: 2, status: "approved" })]).map((t) => t.state)).toEqual(["done", "in_progress", "next"]);
    // A trainee may go straight to tier 2: tier 1 is not then "next".
    expect(tierStanding([step({ tier: 2 })]).map((t) => t.state)).toEqual(["not_yet", "done", "next"]);
    expect(tierStanding([step({ tier: 3 }), step({ tier: 3, status: "approved" })])).toEqual([
      { tier: 1, state: "not_yet", count: 0 },
      { tier: 2, state: "not_yet", count: 0 },
      { tier: 3, state: "done", count: 2 },
    ]);
    expect(nextTier([step({ tier: 3 })])).toBeNull();
  });
});

describe("the grid of dimensions and focuses", () => {
  it("marks a cell done by a completed opportunity at that focus, confirmed by an approved one, and leaves the rest", () => {
    const grid = coverageGrid([
      step({
        title: "Board seat",
        focus: "organisation",
        hlmDimensions: ["holding_to_account", "evaluating_information"],
      }),
      step({
        title: "Huddle",
        status: "approved",
        focus: "team",
        hlmDimensions: ["holding_to_account"],
      }),
    ]);
    expect(grid).toHaveLength(9);
    expect(grid.every((row) => row.cells.map((c) => c.focus).join() === "self,team,organisation,system")).toBe(true);
    const cell = (dimension: string, focus: string) => grid.find((r) => r.dimension === dimension)!.cells.find((c) => c.focus === focus)!;
    expect(cell("holding_to_account", "organisation")).toMatchObject({
      coverage: "done",
      titles: ["Board seat"],
    });
    expect(cell("holding_to_account", "team")).toMatchObject({
      coverage: "confirmed",
      titles: ["Huddle"],
    });
    expect(cell("evaluating_information", "team").coverage).toBe("none");
    expect(cell("holding_to_account", "system").coverage).toBe("none");
    expect(grid.flatMap((r) => r.cells).filter((c) => c.coverage !== "none")).toHaveLength(3);
  });
});

describe("training years", () => {
  it("groups by the year (1 August to 31 July) each opportunity starts in, latest year first", () => {
    const years = byTrainingYear([
      step({ title: "B", startsOn: "2026-08-01" }),
      step({ title: "A", startsOn: "2026-07-31" }),
      step({ title: "C", startsOn: "2027-07-31" }),
      step({ title: "D", startsOn: "2026-09-01" }),
    ]);
    expect(years.map((y) => [y.startsOn, y.endsOn, y.steps.map((s) => s.title)])).toEqual([
      ["2026-08-01", "2027-07-31", ["B", "D", "C"]],
      ["2025-08-01", "2026-07-31", ["A"]],
    ]);
  });
});

describe("the move warning before applying", () => {
  const here = { trustId: "t1", trustName: "Here Trust" };
  const placement = (trustId: string, trustName: string, startsOn: string, endsOn: string, placementType = "In Post") => ({ trustId, trustName, startsOn, endsOn, placementType });
  const current = placement("t1", "Here Trust", "2026-08-05", "2027-02-02");
  const opp = { ...here, startsOn: "2027-01-10", endsOn: "2027-03-15" };

  it("names the trust the trainee moves to, the day, and when the opportunity ends", () => {
    expect(moveWarning([current, placement("t2", "Royal Wolverhampton NHS Trust", "2027-02-03", "2027-08-03")], opp)).toBe(
      "You move to Royal Wolverhampton NHS Trust on 3 February 2027; this runs to 15 March 2027"
    );
  });

  it("says when there is no placement after this one", () => {
    expect(moveWarning([current], opp)).toBe("Your placement at Here Trust ends on 2 February 2027; you have no placement recorded after it, and this runs to 15 March 2027");
  });

  it("says nothing when the placement covers it, when an extension at the same trust does, or when the trainee is not placed there at all", () => {
    expect(moveWarning([current], { ...opp, endsOn: "2027-02-02" })).toBeNull();
    expect(moveWarning([current, placement("t1", "Here Trust", "2027-02-03", "2027-05-01", "In Post - Extension")], opp)).toBeNull();
    expect(moveWarning([placement("t2", "Other Trust", "2026-08-05", "2027-08-03")], opp)).toBeNull();
  });

  it("reads only in-post placements: parental leave at the next trust is not a move there", () => {
    expect(moveWarning([current, placement("t2", "Other Trust", "2027-02-03", "2027-08-03", "Parental Leave")], opp)).toBe(
      "Your placement at Here Trust ends on 2 February 2027; you have no placement recorded after it, and this runs to 15 March 2027"
    );
  });
});

describe("a saved opportunity's deadline", () => {
  const open = (applicationDeadline: string) => ({
    status: "published",
    applicationDeadline,
  });
  it("reads as days to go, and closed once passed or closed by the trust", () => {
    const today = "2026-12-01";
    expect(deadlineWords(open("2026-12-01"), today)).toBe("Closes today");
    expect(deadlineWords(open("2026-12-02"), today)).toBe("Closes tomorrow");
    expect(deadlineWords(open("2026-12-04"), today)).toBe("Closes in 3 days");
    expect(deadlineWords(open("2027-01-14"), today)).toBe("Closes on 14 January 2027");
    expect(deadlineWords(open("2026-11-30"), today)).toBe("Closed on 30 November 2026");
    expect(deadlineWords({ status: "closed", applicationDeadline: "2026-12-20" }, today)).toBe("Closed");
    expect(closesSoon(open("2026-12-04"), today)).toBe(true);
    expect(closesSoon(open("2026-12-05"), today)).toBe(false);
    // Across the clocks going back in October: whole days, not 24-hour spans.
    expect(deadlineWords(open("2026-10-27"), "2026-10-24")).toBe("Closes in 3 days");
  });
});
