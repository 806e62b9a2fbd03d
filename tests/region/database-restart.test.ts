// PostgreSQL restarted under load: a few trainees keep signing in, applying, withdrawing and
// reading pages against a production server while its database is stopped (fast shutdown)
// and started again. During the outage pages answer the 503 page and /healthz 503; afterwards
// the same app process answers everything again, every write it answered with success is in
// the database and nothing is half-written. One line of counts is printed.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { get, openPrivate, post, sessionCookieOf, startProductionServer, startUpJobsDone, waitFor } from "../helpers/faults";
import { makeOpportunity, makeTrainee, makeTrust, TEST_PASSWORD } from "../helpers/factories";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";

const CLIENTS = 4;
const TRAINEES_PER_CLIENT = 2;
const OPPORTUNITIES = 12;
const STATEMENT = "I would like to see how the board weighs patient safety against flow and money.";

let pg: PrivatePostgres;
let server: Awaited<ReturnType<typeof startProductionServer>>;
let trainees: { id: string; email: string }[] = [];
let opportunityIds: string[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const database = await openPrivate(pg);
  try {
    const trust = await makeTrust(database.db);
    for (let i = 0; i < OPPORTUNITIES; i++) {
      opportunityIds.push(
        await makeOpportunity(database.db, trust.id, {
          title: `Shadow the board, week ${i + 1}`,
          seats: "50",
          startsOn: "2099-03-01",
          endsOn: "2099-03-31",
          applicationDeadline: "2099-02-15",
          sessionDate: ["2099-03-03"],
        }),
      );
    }
    for (let i = 0; i < CLIENTS * TRAINEES_PER_CLIENT; i++) {
      const t = await makeTrainee(database.db);
      trainees.push({ id: t.id, email: t.email });
    }
  } finally {
    await database.close();
  }
  server = await startProductionServer(pg, { OUTBOX_WORKER: "off", DATABASE_POOL_SIZE: "6" });
  await startUpJobsDone(pg);
});

afterAll(async () => {
  await server?.dispose();
  await pg?.dispose();
});

type Phase = "before" | "outage" | "after";
type Kind = "sign-in" | "apply" | "withdraw" | "read";

interface Outcome {
  phase: Phase;
  kind: Kind;
  status: number;
  ok: boolean;
}

describe("PostgreSQL restarted while trainees sign in, apply, withdraw and read", () => {
  it("answers 503 during the outage, recovers without restarting the app, and loses and half-writes nothing", async ({ onTestFailed }) => {
    // A failure is easier to read with what the server said.
    onTestFailed(() => console.log(server.output().slice(-6000)));
    let phase: Phase = "before";
    let stopping = false;
    const outcomes: Outcome[] = [];
    const signedIn: string[] = [];
    const applied: string[] = [];
    const withdrawn: string[] = [];
    const unexpected: string[] = [];

    const record = (kind: Kind, res: Response, ok: boolean, at: Phase) => {
      outcomes.push({ phase: at, kind, status: res.status, ok });
      // A refusal is the 503 page (or a 409 for an application already made by a request
      // whose answer was lost in the restart); anything else is a defect.
      if (!ok && res.status !== 503 && res.status !== 409) unexpected.push(`${kind} answered ${res.status} (${at})`);
    };

    // One client at a time per trainee pair, one request in flight: a bounded load.
    const client = async (own: { id: string; email: string }[]) => {
      const state = own.map((t) => ({ ...t, cookie: null as string | null, toApply: [...opportunityIds], open: [] as string[] }));
      let step = 0;
      while (!stopping) {
        step += 1;
        const at = phase;
        const me = state[step % state.length]!;
        try {
          if (!me.cookie || step % 11 === 0) {
            const res = await post(server.url, "/sign-in", { email: me.email, password: TEST_PASSWORD });
            const got = sessionCookieOf(res);
            record("sign-in", res, Boolean(got), at);
            if (got) {
              me.cookie = got;
              signedIn.push(got.slice(got.indexOf("=") + 1));
            }
            continue;
          }
          const turn = step % 4;
          if (turn === 0 && me.open.length) {
            const applicationId = me.open.shift()!;
            const res = await post(server.url, `/applications/${applicationId}`, { intent: "withdraw", reason: "" }, me.cookie);
            const ok = res.status === 302 && (res.headers.get("location") ?? "").includes("done=withdraw");
            record("withdraw", res, ok, at);
            if (ok) withdrawn.push(applicationId);
            else if (res.status === 503) me.open.push(applicationId);
            continue;
          }
          if (turn === 1 || !me.toApply.length) {
            const path = [`/trainee`, `/opportunities?q=board`, me.open[0] ? `/applications/${me.open[0]}` : `/opportunities`][step % 3]!;
            const res = await get(server.url, path, me.cookie);
            const body = await res.text();
            if (res.status === 503 && !body.includes("Sorry, the service is unavailable")) unexpected.push(`a 503 read without the page (${at})`);
            record("read", res, res.status === 200, at);
            continue;
          }
          const opportunityId = me.toApply.shift()!;
          const res = await post(server.url, `/opportunities/${opportunityId}`, { statement: STATEMENT }, me.cookie);
          const id = /^\/applications\/([0-9a-f-]{36})\?applied=1$/.exec(res.headers.get("location") ?? "")?.[1];
          record("apply", res, Boolean(id), at);
          if (id) {
            applied.push(id);
            me.open.push(id);
          }
        } catch (error) {
          unexpected.push(`request failed: ${(error as Error).message} (${at})`);
        }
      }
    };

    const succeeded = (at: Phase) => outcomes.filter((o) => o.phase === at && o.ok).length;
    const load = Array.from({ length: CLIENTS }, (_, i) => client(trainees.slice(i * TRAINEES_PER_CLIENT, (i + 1) * TRAINEES_PER_CLIENT)));

    await waitFor(async () => succeeded("before") >= 20);
    phase = "outage";
    await pg.stop();
    // While the database is down: the page, its status and Retry-After, and the health check.
    const page = await get(server.url, "/opportunities");
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("60");
    const html = await page.text();
    expect(html).toContain("<h1>Sorry, the service is unavailable</h1><p>Try again in a minute.</p>");
    expect(html).toContain('class="nhsuk-header"');
    expect((await get(server.url, "/healthz")).status).toBe(503);
    await waitFor(async () => outcomes.filter((o) => o.phase === "outage" && o.status === 503).length >= 10);
    await pg.start();
    phase = "after";
    // postgres.js connects again by itself: the same process answers, no restart.
    await waitFor(async () => (await get(server.url, "/healthz")).status === 200);
    await waitFor(async () => succeeded("after") >= 20);
    stopping = true;
    await Promise.all(load);

    expect(unexpected).toEqual([]);
    expect(server.output().match(/Invitational is serving on/g)).toHaveLength(1);
    for (const kind of ["sign-in", "apply", "read"] as const) {
      expect([kind, outcomes.some((o) => o.phase === "after" && o.kind === kind && o.ok)]).toEqual([kind, true]);
    }

    // Every write answered with success is in the database, whole.
    const check = postgres(pg.url, { max: 1, onnotice: () => {} });
    try {
      const sessionIds = new Set((await check<{ id: string }[]>`select id from sessions`).map((r) => r.id));
      const rows = await check<{ id: string; status: string; last: string | null; events: number; applied_events: number }[]>`
        select a.id, a.status::text as status, count(e.id)::int as events,
          count(e.id) filter (where e.to_status = 'submitted')::int as applied_events,
          (select e2.to_status::text from application_events e2 where e2.application_id = a.id order by e2.created_at desc, e2.id desc limit 1) as last
        from applications a left join application_events e on e.application_id = a.id
        group by a.id`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      const lost = [
        ...signedIn.filter((s) => !sessionIds.has(s)).map((s) => `session ${s.slice(0, 6)}…`),
        ...applied.filter((id) => byId.get(id)?.applied_events !== 1).map((id) => `application ${id}`),
        ...withdrawn.filter((id) => byId.get(id)?.status !== "withdrawn").map((id) => `withdrawal of ${id}`),
      ];
      // Half-written: an application without its history, or whose status is not its last event's.
      const halfWritten = rows.filter((r) => r.events === 0 || r.last !== r.status).map((r) => r.id);
      const sent = outcomes.length;
      const ok = outcomes.filter((o) => o.ok).length;
      const refused = outcomes.filter((o) => o.phase === "outage" && !o.ok).length;
      console.log(`database restart: sent ${sent}, succeeded ${ok}, refused during the outage ${refused}, lost ${lost.length}, half-written ${halfWritten.length}`);
      expect(lost).toEqual([]);
      expect(halfWritten).toEqual([]);
      expect(refused).toBeGreaterThanOrEqual(10);
    } finally {
      await check.end({ timeout: 1 });
    }
  });
});
