// The allocation engine of a fair allocation round, checked against brute force on hundreds of
// small random rounds, and its comparisons, lottery, input checks and canonical output.
import { createHash } from "node:crypto";

import { describe, expect, it } from "vitest";

import {
  allocate,
  deferredAcceptance,
  firstComeFirstServed,
  lotteryOrder,
  maxCoverageBound,
  parseAllocationInput,
  resultJson,
  waitlistOrder,
  type AllocationInput,
  type AllocationResult,
} from "~/models/allocation";

import { generateRound, randomFrom } from "../bench/allocation-data";

type Tuple = [firstTimers: number, placed: number, negativeRankSum: number, lotteryScore: number];

/** The four levels of the objective, computed straight from the definition. */
function objective(input: AllocationInput, placements: { traineeId: string; rank: number }[]): Tuple {
  const n = input.trainees.length;
  const K = Math.max(0, ...input.trainees.map((t) => t.ranking.length));
  const pos = new Map(lotteryOrder(input.seed, input.trainees.map((t) => t.id)).map((id, i) => [id, i]));
  const byId = new Map(input.trainees.map((t) => [t.id, t]));
  let firstTimers = 0;
  let rankSum = 0;
  let score = 0;
  for (const p of placements) {
    if (byId.get(p.traineeId)!.placedBefore === 0) firstTimers++;
    rankSum += p.rank;
    score += (n - pos.get(p.traineeId)!) * (K + 1 - p.rank);
  }
  return [firstTimers, placements.length, -rankSum, score];
}

function compareTuples(a: Tuple, b: Tuple): number {
  for (let q = 0; q < 4; q++) if (a[q] !== b[q]) return a[q]! - b[q]!;
  return 0;
}

/** Every feasible allocation: the best objective and the most trainees placed. */
function bruteForce(input: AllocationInput): { best: Tuple; mostPlaced: number } {
  const left = new Map(input.opportunities.map((o) => [o.id, o.seats]));
  const chosen: { traineeId: string; rank: number }[] = [];
  let best: Tuple | null = null;
  let mostPlaced = 0;
  const visit = (i: number) => {
    if (i === input.trainees.length) {
      const t = objective(input, chosen);
      if (best === null || compareTuples(t, best) > 0) best = t;
      mostPlaced = Math.max(mostPlaced, chosen.length);
      return;
    }
    const trainee = input.trainees[i]!;
    visit(i + 1);
    trainee.ranking.forEach((id, r) => {
      if (left.get(id)! === 0) return;
      left.set(id, left.get(id)! - 1);
      chosen.push({ traineeId: trainee.id, rank: r + 1 });
      visit(i + 1);
      chosen.pop();
      left.set(id, left.get(id)! + 1);
    });
  };
  visit(0);
  return { best: best!, mostPlaced };
}

function randomRound(seed: string): AllocationInput {
  const random = randomFrom(seed);
  const int = (below: number) => Math.floor(random() * below);
  const opportunities = Array.from({ length: 1 + int(4) }, (_, j) => ({ id: `o${j}`, seats: int(3) }));
  const trainees = Array.from({ length: 1 + int(7) }, (_, i) => {
    const ids = opportunities.map((o) => o.id);
    for (let q = ids.length - 1; q > 0; q--) {
      const k = int(q + 1);
      [ids[q], ids[k]] = [ids[k]!, ids[q]!];
    }
    return { id: `t${i}`, placedBefore: int(2), ranking: ids.slice(0, Math.min(int(4), ids.length)) };
  });
  return { seed, opportunities, trainees };
}

/** The rules every method's result keeps, whatever it optimises. */
function expectValid(input: AllocationInput, result: AllocationResult, context: string) {
  const seats = new Map(input.opportunities.map((o) => [o.id, o.seats]));
  const byId = new Map(input.trainees.map((t) => [t.id, t]));
  const taken = new Map<string, number>();
  const placedIds = new Set<string>();
  for (const p of result.placements) {
    expect(placedIds.has(p.traineeId), `${context}: ${p.traineeId} has two places`).toBe(false);
    placedIds.add(p.traineeId);
    const trainee = byId.get(p.traineeId);
    expect(trainee, `${context}: ${p.traineeId} is not in the round`).toBeDefined();
    expect(trainee!.ranking[p.rank - 1], `${context}: ${p.traineeId}'s rank ${p.rank} is not ${p.opportunityId}`).toBe(p.opportunityId);
    taken.set(p.opportunityId, (taken.get(p.opportunityId) ?? 0) + 1);
  }
  for (const [id, count] of taken) expect(count, `${context}: ${id} over its seats`).toBeLessThanOrEqual(seats.get(id)!);
  const everyoneElse = input.trainees.map((t) => t.id).filter((id) => !placedIds.has(id)).sort();
  expect(result.unplaced, `${context}: unplaced`).toEqual(everyoneElse);
  expect(result.summary, `${context}: summary`).toEqual({
    firstTimersPlaced: result.placements.filter((p) => byId.get(p.traineeId)!.placedBefore === 0).length,
    placed: result.placements.length,
    rankSum: result.placements.reduce((sum, p) => sum + p.rank, 0),
  });
  expect(result.seed).toBe(input.seed);
}

function savedInRankingOrder(input: AllocationInput) {
  return input.trainees.flatMap((t) => t.ranking.map((opportunityId) => ({ traineeId: t.id, opportunityId })));
}

const ROUNDS = 400;
const rounds = Array.from({ length: ROUNDS }, (_, r) => randomRound(`brute-${r}`));

describe("allocate against brute force", () => {
  it(`reaches the exact optimum of (first-timers, placed, rank sum, lottery) on ${ROUNDS} small random rounds`, () => {
    for (const input of rounds) {
      const result = allocate(input);
      expect(objective(input, result.placements), `seed ${input.seed}: ${JSON.stringify(input)}`).toEqual(bruteForce(input).best);
    }
  });

  it("keeps every rule: seats, one place each, only ranked choices, summary and unplaced (all four methods)", () => {
    for (const input of rounds) {
      expectValid(input, allocate(input), `allocate, seed ${input.seed}`);
      expectValid(input, deferredAcceptance(input), `DA, seed ${input.seed}`);
      expectValid(input, deferredAcceptance(input, { floorFirst: true }), `floor-first DA, seed ${input.seed}`);
      expectValid(input, firstComeFirstServed(input, savedInRankingOrder(input)), `FCFS, seed ${input.seed}`);
    }
  });

  it("maxCoverageBound is the most trainees any allocation places", () => {
    for (const input of rounds) {
      expect(maxCoverageBound(input), `seed ${input.seed}: ${JSON.stringify(input)}`).toBe(bruteForce(input).mostPlaced);
    }
  });

  it("places at least as many first-timers as deferred acceptance and floor-first deferred acceptance on every round", () => {
    for (const input of rounds) {
      const ours = allocate(input).summary.firstTimersPlaced;
      expect(ours, `seed ${input.seed}`).toBeGreaterThanOrEqual(deferredAcceptance(input).summary.firstTimersPlaced);
      expect(ours, `seed ${input.seed}`).toBeGreaterThanOrEqual(deferredAcceptance(input, { floorFirst: true }).summary.firstTimersPlaced);
    }
  });
});

describe("allocate on generated rounds of realistic size", () => {
  const sizes = [
    { seed: "mid-1", trainees: 1500, opportunities: 200, seats: 600, maxChoices: 6, zipf: 1, firstTimerShare: 0.6 },
    { seed: "mid-2", trainees: 800, opportunities: 300, seats: 900, maxChoices: 4, zipf: 1.3, firstTimerShare: 0.3 },
  ];
  for (const options of sizes) {
    it(`places the most first-timers possible and keeps the rules (${options.trainees} trainees, seed ${options.seed})`, () => {
      const { input, choicesInSavedOrder } = generateRound(options);
      const result = allocate(input);
      expectValid(input, result, options.seed);
      const firstTimersOnly = { ...input, trainees: input.trainees.filter((t) => t.placedBefore === 0) };
      expect(result.summary.firstTimersPlaced).toBe(maxCoverageBound(firstTimersOnly));
      expect(result.summary.placed).toBeLessThanOrEqual(maxCoverageBound(input));
      for (const other of [deferredAcceptance(input), deferredAcceptance(input, { floorFirst: true }), firstComeFirstServed(input, choicesInSavedOrder)]) {
        expectValid(input, other, options.seed);
        expect(result.summary.firstTimersPlaced).toBeGreaterThanOrEqual(other.summary.firstTimersPlaced);
        expect(compareTuples(objective(input, result.placements), objective(input, other.placements))).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it("places everyone it can when every trainee is a first-timer (the max-flow bound)", () => {
    const { input } = generateRound({ seed: "all-first", trainees: 2000, opportunities: 300, seats: 900, maxChoices: 5, zipf: 1, firstTimerShare: 1 });
    expect(allocate(input).summary.placed).toBe(maxCoverageBound(input));
  });
});

describe("the lottery", () => {
  it("orders trainees by sha256(seed + newline + id), whatever order they are given in", () => {
    const ids = ["t1", "t2", "t3", "t4", "t5", "t6"];
    const expected = [...ids].sort((a, b) => {
      const ka = createHash("sha256").update(`round-7\n${a}`).digest("hex");
      const kb = createHash("sha256").update(`round-7\n${b}`).digest("hex");
      return ka < kb ? -1 : 1;
    });
    expect(lotteryOrder("round-7", ids)).toEqual(expected);
    expect(lotteryOrder("round-7", [...ids].reverse())).toEqual(expected);
  });

  it("puts first-timers first on a waiting list, each group in lottery order", () => {
    const input = { seed: "w", trainees: ["a", "b", "c", "d", "e"].map((id, i) => ({ id, placedBefore: i % 2, ranking: [] })) };
    const drawn = lotteryOrder("w", ["a", "b", "c", "d", "e"]);
    expect(waitlistOrder(input, ["e", "d", "c", "b", "a"])).toEqual([
      ...drawn.filter((id) => ["a", "c", "e"].includes(id)),
      ...drawn.filter((id) => ["b", "d"].includes(id)),
    ]);
  });

  it("gives the same result for the same seed, also with the trainees and opportunities shuffled", () => {
    const { input } = generateRound({ seed: "same", trainees: 600, opportunities: 80, seats: 200, maxChoices: 5, zipf: 1, firstTimerShare: 0.5 });
    const random = randomFrom("shuffle");
    const shuffled = <T>(list: T[]) => list.map((x) => ({ x, k: random() })).sort((a, b) => a.k - b.k).map((e) => e.x);
    const again = { ...input, trainees: shuffled(input.trainees), opportunities: shuffled(input.opportunities) };
    expect(resultJson(allocate(again))).toBe(resultJson(allocate(input)));
    expect(resultJson(allocate(input))).toBe(resultJson(allocate(structuredClone(input))));
  });

  it("lets a different seed change who wins a contested seat: each of two identical first-timers wins sometimes", () => {
    const wins = new Map([["a", 0], ["b", 0]]);
    for (let s = 0; s < 200; s++) {
      const result = allocate({
        seed: `seed-${s}`,
        opportunities: [{ id: "x", seats: 1 }],
        trainees: [{ id: "a", placedBefore: 0, ranking: ["x"] }, { id: "b", placedBefore: 0, ranking: ["x"] }],
      });
      expect(result.placements).toHaveLength(1);
      const winner = result.placements[0]!.traineeId;
      wins.set(winner, wins.get(winner)! + 1);
      // The lottery decides: the trainee drawn first wins.
      expect(winner).toBe(lotteryOrder(`seed-${s}`, ["a", "b"])[0]);
    }
    expect(wins.get("a")).toBeGreaterThan(50);
    expect(wins.get("b")).toBeGreaterThan(50);
  });
});

describe("the floor before the ceiling", () => {
  it("gives the seat to a first-timer over a trainee who already had one, even as the first-timer's lower choice", () => {
    for (let s = 0; s < 20; s++) {
      const input: AllocationInput = {
        seed: `floor-${s}`,
        opportunities: [{ id: "board-seat", seats: 1 }, { id: "qi-project", seats: 0 }],
        trainees: [
          { id: "repeat", placedBefore: 2, ranking: ["board-seat"] },
          { id: "first", placedBefore: 0, ranking: ["qi-project", "board-seat"] },
        ],
      };
      expect(allocate(input).placements).toEqual([{ traineeId: "first", opportunityId: "board-seat", rank: 2 }]);
    }
  });

  it("places more trainees than deferred acceptance when the first drawn takes the only seat another could use", () => {
    // a ranks x then y; b ranks only x; one seat each. Deferred acceptance gives x to whoever is
    // drawn first; when that is a, b is left out although a could have had y.
    const seed = Array.from({ length: 50 }, (_, s) => `da-${s}`).find((s) => lotteryOrder(s, ["a", "b"])[0] === "a")!;
    const input: AllocationInput = {
      seed,
      opportunities: [{ id: "x", seats: 1 }, { id: "y", seats: 1 }],
      trainees: [{ id: "a", placedBefore: 1, ranking: ["x", "y"] }, { id: "b", placedBefore: 1, ranking: ["x"] }],
    };
    expect(deferredAcceptance(input).summary.placed).toBe(1);
    expect(allocate(input).placements).toEqual([
      { traineeId: "a", opportunityId: "y", rank: 2 },
      { traineeId: "b", opportunityId: "x", rank: 1 },
    ]);
  });

  it("floor-first deferred acceptance lets a first-timer displace a repeat trainee; plain deferred acceptance follows the lottery", () => {
    const seed = Array.from({ length: 50 }, (_, s) => `ff-${s}`).find((s) => lotteryOrder(s, ["r", "f"])[0] === "r")!;
    const input: AllocationInput = {
      seed,
      opportunities: [{ id: "x", seats: 1 }],
      trainees: [{ id: "r", placedBefore: 1, ranking: ["x"] }, { id: "f", placedBefore: 0, ranking: ["x"] }],
    };
    expect(deferredAcceptance(input).placements.map((p) => p.traineeId)).toEqual(["r"]);
    expect(deferredAcceptance(input, { floorFirst: true }).placements.map((p) => p.traineeId)).toEqual(["f"]);
  });
});

describe("first come, first served", () => {
  it("gives each choice a seat in the order saved while seats last and the trainee has none", () => {
    const input: AllocationInput = {
      seed: "s",
      opportunities: [{ id: "x", seats: 1 }, { id: "y", seats: 1 }],
      trainees: [
        { id: "a", placedBefore: 0, ranking: ["x", "y"] },
        { id: "b", placedBefore: 0, ranking: ["x"] },
        { id: "c", placedBefore: 0, ranking: ["y"] },
      ],
    };
    const result = firstComeFirstServed(input, [
      { traineeId: "b", opportunityId: "x" },
      { traineeId: "a", opportunityId: "x" },
      { traineeId: "a", opportunityId: "y" },
      { traineeId: "c", opportunityId: "y" },
    ]);
    expect(result.placements).toEqual([
      { traineeId: "a", opportunityId: "y", rank: 2 },
      { traineeId: "b", opportunityId: "x", rank: 1 },
    ]);
    expect(result.unplaced).toEqual(["c"]);
  });
});

describe("parseAllocationInput", () => {
  const valid = () => ({
    seed: "round-1",
    opportunities: [{ id: "x", seats: 1 }, { id: "y", seats: 0 }],
    trainees: [
      { id: "a", placedBefore: 0, ranking: ["x", "y"] },
      { id: "b", placedBefore: 1, ranking: [] },
    ],
  });
  type Raw = ReturnType<typeof valid> & Record<string, unknown>;
  const cases: [string, (i: Raw) => unknown, string][] = [
    ["not an object", () => "round", "input: must be an object with seed, opportunities and trainees"],
    ["a list", () => [], "input: must be an object with seed, opportunities and trainees"],
    ["no seed", (i) => ({ opportunities: i.opportunities, trainees: i.trainees }), "seed: is missing"],
    ["a seed of null", (i) => ({ ...i, seed: null }), "seed: must be text of 1 to 200 characters"],
    ["an empty seed", (i) => ({ ...i, seed: "" }), "seed: must be text of 1 to 200 characters"],
    ["a long seed", (i) => ({ ...i, seed: "s".repeat(201) }), "seed: must be text of 1 to 200 characters"],
    ["opportunities not a list", (i) => ({ ...i, opportunities: {} }), "opportunities: must be a list of opportunities"],
    ["seats a fraction", (i) => ((i.opportunities[0]!.seats = 1.5), i), "opportunities[0].seats: must be a whole number from 0 to 1000"],
    ["negative seats", (i) => ((i.opportunities[1]!.seats = -1), i), "opportunities[1].seats: must be a whole number from 0 to 1000"],
    ["seats as text", (i) => (((i.opportunities[0] as Record<string, unknown>).seats = "2"), i), "opportunities[0].seats: must be a whole number from 0 to 1000"],
    ["too many seats", (i) => ((i.opportunities[0]!.seats = 1001), i), "opportunities[0].seats: must be a whole number from 0 to 1000"],
    ["an empty opportunity id", (i) => ((i.opportunities[0]!.id = ""), i), "opportunities[0].id: must be text of 1 to 100 characters"],
    ["a long trainee id", (i) => ((i.trainees[1]!.id = "t".repeat(101)), i), "trainees[1].id: must be text of 1 to 100 characters"],
    ["an opportunity twice", (i) => ((i.opportunities[1]!.id = "x"), i), 'opportunities[1].id: "x" is also opportunities[0].id'],
    ["a trainee twice", (i) => ((i.trainees[1]!.id = "a"), i), 'trainees[1].id: "a" is also trainees[0].id'],
    ["a trainee not an object", (i) => ({ ...i, trainees: [i.trainees[0], 7] }), "trainees[1]: must be an object with id, placedBefore and ranking"],
    ["placedBefore missing", (i) => ({ ...i, trainees: [{ id: "a", ranking: [] }] }), "trainees[0].placedBefore: is missing"],
    ["a trainee as a list", (i) => ({ ...i, trainees: [[]] }), "trainees[0]: must be an object with id, placedBefore and ranking"],
    ["placedBefore negative", (i) => ((i.trainees[0]!.placedBefore = -1), i), "trainees[0].placedBefore: must be a whole number from 0 to 1000"],
    ["ranking not a list", (i) => (((i.trainees[0] as Record<string, unknown>).ranking = "x"), i), "trainees[0].ranking: must be a list of opportunity ids"],
    ["an unknown opportunity ranked", (i) => ((i.trainees[0]!.ranking = ["x", "zz"]), i), 'trainees[0].ranking[1]: "zz" is not an opportunity in the input'],
    ["an opportunity ranked twice", (i) => ((i.trainees[0]!.ranking = ["x", "y", "x"]), i), 'trainees[0].ranking[2]: "x" is ranked twice (also ranking[0])'],
    ["a ranking id not text", (i) => (((i.trainees[0]!.ranking as unknown[])[0] = 3), i), "trainees[0].ranking[0]: must be text of 1 to 100 characters"],
    [
      "a ranking too long",
      (i) => {
        i.opportunities = Array.from({ length: 11 }, (_, j) => ({ id: `o${j}`, seats: 1 }));
        i.trainees[0]!.ranking = i.opportunities.map((o) => o.id);
        return i;
      },
      "trainees[0].ranking: must hold at most 10 choices",
    ],
    [
      "too many trainees",
      (i) => ({ ...i, trainees: Array.from({ length: 20_001 }, (_, n) => ({ id: `t${n}`, placedBefore: 0, ranking: [] })) }),
      "trainees: must hold at most 20000 trainees",
    ],
  ];
  it.each(cases)("refuses %s with a message naming where", (_name, change, message) => {
    expect(parseAllocationInput(change(valid() as Raw))).toEqual({ ok: false, message });
  });

  it("accepts a valid round, keeping only the fields it knows", () => {
    const raw = { ...valid(), note: "ignored" };
    expect(parseAllocationInput(raw)).toEqual({ ok: true, input: valid() });
  });
});

describe("resultJson", () => {
  it("writes the result's shape with keys in order, placements by trainee and unplaced sorted, and a final newline", () => {
    const text = resultJson({
      seed: "s",
      placements: [
        { rank: 2, opportunityId: "x", traineeId: "b" } as never,
        { traineeId: "a", opportunityId: "y", rank: 1 },
      ],
      unplaced: ["d", "c"],
      summary: { rankSum: 3, placed: 2, firstTimersPlaced: 1 } as never,
    });
    expect(text).toBe(
      '{\n  "seed": "s",\n  "placements": [\n    {\n      "traineeId": "a",\n      "opportunityId": "y",\n      "rank": 1\n    },\n' +
        '    {\n      "traineeId": "b",\n      "opportunityId": "x",\n      "rank": 2\n    }\n  ],\n  "unplaced": [\n    "c",\n    "d"\n  ],\n' +
        '  "summary": {\n    "firstTimersPlaced": 1,\n    "placed": 2,\n    "rankSum": 3\n  }\n}\n',
    );
  });
});
