// A slow database: a page whose query waits past the statement timeout (here on a lock the
// test holds) answers the friendly 503 at once instead of hanging, its statement is cancelled
// on the server, and the service answers normally afterwards; a report may run for the long
// limit. The page limit is lowered to 1 s for the test (DATABASE_STATEMENT_TIMEOUT_MS); the
// defaults (5 s / 60 s) are pinned by tests/unit/unavailable.test.ts.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { get, openPrivate, post, sessionCookieOf, startProductionServer, startUpJobsDone, waitFor } from "../helpers/faults";
import { makeOpportunity, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";

const PAGE_LIMIT_MS = 1_000;

let pg: PrivatePostgres;
let server: Awaited<ReturnType<typeof startProductionServer>>;
let locker: postgres.Sql;
let leadEmail = "";

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const database = await openPrivate(pg);
  try {
    const trust = await makeTrust(database.db);
    const lead = await makeUser(database.db, { role: "trust_lead", trustId: trust.id });
    leadEmail = lead.email;
    await makeOpportunity(database.db, trust.id, { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] });
  } finally {
    await database.close();
  }
  server = await startProductionServer(pg, { DATABASE_STATEMENT_TIMEOUT_MS: String(PAGE_LIMIT_MS), DATABASE_LONG_STATEMENT_TIMEOUT_MS: "60000", OUTBOX_WORKER: "off" });
  locker = postgres(pg.url, { max: 2, onnotice: () => {} });
  // The reports' refresh at start-up may wait for the long limit: let it finish first.
  await startUpJobsDone(pg);
});

afterAll(async () => {
  await locker?.end({ timeout: 1 });
  await server?.dispose();
  await pg?.dispose();
});

/** Holds an ACCESS EXCLUSIVE lock on the table until `release` is called. */
async function holdLock(table: string): Promise<{ release(): void; done: Promise<unknown> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const done = locker.begin(async (tx) => {
    await tx.unsafe(`lock table ${table} in access exclusive mode`);
    locked();
    await released;
  });
  await Promise.race([isLocked, done]);
  return { release, done };
}

/** The app's statements now waiting on a lock, and for how long (ms). */
async function waitingOnLocks(): Promise<number[]> {
  const rows = await locker<{ waited: number }[]>`
    select extract(epoch from clock_timestamp() - query_start) * 1000 as waited from pg_stat_activity
    where datname = 'invitational' and wait_event_type = 'Lock' and pid <> pg_backend_pid()`;
  return rows.map((r) => Number(r.waited));
}

describe("a query held up past the statement timeout", () => {
  it("answers the search page with the friendly 503, cancels the statement, and the page works again once the lock goes", async () => {
    const lock = await holdLock("opportunities");
    let res: Response;
    try {
      res = await get(server.url, "/opportunities");
      // Its statements are cancelled by the server (each at its own limit), not left waiting
      // behind the lock: this wait ends while the lock is still held.
      await waitFor(async () => (await waitingOnLocks()).length === 0);
    } finally {
      lock.release();
      await lock.done;
    }
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    const html = await res.text();
    expect(html).toContain("<h1>Sorry, this is taking longer than it should</h1>");
    expect(html).toContain("Try again in a minute.");
    expect(html).toContain('class="nhsuk-header"');
    expect(html).not.toMatch(/at .*\.js:\d+|canceling statement|57014/);

    const again = await get(server.url, "/opportunities");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Shadow the Chief Medical Officer");
    expect((await get(server.url, "/healthz")).status).toBe(200);
    expect(server.output()).toMatch(/Request answered 503: requestId=[0-9a-f-]{36} method=GET reason=statement_timeout/);
  });

  it("answers a client-side navigation's data request with the 503 Remix's client shows in the root boundary: the title as status text, the advice as data", async () => {
    const lock = await holdLock("opportunities");
    let res: Response;
    try {
      res = await get(server.url, "/opportunities?_data=routes%2Fopportunities._index");
    } finally {
      lock.release();
      await lock.done;
    }
    expect(res.status).toBe(503);
    expect(res.headers.get("x-remix-catch")).toBe("yes");
    expect(res.statusText).toBe("Sorry, this is taking longer than it should");
    expect(await res.json()).toBe("Try again in a minute. If you were saving a change, check whether it was saved before you make it again.");
  });

  it("lets a report's queries wait past the page limit, for the long limit of reports and imports", async () => {
    const signIn = await post(server.url, "/sign-in", { email: leadEmail, password: TEST_PASSWORD });
    const cookie = sessionCookieOf(signIn);
    expect(cookie).not.toBeNull();
    const lock = await holdLock("application_events");
    let report: Promise<Response>;
    try {
      report = get(server.url, "/reports", cookie!);
      // Released only once a report query has waited well past the page limit.
      await waitFor(async () => (await waitingOnLocks()).some((ms) => ms > PAGE_LIMIT_MS * 2));
    } finally {
      lock.release();
      await lock.done;
    }
    const res = await report!;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Measures of progress");
  });
});
