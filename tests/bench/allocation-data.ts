// Generated allocation rounds for the bench, the simulation and the tests: deterministic for a
// seed, with Zipf-skewed popularity (a few opportunities wanted by many) and the time each choice
// was saved, for the first-come-first-served comparison.
import { createHash } from "node:crypto";

import type { AllocationInput } from "~/models/allocation";

export interface RoundOptions {
  seed: string;
  trainees: number;
  opportunities: number;
  /** Seats in total, spread over the opportunities (each gets at least one while seats last). */
  seats: number;
  /** Each interested trainee ranks 1..maxChoices opportunities (uniformly). */
  maxChoices: number;
  /** Zipf exponent of popularity: 0 is uniform, 1 is classic Zipf. */
  zipf: number;
  /** Share of trainees with no placement before (placedBefore 0). */
  firstTimerShare: number;
  /** Share of trainees who rank nothing (default 0). */
  uninterestedShare?: number;
  /** Trainee ids (default t00001…); lets a second round reuse the first round's trainees. */
  traineeIds?: readonly string[];
}

export interface SavedChoice {
  traineeId: string;
  opportunityId: string;
  /** Milliseconds after the round opened. */
  savedAt: number;
}

export interface GeneratedRound {
  input: AllocationInput;
  /** Every choice, in the order it was saved. */
  choicesInSavedOrder: SavedChoice[];
}

/** A small, fast PRNG (sfc32) seeded from a text: the same text, the same numbers. */
export function randomFrom(seed: string): () => number {
  const h = createHash("sha256").update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

export function generateRound(options: RoundOptions): GeneratedRound {
  const random = randomFrom(options.seed);
  const int = (below: number) => Math.floor(random() * below);
  const m = options.opportunities;
  const oppIds = Array.from({ length: m }, (_, j) => `o${pad(j + 1, String(m).length)}`);
  const traineeIds = options.traineeIds ?? Array.from({ length: options.trainees }, (_, i) => `t${pad(i + 1, 5)}`);

  // Seats: one each while they last, the rest spread at random.
  const seats = new Array<number>(m).fill(0);
  for (let s = 0; s < options.seats; s++) seats[s < m ? s : int(m)]!++;

  // Popularity: a random opportunity is the most wanted, and so on down a Zipf curve.
  const byPopularity = oppIds.map((_, j) => j);
  for (let j = m - 1; j > 0; j--) {
    const k = int(j + 1);
    [byPopularity[j], byPopularity[k]] = [byPopularity[k]!, byPopularity[j]!];
  }
  const cumulative = new Float64Array(m);
  let total = 0;
  for (let r = 0; r < m; r++) {
    total += 1 / Math.pow(r + 1, options.zipf);
    cumulative[r] = total;
  }
  const draw = () => {
    const x = random() * total;
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return byPopularity[lo]!;
  };

  const choices: SavedChoice[] = [];
  const trainees = traineeIds.map((id) => {
    const placedBefore = random() < options.firstTimerShare ? 0 : 1 + int(3);
    const ranking: string[] = [];
    if (random() >= (options.uninterestedShare ?? 0)) {
      const wanted = Math.min(1 + int(options.maxChoices), m);
      const chosen = new Set<number>();
      while (chosen.size < wanted) chosen.add(draw());
      ranking.push(...[...chosen].map((j) => oppIds[j]!));
      // Trainees come in over the round's first week and save their choices a minute or two apart,
      // not always in the order they finally rank them.
      const saved = [...chosen];
      for (let q = saved.length - 1; q > 0; q--) {
        const k = int(q + 1);
        [saved[q], saved[k]] = [saved[k]!, saved[q]!];
      }
      let at = int(7 * 24 * 3600 * 1000);
      for (const j of saved) {
        at += 1000 + int(120_000);
        choices.push({ traineeId: id, opportunityId: oppIds[j]!, savedAt: at });
      }
    }
    return { id, placedBefore, ranking };
  });
  choices.sort((a, b) => a.savedAt - b.savedAt || (a.traineeId < b.traineeId ? -1 : a.traineeId > b.traineeId ? 1 : 0));
  return {
    input: { seed: options.seed, opportunities: oppIds.map((id, j) => ({ id, seats: seats[j]! })), trainees },
    choicesInSavedOrder: choices,
  };
}
