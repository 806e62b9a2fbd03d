import { describe, expect, it } from "vitest";

import { opportunities } from "@db/schema";
import * as oppPage from "~/routes/opportunities.$id";
import * as search from "~/routes/opportunities._index";
import * as manage from "~/routes/trust.opportunities.$id._index";
import * as edit from "~/routes/trust.opportunities.$id.edit";
import * as list from "~/routes/trust.opportunities._index";
import * as create from "~/routes/trust.opportunities.new";
import * as objectivesRoute from "~/routes/trust.objectives._index";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { opportunityFields } from "../helpers/opportunities";

const t = useTestDatabase();

async function leadOf(trustId: string) {
  const lead = await makeUser(t.db, { role: "trust_lead", trustId });
  return sessionCookieFor(t.db, lead.id);
}

describe("creating an opportunity", () => {
  it.each([
    [{ type: "qi_project" }, "objectiveId"],
    [{ seats: "51" }, "seats"],
    [{ applicationDeadline: "2027-04-01" }, "applicationDeadline"],
    [{ eligibleGrades: [] }, "eligibleGrades"],
    [{ type: "board_seat", sessionDate: [], sessionStart: [], sessionEnd: [], sessionLocation: [] }, "sessions"],
    [{ type: "chief_resident", tier: "1" }, "tier"],
  ])("refuses %j with 400, a message by %s and the values kept", async (overrides, field) => {
    const trust = await makeTrust(t.db);
    const cookie = await leadOf(trust.id);
    const res = await callRoute(t.db, create.action, formRequest("/trust/opportunities/new", opportunityFields(overrides as Record<string, string | string[]>), cookie));
    expect(res.status).toBe(400);
    const data = (await res.json()) as { fieldErrors: Record<string, string>; values: Record<string, unknown> };
    expect(data.fieldErrors[field]).toBeTruthy();
    expect(data.values.title).toBe("Shadow the Chief Medical Officer");
    expect(await t.db.select().from(opportunities)).toHaveLength(0);
  });

  it("saves a draft and goes to its preview", async () => {
    const trust = await makeTrust(t.db);
    const cookie = await leadOf(trust.id);
    const res = await callRoute(t.db, create.action, formRequest("/trust/opportunities/new", opportunityFields(), cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/trust\/opportunities\/[0-9a-f-]{36}\?done=created$/);
  });

  it("is for trust leads only", async () => {
    const trust = await makeTrust(t.db);
    const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
    const trainee = await makeTrainee(t.db);
    for (const user of [dme, trainee]) {
      const cookie = await sessionCookieFor(t.db, user.id);
      expect((await callRoute(t.db, create.action, formRequest("/trust/opportunities/new", opportunityFields(), cookie))).status).toBe(403);
      expect((await callRoute(t.db, list.loader, getRequest("/trust/opportunities", cookie))).status).toBe(403);
      expect((await callRoute(t.db, objectivesRoute.action, formRequest("/trust/objectives", { title: "X" }, cookie))).status).toBe(403);
    }
  });
});

describe("another trust's opportunity", () => {
  it("answers 404 to a lead who opens, edits or publishes it", async () => {
    const mine = await makeTrust(t.db);
    const theirs = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, theirs.id, {}, "draft");
    const cookie = await leadOf(mine.id);
    expect((await callRoute(t.db, manage.loader, getRequest(`/trust/opportunities/${id}`, cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, edit.loader, getRequest(`/trust/opportunities/${id}/edit`, cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, edit.action, formRequest(`/trust/opportunities/${id}/edit`, opportunityFields({ title: "Mine now" }), cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, manage.action, formRequest(`/trust/opportunities/${id}`, { intent: "publish" }, cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, oppPage.loader, getRequest(`/opportunities/${id}`, cookie), { id })).status).toBe(404);
  });

  it("answers 409 with the reason for a step the status does not allow", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, {}, "draft");
    const cookie = await leadOf(trust.id);
    const res = await callRoute(t.db, manage.action, formRequest(`/trust/opportunities/${id}`, { intent: "close" }, cookie), { id });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ message: "This opportunity is a draft, so it cannot be closed" });
  });
});

describe("public pages", () => {
  it("answers a search sent with empty fields with its short address", async () => {
    const res = await callRoute(t.db, search.loader, getRequest("/opportunities?q=board&type=&region=Midlands&ics=&trust=&tier=&sort=relevance"));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/opportunities?q=board&region=Midlands");
    const cleared = await callRoute(t.db, search.loader, getRequest("/opportunities?q=&type=&sort=relevance"));
    expect(cleared.headers.get("Location")).toBe("/opportunities");
    expect((await callRoute(t.db, search.loader, getRequest("/opportunities?q=board&region=Midlands"))).status).toBe(200);
  });

  it("impossible dates answer 500: a search from 2026-02-30 or to 2026-13-01 is refused by its field with 400", async () => {
    const trust = await makeTrust(t.db);
    await makeOpportunity(t.db, trust.id, { title: "Sit on the board" });
    const res = await callRoute(t.db, search.loader, getRequest("/opportunities?q=board&startFrom=2026-02-30&startTo=2026-13-01"));
    expect(res.status).toBe(400);
    const data = (await res.json()) as { total: number; failure: { fieldErrors: Record<string, string>; values: Record<string, string> } };
    expect(data.failure.fieldErrors).toEqual({
      startFrom: 'The "starting on or after" date must be a real date, like 2027-03-15',
      startTo: 'The "starting on or before" date must be a real date, like 2027-03-15',
    });
    expect(data.failure.values).toMatchObject({ q: "board", startFrom: "2026-02-30", startTo: "2026-13-01" });
    // The rest of the search still runs, without the dates.
    expect(data.total).toBe(1);
    // Sent from the form, with its empty fields: still refused, not redirected away.
    const fromForm = await callRoute(t.db, search.loader, getRequest("/opportunities?q=&type=&startFrom=2026-02-29&startTo="));
    expect(fromForm.status).toBe(400);
    const leap = await callRoute(t.db, search.loader, getRequest("/opportunities?startFrom=2028-02-29"));
    expect(leap.status).toBe(200);
  });

  it("lets a signed-out visitor search and read a published opportunity", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, { title: "Sit on the board" });
    const res = await callRoute(t.db, search.loader, getRequest("/opportunities?q=board"));
    expect(res.status).toBe(200);
    const data = (await res.json()) as { total: number; sections: unknown };
    expect(data.total).toBe(1);
    expect(data.sections).toBeNull();
    const page = await callRoute(t.db, oppPage.loader, getRequest(`/opportunities/${id}`), { id });
    expect(page.status).toBe(200);
    expect(((await page.json()) as { eligibility: { eligible: boolean } }).eligibility.eligible).toBe(false);
  });

  it("gives a trainee the rotation sections and an eligibility verdict", async () => {
    const trust = await makeTrust(t.db);
    const id = await makeOpportunity(t.db, trust.id, { eligibleGrades: ["ST3", "ST4", "ST5", "ST6", "ST7", "ST8"] });
    const trainee = await makeTrainee(t.db, { grade: "FY2" });
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const data = (await (await callRoute(t.db, search.loader, getRequest("/opportunities", cookie))).json()) as { sections: unknown; grade: string };
    expect(data.sections).not.toBeNull();
    expect(data.grade).toBe("FY2");
    const page = (await (await callRoute(t.db, oppPage.loader, getRequest(`/opportunities/${id}`, cookie), { id })).json()) as { eligibility: { reason: string } };
    expect(page.eligibility.reason).toBe("Open to ST3 and above; you are FY2.");
  });
});
