// The allocation of a fair allocation round: which trainee gets a seat on which opportunity.
//
// Pure rules: no database, no server. The server, the scripts and the tests all run this module.
// It uses node:crypto (sha256 for the lottery), so it must not be imported by browser code.
//
// What `allocate` returns, in plain words. Among every allocation that is possible (each trainee
// gets at most one place, only on an opportunity they ranked, and no opportunity gets more
// trainees than it has seats), it returns one that:
//   1. places as many first-timers (trainees with no leadership placement before, placedBefore 0)
//      as any allocation can;
//   2. among those, places as many trainees in all as any of them can;
//   3. among those, gives places as high on the trainees' own lists as possible: the sum of the
//      ranks of the places given (1 for a first choice, 2 for a second…) is the smallest;
//   4. among those, follows the round's lottery: it has the largest lottery score, the sum over
//      the placed trainees of (n − pos) × (K + 1 − rank), where n is the number of trainees in the
//      round, pos the trainee's position in the lottery (0 for the first drawn) and K the length of
//      the longest ranking. So a trainee drawn earlier counts for more, both for being placed at
//      all and for getting a higher choice.
// Allocations still equal after all four are told apart by the algorithm itself, which works on
// the trainees in lottery order and the opportunities in order of id, so the same round (whatever
// order its trainees and opportunities come in) always gives the same result.
//
// The lottery: trainees are ordered by the sha256 hex of (seed + "\n" + trainee id), ties by id.
// The seed is recorded on the round, so anyone can reproduce the draw and the allocation.
import { createHash } from "node:crypto";

import * as v from "valibot";

export interface AllocationInput {
  seed: string;
  opportunities: { id: string; seats: number }[];
  trainees: { id: string; placedBefore: number; ranking: string[] }[];
}

/** `rank` counts from 1: the trainee's first choice is rank 1. */
export interface Placement {
  traineeId: string;
  opportunityId: string;
  rank: number;
}

export interface AllocationResult {
  seed: string;
  placements: Placement[];
  unplaced: string[];
  summary: { firstTimersPlaced: number; placed: number; rankSum: number };
}

export const ALLOCATION_LIMITS = {
  trainees: 20_000,
  opportunities: 5_000,
  rankingLength: 10,
  seats: 1_000,
  placedBefore: 1_000,
  idLength: 100,
  seedLength: 200,
} as const;

// ---------------------------------------------------------------------------------------------
// The lottery

function lotteryKey(seed: string, traineeId: string): string {
  return createHash("sha256").update(`${seed}\n${traineeId}`).digest("hex");
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The round's lottery: trainee ids in the order drawn. Independent of the order given. */
export function lotteryOrder(seed: string, traineeIds: readonly string[]): string[] {
  const keyed = traineeIds.map((id) => ({ id, key: lotteryKey(seed, id) }));
  keyed.sort((a, b) => compareText(a.key, b.key) || compareText(a.id, b.id));
  return keyed.map((k) => k.id);
}

/**
 * The order of a waiting list in a round: first-timers first, then everyone else, each group in
 * lottery order. Ids not among the input's trainees count as having had a placement before.
 */
export function waitlistOrder(input: Pick<AllocationInput, "seed" | "trainees">, ids: readonly string[]): string[] {
  const firstTimers = new Set(input.trainees.filter((t) => t.placedBefore === 0).map((t) => t.id));
  const drawn = lotteryOrder(input.seed, ids);
  return [...drawn.filter((id) => firstTimers.has(id)), ...drawn.filter((id) => !firstTimers.has(id))];
}

// ---------------------------------------------------------------------------------------------
// The round in arrays: trainees in lottery order (index = lottery position), opportunities in
// order of id, each trainee's choices in one flat array. Every method below starts from this,
// so none depends on the order of the input.

interface Prepared {
  input: AllocationInput;
  n: number;
  m: number;
  traineeIds: string[]; // by lottery position
  firstTimer: Uint8Array;
  oppIds: string[]; // by id
  seats: Int32Array;
  choiceStart: Int32Array; // trainee i's choices are choiceStart[i] .. choiceStart[i + 1] - 1
  choiceOpp: Int32Array; // the opportunity of each choice; its rank is its offset + 1
  longestRanking: number;
  position: Map<string, number>; // trainee id -> lottery position
  oppIndex: Map<string, number>;
}

function prepare(input: AllocationInput): Prepared {
  const order = lotteryOrder(input.seed, input.trainees.map((t) => t.id));
  const byId = new Map(input.trainees.map((t) => [t.id, t]));
  const oppIds = input.opportunities.map((o) => o.id).sort(compareText);
  const oppIndex = new Map(oppIds.map((id, j) => [id, j]));
  const seatsById = new Map(input.opportunities.map((o) => [o.id, o.seats]));
  const n = order.length;
  const m = oppIds.length;
  const seats = new Int32Array(m);
  oppIds.forEach((id, j) => (seats[j] = seatsById.get(id)!));
  const firstTimer = new Uint8Array(n);
  const choiceStart = new Int32Array(n + 1);
  let total = 0;
  let longestRanking = 0;
  order.forEach((id, i) => {
    const trainee = byId.get(id)!;
    firstTimer[i] = trainee.placedBefore === 0 ? 1 : 0;
    total += trainee.ranking.length;
    longestRanking = Math.max(longestRanking, trainee.ranking.length);
    choiceStart[i + 1] = total;
  });
  const choiceOpp = new Int32Array(total);
  order.forEach((id, i) => {
    const ranking = byId.get(id)!.ranking;
    for (let r = 0; r < ranking.length; r++) {
      const j = oppIndex.get(ranking[r]!);
      if (j === undefined) throw new Error(`Trainee ${id} ranks an opportunity that is not in the round`);
      choiceOpp[choiceStart[i]! + r] = j;
    }
  });
  return {
    input,
    n,
    m,
    traineeIds: order,
    firstTimer,
    oppIds,
    seats,
    choiceStart,
    choiceOpp,
    longestRanking,
    position: new Map(order.map((id, i) => [id, i])),
    oppIndex,
  };
}

/** The result from each trainee's chosen choice index (-1: unplaced). */
function resultOf(p: Prepared, choiceOf: Int32Array): AllocationResult {
  const placements: Placement[] = [];
  const unplaced: string[] = [];
  let firstTimersPlaced = 0;
  let rankSum = 0;
  for (let i = 0; i < p.n; i++) {
    const k = choiceOf[i]!;
    if (k < 0) {
      unplaced.push(p.traineeIds[i]!);
      continue;
    }
    const rank = k - p.choiceStart[i]! + 1;
    placements.push({ traineeId: p.traineeIds[i]!, opportunityId: p.oppIds[p.choiceOpp[k]!]!, rank });
    rankSum += rank;
    firstTimersPlaced += p.firstTimer[i]!;
  }
  placements.sort((a, b) => compareText(a.traineeId, b.traineeId));
  unplaced.sort(compareText);
  return { seed: p.input.seed, placements, unplaced, summary: { firstTimersPlaced, placed: placements.length, rankSum } };
}

// ---------------------------------------------------------------------------------------------
// The allocation: an exact minimum-cost assignment.
//
// Each trainee is matched to one of its ranked opportunities or to "unplaced"; an opportunity
// takes up to its seats. The cost of placing trainee i at rank r is a pair (H, L), compared
// lexicographically (H first), and "unplaced" costs (0, 0):
//   H = −(first-timer ? A : 0) − B + r        L = −(n − pos) × (K + 1 − r)
// With B = n·K + 1 (more than any difference in rank sums, which lie in 0..n·K) and
// A = B·n + n·K + 1 (more than any difference in −B·placed + rankSum), the total H is
// −A·firstTimersPlaced − B·placed + rankSum, so the least total H is exactly levels 1–3, and the
// least total L among those is the largest lottery score (level 4). Level 4 cannot be folded into
// H as well: it would need a factor of ~4·10⁹ on top of H's ~8·10¹³, far past 2⁵³. Pairs of
// integers under lexicographic order form an ordered group, and shortest paths, potentials and
// the optimality of augmenting along shortest paths hold over any ordered group, so the method is
// exact with every number an integer well inside 2⁵³ (checked as it runs).
//
// Method: successive shortest augmenting paths, one trainee at a time (in lottery order), as in
// the Jonker–Volgenant assignment algorithm. The flow network is trainee → opportunity (a
// ranked choice) → T (the opportunity's seats), and trainee → T ("unplaced"). Invariant: after
// trainees 0..i−1 are added, the current assignment is a least-cost one for them, so the residual
// graph has no negative cycle. Adding trainee i, the least-cost assignment of 0..i is the current
// one changed along a shortest path from i to T in the residual graph (standard min-cost-flow
// result). Such a path never passes through T, so edges leaving T (back to an unplaced trainee)
// are never followed: once unplaced, a trainee cannot gain from later trainees joining.
//
// Dijkstra needs non-negative edges: potentials π keep every followed residual edge's reduced
// cost c(u,v) + π(u) − π(v) ≥ 0. After a search that reached T at distance D, each node settled
// at distance d(v) gets π(v) += d(v) − D (others unchanged). For any edge (u,v): if u was settled,
// d(v) ≤ d(u) + reduced cost, so the new reduced cost stays ≥ 0; if not, only v's potential can
// have fallen, which raises the reduced cost. Edges on the path get reduced cost 0, so their
// reversals (new residual edges) are 0 too. A new trainee's potential is set as the largest
// needed to make its own edges non-negative. Seats once taken are never given back (a path moves
// trainees between seats, taking at most one free seat), so an opportunity's edge to T never
// reappears with a negative reduced cost.

const MAX_EXACT = Number.MAX_SAFE_INTEGER / 4;

function solveAssignment(p: Prepared): Int32Array {
  const { n, m, choiceStart, choiceOpp, seats, firstTimer } = p;
  const K = p.longestRanking;
  const B = n * K + 1;
  const A = B * n + n * K + 1;
  if ((A + B) * (n + 1) * 4 > MAX_EXACT) throw new RangeError("The round is too large to allocate exactly");

  const choices = choiceOpp.length;
  const costH = new Float64Array(choices);
  const costL = new Float64Array(choices);
  for (let i = 0; i < n; i++) {
    for (let k = choiceStart[i]!; k < choiceStart[i + 1]!; k++) {
      const rank = k - choiceStart[i]! + 1;
      costH[k] = -(firstTimer[i] ? A : 0) - B + rank;
      costL[k] = -(n - i) * (K + 1 - rank);
    }
  }

  // An opportunity never needs more seats than trainees who ranked it.
  const capacity = new Int32Array(m);
  for (let k = 0; k < choices; k++) capacity[choiceOpp[k]!]!++;
  for (let j = 0; j < m; j++) capacity[j] = Math.min(capacity[j]!, seats[j]!);
  const slotStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) slotStart[j + 1] = slotStart[j]! + capacity[j]!;
  const slotTrainee = new Int32Array(slotStart[m]!);
  const slotCount = new Int32Array(m);
  const slotOf = new Int32Array(n).fill(-1);
  const choiceOf = new Int32Array(n).fill(-1);

  const seat = (i: number, k: number) => {
    const j = choiceOpp[k]!;
    const s = slotStart[j]! + slotCount[j]!;
    slotTrainee[s] = i;
    slotOf[i] = s;
    slotCount[j]!++;
    choiceOf[i] = k;
  };
  const unseat = (i: number) => {
    const j = choiceOpp[choiceOf[i]!]!;
    const last = slotStart[j]! + slotCount[j]! - 1;
    const moved = slotTrainee[last]!;
    slotTrainee[slotOf[i]!] = moved;
    slotOf[moved] = slotOf[i]!;
    slotCount[j]!--;
    slotOf[i] = -1;
    choiceOf[i] = -1;
  };

  // Nodes: trainees 0..n−1, opportunities n..n+m−1, T = n+m.
  const T = n + m;
  const nodes = n + m + 1;
  const piH = new Float64Array(nodes);
  const piL = new Float64Array(nodes);
  const distH = new Float64Array(nodes);
  const distL = new Float64Array(nodes);
  const reached = new Int32Array(nodes); // search number that last reached the node
  const settled = new Int32Array(nodes);
  const parent = new Int32Array(nodes);
  const parentChoice = new Int32Array(nodes); // for an opportunity: the choice by which it was reached
  const settledList = new Int32Array(nodes);
  const heap = new Int32Array(nodes);
  const heapPos = new Int32Array(nodes).fill(-1);
  let heapSize = 0;

  const less = (a: number, b: number) => distH[a]! < distH[b]! || (distH[a] === distH[b] && distL[a]! < distL[b]!);
  const siftUp = (pos: number) => {
    const node = heap[pos]!;
    while (pos > 0) {
      const up = (pos - 1) >> 1;
      const other = heap[up]!;
      if (!less(node, other)) break;
      heap[pos] = other;
      heapPos[other] = pos;
      pos = up;
    }
    heap[pos] = node;
    heapPos[node] = pos;
  };
  const pop = () => {
    const top = heap[0]!;
    heapPos[top] = -1;
    heapSize--;
    if (heapSize > 0) {
      const node = heap[heapSize]!;
      let pos = 0;
      for (;;) {
        let child = 2 * pos + 1;
        if (child >= heapSize) break;
        if (child + 1 < heapSize && less(heap[child + 1]!, heap[child]!)) child++;
        if (!less(heap[child]!, node)) break;
        heap[pos] = heap[child]!;
        heapPos[heap[pos]!] = pos;
        pos = child;
      }
      heap[pos] = node;
      heapPos[node] = pos;
    }
    return top;
  };

  let search = 0;
  const path: number[] = [];
  const relax = (v: number, h: number, l: number, from: number, choice: number) => {
    if (settled[v] === search) return;
    if (reached[v] === search && !(h < distH[v]! || (h === distH[v] && l < distL[v]!))) return;
    distH[v] = h;
    distL[v] = l;
    parent[v] = from;
    parentChoice[v] = choice;
    if (reached[v] !== search) {
      reached[v] = search;
      heap[heapSize] = v;
      heapPos[v] = heapSize;
      heapSize++;
    }
    siftUp(heapPos[v]!);
  };
  for (let s = 0; s < n; s++) {
    const from = choiceStart[s]!;
    const to = choiceStart[s + 1]!;
    if (from === to) continue;
    search++;

    // The new trainee's potential: the least making its edges (and "unplaced") non-negative.
    let sH = piH[T]!;
    let sL = piL[T]!;
    for (let k = from; k < to; k++) {
      const v = n + choiceOpp[k]!;
      const h = piH[v]! - costH[k]!;
      const l = piL[v]! - costL[k]!;
      if (h > sH || (h === sH && l > sL)) {
        sH = h;
        sL = l;
      }
    }
    piH[s] = sH;
    piL[s] = sL;

    heapSize = 0;
    let settledCount = 0;
    reached[s] = search;
    distH[s] = 0;
    distL[s] = 0;
    heap[0] = s;
    heapPos[s] = 0;
    heapSize = 1;

    while (heapSize > 0) {
      const u = pop();
      settled[u] = search;
      settledList[settledCount++] = u;
      if (u === T) break;
      const dH = distH[u]!;
      const dL = distL[u]!;
      if (u < n) {
        // A trainee (the new one, or one reached from the opportunity it holds): it may move to
        // another of its choices, or give up its place.
        const current = choiceOf[u]!;
        const uH = piH[u]!;
        const uL = piL[u]!;
        for (let k = choiceStart[u]!; k < choiceStart[u + 1]!; k++) {
          if (k === current) continue;
          const v = n + choiceOpp[k]!;
          relax(v, dH + costH[k]! + uH - piH[v]!, dL + costL[k]! + uL - piL[v]!, u, k);
        }
        relax(T, dH + uH - piH[T]!, dL + uL - piL[T]!, u, -1);
      } else {
        // An opportunity: one of the trainees holding its seats may move on, or a free seat ends the path.
        const j = u - n;
        const uH = piH[u]!;
        const uL = piL[u]!;
        for (let q = slotStart[j]!; q < slotStart[j]! + slotCount[j]!; q++) {
          const w = slotTrainee[q]!;
          const k = choiceOf[w]!;
          relax(w, dH - costH[k]! + uH - piH[w]!, dL - costL[k]! + uL - piL[w]!, u, -1);
        }
        if (slotCount[j]! < capacity[j]!) relax(T, dH + uH - piH[T]!, dL + uL - piL[T]!, u, -1);
      }
    }
    while (heapSize > 0) heapPos[heap[--heapSize]!] = -1;

    const DH = distH[T]!;
    const DL = distL[T]!;
    for (let q = 0; q < settledCount; q++) {
      const v = settledList[q]!;
      piH[v] = piH[v]! + distH[v]! - DH;
      piL[v] = piL[v]! + distL[v]! - DL;
      if (Math.abs(piH[v]!) > MAX_EXACT || Math.abs(piL[v]!) > MAX_EXACT) {
        throw new RangeError("The round is too large to allocate exactly");
      }
    }

    // The path T ← … ← s alternates trainee and opportunity. Each trainee on it takes the next
    // opportunity on the path (or none, before T). Working from T's end frees each seat before
    // the trainee behind takes it, so no opportunity holds more than its seats at any moment.
    path.length = 0;
    for (let x = T; x !== s; x = parent[x]!) path.push(x);
    path.push(s);
    // path = [T, …, s]; a trainee at path[q] moves to path[q − 1].
    for (let q = 1; q < path.length; q++) {
      const x = path[q]!;
      if (x >= n) continue;
      const next = path[q - 1]!;
      if (choiceOf[x]! >= 0) unseat(x);
      if (next !== T) seat(x, parentChoice[next]!);
    }
  }
  return choiceOf;
}

/** The allocation a round makes: the exact optimum described at the top of this module. */
export function allocate(input: AllocationInput): AllocationResult {
  const p = prepare(input);
  return resultOf(p, solveAssignment(p));
}

// ---------------------------------------------------------------------------------------------
// Comparisons

/**
 * Trainee-proposing deferred acceptance (Gale–Shapley, as in residency matching). Every
 * opportunity prefers trainees by the round's lottery (single tie-breaking); with `floorFirst`,
 * first-timers before everyone else, then by lottery. The result is the trainee-optimal stable
 * matching, which does not depend on the order of proposals.
 */
export function deferredAcceptance(input: AllocationInput, options: { floorFirst?: boolean } = {}): AllocationResult {
  const p = prepare(input);
  const { n, m, choiceStart, choiceOpp, seats, firstTimer } = p;
  // priority[i]: lower is preferred by every opportunity.
  const priority = new Int32Array(n);
  for (let i = 0; i < n; i++) priority[i] = options.floorFirst && !firstTimer[i] ? n + i : i;

  // Each opportunity holds its tentative trainees in a max-heap on priority (the least preferred on top).
  const capacity = new Int32Array(m);
  for (let k = 0; k < choiceOpp.length; k++) capacity[choiceOpp[k]!]!++;
  for (let j = 0; j < m; j++) capacity[j] = Math.min(capacity[j]!, seats[j]!);
  const heapStart = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) heapStart[j + 1] = heapStart[j]! + capacity[j]!;
  const held = new Int32Array(heapStart[m]!);
  const heldCount = new Int32Array(m);
  const choiceOf = new Int32Array(n).fill(-1);
  const next = new Int32Array(n);
  for (let i = 0; i < n; i++) next[i] = choiceStart[i]!;

  const siftDown = (base: number, size: number, pos: number) => {
    const node = held[base + pos]!;
    for (;;) {
      let child = 2 * pos + 1;
      if (child >= size) break;
      if (child + 1 < size && priority[held[base + child + 1]!]! > priority[held[base + child]!]!) child++;
      if (priority[held[base + child]!]! <= priority[node]!) break;
      held[base + pos] = held[base + child]!;
      pos = child;
    }
    held[base + pos] = node;
  };
  const siftUp = (base: number, pos: number) => {
    const node = held[base + pos]!;
    while (pos > 0) {
      const up = (pos - 1) >> 1;
      if (priority[held[base + up]!]! >= priority[node]!) break;
      held[base + pos] = held[base + up]!;
      pos = up;
    }
    held[base + pos] = node;
  };

  const free: number[] = [];
  for (let i = n - 1; i >= 0; i--) free.push(i);
  while (free.length > 0) {
    const i = free.pop()!;
    while (next[i]! < choiceStart[i + 1]!) {
      const k = next[i]!;
      next[i]!++;
      const j = choiceOpp[k]!;
      if (capacity[j] === 0) continue;
      const base = heapStart[j]!;
      if (heldCount[j]! < capacity[j]!) {
        held[base + heldCount[j]!] = i;
        siftUp(base, heldCount[j]!);
        heldCount[j]!++;
        choiceOf[i] = k;
        break;
      }
      const worst = held[base]!;
      if (priority[i]! < priority[worst]!) {
        held[base] = i;
        siftDown(base, heldCount[j]!, 0);
        choiceOf[i] = k;
        choiceOf[worst] = -1;
        free.push(worst);
        break;
      }
    }
  }
  return resultOf(p, choiceOf);
}

/**
 * First come, first served (today's practice): the choices in the order they were saved; a choice
 * gets a seat when one is left and its trainee has no place yet. A choice of an opportunity the
 * trainee did not rank is a programming error.
 */
export function firstComeFirstServed(
  input: AllocationInput,
  choicesInSavedOrder: readonly { traineeId: string; opportunityId: string }[],
): AllocationResult {
  const p = prepare(input);
  const left = Int32Array.from(p.seats);
  const choiceOf = new Int32Array(p.n).fill(-1);
  for (const choice of choicesInSavedOrder) {
    const i = p.position.get(choice.traineeId);
    const j = p.oppIndex.get(choice.opportunityId);
    if (i === undefined || j === undefined) throw new Error("A saved choice names a trainee or opportunity not in the round");
    let k = -1;
    for (let c = p.choiceStart[i]!; c < p.choiceStart[i + 1]!; c++) if (p.choiceOpp[c] === j) k = c;
    if (k < 0) throw new Error("A saved choice is not in the trainee's ranking");
    if (choiceOf[i]! >= 0 || left[j]! === 0) continue;
    choiceOf[i] = k;
    left[j]!--;
  }
  return resultOf(p, choiceOf);
}

/**
 * The most trainees any allocation could place: a maximum flow (Dinic) through
 * source → trainee (1) → ranked opportunity (1) → sink (seats).
 */
export function maxCoverageBound(input: AllocationInput): number {
  const p = prepare(input);
  const { n, m, choiceStart, choiceOpp, seats } = p;
  const S = n + m;
  const T = n + m + 1;
  const nodes = n + m + 2;
  const edgeCount = 2 * (n + choiceOpp.length + m);
  const eTo = new Int32Array(edgeCount);
  const eCap = new Int32Array(edgeCount);
  const eNext = new Int32Array(edgeCount);
  const head = new Int32Array(nodes).fill(-1);
  let e = 0;
  const add = (a: number, b: number, cap: number) => {
    eTo[e] = b;
    eCap[e] = cap;
    eNext[e] = head[a]!;
    head[a] = e++;
    eTo[e] = a;
    eCap[e] = 0;
    eNext[e] = head[b]!;
    head[b] = e++;
  };
  for (let i = 0; i < n; i++) {
    if (choiceStart[i] === choiceStart[i + 1]) continue;
    add(S, i, 1);
    for (let k = choiceStart[i]!; k < choiceStart[i + 1]!; k++) add(i, n + choiceOpp[k]!, 1);
  }
  for (let j = 0; j < m; j++) if (seats[j]! > 0) add(n + j, T, seats[j]!);

  const level = new Int32Array(nodes);
  const iter = new Int32Array(nodes);
  const queue = new Int32Array(nodes);
  const pathEdges = new Int32Array(nodes);
  let flow = 0;
  for (;;) {
    level.fill(-1);
    level[S] = 0;
    let qHead = 0;
    let qTail = 0;
    queue[qTail++] = S;
    while (qHead < qTail) {
      const u = queue[qHead++]!;
      for (let x = head[u]!; x >= 0; x = eNext[x]!) {
        if (eCap[x]! > 0 && level[eTo[x]!]! < 0) {
          level[eTo[x]!] = level[u]! + 1;
          queue[qTail++] = eTo[x]!;
        }
      }
    }
    if (level[T]! < 0) return flow;
    iter.set(head);
    // Depth-first along the levels without recursion; every source edge carries 1, so each path
    // found carries exactly one unit.
    let depth = 0;
    let u = S;
    for (;;) {
      if (u === T) {
        for (let d = 0; d < depth; d++) {
          eCap[pathEdges[d]!]!--;
          eCap[pathEdges[d]! ^ 1]!++;
        }
        flow++;
        depth = 0;
        u = S;
        continue;
      }
      let x = iter[u]!;
      while (x >= 0 && !(eCap[x]! > 0 && level[eTo[x]!] === level[u]! + 1)) x = eNext[x]!;
      iter[u] = x;
      if (x >= 0) {
        pathEdges[depth++] = x;
        u = eTo[x]!;
        continue;
      }
      if (u === S) break;
      level[u] = -1; // a dead end for the rest of this phase
      const back = pathEdges[--depth]!;
      u = eTo[back ^ 1]!;
      iter[u] = eNext[iter[u]!]!;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Input and output

const L = ALLOCATION_LIMITS;
const idMessage = `must be text of 1 to ${L.idLength} characters`;
const Id = v.pipe(v.string(idMessage), v.minLength(1, idMessage), v.maxLength(L.idLength, idMessage));
const seatsMessage = `must be a whole number from 0 to ${L.seats}`;
const placedBeforeMessage = `must be a whole number from 0 to ${L.placedBefore}`;
const seedMessage = `must be text of 1 to ${L.seedLength} characters`;

const AllocationInputSchema = v.object(
  {
    seed: v.pipe(v.string(seedMessage), v.minLength(1, seedMessage), v.maxLength(L.seedLength, seedMessage)),
    opportunities: v.pipe(
      v.array(
        v.object(
          {
            id: Id,
            seats: v.pipe(
              v.number(seatsMessage),
              v.integer(seatsMessage),
              v.minValue(0, seatsMessage),
              v.maxValue(L.seats, seatsMessage),
            ),
          },
          "must be an object with id and seats",
        ),
        "must be a list of opportunities",
      ),
      v.maxLength(L.opportunities, `must hold at most ${L.opportunities} opportunities`),
    ),
    trainees: v.pipe(
      v.array(
        v.object(
          {
            id: Id,
            placedBefore: v.pipe(
              v.number(placedBeforeMessage),
              v.integer(placedBeforeMessage),
              v.minValue(0, placedBeforeMessage),
              v.maxValue(L.placedBefore, placedBeforeMessage),
            ),
            ranking: v.pipe(
              v.array(Id, "must be a list of opportunity ids"),
              v.maxLength(L.rankingLength, `must hold at most ${L.rankingLength} choices`),
            ),
          },
          "must be an object with id, placedBefore and ranking",
        ),
        "must be a list of trainees",
      ),
      v.maxLength(L.trainees, `must hold at most ${L.trainees} trainees`),
    ),
  },
  "must be an object with seed, opportunities and trainees",
);

function pathText(path: readonly { key: unknown }[] | undefined): string {
  let text = "";
  for (const item of path ?? []) {
    if (typeof item.key === "number") text += `[${item.key}]`;
    else text += text === "" ? String(item.key) : `.${String(item.key)}`;
  }
  return text === "" ? "input" : text;
}

/** Checks a parsed JSON value; the message names the first thing wrong and where. */
export function parseAllocationInput(value: unknown): { ok: true; input: AllocationInput } | { ok: false; message: string } {
  const parsed = v.safeParse(AllocationInputSchema, value, { abortEarly: true });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const path = issue.path ?? [];
    const last = path[path.length - 1];
    // valibot reports a missing key with the enclosing object's message; say it is missing, or,
    // when the "object" was a list, say what it should have been at the list's own place.
    if (last?.origin === "key") {
      if (Array.isArray(last.input)) return { ok: false, message: `${pathText(path.slice(0, -1))}: ${issue.message}` };
      return { ok: false, message: `${pathText(path)}: is missing` };
    }
    return { ok: false, message: `${pathText(path)}: ${issue.message}` };
  }
  const input: AllocationInput = parsed.output;
  const oppIds = new Map<string, number>();
  for (const [j, o] of input.opportunities.entries()) {
    const earlier = oppIds.get(o.id);
    if (earlier !== undefined) {
      return { ok: false, message: `opportunities[${j}].id: ${JSON.stringify(o.id)} is also opportunities[${earlier}].id` };
    }
    oppIds.set(o.id, j);
  }
  const traineeIds = new Map<string, number>();
  for (const [i, t] of input.trainees.entries()) {
    const earlier = traineeIds.get(t.id);
    if (earlier !== undefined) {
      return { ok: false, message: `trainees[${i}].id: ${JSON.stringify(t.id)} is also trainees[${earlier}].id` };
    }
    traineeIds.set(t.id, i);
    const seen = new Map<string, number>();
    for (const [r, id] of t.ranking.entries()) {
      if (!oppIds.has(id)) {
        return { ok: false, message: `trainees[${i}].ranking[${r}]: ${JSON.stringify(id)} is not an opportunity in the input` };
      }
      const before = seen.get(id);
      if (before !== undefined) {
        return { ok: false, message: `trainees[${i}].ranking[${r}]: ${JSON.stringify(id)} is ranked twice (also ranking[${before}])` };
      }
      seen.set(id, r);
    }
  }
  return { ok: true, input };
}

/** The result as canonical JSON text: the same result always gives the same bytes. */
export function resultJson(result: AllocationResult): string {
  const canonical = {
    seed: result.seed,
    placements: [...result.placements]
      .sort((a, b) => compareText(a.traineeId, b.traineeId))
      .map((pl) => ({ traineeId: pl.traineeId, opportunityId: pl.opportunityId, rank: pl.rank })),
    unplaced: [...result.unplaced].sort(compareText),
    summary: {
      firstTimersPlaced: result.summary.firstTimersPlaced,
      placed: result.summary.placed,
      rankSum: result.summary.rankSum,
    },
  };
  return `${JSON.stringify(canonical, null, 2)}\n`;
}
