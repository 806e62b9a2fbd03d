// "Suggested next": which open opportunities to put in front of a trainee, and why. Pure, so the
// rules are unit-tested (tests/unit/suggestions.test.ts); journey.server.ts fetches the candidates.
//
// A candidate is suggested only when the trainee could apply for it (the opportunity page's own
// verdict, eligibilityFor), has not already, it runs while they are placed at its trust (now or
// next), and it fills a gap in their journey. Score: a focus not yet covered 3, the next tier up 2,
// each dimension not yet covered 1; then the trust they are at now before the next, the earliest
// deadline first.
import { HLM_LABELS, type Focus, type Grade, type HlmDimension, type Tier } from "./domain";
import { eligibilityFor } from "./eligibility";
import { covered, nextTier, type JourneyStep } from "./journey";

export const MAX_SUGGESTIONS = 5;

export interface SuggestionCandidate {
  id: string;
  title: string;
  trustId: string;
  trustName: string;
  status: string;
  tier: number;
  focus: Focus;
  hlmDimensions: readonly HlmDimension[];
  startsOn: string;
  endsOn: string;
  applicationDeadline: string;
  eligibleGrades: readonly Grade[];
  specialties: readonly string[];
  ltftFriendly: boolean;
  seatsLeft: number;
  /** The trainee has an application for it that is not withdrawn. */
  applied: boolean;
}

export interface PlacementWindow {
  trustId: string;
  trustName: string;
  startsOn: string;
  endsOn: string;
}

export interface SuggestionContext {
  today: string;
  trainee: { grade: Grade; specialty: string; ltft: boolean };
  current: PlacementWindow | null;
  next: PlacementWindow | null;
  steps: readonly Pick<JourneyStep, "tier" | "focus" | "hlmDimensions">[];
}

export interface Suggestion {
  id: string;
  title: string;
  trustName: string;
  /** At the trust the trainee is placed at now, or the next one. */
  at: "current" | "next";
  tier: number;
  focus: Focus;
  startsOn: string;
  endsOn: string;
  applicationDeadline: string;
  seatsLeft: number;
  reasons: string[];
  score: number;
}

const FOCUS_GAP: Record<Focus, string> = {
  self: "You have not yet had an opportunity focused on leading yourself",
  team: "You have not yet worked at team level",
  organisation: "You have not yet worked at organisation level",
  system: "You have not yet worked at system level",
};

/** "Holding to account", "Holding to account and Leading with care", "A, B and C". */
function listOf(words: string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

export function reasonsFor(
  candidate: Pick<SuggestionCandidate, "tier" | "focus" | "hlmDimensions">,
  context: Pick<SuggestionContext, "steps">
): { reasons: string[]; score: number } {
  const have = covered(context.steps);
  const next: Tier | null = nextTier(context.steps);
  const reasons: string[] = [];
  let score = 0;
  if (!have.focuses.has(candidate.focus)) {
    reasons.push(FOCUS_GAP[candidate.focus]);
    score += 3;
  }
  if (next !== null && candidate.tier === next) {
    reasons.push(next === 1 ? "A first step: tier 1, leadership literacy" : `The next tier up: tier ${next}`);
    score += 2;
  }
  const newDimensions = candidate.hlmDimensions.filter((d) => !have.dimensions.has(d));
  if (newDimensions.length) {
    reasons.push(`Develops ${listOf(newDimensions.map((d) => HLM_LABELS[d]))}, which you have not covered`);
    score += newDimensions.length;
  }
  return { reasons, score };
}

function overlaps(c: Pick<SuggestionCandidate, "trustId" | "startsOn" | "endsOn">, p: PlacementWindow | null): boolean {
  return Boolean(p && c.trustId === p.trustId && c.startsOn <= p.endsOn && c.endsOn >= p.startsOn);
}

/** Whether the trainee could apply for it now, and when they would be at its trust. */
export function placeFor(c: SuggestionCandidate, context: SuggestionContext): "current" | "next" | null {
  if (c.applied || c.endsOn < context.today) return null;
  // Less than full time trainees are offered only what the trust says suits less than full time work.
  if (context.trainee.ltft && !c.ltftFriendly) return null;
  const verdict = eligibilityFor(
    c,
    {
      role: "trainee",
      grade: context.trainee.grade,
      specialty: context.trainee.specialty,
    },
    context.today
  );
  if (!verdict.eligible) return null;
  return overlaps(c, context.current) ? "current" : overlaps(c, context.next) ? "next" : null;
}

export function suggestNext(candidates: readonly SuggestionCandidate[], context: SuggestionContext): { suggestions: Suggestion[]; none: string | null } {
  if (!context.current && !context.next) {
    return {
      suggestions: [],
      none: "You have no placement recorded now or next, so there is no trust to suggest opportunities at.",
    };
  }
  const open = candidates.flatMap((c) => {
    const at = placeFor(c, context);
    return at ? [{ c, at }] : [];
  });
  const trusts = listOf([...new Set([context.current?.trustName, context.next?.trustName].filter((n): n is string => Boolean(n)))]);
  if (!open.length)
    return {
      suggestions: [],
      none: `There are no open opportunities you can apply for at ${trusts} while you are placed there.`,
    };
  const suggestions = open
    .map(({ c, at }) => {
      const { reasons, score } = reasonsFor(c, context);
      return {
        id: c.id,
        title: c.title,
        trustName: c.trustName,
        at,
        tier: c.tier,
        focus: c.focus,
        startsOn: c.startsOn,
        endsOn: c.endsOn,
        applicationDeadline: c.applicationDeadline,
        seatsLeft: c.seatsLeft,
        reasons,
        score,
      } satisfies Suggestion;
    })
    .filter((s) => s.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        Number(a.at === "next") - Number(b.at === "next") ||
        a.applicationDeadline.localeCompare(b.applicationDeadline) ||
        a.title.localeCompare(b.title) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
    )
    .slice(0, MAX_SUGGESTIONS);
  if (!suggestions.length) {
    return {
      suggestions: [],
      none: `The open opportunities you can apply for at ${trusts} cover focuses, dimensions and tiers you already have.`,
    };
  }
  return { suggestions, none: null };
}
