// What the pages the bench measures cost in queries (npm run bench): the signed-in trainee's
// pages and the session check run on every request, so a query more is CPU on every request.
import { describe, expect, it } from "vitest";

import { setDatabase } from "../../db/client";
import * as root from "~/root";
import * as search from "~/routes/opportunities._index";
import * as home from "~/routes/trainee._index";

import { useTestDatabase } from "../helpers/db";
import { contextFor, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeNotifications, makeOpportunity, makePlacement, makeTrainee, makeTrust } from "../helpers/factories";
import { countingQueries } from "../helpers/query-count";

const t = useTestDatabase();

/** A trainee placed at one trust now and another next, with open opportunities at both and two unread notifications. */
async function traineeScene() {
  const here = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
  const next = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
  const trainee = await makeTrainee(t.db, { grade: "FY2" });
  const today = new Date().toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  await makePlacement(t.db, { traineeId: trainee.id, trustId: here.id, grade: "FY2", startsOn: `${year - 1}-08-05`, endsOn: `${year + 1}-02-02` });
  await makePlacement(t.db, { traineeId: trainee.id, trustId: next.id, grade: "FY2", startsOn: `${year + 1}-02-03`, endsOn: `${year + 1}-08-03` });
  for (const trust of [here, next]) await makeOpportunity(t.db, trust.id, { title: `At ${trust.name}` });
  await makeNotifications(t.db, trainee.id, ["first", "second", "read"], { read: ["read"] });
  return { trainee, cookie: await sessionCookieFor(t.db, trainee.id) };
}

/** Runs the request as server.ts does (session, then root's loader and the route's) on a database that counts its queries. */
async function countedRequest(request: Request, loader: (args: never) => Promise<Response>) {
  const counting = countingQueries(t.db, t.database.driver);
  setDatabase({ ...t.database, db: counting.db });
  try {
    const context = await contextFor(counting.db, request);
    const rootData = (await (await root.loader({ request, context, params: {} } as never)).json()) as { user: { unread: number } | null };
    const page = await loader({ request, context, params: {} } as never);
    expect(page.status).toBe(200);
    // The trusts for the filter menus are read once a minute per database handle, so once here: not counted.
    return { queries: counting.queries.filter((q) => !q.startsWith('select "ods_code", "name", "region"')), rootData };
  } finally {
    setDatabase(t.database);
  }
}

describe("queries per page", () => {
  it("a signed-in trainee's /opportunities is five queries: the session with its user and unread count, the grade, the results with their count, the placements and the rotation sections", async () => {
    const { cookie } = await traineeScene();
    const { queries, rootData } = await countedRequest(getRequest("/opportunities", cookie), search.loader as never);
    expect(rootData.user?.unread).toBe(2);
    expect(queries).toHaveLength(5);
    // The header's count is read with the session, not by a query of its own.
    expect(queries.filter((q) => q.includes('from "notifications"'))).toHaveLength(1);
    expect(queries[0]).toContain('from "sessions"');
  });

  it("the trainee's home reads their placements once, for its placement cards and its rotation sections alike, and its reflection links come with the applications", async () => {
    const { cookie } = await traineeScene();
    const { queries } = await countedRequest(getRequest("/trainee", cookie), home.loader as never);
    expect(queries.filter((q) => /^select .* from "placements" inner join "trusts"/.test(q))).toHaveLength(1);
    expect(queries.filter((q) => /from "reflections"/.test(q))).toHaveLength(0);
    expect(queries).toHaveLength(8);
  });

  it("a search with text is one query for its results and their count", async () => {
    await traineeScene();
    const { queries } = await countedRequest(getRequest("/opportunities?q=leadership&seatsLeft=yes"), search.loader as never);
    expect(queries).toHaveLength(1);
  });
});

describe("the header's unread count", () => {
  it("is counted again after an action, which may have just marked notifications read, instead of the one read with the session", async () => {
    const { trainee, cookie } = await traineeScene();
    const request = formRequest("/notifications", { intent: "read-all" }, cookie);
    const context = await contextFor(t.db, request);
    expect(context.unreadNotifications).toBe(2);
    await makeNotifications(t.db, trainee.id, ["third"]);
    const data = (await (await root.loader({ request, context, params: {} } as never)).json()) as { user: { unread: number } };
    expect(data.user.unread).toBe(3);
  });
});
