import { sql } from "drizzle-orm";
import type postgres from "postgres";
import { describe, expect, it } from "vitest";

import { preparingStatements, queryRows } from "@db/client";
import { countUnread, createNotifications, markNotificationsRead } from "~/models/notifications.server";
import { listTraineePlacements } from "~/models/homes.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeApplicationEvent, makePlacement, makeTrainee, makeTrust } from "../helpers/factories";

describe("statements sent to PostgreSQL", () => {
  it("asks postgres.js for a named (prepared) statement whatever drizzle passes", async () => {
    const calls: unknown[] = [];
    const fake = { unsafe: (...args: unknown[]) => calls.push(args), end: () => "ended" } as unknown as postgres.Sql;
    const wrapped = preparingStatements(fake);
    await wrapped.unsafe("select $1", [1], { prepare: false });
    await wrapped.unsafe("select 2");
    expect(calls).toEqual([
      ["select $1", [1], { prepare: true }],
      ["select 2", undefined, { prepare: true }],
    ]);
    expect((wrapped as unknown as { end(): string }).end()).toBe("ended");
  });

  it("sends a text search as an unnamed statement, planned for its words every time", async () => {
    const calls: unknown[] = [];
    const fake = { unsafe: (...args: unknown[]) => calls.push(args) } as unknown as postgres.Sql;
    const wrapped = preparingStatements(fake);
    const search = "select id from opportunities where search_vector @@ websearch_to_tsquery('english', $1)";
    await wrapped.unsafe(search, ["discharge"]);
    expect(calls).toEqual([[search, ["discharge"], { prepare: false }]]);
  });
});

describe("queries prepared once per database", () => {
  // One connection, so the statement PostgreSQL keeps is visible to the next query.
  const t = useTestDatabase({ poolSize: 1 });

  it("answer with the current data on every call, for each user", async () => {
    const a = await makeTrainee(t.db);
    const b = await makeTrainee(t.db);
    expect(await countUnread(t.db, a.id)).toBe(0);
    const e = await makeApplicationEvent(t.db, { traineeId: a.id });
    const about = { kind: "application_event" as const, applicationId: e.applicationId, eventId: e.eventId, actorId: null };
    await createNotifications(t.db, [
      { userId: a.id, ...about },
      { userId: a.id, ...about },
      { userId: b.id, ...about },
    ]);
    expect(await countUnread(t.db, a.id)).toBe(2);
    expect(await countUnread(t.db, b.id)).toBe(1);
    await markNotificationsRead(t.db, a.id);
    expect(await countUnread(t.db, a.id)).toBe(0);
    expect(await countUnread(t.db, b.id)).toBe(1);

    const trust = await makeTrust(t.db);
    expect(await listTraineePlacements(t.db, a.id)).toEqual([]);
    await makePlacement(t.db, { traineeId: a.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    expect((await listTraineePlacements(t.db, a.id)).map((p) => p.trustId)).toEqual([trust.id]);
  });

  it("are kept by PostgreSQL as named statements, whose plans PostgreSQL may keep", async () => {
    const trainee = await makeTrainee(t.db);
    await countUnread(t.db, trainee.id);
    const [kept] = await queryRows<{ n: number }>(
      t.db,
      sql`select count(*)::int as n from pg_prepared_statements where statement like '%"notifications"%'`,
    );
    const [mode] = await queryRows<{ mode: string }>(t.db, sql`select current_setting('plan_cache_mode') as mode`);
    if (usingPostgres) {
      expect(kept?.n).toBeGreaterThanOrEqual(1);
      // PostgreSQL's own choice: a generic plan after five executions when it costs no more
      // (planning was half the database's CPU on a trainee's pages); text search stays unnamed.
      expect(mode?.mode).toBe("auto");
    } else {
      // PGlite runs in this process: nothing to parse over a wire, so it keeps no statements.
      expect(kept?.n).toBe(0);
      expect(mode?.mode).toBe("auto");
    }
  });
});
