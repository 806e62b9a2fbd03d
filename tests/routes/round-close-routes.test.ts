// "Close and allocate now", the allocation's audit page and "Download the round": who may,
// the statuses, and the download's exact format.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { addRoundChoice, createRound } from "@db/seed/rounds";
import { allocationRounds, applications } from "@db/schema";
import { allocate, resultJson } from "~/models/allocation";
import * as allocationPage from "~/routes/rounds.$id.allocation";
import * as closeRoute from "~/routes/rounds.$id.close";
import * as download from "~/routes/rounds.$id.download[.]json";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const DAY = 24 * 60 * 60 * 1000;
const MISSING = "00000000-0000-4000-8000-000000000000";

async function scene() {
  const trust = await makeTrust(t.db);
  const elsewhere = await makeTrust(t.db);
  const admin = await makeUser(t.db, { role: "admin" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const otherLead = await makeUser(t.db, { role: "trust_lead", trustId: elsewhere.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const trainees = [await makeTrainee(t.db), await makeTrainee(t.db), await makeTrainee(t.db)];
  // Dated far ahead, so the opportunities are running whatever day the suite runs.
  const dates = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };
  const opp = await makeOpportunity(t.db, trust.id, { ...dates, seats: "1" });
  const second = await makeOpportunity(t.db, trust.id, { ...dates, seats: "1" });
  const now = Date.now();
  const roundId = await createRound(t.db, { name: "Spring leadership round", trustId: trust.id, opensAt: new Date(now - 7 * DAY), closesAt: new Date(now + 7 * DAY), opportunityIds: [opp, second] });
  for (const x of trainees) {
    await addRoundChoice(t.db, { roundId, traineeId: x.id, opportunityId: opp, rank: 1 });
    await addRoundChoice(t.db, { roundId, traineeId: x.id, opportunityId: second, rank: 2 });
  }
  const cookie = async (id: string) => sessionCookieFor(t.db, id);
  return {
    trust,
    roundId,
    admin,
    cookies: { admin: await cookie(admin.id), lead: await cookie(lead.id), otherLead: await cookie(otherLead.id), dme: await cookie(dme.id), trainee: await cookie(trainees[0]!.id) },
  };
}

const close = (roundId: string, cookie: string) => callRoute(t.db, closeRoute.action, formRequest(`/rounds/${roundId}/close`, {}, cookie), { id: roundId });
const page = (roundId: string, cookie: string) => callRoute(t.db, allocationPage.loader, getRequest(`/rounds/${roundId}/allocation`, cookie), { id: roundId });
const fetchDownload = (roundId: string, cookie: string) => callRoute(t.db, download.loader, getRequest(`/rounds/${roundId}/download.json`, cookie), { id: roundId });

describe("Close and allocate now", () => {
  it("lets an admin close the round early and leads to its allocation with a confirmation", async () => {
    const s = await scene();
    const res = await close(s.roundId, s.cookies.admin);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/rounds/${s.roundId}/allocation?closed=1`);
    const [row] = await t.db.select({ status: allocationRounds.status, allocatedBy: allocationRounds.allocatedBy }).from(allocationRounds).where(eq(allocationRounds.id, s.roundId));
    expect(row).toEqual({ status: "allocated", allocatedBy: s.admin.id });
    const html = await renderRoute(t.db, `/rounds/${s.roundId}/allocation?closed=1`, s.cookies.admin, { loader: allocationPage.loader, Component: allocationPage.default }, { id: s.roundId });
    expect(textOf(html)).toContain("The round is closed and allocated.");
  });

  it("answers 403 to anyone but an admin, and changes nothing", async () => {
    const s = await scene();
    for (const cookie of [s.cookies.lead, s.cookies.dme, s.cookies.trainee]) expect((await close(s.roundId, cookie)).status).toBe(403);
    const [row] = await t.db.select({ status: allocationRounds.status }).from(allocationRounds).where(eq(allocationRounds.id, s.roundId));
    expect(row!.status).toBe("open");
    expect(await t.db.select().from(applications)).toHaveLength(0);
  });

  it("answers 404 for a round that does not exist or an id that is not one", async () => {
    const s = await scene();
    expect((await close(MISSING, s.cookies.admin)).status).toBe(404);
    expect((await close("not-a-round", s.cookies.admin)).status).toBe(404);
  });

  it("answers 409 with a message when the round is already allocated or was cancelled", async () => {
    const s = await scene();
    await close(s.roundId, s.cookies.admin);
    const again = await close(s.roundId, s.cookies.admin);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ message: "This round has already been closed and allocated." });
    const other = await createRound(t.db, { name: "Cancelled round", trustId: s.trust.id, opensAt: new Date(Date.now() - DAY), closesAt: new Date(Date.now() + DAY), opportunityIds: [] });
    await t.db.update(allocationRounds).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(allocationRounds.id, other));
    const cancelled = await close(other, s.cookies.admin);
    expect(cancelled.status).toBe(409);
    expect(await cancelled.json()).toEqual({ message: "This round was cancelled, so it cannot be allocated." });
  });
});

describe("a refused 'Close and allocate now' showed no reason: the page after the refusal sent the admin back to the round's page", () => {
  // A page rendered after its action runs the route's loader too; the loader redirected, so the
  // 409's message never reached the admin (found by the accessibility walk, which could not reach the page).
  it("says why on the page that answers the press, and sends only a round that can be closed to its own page", async () => {
    const s = await scene();
    const refusalPage = (roundId: string) => renderRoute(t.db, `/rounds/${roundId}/close`, s.cookies.admin, { loader: closeRoute.loader, Component: closeRoute.default }, { id: roundId });
    const loader = (roundId: string) => callRoute(t.db, closeRoute.loader, getRequest(`/rounds/${roundId}/close`, s.cookies.admin), { id: roundId });

    const open = await loader(s.roundId);
    expect(open.status).toBe(302);
    expect(open.headers.get("Location")).toBe(`/rounds/${s.roundId}`);

    await close(s.roundId, s.cookies.admin);
    expect((await close(s.roundId, s.cookies.admin)).status).toBe(409);
    expect((await loader(s.roundId)).status).toBe(200);
    expect(textOf(await refusalPage(s.roundId))).toContain("The round could not be closed");
    expect(textOf(await refusalPage(s.roundId))).toContain("This round has already been closed and allocated.");

    const upcoming = await createRound(t.db, { name: "Summer round", trustId: s.trust.id, opensAt: new Date(Date.now() + DAY), closesAt: new Date(Date.now() + 9 * DAY), opportunityIds: [] });
    expect((await close(upcoming, s.cookies.admin)).status).toBe(409);
    expect(textOf(await refusalPage(upcoming))).toContain("This round has not opened for choices yet, so there is nothing to allocate.");

    expect((await loader(MISSING)).status).toBe(404);
    expect((await callRoute(t.db, closeRoute.loader, getRequest(`/rounds/${s.roundId}/close`, s.cookies.lead), { id: s.roundId })).status).toBe(403);
  });
});

describe("the allocation page and its download", () => {
  it("shows the seed, the counts and the comparison to an admin and the round's trust lead", async () => {
    const s = await scene();
    await close(s.roundId, s.cookies.admin);
    const [row] = await t.db.select({ seed: allocationRounds.seed }).from(allocationRounds).where(eq(allocationRounds.id, s.roundId));
    for (const cookie of [s.cookies.admin, s.cookies.lead]) {
      const text = textOf(await renderRoute(t.db, `/rounds/${s.roundId}/allocation`, cookie, { loader: allocationPage.loader, Component: allocationPage.default }, { id: s.roundId }));
      expect(text).toContain(row!.seed!);
      expect(text).toContain("Trainees with choices 3, 3 first-timers among them");
      // Each cell carries its column's name for a phone.
      expect(text).toContain("First-timers placed Trainees 2 of 3");
      expect(text).toContain("Placed on their 1st choice Trainees 1");
      expect(text).toContain("Not placed (on the waiting lists of their choices) Trainees 1");
      expect(text).toMatch(/First come, first served \(by when each choice was saved\) First-timers placed \d+ Trainees placed \d+/);
      expect(text).toContain("Deferred acceptance, first-timers first");
      expect(text).toContain("The most trainees any allocation of these choices could place: 2.");
      expect(text).toContain("Download the round");
    }
  });

  it("answers 404 to another trust's lead and for a round not allocated yet, 403 to other roles", async () => {
    const s = await scene();
    expect((await page(s.roundId, s.cookies.admin)).status).toBe(404);
    expect((await fetchDownload(s.roundId, s.cookies.admin)).status).toBe(404);
    await close(s.roundId, s.cookies.admin);
    expect((await page(s.roundId, s.cookies.otherLead)).status).toBe(404);
    expect((await fetchDownload(s.roundId, s.cookies.otherLead)).status).toBe(404);
    expect((await page(MISSING, s.cookies.admin)).status).toBe(404);
    for (const cookie of [s.cookies.dme, s.cookies.trainee]) {
      expect((await page(s.roundId, cookie)).status).toBe(403);
      expect((await fetchDownload(s.roundId, cookie)).status).toBe(403);
    }
  });

  it("downloads the input and the result in the issue's format, and the input reproduces the result byte for byte", async () => {
    const s = await scene();
    await close(s.roundId, s.cookies.admin);
    for (const cookie of [s.cookies.admin, s.cookies.lead]) {
      const res = await fetchDownload(s.roundId, cookie);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
      expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="round-${s.roundId}.json"`);
      const body = await res.text();
      const parsed = JSON.parse(body) as { input: Parameters<typeof allocate>[0]; result: ReturnType<typeof allocate> };
      expect(Object.keys(parsed)).toEqual(["input", "result"]);
      expect(Object.keys(parsed.input)).toEqual(["seed", "opportunities", "trainees"]);
      expect(Object.keys(parsed.input.trainees[0]!)).toEqual(["id", "placedBefore", "ranking"]);
      expect(Object.keys(parsed.result)).toEqual(["seed", "placements", "unplaced", "summary"]);
      expect(Object.keys(parsed.result.placements[0]!)).toEqual(["traineeId", "opportunityId", "rank"]);
      expect(Object.keys(parsed.result.summary)).toEqual(["firstTimersPlaced", "placed", "rankSum"]);
      expect(parsed.input.opportunities.map((o) => o.seats)).toEqual([1, 1]);
      // What scripts/allocate.ts prints for the input is exactly the result's bytes in the file.
      expect(body).toContain(`"result":${resultJson(allocate(parsed.input))}}`);
    }
  });
});
