// `npx tsx tests/bench/equity.ts`: the equity tables on the bench data set (220 trusts, 60,000
// trainees, 200,000 applications, each with an event per status it reached) on PostgreSQL:
// milliseconds for all England and for one trust, and EXPLAIN ANALYZE of the one query.
// Its own database (invitational_equity_bench) on EQUITY_BENCH_DATABASE_URL's server, so it
// never meets another bench's.
import postgres from "postgres";
import { sql } from "drizzle-orm";

import { openDatabase } from "../../db/client";
import { trusts } from "../../db/schema";
import { equityCountsQuery, getEquityReport } from "../../app/models/equity.server";
import { todayInLondon, trainingYearOf } from "../../app/utils/dates";
import { seedBenchData } from "./seed";

const ADMIN_URL = process.env.EQUITY_BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:55432/postgres";
const NAME = "invitational_equity_bench";

async function main() {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  // EQUITY_BENCH_KEEP=1 keeps the seeded database for the next run (seeding takes minutes).
  const keep = process.env.EQUITY_BENCH_KEEP === "1";
  const [exists] = await admin.unsafe(`select 1 from pg_database where datname = '${NAME}'`);
  const seeded = keep && exists !== undefined;
  if (!seeded) {
    await admin.unsafe(`drop database if exists ${NAME} with (force)`);
    await admin.unsafe(`create database ${NAME}`);
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${NAME}`;
  // No statement timeout: seeding and its VACUUM are not a page, and take longer than its 5 s on a busy machine.
  const database = await openDatabase({ url: url.toString(), poolSize: 4, statementTimeoutMs: 0 });
  try {
    await database.migrate();
    const today = todayInLondon();
    if (!seeded) await seedBenchData(database.db, today);
    // The bench seed writes applications without their history: give each one event per step.
    if (!seeded) await database.db.execute(sql`
      insert into application_events (application_id, from_status, to_status, created_at)
      select a.id, null::application_status, 'submitted'::application_status, a.created_at from applications a
      union all
      select a.id, 'submitted', 'offered', a.created_at + interval '3 days' from applications a where a.status not in ('submitted')
      union all
      select a.id, 'offered', a.status, a.created_at + interval '7 days' from applications a where a.status not in ('submitted', 'offered')
    `);
    await database.db.execute(sql`analyze`);
    const year = trainingYearOf(today);
    const [trust] = await database.db.select({ id: trusts.id }).from(trusts).limit(1);
    const scopes: [string, { trustIds: string[] | null }][] = [["all England", { trustIds: null }], ["one trust", { trustIds: [trust!.id] }]];
    for (const [label, scope] of scopes) {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const start = performance.now();
        await getEquityReport(database.db, scope, { year, asAt: today });
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      console.log(`${label}: median ${times[3]!.toFixed(0)} ms, slowest ${times[6]!.toFixed(0)} ms (7 runs)`);
      const plan = (await database.db.transaction(async (tx) => {
        await tx.execute(sql`set local work_mem = '64MB'`);
        await tx.execute(sql`set local jit = off`);
        return tx.execute(sql`explain (analyze, buffers) ${equityCountsQuery(scope, { year, asAt: today })!}`);
      })) as unknown;
      const rows = (Array.isArray(plan) ? plan : (plan as { rows: unknown[] }).rows) as Record<string, string>[];
      console.log(rows.map((r) => Object.values(r)[0]).join("\n"));
    }
  } finally {
    await database.close();
    if (!keep) await admin.unsafe(`drop database if exists ${NAME} with (force)`);
    await admin.end({ timeout: 5 });
  }
}

await main();
