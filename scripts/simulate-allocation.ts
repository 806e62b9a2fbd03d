// Compares ways of filling oversubscribed opportunities on a generated region over two rounds:
//   npx tsx scripts/simulate-allocation.ts [--seed S]
// 3,000 trainees (about 40% placed before, 15% ranking nothing), 400 opportunities with Zipf
// popularity and 1,000 seats a round. Round 2's "placed before" counts each method's own round-1
// placements. Prints, per round and overall, the share of interested trainees (those who ranked
// anything) placed and of first-timers placed, by each method, against the max-flow bound.
// The same seed prints the same figures.
import {
  allocate,
  deferredAcceptance,
  firstComeFirstServed,
  maxCoverageBound,
  type AllocationInput,
  type AllocationResult,
} from "../app/models/allocation";
import { generateRound, type GeneratedRound, type RoundOptions } from "../tests/bench/allocation-data";

const METHODS: [string, (round: GeneratedRound, input: AllocationInput) => AllocationResult][] = [
  ["first come first served", (round, input) => firstComeFirstServed(input, round.choicesInSavedOrder)],
  ["deferred acceptance (lottery)", (_round, input) => deferredAcceptance(input)],
  ["deferred acceptance (floor first)", (_round, input) => deferredAcceptance(input, { floorFirst: true })],
  ["this allocation", (_round, input) => allocate(input)],
];

function seedFromArgs(args: string[]): string {
  const at = args.indexOf("--seed");
  if (at === -1) return "simulation-2026";
  const seed = args[at + 1];
  if (!seed) {
    console.error("Usage: npx tsx scripts/simulate-allocation.ts [--seed S]");
    process.exit(2);
  }
  return seed;
}

const percent = (part: number, whole: number) => (whole === 0 ? "-" : `${((100 * part) / whole).toFixed(1)}%`);
const cell = (text: string | number, width: number) => String(text).padStart(width);

function printTable(title: string, rows: string[][]) {
  const headings = ["method", "placed", "of interested", "bound", "first-timers placed", "of first-timers", "bound"];
  const all = [headings, ...rows];
  const widths = headings.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  console.log(`\n${title}`);
  for (const [q, row] of all.entries()) {
    console.log(row.map((text, c) => (c === 0 ? text.padEnd(widths[c]!) : cell(text, widths[c]!))).join("  "));
    if (q === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

function main() {
  const seed = seedFromArgs(process.argv.slice(2));
  const region: Omit<RoundOptions, "seed"> = {
    trainees: 3_000,
    opportunities: 400,
    seats: 1_000,
    maxChoices: 5,
    zipf: 1,
    firstTimerShare: 0.6,
    uninterestedShare: 0.15,
  };
  const round1 = generateRound({ ...region, seed: `${seed}/round-1` });
  const traineeIds = round1.input.trainees.map((t) => t.id);
  const round2 = generateRound({ ...region, seed: `${seed}/round-2`, traineeIds });
  const startedFirstTimer = new Set(round1.input.trainees.filter((t) => t.placedBefore === 0).map((t) => t.id));
  const interestedEver = new Set(
    [...round1.input.trainees, ...round2.input.trainees].filter((t) => t.ranking.length > 0).map((t) => t.id),
  );
  console.log(
    `Seed ${JSON.stringify(seed)}: ${region.trainees} trainees (${startedFirstTimer.size} first-timers at the start), ` +
      `${region.opportunities} opportunities, ${region.seats} seats a round, up to ${region.maxChoices} choices, Zipf ${region.zipf}.`,
  );

  const overall: string[][] = [];
  const tables: string[][][] = [[], []];
  for (const [name, run] of METHODS) {
    const placedEver = new Set<string>();
    let placedBefore = new Map(round1.input.trainees.map((t) => [t.id, t.placedBefore]));
    for (const [r, round] of [round1, round2].entries()) {
      const input: AllocationInput = {
        ...round.input,
        trainees: round.input.trainees.map((t) => ({ ...t, placedBefore: placedBefore.get(t.id)! })),
      };
      const result = run(round, input);
      const interested = input.trainees.filter((t) => t.ranking.length > 0);
      const firstTimers = interested.filter((t) => t.placedBefore === 0);
      const bound = maxCoverageBound(input);
      const firstTimerBound = maxCoverageBound({ ...input, trainees: firstTimers });
      tables[r]!.push([
        name,
        String(result.summary.placed),
        percent(result.summary.placed, interested.length),
        `${bound} (${percent(bound, interested.length)})`,
        String(result.summary.firstTimersPlaced),
        percent(result.summary.firstTimersPlaced, firstTimers.length),
        `${firstTimerBound} (${percent(firstTimerBound, firstTimers.length)})`,
      ]);
      const placedNow = new Set(result.placements.map((p) => p.traineeId));
      for (const id of placedNow) placedEver.add(id);
      placedBefore = new Map([...placedBefore].map(([id, count]) => [id, count + (placedNow.has(id) ? 1 : 0)]));
    }
    const firstTimersInterested = [...interestedEver].filter((id) => startedFirstTimer.has(id));
    const firstPlaced = firstTimersInterested.filter((id) => placedEver.has(id)).length;
    overall.push([
      name,
      String(placedEver.size),
      percent(placedEver.size, interestedEver.size),
      "",
      String(firstPlaced),
      percent(firstPlaced, firstTimersInterested.length),
      "",
    ]);
  }
  for (const [r, rows] of tables.entries()) printTable(`Round ${r + 1} (bound: the most any allocation could place)`, rows);
  printTable(
    "Overall: trainees placed in either round, of those interested in either; first-timers at the start who got their first place",
    overall,
  );
}

main();
