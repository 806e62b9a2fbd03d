import { describe, expect, it } from "vitest";

import type { JourneyStep } from "~/models/journey";
import { MAX_SUGGESTIONS, placeFor, reasonsFor, suggestNext, type SuggestionCandidate, type SuggestionContext } from "~/models/suggestions";

const today = "2026-12-01";
const here = {
  trustId: "rrk",
  trustName: "University Hospitals Birmingham NHS Foundation Trust",
  startsOn: "2026-08-05",
  endsOn: "2027-02-02",
};
const there = {
  trustId: "rkb",
  trustName: "University Hospitals Coventry and Warwickshire NHS Trust",
  startsOn: "2027-02-03",
  endsOn: "2027-08-03",
};

let n = 0;
function candidate(overrides: Partial<SuggestionCandidate> = {}): SuggestionCandidate {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    title: `Opportunity ${n}`,
    trustId: here.trustId,
    trustName: here.trustName,
    status: "published",
    tier: 1,
    focus: "team",
    hlmDimensions: ["engaging_the_team"],
    startsOn: "2027-01-10",
    endsOn: "2027-01-30",
    applicationDeadline: "2026-12-20",
    eligibleGrades: ["FY1", "FY2"],
    specialties: [],
    ltftFriendly: false,
    seatsLeft: 2,
    applied: false,
    ...overrides,
  };
}

const step = (overrides: Partial<JourneyStep> = {}): JourneyStep => ({
  applicationId: "a",
  opportunityId: "o",
  title: "Done already",
  trustName: here.trustName,
  status: "completed",
  tier: 1,
  focus: "team",
  hlmDimensions: ["engaging_the_team"],
  startsOn: "2026-09-01",
  endsOn: "2026-09-30",
  ...overrides,
});

function context(overrides: Partial<SuggestionContext> = {}): SuggestionContext {
  return {
    today,
    trainee: { grade: "FY2", specialty: "Foundation", ltft: false },
    current: here,
    next: there,
    steps: [],
    ...overrides,
  };
}

describe("why an opportunity is suggested", () => {
  it("names a focus not yet worked at, the dimensions not yet covered and the next tier up", () => {
    const steps = [step({ tier: 1, focus: "team", hlmDimensions: ["engaging_the_team"] })];
    const { reasons, score } = reasonsFor(
      {
        tier: 2,
        focus: "organisation",
        hlmDimensions: ["holding_to_account", "engaging_the_team"],
      },
      { steps }
    );
    expect(reasons).toEqual(["You have not yet worked at organisation level", "The next tier up: tier 2", "Develops Holding to account, which you have not covered"]);
    expect(score).toBe(3 + 2 + 1);
  });

  it("lists several new dimensions in one reason, and gives nothing for what is covered already", () => {
    const steps = [step({ tier: 2, focus: "team", hlmDimensions: ["engaging_the_team"] })];
    expect(reasonsFor({ tier: 2, focus: "team", hlmDimensions: ["engaging_the_team"] }, { steps })).toEqual({ reasons: [], score: 0 });
    expect(
      reasonsFor(
        {
          tier: 1,
          focus: "team",
          hlmDimensions: ["leading_with_care", "holding_to_account", "sharing_the_vision"],
        },
        { steps }
      ).reasons
    ).toEqual(["Develops Leading with care, Holding to account and Sharing the vision, which you have not covered"]);
  });

  it("with nothing done yet, tier 1 is the first step; once tier 3 is reached no tier is the next one", () => {
    expect(reasonsFor({ tier: 1, focus: "self", hlmDimensions: [] }, { steps: [] }).reasons).toEqual([
      "You have not yet had an opportunity focused on leading yourself",
      "A first step: tier 1, leadership literacy",
    ]);
    const reasons = reasonsFor({ tier: 3, focus: "team", hlmDimensions: ["engaging_the_team"] }, { steps: [step({ tier: 3 })] }).reasons;
    expect(reasons).toEqual([]);
  });

  it("counts a confirmed (approved, not yet completed) place as covered, so it is not suggested again", () => {
    const steps = [
      step({
        status: "approved",
        focus: "system",
        hlmDimensions: ["influencing_for_results"],
        tier: 1,
      }),
    ];
    expect(
      reasonsFor(
        {
          tier: 1,
          focus: "system",
          hlmDimensions: ["influencing_for_results"],
        },
        { steps }
      ).reasons
    ).toEqual([]);
  });
});

describe("which candidates can be suggested", () => {
  it("only what the trainee could apply for, while they are at its trust now or next", () => {
    const ctx = context();
    expect(placeFor(candidate(), ctx)).toBe("current");
    expect(
      placeFor(
        candidate({
          trustId: there.trustId,
          startsOn: "2027-03-01",
          endsOn: "2027-03-30",
        }),
        ctx
      )
    ).toBe("next");
    // At the next trust, but over before the trainee gets there.
    expect(placeFor(candidate({ trustId: there.trustId }), ctx)).toBeNull();
    // A trust the trainee is not placed at.
    expect(placeFor(candidate({ trustId: "elsewhere" }), ctx)).toBeNull();
    expect(placeFor(candidate({ applied: true }), ctx)).toBeNull();
    expect(placeFor(candidate({ eligibleGrades: ["ST3"] }), ctx)).toBeNull();
    expect(placeFor(candidate({ specialties: ["Anaesthetics"] }), ctx)).toBeNull();
    expect(placeFor(candidate({ applicationDeadline: "2026-11-30" }), ctx)).toBeNull();
    expect(placeFor(candidate({ status: "closed" }), ctx)).toBeNull();
    expect(
      placeFor(
        candidate({
          startsOn: "2026-11-01",
          endsOn: "2026-11-30",
          applicationDeadline: "2026-12-01",
        }),
        ctx
      )
    ).toBeNull();
  });

  it("a full opportunity is still suggested (an application joins its waiting list); a trainee less than full time gets only LTFT-friendly ones", () => {
    expect(placeFor(candidate({ seatsLeft: 0 }), context())).toBe("current");
    const ltft = context({
      trainee: { grade: "FY2", specialty: "Foundation", ltft: true },
    });
    expect(placeFor(candidate({ ltftFriendly: false }), ltft)).toBeNull();
    expect(placeFor(candidate({ ltftFriendly: true }), ltft)).toBe("current");
  });
});

describe("choosing and ordering the suggestions", () => {
  it("puts the biggest gap first, then the trust the trainee is at now, then the soonest deadline, and shows at most five", () => {
    const steps = [step({ tier: 1, focus: "team", hlmDimensions: ["engaging_the_team"] })];
    const newFocus = candidate({
      title: "New focus",
      focus: "organisation",
      hlmDimensions: ["engaging_the_team"],
    });
    const nextTierNow = candidate({
      title: "Tier 2 now",
      tier: 2,
      applicationDeadline: "2026-12-30",
    });
    const nextTierSooner = candidate({
      title: "Tier 2 sooner",
      tier: 2,
      applicationDeadline: "2026-12-10",
    });
    const nextTierThere = candidate({
      title: "Tier 2 there",
      tier: 2,
      trustId: there.trustId,
      trustName: there.trustName,
      startsOn: "2027-03-01",
      endsOn: "2027-03-30",
      applicationDeadline: "2026-12-05",
    });
    const oneDimension = candidate({
      title: "One dimension",
      hlmDimensions: ["leading_with_care"],
    });
    const nothingNew = candidate({ title: "Nothing new" });
    const extra = candidate({
      title: "Another dimension",
      hlmDimensions: ["holding_to_account"],
      applicationDeadline: "2027-01-05",
    });
    const { suggestions, none } = suggestNext([nothingNew, extra, oneDimension, nextTierThere, nextTierNow, newFocus, nextTierSooner], context({ steps }));
    expect(none).toBeNull();
    expect(suggestions.map((s) => s.title)).toEqual(["New focus", "Tier 2 sooner", "Tier 2 now", "Tier 2 there", "One dimension"]);
    expect(suggestions).toHaveLength(MAX_SUGGESTIONS);
    expect(suggestions[3]).toMatchObject({
      at: "next",
      trustName: there.trustName,
      reasons: ["The next tier up: tier 2"],
    });
    expect(suggestions.some((s) => s.title === "Nothing new")).toBe(false);
  });

  it("says why there is none: no placement, nothing open to apply for there, or nothing that fills a gap", () => {
    expect(suggestNext([candidate()], context({ current: null, next: null })).none).toBe(
      "You have no placement recorded now or next, so there is no trust to suggest opportunities at."
    );
    expect(suggestNext([candidate({ eligibleGrades: ["ST5"] })], context()).none).toBe(
      `There are no open opportunities you can apply for at ${here.trustName} and ${there.trustName} while you are placed there.`
    );
    expect(suggestNext([], context({ next: null })).none).toBe(`There are no open opportunities you can apply for at ${here.trustName} while you are placed there.`);
    const steps = [step({ tier: 3 })];
    expect(suggestNext([candidate()], context({ steps }))).toEqual({
      suggestions: [],
      none: `The open opportunities you can apply for at ${here.trustName} and ${there.trustName} cover focuses, dimensions and tiers you already have.`,
    });
  });
});
