// The allocation engine's bench: npm run bench:allocation
// Times allocate and the comparisons on the size (10,000 trainees ranking up to 10 of
// 2,000 opportunities, Zipf popularity, ~5,000 seats) and prints one table. The target is
// allocate under 2 s on this machine.
import {
  allocate,
  deferredAcceptance,
  firstComeFirstServed,
  maxCoverageBound,
  type AllocationResult,
} from "~/models/allocation";

import { generateRound, type RoundOptions } from "./allocation-data";

export const BENCH_ROUND: RoundOptions = {
  seed: "bench-2026",
  trainees: 10_000,
  opportunities: 2_000,
  seats: 5_000,
  maxChoices: 10,
  zipf: 1,
  firstTimerShare: 0.6,
};

const RUNS = Number(process.env.ALLOCATION_BENCH_RUNS ?? 5);

function time<T>(run: () => T): { ms: number[]; value: T } {
  const ms: number[] = [];
  let value!: T;
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    value = run();
    ms.push(performance.now() - start);
  }
  return { ms, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function runAllocationBench(): { method: string; medianMs: number; maxMs: number }[] {
  const { input, choicesInSavedOrder } = generateRound(BENCH_ROUND);
  const interested = input.trainees.filter((t) => t.ranking.length > 0).length;
  const firstTimers = input.trainees.filter((t) => t.placedBefore === 0 && t.ranking.length > 0).length;
  const seats = input.opportunities.reduce((sum, o) => sum + o.seats, 0);
  console.log(
    `Round: ${input.trainees.length} trainees (${firstTimers} first-timers), ${input.opportunities.length} opportunities, ` +
      `${seats} seats, up to ${BENCH_ROUND.maxChoices} choices, Zipf ${BENCH_ROUND.zipf}; ${RUNS} runs each`,
  );

  const methods: [string, () => AllocationResult | number][] = [
    ["allocate", () => allocate(input)],
    ["deferred acceptance (lottery)", () => deferredAcceptance(input)],
    ["deferred acceptance (floor first)", () => deferredAcceptance(input, { floorFirst: true })],
    ["first come first served", () => firstComeFirstServed(input, choicesInSavedOrder)],
    ["max-flow bound", () => maxCoverageBound(input)],
  ];
  const rows = methods.map(([method, run]) => {
    const { ms, value } = time(run);
    const summary = typeof value === "number" ? null : value.summary;
    return {
      method,
      "median ms": Number(median(ms).toFixed(1)),
      "max ms": Number(Math.max(...ms).toFixed(1)),
      placed: summary ? summary.placed : value,
      "first-timers placed": summary ? summary.firstTimersPlaced : "",
      "mean rank": summary ? Number((summary.rankSum / Math.max(1, summary.placed)).toFixed(2)) : "",
    };
  });
  console.table(rows);
  console.log(`Interested trainees: ${interested}. Target: allocate under 2000 ms.`);
  return rows.map((r) => ({ method: r.method, medianMs: r["median ms"], maxMs: r["max ms"] }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runAllocationBench();
}
