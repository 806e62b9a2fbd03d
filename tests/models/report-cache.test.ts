// The report cache (issue 11's speed): a report's aggregate figures are stored in
// report_snapshots and read for 10 minutes, the default views are refreshed by a scheduled job,
// names are never stored, and two processes computing the same report at once both succeed.
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase, queryRows } from "@db/client";
import { applicationEvents, applications, opportunities, reportSnapshots, scheduledJobs } from "@db/schema";
import { SCHEDULED_JOBS } from "~/jobs.server";
import { computedNote } from "~/components/measures-report";
import { cleanUpPersonalData } from "~/models/clean-up.server";
import { REGIONS } from "~/models/domain";
import type { Report } from "~/models/measures";
import {
  defaultReportQueries,
  openReport,
  REPORT_FRESH_MS,
  refreshDefaultReports,
  refreshReportsJob,
  reportSnapshotKey,
} from "~/models/measures.server";
import { registerJobs, runDueJobs } from "~/scheduler.server";
import { todayInLondon } from "~/utils/dates";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { countingQueries } from "../helpers/query-count";

const t = useTestDatabase();
const NOW = new Date("2026-12-01T12:40:00Z");
const TODAY = "2026-12-01";
const later = (ms: number) => new Date(NOW.getTime() + ms);
const MINUTE = 60_000;

/** A trust with two trainees placed this training year: one approved for an opportunity, one with nothing yet. */
async function buildTrust() {
  const trust = await makeTrust(t.db, { odsCode: "RAA", name: "Alder Hospitals NHS Trust", region: "Midlands" });
  const covered = await makeTrainee(t.db, { name: "Dr Covered Person" });
  const waiting = await makeTrainee(t.db, { name: "Dr Nothing Yet Person" });
  for (const trainee of [covered, waiting]) {
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-08-03" });
  }
  const opportunityId = await makeOpportunity(t.db, trust.id);
  await t.db
    .update(opportunities)
    .set({ startsOn: "2027-01-10", endsOn: "2027-01-10", applicationDeadline: "2027-01-05", publishedAt: new Date("2026-09-01T12:00:00Z") })
    .where(eq(opportunities.id, opportunityId));
  const approve = async (traineeId: string, at: string) => {
    const [app] = await t.db
      .insert(applications)
      .values({ opportunityId, traineeId, statement: "I would like to learn.", status: "approved", createdAt: new Date(at) })
      .returning({ id: applications.id });
    await t.db.insert(applicationEvents).values([
      { applicationId: app!.id, fromStatus: null, toStatus: "submitted", createdAt: new Date(at) },
      { applicationId: app!.id, fromStatus: "submitted", toStatus: "approved", createdAt: new Date(at) },
    ]);
  };
  await approve(covered.id, "2026-10-01T12:00:00Z");
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  return { trust, covered, waiting, dme, approve };
}

const ADMIN = { role: "admin" as const, trustId: null };
const england = (now: Date, db = t.db) => openReport(db, ADMIN, new URLSearchParams(), TODAY, now);

function opened(result: Awaited<ReturnType<typeof openReport>>): Report {
  if (!result.ok) throw new Error(`The report did not open: ${JSON.stringify(result)}`);
  return result.report;
}

const driver = usingPostgres ? "postgres" : "pglite";

describe("the report cache", () => {
  it("a second request within 10 minutes reads the cached figures, exactly as computed, without the report's queries", async () => {
    await buildTrust();
    const first = opened(await england(NOW));
    expect(first.computedLive).toBe(true);
    expect(first.overall).toEqual({ placed: 2, covered: 1 });

    const counting = countingQueries(t.db, driver);
    const second = opened(await england(later(9 * MINUTE), counting.db));
    expect(second.computedLive).toBe(false);
    expect(second.computedAt).toBe(NOW.toISOString());
    // Through JSON and back, every figure is as computed (no Date, no undefined lost).
    expect({ ...second, computedLive: true }).toEqual(first);
    // The trusts, the year's baseline and the cached row: none of the report's queries on the events.
    expect(counting.queries).toHaveLength(3);
    expect(counting.queries.some((q) => q.includes("application_events"))).toBe(false);
  });

  it("an entry older than 10 minutes is computed again, with the figures as they are now", async () => {
    const { waiting, approve } = await buildTrust();
    opened(await england(NOW));
    await approve(waiting.id, "2026-12-01T12:42:00Z");
    // Within 10 minutes the stored figures stand…
    expect(opened(await england(later(REPORT_FRESH_MS - 1000))).overall).toEqual({ placed: 2, covered: 1 });
    // …after that they are computed again and stored.
    const fresh = opened(await england(later(REPORT_FRESH_MS + 1000)));
    expect(fresh.computedLive).toBe(true);
    expect(fresh.overall).toEqual({ placed: 2, covered: 2 });
    const [row] = await t.db.select({ computedAt: reportSnapshots.computedAt }).from(reportSnapshots);
    expect(row!.computedAt.toISOString()).toBe(later(REPORT_FRESH_MS + 1000).toISOString());
  });

  it("a past 'as at' date follows the same rule and its figures are exact for that date", async () => {
    const { waiting, approve } = await buildTrust();
    await approve(waiting.id, "2026-11-20T12:00:00Z");
    const past = (now: Date) => openReport(t.db, ADMIN, new URLSearchParams({ asAt: "2026-11-01" }), TODAY, now);
    const first = opened(await past(NOW));
    expect(first.overall).toEqual({ placed: 2, covered: 1 });
    const cached = opened(await past(later(MINUTE)));
    expect(cached.computedLive).toBe(false);
    expect(cached.overall).toEqual({ placed: 2, covered: 1 });
    // Today's figures are another entry.
    expect(opened(await england(later(MINUTE))).overall).toEqual({ placed: 2, covered: 2 });
  });

  it("no trainee's name or id is stored in report_snapshots, while the trust's own DME still sees the list of names", async () => {
    const { trust, covered, waiting, dme } = await buildTrust();
    const viewer = { role: "dme" as const, trustId: trust.id };
    const live = opened(await openReport(t.db, viewer, new URLSearchParams(), TODAY, NOW));
    expect(live.nothingYet.trainees?.map((x) => x.name)).toEqual(["Dr Nothing Yet Person"]);
    const cached = opened(await openReport(t.db, viewer, new URLSearchParams(), TODAY, later(MINUTE)));
    expect(cached.computedLive).toBe(false);
    expect(cached.nothingYet.trainees?.map((x) => x.name)).toEqual(["Dr Nothing Yet Person"]);
    // An admin's report of the same trust reads the same entry and gets the count only.
    const admin = opened(await openReport(t.db, ADMIN, new URLSearchParams({ scope: "trust:RAA" }), TODAY, later(MINUTE)));
    expect(admin.computedLive).toBe(false);
    expect(admin.nothingYet).toEqual({ count: 1, trainees: null, suggestionsHref: "/opportunities?trust=RAA" });

    const stored = await queryRows<{ data: string; kind: string }>(t.db, sql`select data::text as data, jsonb_typeof(data) as kind from report_snapshots`);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kind).toBe("object");
    for (const secret of ["Dr Nothing Yet Person", "Dr Covered Person", waiting.id, covered.id, dme.id]) expect(stored[0]!.data).not.toContain(secret);
  });

  it("the scheduled job refreshes the default views of England and every region, so they are read from the cache", async () => {
    await buildTrust();
    expect(SCHEDULED_JOBS).toContain(refreshReportsJob);
    const defaults = defaultReportQueries(TODAY);
    expect(defaults.map((d) => d.scopeName)).toEqual(["England", ...REGIONS]);
    expect(defaults.every((d) => d.query.year === 2026 && d.query.asAt === TODAY && Object.keys(d.query.filters).length === 0)).toBe(true);
    expect(await refreshDefaultReports(t.db, () => NOW)).toBe(defaults.length);
    const rows = await t.db.select({ key: reportSnapshots.key, computedAt: reportSnapshots.computedAt }).from(reportSnapshots);
    expect(rows.map((r) => r.key).sort()).toEqual(defaults.map((d) => reportSnapshotKey(d.query, null)).sort());
    expect(rows.every((r) => r.computedAt.getTime() === NOW.getTime())).toBe(true);

    // The admin's default page and a region's are now read, not computed.
    expect(opened(await england(later(4 * MINUTE))).computedLive).toBe(false);
    const midlands = opened(await openReport(t.db, ADMIN, new URLSearchParams({ scope: "region:Midlands" }), TODAY, later(4 * MINUTE)));
    expect(midlands.computedLive).toBe(false);
    expect(midlands.overall).toEqual({ placed: 2, covered: 1 });

    // Run by the scheduler, it recomputes them whatever is cached, and comes round again in 5 minutes.
    // It runs on the real clock: the views it refreshes are those of the day it ran, which is
    // TODAY's only on that day (a fixed date here failed CI the day after).
    await registerJobs(t.db, [refreshReportsJob]);
    const before = Date.now();
    expect(await runDueJobs(t.db, [refreshReportsJob])).toEqual(["refresh-report-snapshots"]);
    const all = await t.db.select({ key: reportSnapshots.key, computedAt: reportSnapshots.computedAt }).from(reportSnapshots);
    const refreshed = all.filter((r) => r.computedAt.getTime() >= before);
    expect(refreshed).toHaveLength(defaults.length);
    const ranOn = todayInLondon(refreshed[0]!.computedAt);
    expect(refreshed.map((r) => r.key).sort()).toEqual(defaultReportQueries(ranOn).map((d) => reportSnapshotKey(d.query, null)).sort());
    const [job] = await t.db.select().from(scheduledJobs).where(eq(scheduledJobs.name, "refresh-report-snapshots"));
    expect(job!.lastError).toBeNull();
    expect(job!.nextRunAt.getTime() - job!.lastStartedAt!.getTime()).toBe(5 * MINUTE);
  });

  it("two processes' first requests for the same report at once both succeed and leave one entry", async () => {
    await buildTrust();
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 4 }) : null;
    try {
      const results = await Promise.all([0, 1, 2, 3].map((i) => england(NOW, second && i % 2 ? second.db : t.db)));
      for (const r of results) expect(opened(r).overall).toEqual({ placed: 2, covered: 1 });
    } finally {
      await second?.close();
    }
    expect(await t.db.select({ key: reportSnapshots.key }).from(reportSnapshots)).toHaveLength(1);
  });

  it("the daily clean-up deletes report snapshots computed more than a day ago", async () => {
    await t.db.insert(reportSnapshots).values([
      { key: "old", computedAt: new Date(NOW.getTime() - 25 * 60 * MINUTE), data: {} },
      { key: "recent", computedAt: new Date(NOW.getTime() - 23 * 60 * MINUTE), data: {} },
    ]);
    expect(await cleanUpPersonalData(t.db, NOW)).toMatchObject({ reportSnapshots: 1 });
    expect((await t.db.select({ key: reportSnapshots.key }).from(reportSnapshots)).map((r) => r.key)).toEqual(["recent"]);
  });
});

describe("when the figures were computed, on the page", () => {
  it("says the time and date in London of cached figures, and 'just now' of live ones", () => {
    expect(computedNote({ computedAt: "2026-12-01T12:40:00.000Z", computedLive: false })).toBe("Figures computed at 12:40pm on 1 December 2026: they are never more than 10 minutes old.");
    expect(computedNote({ computedAt: "2026-07-01T11:05:00.000Z", computedLive: false })).toBe("Figures computed at 12:05pm on 1 July 2026: they are never more than 10 minutes old.");
    expect(computedNote({ computedAt: "2026-12-01T12:40:00.000Z", computedLive: true })).toBe("Figures computed just now.");
  });
});
