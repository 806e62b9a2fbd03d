// STAND-IN for the pure allocator (the "rounds-allocator" branch writes the real one; at the
// merge its file replaces this one). Same signatures and the input and result formats,
// so the close can be built and tested now. allocate() here is a simple greedy (first-timers
// first, then the lottery, each taking their best choice with a free seat): it respects seats,
// one place per trainee and only ranked choices, but is not the exact lexicographic optimum.
import { createHash } from "node:crypto";

import type { RoundRecord } from "./round-rules";

export type AllocationInput = RoundRecord["input"];
export type AllocationResult = RoundRecord["result"];

/** The round's lottery: ids sorted by sha256(seed + "\n" + id) in hex, ties by id. */
export function lotteryOrder(seed: string, ids: readonly string[]): string[] {
  const key = new Map(ids.map((id) => [id, createHash("sha256").update(`${seed}\n${id}`).digest("hex")]));
  return [...ids].sort((a, b) => {
    const ka = key.get(a)!;
    const kb = key.get(b)!;
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

function resultOf(input: AllocationInput, chosen: Map<string, string>): AllocationResult {
  const placements: AllocationResult["placements"] = [];
  const unplaced: string[] = [];
  let firstTimersPlaced = 0;
  let rankSum = 0;
  for (const t of input.trainees) {
    const opportunityId = chosen.get(t.id);
    if (opportunityId === undefined) {
      unplaced.push(t.id);
      continue;
    }
    const rank = t.ranking.indexOf(opportunityId) + 1;
    placements.push({ traineeId: t.id, opportunityId, rank });
    rankSum += rank;
    if (t.placedBefore === 0) firstTimersPlaced++;
  }
  return { seed: input.seed, placements, unplaced, summary: { firstTimersPlaced, placed: placements.length, rankSum } };
}

function seatsOf(input: AllocationInput): Map<string, number> {
  return new Map(input.opportunities.map((o) => [o.id, o.seats]));
}

export function allocate(input: AllocationInput): AllocationResult {
  const seats = seatsOf(input);
  const byId = new Map(input.trainees.map((t) => [t.id, t]));
  const order = lotteryOrder(input.seed, input.trainees.map((t) => t.id));
  const firstTimersFirst = [...order.filter((id) => byId.get(id)!.placedBefore === 0), ...order.filter((id) => byId.get(id)!.placedBefore > 0)];
  const chosen = new Map<string, string>();
  for (const id of firstTimersFirst) {
    for (const o of byId.get(id)!.ranking) {
      const left = seats.get(o) ?? 0;
      if (left > 0) {
        seats.set(o, left - 1);
        chosen.set(id, o);
        break;
      }
    }
  }
  return resultOf(input, chosen);
}

/** Each choice in the order it was saved takes a seat if its trainee has none yet and one is free. */
export function firstComeFirstServed(input: AllocationInput, choicesInSavedOrder: readonly { traineeId: string; opportunityId: string }[]): AllocationResult {
  const seats = seatsOf(input);
  const ranked = new Map(input.trainees.map((t) => [t.id, new Set(t.ranking)]));
  const chosen = new Map<string, string>();
  for (const c of choicesInSavedOrder) {
    if (chosen.has(c.traineeId) || !ranked.get(c.traineeId)?.has(c.opportunityId)) continue;
    const left = seats.get(c.opportunityId) ?? 0;
    if (left <= 0) continue;
    seats.set(c.opportunityId, left - 1);
    chosen.set(c.traineeId, c.opportunityId);
  }
  return resultOf(input, chosen);
}

/** Trainee-proposing deferred acceptance; opportunities prefer by the lottery (first-timers first with floorFirst). */
export function deferredAcceptance(input: AllocationInput, options: { floorFirst?: boolean } = {}): AllocationResult {
  const seats = seatsOf(input);
  const byId = new Map(input.trainees.map((t) => [t.id, t]));
  const order = lotteryOrder(input.seed, input.trainees.map((t) => t.id));
  const priority = new Map(order.map((id, i) => [id, (options.floorFirst && byId.get(id)!.placedBefore > 0 ? order.length : 0) + i]));
  const held = new Map<string, string[]>(input.opportunities.map((o) => [o.id, []]));
  const next = new Map(input.trainees.map((t) => [t.id, 0]));
  const free = [...input.trainees.map((t) => t.id)];
  while (free.length) {
    const id = free.pop()!;
    const t = byId.get(id)!;
    const i = next.get(id)!;
    if (i >= t.ranking.length) continue;
    next.set(id, i + 1);
    const o = t.ranking[i]!;
    const list = held.get(o);
    const cap = seats.get(o) ?? 0;
    if (!list || cap <= 0) {
      free.push(id);
      continue;
    }
    list.push(id);
    list.sort((a, b) => priority.get(a)! - priority.get(b)!);
    if (list.length > cap) free.push(list.pop()!);
  }
  const chosen = new Map<string, string>();
  for (const [o, list] of held) for (const id of list) chosen.set(id, o);
  return resultOf(input, chosen);
}

/** The most trainees any allocation could place: a maximum bipartite matching with seat capacities. */
export function maxCoverageBound(input: AllocationInput): number {
  const cap = seatsOf(input);
  const holders = new Map<string, string[]>(input.opportunities.map((o) => [o.id, []]));
  const match = new Map<string, string>();
  const ranking = new Map(input.trainees.map((t) => [t.id, t.ranking.filter((o) => (cap.get(o) ?? 0) > 0)]));
  // Iterative augmenting paths (Kuhn), one visited set per pass, passes until none augments.
  const augment = (start: string, visited: Set<string>): boolean => {
    const stack: { id: string; i: number }[] = [{ id: start, i: 0 }];
    const parent = new Map<string, { trainee: string; opportunity: string }>();
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const choices = ranking.get(top.id)!;
      if (top.i >= choices.length) {
        stack.pop();
        continue;
      }
      const o = choices[top.i++]!;
      if (visited.has(o)) continue;
      visited.add(o);
      const list = holders.get(o)!;
      if (list.length < cap.get(o)!) {
        // Free seat: shift every trainee along the path.
        let trainee = top.id;
        let opportunity = o;
        for (;;) {
          const old = match.get(trainee);
          match.set(trainee, opportunity);
          holders.get(opportunity)!.push(trainee);
          if (old === undefined) break;
          const oldList = holders.get(old)!;
          oldList.splice(oldList.indexOf(trainee), 1);
          const p = parent.get(trainee);
          if (!p) break;
          trainee = p.trainee;
          opportunity = p.opportunity;
        }
        return true;
      }
      for (const other of list) {
        if (parent.has(other) || other === start) continue;
        parent.set(other, { trainee: top.id, opportunity: o });
        stack.push({ id: other, i: 0 });
      }
    }
    return false;
  };
  let progress = true;
  while (progress) {
    progress = false;
    const visited = new Set<string>();
    for (const t of input.trainees) if (!match.has(t.id) && augment(t.id, visited)) progress = true;
  }
  return match.size;
}

/** The result as scripts/allocate.ts prints it: keys in the format's order, the same bytes for the same result. */
export function resultJson(result: AllocationResult): string {
  return JSON.stringify({
    seed: result.seed,
    placements: result.placements.map((p) => ({ traineeId: p.traineeId, opportunityId: p.opportunityId, rank: p.rank })),
    unplaced: result.unplaced,
    summary: { firstTimersPlaced: result.summary.firstTimersPlaced, placed: result.summary.placed, rankSum: result.summary.rankSum },
  });
}
