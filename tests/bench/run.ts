// `npm run bench`: the production server against PostgreSQL at PRODUCT.md's scale, loaded
// with autocannon, on one app process and then on two sharing the database. Compares the
// search and a signed-in trainee's opportunities page and home with the near-static landing
// page (requests per second, p95, and CPU per request of the app and PostgreSQL), and shows
// the search query's plan.
//
// BENCH_SECONDS (default 20): seconds per route and process count, in BENCH_ROUNDS (default 4)
// turns. BENCH_CONNECTIONS (default 20): concurrent
// connections. BENCH_DATABASE_URL: use this PostgreSQL server (its user needs CREATEDB)
// instead of starting one.
import { writeFileSync } from "node:fs";
import os from "node:os";

import { sql } from "drizzle-orm";

import { openDatabase, queryRows, type Db } from "../../db/client";
import { scheduledJobs } from "../../db/schema";
import { SCHEDULED_JOBS } from "../../app/jobs.server";
import { createUserSession } from "../../app/auth.server";
import { getTraineeGradeAndSpecialty } from "../../app/models/homes.server";
import { parseSearchParams } from "../../app/models/search.schema";
import { rotationSections, searchFacets, searchOpportunities } from "../../app/models/search.server";
import { todayInLondon } from "../../app/utils/dates";
import { ensureBuild, startAppServer, type AppServer } from "./app-server";
import { treeCpuSeconds } from "./cpu";
import { openExplainer, type Explained } from "./explain";
import { measure, mergeRounds, warmUp, type Route, type RouteResult } from "./load";
import { freePort, openBenchDatabase } from "./postgres";
import { seedBenchData } from "./seed";
import { cleanUp, cleanups, ms } from "./clean-up";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const RESULTS_FILE = "/tmp/invitational-bench.json";
const SEARCH_QUERY = "q=discharge&region=Midlands&tier=2&seatsLeft=yes";
const TARGET = { minShareOfStatic: 0.6, maxP95Ms: 60, maxCpuVsStatic: { search: 2, trainee: 2.5 } };

type Measured = RouteResult & { appCpuMs: number; dbCpuMs: number };
const loadText = (load: number[]) => load.map((n) => n.toFixed(1)).join(" ");


async function main(): Promise<number> {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error(`BENCH_SECONDS must be a positive number, not ${process.env.BENCH_SECONDS}`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`BENCH_ROUNDS must be a whole number above 0, not ${process.env.BENCH_ROUNDS}`);
  if (!Number.isInteger(CONNECTIONS) || CONNECTIONS < 1) throw new Error(`BENCH_CONNECTIONS must be a whole number above 0, not ${process.env.BENCH_CONNECTIONS}`);
  const today = todayInLondon();

  const bench = await openBenchDatabase();
  cleanups.push(() => bench.dispose());
  // No statement timeout: seeding and its VACUUM are not a page, and take longer than its 5 s on a busy machine.
  const database = await openDatabase({ url: bench.url, poolSize: 4, statementTimeoutMs: 0 });
  cleanups.push(() => database.close());
  await database.migrate();

  console.log("Seeding…");
  const seedStart = performance.now();
  const seeded = await seedBenchData(database.db, today);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  console.log(Object.entries(seeded.counts).map(([k, n]) => `${n.toLocaleString("en-GB")} ${k}`).join(", "));
  console.log(seeded.timings.map(([step, t]) => `${step} ${(t / 1000).toFixed(1)} s`).join("; "));
  console.log(`Seeding took ${seedSeconds.toFixed(1)} s`);

  // The server runs in production mode, which reads the __Host- cookie: create the session
  // under the same mode so lucia names the cookie the same way.
  process.env.NODE_ENV = "production";
  const setCookie = await createUserSession(database.db, seeded.benchTraineeId);
  const cookie = setCookie.split(";")[0]!;

  const searchFilters = parseSearchParams(new URLSearchParams(SEARCH_QUERY));
  const { total: searchTotal } = await searchOpportunities(database.db, searchFilters, { today });
  console.log(`Search "${SEARCH_QUERY}" finds ${searchTotal} open opportunities`);
  if (searchTotal === 0) throw new Error("The benchmarked search finds nothing: choose other filters");

  // The load must not pay for the seed's writes: the checkpointer flushes them now, not while a route is measured.
  await queryRows(database.db, sql`checkpoint`);

  ensureBuild();
  // One after the other: the first applies the migrations, the second finds nothing to do.
  const servers: AppServer[] = [];
  for (let i = 0; i < 2; i++) {
    const server = await startAppServer({ databaseUrl: bench.url, port: await freePort() });
    cleanups.push(() => server.stop());
    servers.push(server);
  }
  await quietScheduledJobs(database.db);
  // Two cores shared with whatever else runs: a high load average means noisy numbers.
  const loadBefore = os.loadavg();
  console.log(
    `Servers ready at ${servers.map((s) => s.url).join(" and ")}; ${CONNECTIONS} connections, ${SECONDS} s a route and process count; load average ${loadText(loadBefore)} on ${os.availableParallelism()} cores\n`,
  );

  const routes: Route[] = [
    { name: "static page /", path: "/" },
    { name: "health check", path: "/healthz" },
    { name: "search + 3 filters", path: `/opportunities?${SEARCH_QUERY}` },
    { name: "trainee /opportunities", path: "/opportunities", headers: { cookie }, expect: "At your trust now" },
    { name: "trainee home /trainee", path: "/trainee", headers: { cookie }, expect: "Where you are now" },
  ];
  // CPU per request of the servers' process trees and of PostgreSQL's (a private server only).
  const cpu = (measured: AppServer[]) => ({
    app: measured.reduce((sum, s) => sum + treeCpuSeconds(s.pid), 0),
    db: treeCpuSeconds(bench.postmasterPid),
  });
  // Each route's seconds are split into ROUNDS rounds, the routes taking turns: on a shared
  // machine the load drifts over minutes, and taking turns shares the drift out between the
  // routes instead of charging it to whichever ran then.
  const results: Measured[] = [];
  for (const processes of [1, 2]) {
    const measured = servers.slice(0, processes);
    console.log(`${processes === 1 ? "One app process" : `${processes} app processes`}:`);
    for (const route of routes) for (const s of measured) await warmUp(s.url, route, { burstSeconds: 2 });
    const rounds = new Map<string, { results: RouteResult[]; app: number; db: number }>(routes.map((r) => [r.name, { results: [], app: 0, db: 0 }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const route of routes) {
        const before = cpu(measured);
        const result = await measure(
          measured.map((s) => s.url),
          route,
          { seconds: SECONDS / ROUNDS, connections: CONNECTIONS },
        );
        const after = cpu(measured);
        const kept = rounds.get(route.name)!;
        kept.results.push(result);
        kept.app += after.app - before.app;
        kept.db += after.db - before.db;
      }
    }
    for (const route of routes) {
      const kept = rounds.get(route.name)!;
      const result = mergeRounds(kept.results);
      const perRequest = (seconds: number) => (1000 * seconds) / Math.max(1, result.requests);
      results.push({ ...result, appCpuMs: perRequest(kept.app), dbCpuMs: perRequest(kept.db) });
      console.log(`  ${route.name}: ${result.requestsPerSecond.toFixed(0)} req/s`);
    }
  }
  const loadAfter = os.loadavg();

  const one = results.filter((r) => r.processes === 1);
  const two = results.filter((r) => r.processes === 2);
  const staticOne = one[0]!;
  const cpuOf = (r: { appCpuMs: number; dbCpuMs: number }) => r.appCpuMs + r.dbCpuMs;
  console.log(`\nOne app process (load average ${loadText(loadBefore)} before, ${loadText(loadAfter)} after the whole run)`);
  console.log(
    `${"route".padEnd(24)}${"req/s".padStart(8)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}${"vs /".padStart(8)}${"KB".padStart(7)}${"app CPU".padStart(9)}${"db CPU".padStart(8)}${"CPU vs /".padStart(10)}  (CPU: ms per request, app + db)`,
  );
  for (const r of one) {
    console.log(
      `${r.name.padEnd(24)}${r.requestsPerSecond.toFixed(0).padStart(8)}${ms(r.p50).padStart(9)}${ms(r.p95).padStart(9)}${ms(r.p99).padStart(9)}${`${((100 * r.requestsPerSecond) / staticOne.requestsPerSecond).toFixed(0)}%`.padStart(8)}${(r.bytesPerResponse / 1024).toFixed(1).padStart(7)}${ms(r.appCpuMs).padStart(9)}${ms(r.dbCpuMs).padStart(8)}${`${(cpuOf(r) / cpuOf(staticOne)).toFixed(2)}×`.padStart(10)}`,
    );
  }
  console.log("\nTwo app processes against one, in this run");
  console.log(`${"route".padEnd(24)}${"req/s 1".padStart(9)}${"req/s 2".padStart(9)}${"× req/s".padStart(9)}${"p95 1".padStart(8)}${"p95 2".padStart(8)}${"app CPU 2".padStart(11)}${"db CPU 2".padStart(10)}`);
  for (const r of two) {
    const single = one.find((o) => o.name === r.name)!;
    console.log(
      `${r.name.padEnd(24)}${single.requestsPerSecond.toFixed(0).padStart(9)}${r.requestsPerSecond.toFixed(0).padStart(9)}${`${(r.requestsPerSecond / single.requestsPerSecond).toFixed(2)}×`.padStart(9)}${ms(single.p95).padStart(8)}${ms(r.p95).padStart(8)}${ms(r.appCpuMs).padStart(11)}${ms(r.dbCpuMs).padStart(10)}`,
    );
  }

  const broken = results.filter((r) => r.non2xx > 0 || r.errors > 0);
  for (const r of broken) console.error(`FAIL ${r.name} on ${r.processes} process(es): ${r.non2xx} non-2xx responses, ${r.errors} errors (${JSON.stringify(r.statusCodes)})`);

  const baseline = staticOne.requestsPerSecond;
  console.log(
    `\nTargets (one process): search and trainee pages each >= ${TARGET.minShareOfStatic * 100}% of the static page's req/s and p95 <= ${TARGET.maxP95Ms} ms; CPU per request (app + db) within ${TARGET.maxCpuVsStatic.search}× (search) and ${TARGET.maxCpuVsStatic.trainee}× (trainee pages) of the static page's`,
  );
  const targets = one.slice(2).flatMap((r) => {
    const maxCpu = r.name.startsWith("search") ? TARGET.maxCpuVsStatic.search : TARGET.maxCpuVsStatic.trainee;
    const cpuRatio = cpuOf(r) / cpuOf(staticOne);
    return [
      { check: `${r.name} req/s >= ${(TARGET.minShareOfStatic * baseline).toFixed(0)}`, pass: r.requestsPerSecond >= TARGET.minShareOfStatic * baseline },
      { check: `${r.name} p95 ${ms(r.p95)} ms <= ${TARGET.maxP95Ms} ms`, pass: r.p95 <= TARGET.maxP95Ms },
      { check: `${r.name} CPU ${cpuRatio.toFixed(2)}× the static page's <= ${maxCpu}×`, pass: cpuRatio <= maxCpu },
    ];
  });
  for (const t of targets) console.log(`  ${t.pass ? "PASS" : "FAIL"} ${t.check}`);

  // Plans after the load, so they show the warm state the benchmark measured.
  const explainer = openExplainer(bench.url);
  cleanups.push(() => explainer.close());
  const search = await explainer.capture((db) => searchOpportunities(db, searchFilters, { today }));
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of the search (${search.queries.length === 1 ? "one query: the page of results with the count as a window" : `${search.queries.length} queries`})`);
  const searchPlans: Explained[] = [];
  for (const query of search.queries) {
    const explained = await explainer.explain(query);
    searchPlans.push(explained);
    console.log(`\n-- ${query.sql}\n-- params: ${JSON.stringify(query.params)}`);
    for (const line of explained.plan) console.log(line);
  }
  const usesGin = searchPlans.every((p) => p.plan.some((line) => line.includes("opportunities_search_idx")));
  console.log(`\nThe search plans ${usesGin ? "use" : "do NOT use"} the GIN index opportunities_search_idx`);

  // The trainee page's loader, query by query, to show which dominates.
  const trainee = await explainer.capture(async (db) => {
    const profile = await getTraineeGradeAndSpecialty(db, seeded.benchTraineeId, today);
    await searchOpportunities(db, parseSearchParams(new URLSearchParams()), { today, viewerGrade: profile?.grade ?? null });
    await searchFacets(db, {});
    await rotationSections(db, seeded.benchTraineeId, today);
  });
  console.log("\nThe signed-in trainee's /opportunities loader, query by query:");
  const traineePlans: Explained[] = [];
  for (const query of trainee.queries) {
    const explained = await explainer.explain(query);
    traineePlans.push(explained);
    const seqScans = [...new Set(explained.plan.flatMap((l) => /Seq Scan on (\w+)/.exec(l)?.[1] ?? []))];
    console.log(
      `  ${ms(explained.executionMs).padStart(7)} ms  ${query.sql.replace(/\s+/g, " ").slice(0, 110)}…${seqScans.length ? `  [seq scan: ${seqScans.join(", ")}]` : ""}`,
    );
  }

  writeFileSync(
    RESULTS_FILE,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        seconds: SECONDS,
        connections: CONNECTIONS,
        loadAverage: { before: loadBefore, after: loadAfter },
        seedSeconds,
        counts: seeded.counts,
        searchQuery: SEARCH_QUERY,
        searchTotal,
        results: results.map(({ times: _, ...r }) => ({ ...r, shareOfStatic: r.requestsPerSecond / baseline, cpuVsStatic: cpuOf(r) / cpuOf(results.find((s) => s.processes === r.processes)!) })),
        targets,
        searchUsesGinIndex: usesGin,
        searchPlans,
        traineePlans,
      },
      null,
      2,
    ),
  );
  console.log(`\nResults written to ${RESULTS_FILE}`);
  if (broken.length) return 1;
  return targets.every((t) => t.pass) ? 0 : 1;
}

/**
 * The servers run every scheduled job once on start (the report figures of England and each
 * region, a heavy read of the whole data set) and the report refresh every 5 minutes: wait
 * for the first runs to end, then put the next ones off until the bench is over, so no route
 * is charged PostgreSQL's CPU for work no request asked for.
 */
async function quietScheduledJobs(db: Db): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const rows = await db.select().from(scheduledJobs);
    const done = rows.length >= SCHEDULED_JOBS.length && rows.every((r) => r.lastFinishedAt && !r.leasedUntil);
    if (done) break;
    if (Date.now() > deadline) throw new Error("The servers' scheduled jobs did not finish their first run within 10 minutes");
    await new Promise((r) => setTimeout(r, 500));
  }
  await db.update(scheduledJobs).set({ nextRunAt: sql`now() + interval '1 day'` });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  // Cut: a failed bulk insert's message carries all of its parameters.
  console.error("Benchmark failed:", (error instanceof Error ? error.message : String(error)).slice(0, 2000));
} finally {
  await cleanUp();
}
process.exit(exitCode);
