// EXPLAIN ANALYZE of the measures of progress on the bench data set (220 trusts, 60,000
// trainees, 20,000 opportunities, 200,000 applications), with a history of events made for each
// application from its status. `MEASURES_EXPLAIN_URL=postgres://… npx tsx tests/bench/measures-explain.ts`
// creates (and drops afterwards) its own database `invitational_measures_explain` on that server.
import { sql } from "drizzle-orm";
import postgres from "postgres";

import { openDatabase, queryRows } from "../../db/client";
import { readReportParams } from "../../app/models/measures";
import { computeReport } from "../../app/models/measures.server";
import { todayInLondon } from "../../app/utils/dates";
import { openExplainer } from "./explain";
import { seedBenchData } from "./seed";

const NAME = "invitational_measures_explain";

async function seedWithEvents(database: Awaited<ReturnType<typeof openDatabase>>, today: string, out: string[]) {
  const db = database.db;
  await database.migrate();
  const seeded = await seedBenchData(database.db, today);
  out.push(`seeded: ${JSON.stringify(seeded.counts)}`);
  // The bench seed writes statuses only: a plausible history for each, spread over 4 months.
  await queryRows(db, sql`update applications set created_at = now() - (random() * 120 || ' days')::interval`);
  await queryRows(db, sql`insert into application_events (application_id, from_status, to_status, created_at)
    select id, null, 'submitted', created_at from applications`);
  await queryRows(db, sql`insert into application_events (application_id, from_status, to_status, created_at)
    select id, 'submitted', 'offered', created_at + interval '3 days' from applications where status in ('offered', 'approved', 'completed', 'not_completed', 'rejected')`);
  await queryRows(db, sql`insert into application_events (application_id, from_status, to_status, created_at)
    select id, 'submitted', status, created_at + interval '3 days' from applications where status in ('declined', 'waitlisted', 'withdrawn')`);
  await queryRows(db, sql`insert into application_events (application_id, from_status, to_status, created_at)
    select id, 'offered', case when status = 'rejected' then 'rejected'::application_status else 'approved'::application_status end, created_at + interval '6 days'
    from applications where status in ('approved', 'completed', 'not_completed', 'rejected')`);
  await queryRows(db, sql`insert into application_events (application_id, from_status, to_status, created_at)
    select id, 'approved', status, created_at + interval '30 days' from applications where status in ('completed', 'not_completed')`);
  await queryRows(db, sql`analyze`);
}

async function main() {
  const adminUrl = process.env.MEASURES_EXPLAIN_URL;
  if (!adminUrl) throw new Error("Set MEASURES_EXPLAIN_URL to a PostgreSQL server's URL (the user needs CREATEDB)");
  // MEASURES_EXPLAIN_REUSE=1 explains again on the database a run with MEASURES_EXPLAIN_KEEP=1 kept.
  const reuse = process.env.MEASURES_EXPLAIN_REUSE === "1";
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  if (!reuse) {
    await admin.unsafe(`drop database if exists ${NAME} with (force)`);
    await admin.unsafe(`create database ${NAME}`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${NAME}`;
  const today = todayInLondon();
  const out: string[] = [];
  try {
    // No statement timeout: seeding and its VACUUM are not a page, and take longer than its 5 s on a busy machine.
  const database = await openDatabase({ url: url.toString(), poolSize: 4, statementTimeoutMs: 0 });
    const db = database.db;
    if (!reuse) await seedWithEvents(database, today, out);
    const [counts] = await queryRows<{ events: string }>(db, sql`select count(*) as events from application_events`);
    out.push(`application events: ${counts?.events}`);
    const [trust] = await queryRows<{ ods_code: string; name: string; region: string }>(
      db,
      sql`select t.ods_code, t.name, t.region::text from trusts t join placements p on p.trust_id = t.id group by t.id order by count(*) desc limit 1`,
    );
    await database.close();

    // The app runs each report query with `set local jit = off`; the explainer's own connection
    // gets the same from the database's setting.
    await admin.unsafe(`alter database ${NAME} set jit = off`);
    const explainer = openExplainer(url.toString());
    for (const [label, qs] of [
      ["England", "scope=england"],
      [`trust ${trust!.ods_code}`, `scope=trust:${trust!.ods_code}`],
    ] as const) {
      const read = readReportParams(new URLSearchParams(qs), today);
      if (!read.ok) throw new Error(JSON.stringify(read.fieldErrors));
      const comparison = read.query.scope.kind === "trust" ? { scope: { kind: "region" as const, region: trust!.region as never }, label: trust!.region } : null;
      const started = performance.now();
      const { queries } = await explainer.capture((d) => computeReport(d, read.query, { scopeName: label, withList: comparison !== null, comparison }));
      out.push(`\n## ${label}: the whole report in ${(performance.now() - started).toFixed(0)} ms wall (${queries.length} queries, run in parallel on 4 connections)`);
      for (const q of queries.filter((c) => !/^set /i.test(c.sql))) {
        const explained = await explainer.explain(q);
        out.push(`\n### ${explained.executionMs.toFixed(1)} ms: ${q.sql.replace(/\s+/g, " ").slice(0, 160)}…`);
        out.push(...explained.plan);
      }
    }
    await explainer.close();
  } finally {
    if (process.env.MEASURES_EXPLAIN_KEEP !== "1") await admin.unsafe(`drop database if exists ${NAME} with (force)`);
    await admin.end({ timeout: 5 });
  }
  console.log(out.join("\n"));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
