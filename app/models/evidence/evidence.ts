// The evidence of a completed leadership opportunity, as one plain structure: built once from
// the rows, then shown as a page and written as a PDF, so the two cannot say different things.
// Pure (no database): the rules of what goes in are unit-tested here.
import {
  FOCUS_LABELS,
  GPC_DOMAINS,
  GPC_LABELS,
  HLM_DIMENSIONS,
  HLM_LABELS,
  OPPORTUNITY_TYPE_LABELS,
  TIER_LABELS,
  TIERS,
  type Focus,
  type GpcDomain,
  type HlmDimension,
  type OpportunityType,
  type Tier,
} from "~/models/domain";
import type { Reflection } from "~/models/reflections.server";
import { formatClockTime, formatDate } from "~/utils/dates";

/** What the database gives for one completed (or awaiting sign-off) application of the trainee. */
export interface EvidenceRow {
  applicationId: string;
  status: string;
  traineeName: string;
  gmcNumber: string | null;
  title: string;
  type: OpportunityType;
  tier: number;
  focus: Focus;
  hlmDimensions: HlmDimension[];
  learningOutcomes: string[];
  trustName: string;
  siteName: string | null;
  sponsorName: string;
  sponsorRole: string;
  startsOn: string;
  endsOn: string;
  totalHours: string;
  objectiveTitle: string | null;
  objectiveDescription: string | null;
  signedOffAt: Date | string | null;
  signedOffByName: string | null;
  observedDimensions: HlmDimension[];
  strengths: string;
  nextStep: string;
  sponsorFeedback: string;
  // The reflection as its own page reads it (a date may arrive as a string once serialised).
  reflection: (Omit<Reflection, "finalisedAt" | "sharedAt" | "updatedAt"> & { finalisedAt: Date | string | null }) | null;
}

export interface EvidenceSession {
  date: string;
  startsAt: string;
  endsAt: string;
  location: string;
}

/**
 * The domains a kind of opportunity usually evidences, offered when the trainee has not mapped
 * it themselves: every one is leadership and team working (domain 5); a quality improvement
 * project and a patient safety investigation are also patient safety and quality improvement
 * (domain 6).
 */
export const SUGGESTED_GPC: Record<OpportunityType, readonly GpcDomain[]> = {
  qi_project: ["leadership_teamworking", "patient_safety_qi"],
  patient_safety: ["leadership_teamworking", "patient_safety_qi"],
  shadowing: ["leadership_teamworking"],
  board_seat: ["leadership_teamworking"],
  manager_buddying: ["leadership_teamworking"],
  chief_resident: ["leadership_teamworking"],
};

export type ReflectionState = "included" | "left_out" | "draft" | "none";

export interface EvidenceDimension {
  dimension: HlmDimension;
  label: string;
  /** Where it comes from, in words: "the opportunity's aim", "observed by the sponsor", "practised, in the trainee's reflection". */
  sources: string[];
}

export interface Evidence {
  applicationId: string;
  traineeName: string;
  gmcNumber: string | null;
  title: string;
  typeLabel: string;
  tierLabel: string;
  tier: Tier;
  focusLabel: string;
  trustName: string;
  siteName: string | null;
  sponsor: string;
  dates: string;
  startsOn: string;
  endsOn: string;
  hours: number;
  hoursText: string;
  sessions: { date: string; time: string; location: string }[];
  objective: { title: string; description: string } | null;
  learningOutcomes: string[];
  signedOff: string;
  feedback: {
    observed: string[];
    strengths: string;
    nextStep: string;
    /** The free text of a sign-off made before feedback was structured. */
    text: string;
  };
  gpc: { domains: { domain: GpcDomain; label: string }[]; suggested: boolean };
  dimensions: EvidenceDimension[];
  reflectionState: ReflectionState;
  reflection: {
    whatHappened: string;
    soWhat: string;
    nowWhat: string;
    rating: string | null;
    wouldRecommend: string | null;
  } | null;
}

/** "21 hours", "7.5 hours", "1 hour". */
export function hoursText(hours: number): string {
  const n = Number.isInteger(hours) ? String(hours) : hours.toFixed(1).replace(/\.0$/, "");
  return `${n} ${hours === 1 ? "hour" : "hours"}`;
}

function asTier(n: number): Tier {
  return (TIERS as readonly number[]).includes(n) ? (n as Tier) : 1;
}

/** In the framework's own order, each once. */
function inOrder<T extends string>(all: readonly T[], chosen: Iterable<T>): T[] {
  const set = new Set(chosen);
  return all.filter((x) => set.has(x));
}

/**
 * The evidence of one application. The reflection goes in only when the trainee asks for it
 * and it is final: a draft, or one left out, adds nothing (not its words, its rating, nor its
 * mapping to the frameworks), so the document says only what the trainee chose to share.
 */
export function buildEvidence(row: EvidenceRow, sessions: EvidenceSession[], options: { includeReflection: boolean }): Evidence {
  const final = row.reflection?.finalisedAt ? row.reflection : null;
  const reflectionState: ReflectionState = !row.reflection ? "none" : !final ? "draft" : options.includeReflection ? "included" : "left_out";
  const included = reflectionState === "included" ? final : null;

  const ownGpc = included ? inOrder(GPC_DOMAINS, included.gpcDomains) : [];
  const gpcDomains = ownGpc.length ? ownGpc : inOrder(GPC_DOMAINS, SUGGESTED_GPC[row.type]);

  const sourcesOf = (d: HlmDimension) =>
    [
      row.hlmDimensions.includes(d) ? "the opportunity's aim" : null,
      row.observedDimensions.includes(d) ? "observed by the sponsor" : null,
      included?.hlmDimensions.includes(d) ? "practised, in the trainee's reflection" : null,
    ].filter((s): s is string => s !== null);
  const dimensions = HLM_DIMENSIONS.map((d) => ({ dimension: d, label: HLM_LABELS[d], sources: sourcesOf(d) })).filter((d) => d.sources.length);

  const hours = Number(row.totalHours);
  const tier = asTier(row.tier);
  const signer = row.signedOffByName ? `${row.signedOffByName}, ${row.trustName}` : row.trustName;
  return {
    applicationId: row.applicationId,
    traineeName: row.traineeName,
    gmcNumber: row.gmcNumber,
    title: row.title,
    typeLabel: OPPORTUNITY_TYPE_LABELS[row.type],
    tierLabel: TIER_LABELS[tier],
    tier,
    focusLabel: FOCUS_LABELS[row.focus],
    trustName: row.trustName,
    siteName: row.siteName || null,
    sponsor: `${row.sponsorName}, ${row.sponsorRole}`,
    dates: row.startsOn === row.endsOn ? formatDate(row.startsOn) : `${formatDate(row.startsOn)} to ${formatDate(row.endsOn)}`,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    hours,
    hoursText: hoursText(hours),
    sessions: sessions.map((s) => ({ date: formatDate(s.date), time: `${formatClockTime(s.startsAt)} to ${formatClockTime(s.endsAt)}`, location: s.location })),
    objective: row.objectiveTitle ? { title: row.objectiveTitle, description: row.objectiveDescription ?? "" } : null,
    learningOutcomes: row.learningOutcomes,
    signedOff: row.signedOffAt ? `Signed off as completed on ${formatDate(row.signedOffAt)} by ${signer}, for the sponsor` : `Signed off as completed by ${signer}, for the sponsor`,
    feedback: {
      observed: inOrder(HLM_DIMENSIONS, row.observedDimensions).map((d) => HLM_LABELS[d]),
      strengths: row.strengths.trim(),
      nextStep: row.nextStep.trim(),
      text: row.sponsorFeedback.trim(),
    },
    gpc: { domains: gpcDomains.map((d) => ({ domain: d, label: GPC_LABELS[d] })), suggested: ownGpc.length === 0 },
    dimensions,
    reflectionState,
    reflection: included
      ? {
          whatHappened: included.whatHappened,
          soWhat: included.soWhat,
          nowWhat: included.nowWhat,
          rating: included.rating === null ? null : `${included.rating} out of 5`,
          wouldRecommend: included.wouldRecommend === null ? null : included.wouldRecommend ? "Yes" : "No",
        }
      : null,
  };
}

/** Whether the sponsor's feedback has anything to show. */
export function hasFeedback(e: Evidence): boolean {
  return Boolean(e.feedback.observed.length || e.feedback.strengths || e.feedback.nextStep || e.feedback.text);
}

export interface EvidenceSummary {
  traineeName: string;
  gmcNumber: string | null;
  items: Evidence[];
  totals: {
    opportunities: number;
    hours: number;
    hoursText: string;
    byTier: { tier: Tier; label: string; opportunities: number; hours: number; hoursText: string }[];
    dimensions: { label: string; covered: boolean }[];
    dimensionsCovered: number;
    gpcCovered: string[];
  };
}

/** Every completed opportunity with the totals a portfolio review asks for: hours, tiers, dimensions covered. */
export function summariseEvidence(trainee: { name: string; gmcNumber: string | null }, items: Evidence[]): EvidenceSummary {
  const hours = items.reduce((sum, e) => sum + e.hours, 0);
  const covered = new Set(items.flatMap((e) => e.dimensions.map((d) => d.dimension)));
  const gpc = new Set(items.flatMap((e) => e.gpc.domains.map((d) => d.domain)));
  return {
    traineeName: trainee.name,
    gmcNumber: trainee.gmcNumber,
    items,
    totals: {
      opportunities: items.length,
      hours,
      hoursText: hoursText(hours),
      byTier: TIERS.map((tier) => {
        const inTier = items.filter((e) => e.tier === tier);
        const h = inTier.reduce((sum, e) => sum + e.hours, 0);
        return { tier, label: TIER_LABELS[tier], opportunities: inTier.length, hours: h, hoursText: hoursText(h) };
      }),
      dimensions: HLM_DIMENSIONS.map((d) => ({ label: HLM_LABELS[d], covered: covered.has(d) })),
      dimensionsCovered: covered.size,
      gpcCovered: inOrder(GPC_DOMAINS, gpc).map((d) => GPC_LABELS[d]),
    },
  };
}

/** A file name safe everywhere: letters, digits and hyphens only, from the title. */
export function evidenceFileName(title: string, endsOn: string): string {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
  return `leadership-evidence-${slug || "opportunity"}-${endsOn}.pdf`;
}

/** The GET parameter that includes the trainee's final reflection (default: left out). */
export const INCLUDE_REFLECTION_PARAM = "reflection";
export function includesReflection(params: URLSearchParams): boolean {
  return params.get(INCLUDE_REFLECTION_PARAM) === "include";
}
