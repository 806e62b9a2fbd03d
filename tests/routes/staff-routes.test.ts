// The staff's pages for issue 12 through their loaders and actions: who may use them, another
// trust's rows answering 404, and bad input answering 4xx with a message, never a 500.
import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applications, nudges } from "@db/schema";
import * as approvals from "~/routes/dme.approvals";
import * as nothingYet from "~/routes/nothing-yet";
import * as trustHome from "~/routes/trust._index";
import { addDaysIso, todayInLondon } from "~/utils/dates";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const today = todayInLondon();
const statement = "I would like to learn how the executive team works.";
/** An opportunity open for applications today, whatever the date the tests run on. */
const openFields = (title: string) => ({
  title,
  applicationDeadline: addDaysIso(today, 10),
  startsOn: addDaysIso(today, 20),
  endsOn: addDaysIso(today, 40),
  sessionDate: [addDaysIso(today, 22), "", "", "", "", ""],
});

async function setting() {
  const trust = await makeTrust(t.db);
  const other = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const otherDme = await makeUser(t.db, { role: "dme", trustId: other.id });
  const admin = await makeUser(t.db, { role: "admin" });
  const placed = async (trustId: string, name: string) => {
    const trainee = await makeTrainee(t.db, { name });
    await makePlacement(t.db, { traineeId: trainee.id, trustId, grade: "FY2", startsOn: addDaysIso(today, -30), endsOn: addDaysIso(today, 90), source: "import" });
    return trainee;
  };
  const cookie = (id: string) => sessionCookieFor(t.db, id);
  return { trust, other, dme, lead, otherDme, admin, placed, cookie };
}

const post = (fn: typeof nothingYet.action | typeof approvals.action, path: string, fields: Record<string, string | string[]>, cookie: string) =>
  callRoute(t.db, fn, formRequest(path, fields, cookie));

describe("/nothing-yet", () => {
  it("is for the trust's DME and trust lead: a trainee and an administrator get 403", async () => {
    const s = await setting();
    const trainee = await s.placed(s.trust.id, "Dr Amy Able");
    for (const who of [trainee.id, s.admin.id]) {
      expect((await callRoute(t.db, nothingYet.loader, getRequest("/nothing-yet", await s.cookie(who)))).status).toBe(403);
      expect((await post(nothingYet.action, "/nothing-yet", { intent: "nudge-all" }, await s.cookie(who))).status).toBe(403);
    }
    for (const who of [s.dme.id, s.lead.id]) {
      const text = textOf(await renderRoute(t.db, "/nothing-yet", await s.cookie(who), { loader: nothingYet.loader, Component: nothingYet.default }));
      expect(text).toContain("Trainees at your trust with nothing yet this year");
      expect(text).toContain("Send a nudge to Dr Amy Able");
      expect(text).toContain("Send a nudge to the 1 trainee listed");
    }
  });

  it("nudges one of the trust's trainees, refuses a second within the month with 409, and says so on the page", async () => {
    const s = await setting();
    const trainee = await s.placed(s.trust.id, "Dr Amy Able");
    await s.placed(s.trust.id, "Dr Ben Bold");
    await makeOpportunity(t.db, s.trust.id, openFields("Shadow the Chief Nurse"));
    const cookie = await s.cookie(s.dme.id);
    const sent = await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: trainee.id }, cookie);
    expect(sent.status).toBe(302);
    expect(sent.headers.get("Location")).toBe(`/nothing-yet?nudged=1&trainee=${trainee.id}`);
    const after = textOf(await renderRoute(t.db, sent.headers.get("Location")!, cookie, { loader: nothingYet.loader, Component: nothingYet.default }));
    expect(after).toContain("Nudge sent to Dr Amy Able");
    expect(after).toContain("Can be nudged again from");
    expect(after).toContain("Send a nudge to all 2 trainees");
    expect(after).toContain("1 of them was nudged in the last month");

    const again = await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: trainee.id }, await s.cookie(s.lead.id));
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toMatch(/^Dr Amy Able was nudged in the last month, so cannot be nudged again until \d+ \w+ \d{4}$/);
    expect((await t.db.select({ n: count() }).from(nudges))[0]!.n).toBe(1);
  });

  it("sends to all and reports those nudged in the last month as not nudged again", async () => {
    const s = await setting();
    const a = await s.placed(s.trust.id, "Dr A");
    await s.placed(s.trust.id, "Dr B");
    await s.placed(s.trust.id, "Dr C");
    const cookie = await s.cookie(s.lead.id);
    await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: a.id }, cookie);
    const all = await post(nothingYet.action, "/nothing-yet", { intent: "nudge-all" }, cookie);
    expect(all.headers.get("Location")).toBe("/nothing-yet?nudged=2&recent=1");
    const text = textOf(await renderRoute(t.db, all.headers.get("Location")!, cookie, { loader: nothingYet.loader, Component: nothingYet.default }));
    expect(text).toContain("2 trainees nudged; 1 trainee was nudged in the last month, so was not nudged again");
    expect(text).toContain("Every trainee listed was nudged in the last month.");
  });

  it("answers 404 for another trust's trainee or an unknown one, and 400 for no trainee or no intent", async () => {
    const s = await setting();
    const theirs = await s.placed(s.other.id, "Dr Elsewhere");
    const cookie = await s.cookie(s.dme.id);
    expect((await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: theirs.id }, cookie)).status).toBe(404);
    expect((await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: "no-such-trainee" }, cookie)).status).toBe(404);
    expect((await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: "" }, cookie)).status).toBe(400);
    expect((await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: "x".repeat(5000) }, cookie)).status).toBe(400);
    expect((await post(nothingYet.action, "/nothing-yet", {}, cookie)).status).toBe(400);
    expect((await t.db.select({ n: count() }).from(nudges))[0]!.n).toBe(0);
    // The other trust's own DME can nudge them.
    expect((await post(nothingYet.action, "/nothing-yet", { intent: "nudge-one", traineeId: theirs.id }, await s.cookie(s.otherDme.id))).status).toBe(302);
  });

  it("takes any page number in the address without an error, and sends a page past the end to the last", async () => {
    const s = await setting();
    await s.placed(s.trust.id, "Dr Only");
    const cookie = await s.cookie(s.dme.id);
    for (const odd of ["abc", "-1", "1.5", "99999999999"]) expect((await callRoute(t.db, nothingYet.loader, getRequest(`/nothing-yet?page=${odd}`, cookie))).status).toBe(200);
    const past = await callRoute(t.db, nothingYet.loader, getRequest("/nothing-yet?page=3", cookie));
    expect(past.status).toBe(302);
    expect(past.headers.get("Location")).toBe("/nothing-yet");
  });
});

describe("/dme/approvals bulk approval", () => {
  async function offers() {
    const s = await setting();
    const opp = await makeOpportunity(t.db, s.trust.id, { ...openFields("Board seat"), seats: "5" });
    const theirs = await makeOpportunity(t.db, s.other.id, openFields("Their seat"));
    const offer = async (opportunityId: string, name: string) => {
      const trainee = await s.placed(s.trust.id, name);
      const [row] = await t.db.insert(applications).values({ opportunityId, traineeId: trainee.id, statement, status: "offered" }).returning({ id: applications.id });
      return row!.id;
    };
    return { s, a: await offer(opp, "Dr Ann"), b: await offer(opp, "Dr Ben"), theirs: await offer(theirs, "Dr Theirs") };
  }

  it("approves the selected offers and shows what was approved and what was not found", async () => {
    const { s, a, b, theirs } = await offers();
    const res = await post(approvals.action, "/dme/approvals", { applicationIds: [a, b, theirs, "nonsense"] }, await s.cookie(s.dme.id));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { summary: { approved: { name: string }[]; notFound: number } };
    expect(body.summary.approved.map((x) => x.name).sort()).toEqual(["Dr Ann", "Dr Ben"]);
    expect(body.summary.notFound).toBe(2);
    const theirStatus = await t.db.select({ s: applications.status }).from(applications).where(eq(applications.id, theirs));
    expect(theirStatus[0]!.s).toBe("offered");
  });

  it("answers an empty selection, or more than 100, with 400 and a message by the checkboxes", async () => {
    const { s, a } = await offers();
    const cookie = await s.cookie(s.dme.id);
    const empty = await post(approvals.action, "/dme/approvals", {}, cookie);
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ failure: { fieldErrors: { applicationIds: "Select at least one placement to approve" } } });
    const many = await post(approvals.action, "/dme/approvals", { applicationIds: [a, ...Array.from({ length: 100 }, (_, i) => `id-${i}`)] }, cookie);
    expect(many.status).toBe(400);
    expect(await many.json()).toMatchObject({ failure: { fieldErrors: { applicationIds: "Select at most 100 placements at a time" } } });
    const still = await t.db.select({ s: applications.status }).from(applications).where(eq(applications.id, a));
    expect(still[0]!.s).toBe("offered");
  });

  it("is the DME's: a trust lead gets 403", async () => {
    const { s, a } = await offers();
    expect((await post(approvals.action, "/dme/approvals", { applicationIds: [a] }, await s.cookie(s.lead.id))).status).toBe(403);
  });

  it("shows a checkbox per offer with its placement warning beside it", async () => {
    const { s } = await offers();
    const html = await renderRoute(t.db, "/dme/approvals", await s.cookie(s.dme.id), { loader: approvals.loader, Component: approvals.default });
    expect(html.match(/type="checkbox"/g)).toHaveLength(2);
    expect(textOf(html)).toContain("Approve selected placements");
  });
});

describe("the trust lead's to-do list", () => {
  it("lists what is waiting with links to where it is done", async () => {
    const s = await setting();
    const opp = await makeOpportunity(t.db, s.trust.id, openFields("Shadow the CMO"));
    const trainee = await s.placed(s.trust.id, "Dr Waiting");
    await t.db.insert(applications).values({ opportunityId: opp, traineeId: trainee.id, statement });
    const html = await renderRoute(t.db, "/trust", await s.cookie(s.lead.id), { loader: trustHome.loader, Component: trustHome.default });
    expect(textOf(html)).toContain("Your to-do list");
    expect(textOf(html)).toContain("1 application waiting for a decision");
    expect(html).toContain(`href="/trust/opportunities/${opp}/applicants"`);
    expect(html).toContain('href="/nothing-yet"');
  });
});
