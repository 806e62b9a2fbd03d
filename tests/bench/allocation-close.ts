// `npm run bench:allocation-close`: the whole close of a big round on PostgreSQL, timed:
// 10,000 trainees ranking up to 10 of 2,000 opportunities (Zipf-skewed popularity, ~5,000
// seats) across 40 trusts, a tenth of the trainees already placed this training year. The
// close is closeRound itself: the allocation, the comparison, every offer, waiting-list entry
// and event, the record, one notification and one e-mail per trainee, lead and DME.
//
// BENCH_DATABASE_URL: a PostgreSQL server whose user may CREATE DATABASE; without it a
// throwaway server is started as for `npm run bench` (tests/bench/postgres.ts). A fresh
// database is created for the run and dropped afterwards. BENCH_TRAINEES and BENCH_OPPORTUNITIES change the size.
import { count, eq, sql } from "drizzle-orm";
import { openBenchDatabase } from "./postgres";

import { openDatabase, queryRows, type Db } from "../../db/client";
import { allocationRounds, applicationEvents, applications, emailOutbox, notifications, opportunities, roundOpportunities, roundPreferences, trusts, users } from "../../db/schema";
import { allocate } from "../../app/models/allocation";
import { closeRound } from "../../app/models/round-close.server";
import type { RoundRecord } from "../../app/models/round-rules";
import { addDaysIso, todayInLondon } from "../../app/utils/dates";

const TRAINEES = Number(process.env.BENCH_TRAINEES ?? 10_000);
const OPPORTUNITIES = Number(process.env.BENCH_OPPORTUNITIES ?? 2_000);
const TRUSTS = 40;
const MAX_CHOICES = 10;

/** A small deterministic generator (mulberry32), so every run benches the same round. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf (s = 1) over n items: item i is chosen with weight 1 / (i + 1). */
function zipf(n: number, rand: () => number) {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) cumulative.push((total += 1 / (i + 1)));
  return () => {
    const x = rand() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

async function inBatches<T>(list: readonly T[], size: number, write: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < list.length; i += size) await write(list.slice(i, i + size));
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function seed(db: Db, today: string) {
  const rand = random(20270314);
  const trustRows = await db
    .insert(trusts)
    .values(Array.from({ length: TRUSTS }, (_, i) => ({ odsCode: `B${String(i).padStart(2, "0")}`, name: `Bench Hospitals NHS Trust ${i}`, region: "Midlands" as const, integratedCareSystem: "Bench ICS", kind: "acute" })))
    .returning({ id: trusts.id });
  const staff = trustRows.flatMap((t, i) => [
    { id: `bench-lead-${i}`, email: `lead${i}@bench.test`, name: `Lead ${i}`, role: "trust_lead" as const, trustId: t.id },
    { id: `bench-dme-${i}`, email: `dme${i}@bench.test`, name: `DME ${i}`, role: "dme" as const, trustId: t.id },
  ]);
  await db.insert(users).values(staff);
  const trainees = Array.from({ length: TRAINEES }, (_, i) => ({ id: `bench-trainee-${i}`, email: `trainee${i}@bench.test`, name: `Trainee ${i}`, role: "trainee" as const }));
  await inBatches(trainees, 2000, (b) => db.insert(users).values(b));

  const startsOn = addDaysIso(today, 60);
  const opportunity = (i: number, seats: number) => ({
    trustId: trustRows[i % TRUSTS]!.id,
    type: "shadowing" as const,
    title: `Bench opportunity ${i}`,
    summary: "A bench opportunity.",
    description: "A bench opportunity.",
    sponsorName: "Dr Bench",
    sponsorRole: "Medical Director",
    startsOn,
    endsOn: addDaysIso(startsOn, 30),
    totalHours: "21",
    hoursPerWeek: "7",
    seats,
    applicationDeadline: startsOn,
    eligibleGrades: ["FY2" as const],
    tier: 1,
    focus: "organisation" as const,
    hlmDimensions: ["leading_with_care" as const],
    learningOutcomes: ["See how decisions are made"],
    status: "published" as const,
  });
  // Seats 1–4 (2.5 on average): about 5,000 over 2,000 opportunities.
  const inRound = await db
    .insert(opportunities)
    .values(Array.from({ length: OPPORTUNITIES }, (_, i) => opportunity(i, 1 + Math.floor(rand() * 4))))
    .returning({ id: opportunities.id });
  // A tenth of the trainees already have an approved placement this training year (elsewhere).
  const [earlier] = await db.insert(opportunities).values(opportunity(OPPORTUNITIES, 50)).returning({ id: opportunities.id });
  const placed = trainees.filter((_, i) => i % 10 === 0);
  await inBatches(placed, 2000, (b) => db.insert(applications).values(b.map((t) => ({ opportunityId: earlier!.id, traineeId: t.id, statement: "Approved before the round.", status: "approved" as const }))));

  const now = new Date();
  const [round] = await db
    .insert(allocationRounds)
    .values({ name: "Bench round", trustId: null, opensAt: new Date(now.getTime() - 14 * 86_400_000), closesAt: new Date(now.getTime() - 60_000), maxChoices: MAX_CHOICES, seed: "bench-seed" })
    .returning({ id: allocationRounds.id });
  await inBatches(inRound, 2000, (b) => db.insert(roundOpportunities).values(b.map((o) => ({ roundId: round!.id, opportunityId: o.id }))));

  const pick = zipf(OPPORTUNITIES, rand);
  const choices: (typeof roundPreferences.$inferInsert)[] = [];
  const statement = "I want to see how decisions are made at a senior level and bring what I learn back to my team.";
  for (const [n, t] of trainees.entries()) {
    const k = 1 + Math.floor(rand() * MAX_CHOICES);
    const mine = new Set<number>();
    while (mine.size < k) mine.add(pick());
    [...mine].forEach((o, i) => choices.push({ roundId: round!.id, traineeId: t.id, opportunityId: inRound[o]!.id, rank: i + 1, statement, createdAt: new Date(now.getTime() - 86_400_000 + n * 1000 + i) }));
  }
  await inBatches(choices, 2000, (b) => db.insert(roundPreferences).values(b));
  return { roundId: round!.id, choices: choices.length };
}

async function main() {
  const bench = await openBenchDatabase();
  // No statement timeout: seeding and its VACUUM are not a page, and take longer than its 5 s on a busy machine.
  const database = await openDatabase({ url: bench.url, poolSize: 4, statementTimeoutMs: 0 });
  const db = database.db;
  try {
    await database.migrate();
    const [server] = await queryRows<{ version: string }>(db, sql`select version()`);
    console.log(`PostgreSQL: ${server?.version.split(" on ")[0]}`);
    const today = todayInLondon();
    const seeded = await seed(db, today);
    console.log(`Seeded: ${TRAINEES} trainees, ${OPPORTUNITIES} opportunities, ${seeded.choices} choices, ${TRUSTS} trusts (a lead and a DME each)`);

    const started = performance.now();
    const result = await closeRound(db, seeded.roundId, { actor: null, now: new Date() });
    const closeMs = performance.now() - started;
    if (!result.ok) throw new Error("The bench round did not close");
    const record = result.record as RoundRecord;

    const allocStarted = performance.now();
    allocate(record.input);
    const allocMs = performance.now() - allocStarted;

    const countOf = async (table: typeof applications | typeof applicationEvents | typeof notifications | typeof emailOutbox) => (await db.select({ n: count() }).from(table))[0]!.n;
    const byStatus = await db.select({ status: applications.status, n: count() }).from(applications).where(eq(applications.roundId, seeded.roundId)).groupBy(applications.status);
    const [{ size }] = (await queryRows<{ size: string }>(db, sql`select pg_size_pretty(pg_column_size(record)::bigint) as size from allocation_rounds where id = ${seeded.roundId}`)) as [{ size: string }];
    console.log(`seats free at the close: ${record.input.opportunities.reduce((n, o) => n + o.seats, 0)}`);
    console.log(`placed: ${record.result.summary.placed} (first-timers ${record.result.summary.firstTimersPlaced} of ${record.firstTimers}); unplaced: ${record.result.unplaced.length}; most possible: ${record.comparison.maxPlaced}`);
    console.log(`first come, first served placed ${record.comparison.firstComeFirstServed.placed}; deferred acceptance ${record.comparison.deferredAcceptance.placed}; floor-first ${record.comparison.floorFirstDeferredAcceptance.placed}`);
    console.log(`rows: applications ${byStatus.map((s) => `${s.status} ${s.n}`).join(", ")}; events ${await countOf(applicationEvents)}; notifications ${await countOf(notifications)}; e-mails ${await countOf(emailOutbox)}; record ${size}`);
    console.log(`allocate() alone: ${secs(allocMs)}`);
    console.log(`the whole close (closeRound, one transaction): ${secs(closeMs)}`);
  } finally {
    await database.close();
    await bench.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
