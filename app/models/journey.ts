// A trainee's leadership journey worked out from what they have done: by training year, the
// Healthcare Leadership Model's nine dimensions at each of the four focuses, and where they stand
// on the three tiers. Pure: the page and the suggestions read the same answers.
import { trainingYearOf } from "~/utils/dates";

import { FOCUSES, HLM_DIMENSIONS, TIERS, type Focus, type HlmDimension, type Tier } from "./domain";

/** A confirmed (approved) or completed opportunity of the trainee's. */
export interface JourneyStep {
  applicationId: string;
  opportunityId: string;
  title: string;
  trustName: string;
  status: "approved" | "completed";
  tier: number;
  focus: Focus;
  hlmDimensions: readonly HlmDimension[];
  startsOn: string;
  endsOn: string;
}

export interface TrainingYear<S> {
  startsOn: string;
  endsOn: string;
  steps: S[];
}

/** The steps by the training year (1 August to 31 July) each starts in, latest year first, each year in date order. */
export function byTrainingYear<S extends Pick<JourneyStep, "startsOn" | "title">>(steps: readonly S[]): TrainingYear<S>[] {
  const years = new Map<string, TrainingYear<S>>();
  for (const step of steps) {
    const [startsOn, endsOn] = trainingYearOf(step.startsOn);
    let year = years.get(startsOn);
    if (!year) years.set(startsOn, (year = { startsOn, endsOn, steps: [] }));
    year.steps.push(step);
  }
  for (const year of years.values()) year.steps.sort((a, b) => a.startsOn.localeCompare(b.startsOn) || a.title.localeCompare(b.title));
  return [...years.values()].sort((a, b) => b.startsOn.localeCompare(a.startsOn));
}

/** "done": a completed opportunity practised it; "confirmed": only an approved one, still to come or under way. */
export type Coverage = "done" | "confirmed" | "none";

export interface GridCell {
  focus: Focus;
  dimension: HlmDimension;
  coverage: Coverage;
  /** The titles of the opportunities that cover it, so the cell can say which. */
  titles: string[];
}

/** One row per HLM dimension (in the model's order), one cell per focus (self, team, organisation, system). */
export function coverageGrid(steps: readonly JourneyStep[]): { dimension: HlmDimension; cells: GridCell[] }[] {
  return HLM_DIMENSIONS.map((dimension) => ({
    dimension,
    cells: FOCUSES.map((focus) => {
      const covering = steps.filter((s) => s.focus === focus && s.hlmDimensions.includes(dimension));
      const coverage: Coverage = covering.some((s) => s.status === "completed") ? "done" : covering.length ? "confirmed" : "none";
      return {
        focus,
        dimension,
        coverage,
        titles: covering.map((s) => s.title),
      };
    }),
  }));
}

/** The focuses and dimensions any confirmed or completed opportunity covers: what a suggestion need not fill. */
export function covered(steps: readonly Pick<JourneyStep, "focus" | "hlmDimensions">[]): { focuses: Set<Focus>; dimensions: Set<HlmDimension> } {
  return {
    focuses: new Set(steps.map((s) => s.focus)),
    dimensions: new Set(steps.flatMap((s) => s.hlmDimensions)),
  };
}

/** done: a completed opportunity at the tier; in_progress: an approved one; next: the tier above the highest reached; not_yet: the rest. */
export type TierState = "done" | "in_progress" | "next" | "not_yet";

export function highestTierReached(steps: readonly Pick<JourneyStep, "tier">[]): number {
  return steps.reduce((high, s) => Math.max(high, s.tier), 0);
}

/**
 * The next tier up from the highest reached, counting confirmed places as reached (a trainee
 * with a tier 1 place confirmed looks to tier 2 next); null once tier 3 is reached.
 */
export function nextTier(steps: readonly Pick<JourneyStep, "tier">[]): Tier | null {
  const next = highestTierReached(steps) + 1;
  return (TIERS as readonly number[]).includes(next) ? (next as Tier) : null;
}

export function tierStanding(steps: readonly Pick<JourneyStep, "tier" | "status">[]): { tier: Tier; state: TierState; count: number }[] {
  const next = nextTier(steps);
  return TIERS.map((tier) => {
    const at = steps.filter((s) => s.tier === tier);
    const state: TierState = at.some((s) => s.status === "completed") ? "done" : at.length ? "in_progress" : tier === next ? "next" : "not_yet";
    return { tier, state, count: at.length };
  });
}
