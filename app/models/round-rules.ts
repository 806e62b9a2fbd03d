// What a round may do when: one set of rules for the server and the pages. Pure (no server
// imports), so the pages can use it to offer only what will work.
import { formatMoment } from "~/utils/dates";

export type RoundStatus = "open" | "allocated" | "cancelled";

/**
 * Where a round stands now:
 * - "upcoming": created, not open yet (it can still be edited);
 * - "open": taking choices until its closing time;
 * - "closing": its closing time has passed and the allocation has not run yet (the scheduler
 *   runs it within a minute, or at start-up when the service was down);
 * - "allocated" and "cancelled": finished.
 */
export type RoundPhase = "upcoming" | "open" | "closing" | "allocated" | "cancelled";

export interface RoundTimes {
  status: RoundStatus;
  opensAt: Date;
  closesAt: Date;
}

export function roundPhase(round: RoundTimes, now: Date = new Date()): RoundPhase {
  if (round.status !== "open") return round.status;
  if (now < round.opensAt) return "upcoming";
  if (now < round.closesAt) return "open";
  return "closing";
}

export const ROUND_PHASE_LABELS: Record<RoundPhase, string> = {
  upcoming: "Not open yet",
  open: "Open for choices",
  closing: "Closing",
  allocated: "Allocated",
  cancelled: "Cancelled",
};

/** Its name, opportunities, times and number of choices can change until it opens. */
export function canEditRound(phase: RoundPhase): boolean {
  return phase === "upcoming";
}

/** It can be cancelled until it closes. */
export function canCancelRound(phase: RoundPhase): boolean {
  return phase === "upcoming" || phase === "open";
}

/** Trainees add, move and remove choices only while it is open, up to the closing time. */
export function acceptsChoices(phase: RoundPhase): boolean {
  return phase === "open";
}

/**
 * While a round has not finished (from its creation until it is allocated or cancelled), its
 * opportunities take ranked choices, not first-come applications.
 */
export function holdsApplications(phase: RoundPhase): boolean {
  return phase === "upcoming" || phase === "open" || phase === "closing";
}

export const DEFAULT_MAX_CHOICES = 5;
export const MIN_CHOICES = 1;
export const MAX_CHOICES = 10;

/** "Places are allocated in the round Spring leadership round, closing 14 March 2027 at 5pm". */
export function roundBanner(round: RoundTimes & { name: string }, now: Date = new Date()): string {
  const phase = roundPhase(round, now);
  if (phase === "upcoming") {
    return `Places are allocated in the round ${round.name}, open for choices from ${formatMoment(round.opensAt)} until ${formatMoment(round.closesAt)}`;
  }
  if (phase === "closing") return `Places are being allocated in the round ${round.name}, which closed on ${formatMoment(round.closesAt)}`;
  return `Places are allocated in the round ${round.name}, closing ${formatMoment(round.closesAt)}`;
}

/**
 * What a round keeps in allocation_rounds.record when it is allocated (ids and counts only):
 * the allocation's input and result in exactly the format of scripts/allocate.ts, and the
 * figures shown on the round's page.
 */
export interface AllocationSummary {
  firstTimersPlaced: number;
  placed: number;
  rankSum: number;
}

export interface RoundRecord {
  input: {
    seed: string;
    opportunities: { id: string; seats: number }[];
    trainees: { id: string; placedBefore: number; ranking: string[] }[];
  };
  result: {
    seed: string;
    placements: { traineeId: string; opportunityId: string; rank: number }[];
    unplaced: string[];
    summary: AllocationSummary;
  };
  /** Per opportunity: seats free at the close, how many ranked it, how many of them first-timers. */
  opportunities: { id: string; seats: number; chosenBy: number; firstTimersChoosing: number }[];
  /** Placements by rank: byRank[0] placed on their 1st choice, byRank[1] on their 2nd… */
  byRank: number[];
  /** The same round had it been first come, first served (by when each choice was saved), or deferred acceptance. */
  comparison: {
    firstComeFirstServed: AllocationSummary;
    deferredAcceptance: AllocationSummary;
    floorFirstDeferredAcceptance: AllocationSummary;
    /** The most trainees any allocation could have placed. */
    maxPlaced: number;
  };
  /** Trainees with at least one choice, and how many of them first-timers. */
  trainees: number;
  firstTimers: number;
}
