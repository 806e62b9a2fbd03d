import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications } from "@db/schema";
import * as applicationPage from "~/routes/applications.$id";
import * as approvals from "~/routes/dme.approvals";
import * as oppPage from "~/routes/opportunities.$id";
import * as applicants from "~/routes/trust.opportunities.$id.applicants";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
const statement = "I would like to understand how the board weighs safety against flow and money.";

async function scene() {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const trainee = await makeTrainee(t.db);
  // Dated far enough ahead that the deadline is open whatever day the suite runs.
  const opportunityId = await makeOpportunity(t.db, trust.id, { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] });
  const cookies = {
    lead: await sessionCookieFor(t.db, lead.id),
    dme: await sessionCookieFor(t.db, dme.id),
    trainee: await sessionCookieFor(t.db, trainee.id),
  };
  return { trust, lead, dme, trainee, opportunityId, cookies };
}

async function apply(opportunityId: string, cookie: string, fields: Record<string, string> = { statement }) {
  return callRoute(t.db, oppPage.action, formRequest(`/opportunities/${opportunityId}`, fields, cookie), { id: opportunityId });
}

describe("applying through the opportunity page", () => {
  it("refuses a short statement with 400, the message by the field and the text kept", async () => {
    const s = await scene();
    const res = await apply(s.opportunityId, s.cookies.trainee, { statement: "Too short" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors.statement).toBe("Your statement must be at least 50 characters");
    expect(body.values.statement).toBe("Too short");
    expect(await t.db.select().from(applications)).toHaveLength(0);
  });

  it("names every problem at once: a short statement and the unticked confidentiality box of a board seat", async () => {
    const s = await scene();
    const boardSeat = await makeOpportunity(t.db, s.trust.id, { type: "board_seat", startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] });
    const res = await apply(boardSeat, s.cookies.trainee, { statement: "Too short" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors: Record<string, string> };
    expect(body.fieldErrors).toEqual({
      statement: "Your statement must be at least 50 characters",
      confidentiality: "Confirm that you will keep what you see and hear confidential",
    });
    // An opportunity that needs no confidentiality says only what is wrong.
    const plain = (await (await apply(s.opportunityId, s.cookies.trainee, { statement: "Too short" })).json()) as { fieldErrors: Record<string, string> };
    expect(Object.keys(plain.fieldErrors)).toEqual(["statement"]);
    expect(await t.db.select().from(applications)).toHaveLength(0);
  });

  it("links back to the search the trainee came from, and only to a search on this site", async () => {
    const s = await scene();
    const page = (referer?: string) => {
      const request = getRequest(`/opportunities/${s.opportunityId}`, s.cookies.trainee);
      if (referer) request.headers.set("Referer", referer);
      return callRoute(t.db, oppPage.loader, request, { id: s.opportunityId }).then((r) => r.json() as Promise<{ backHref: string }>);
    };
    expect((await page("http://localhost:3000/opportunities?q=sepsis&region=Midlands&page=2")).backHref).toBe("/opportunities?q=sepsis&region=Midlands&page=2");
    expect((await page("http://localhost:3000/trainee")).backHref).toBe("/opportunities");
    expect((await page("https://elsewhere.example/opportunities?q=x")).backHref).toBe("/opportunities");
    expect((await page("not a url")).backHref).toBe("/opportunities");
    expect((await page()).backHref).toBe("/opportunities");
  });

  it("creates the application and goes to it; a second one is refused with 409", async () => {
    const s = await scene();
    const res = await apply(s.opportunityId, s.cookies.trainee);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^\/applications\/[0-9a-f-]{36}\?applied=1$/);
    const again = await apply(s.opportunityId, s.cookies.trainee);
    expect(again.status).toBe(409);
  });

  it("is for trainees only", async () => {
    const s = await scene();
    expect((await apply(s.opportunityId, s.cookies.lead)).status).toBe(403);
  });
});

describe("who may do what with an application", () => {
  it("refuses a trainee who offers, a lead who approves, and another trust's DME", async () => {
    const s = await scene();
    const created = await apply(s.opportunityId, s.cookies.trainee);
    const id = created.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
    const act = (cookie: string, intent: string, reason = "") => callRoute(t.db, applicationPage.action, formRequest(`/applications/${id}`, { intent, reason }, cookie), { id });

    expect((await act(s.cookies.trainee, "offer")).status).toBe(403);
    expect((await act(s.cookies.lead, "offer")).status).toBe(302);
    expect((await act(s.cookies.lead, "approve")).status).toBe(403);

    const other = await makeTrust(t.db);
    const otherDme = await makeUser(t.db, { role: "dme", trustId: other.id });
    const otherCookie = await sessionCookieFor(t.db, otherDme.id);
    expect((await act(otherCookie, "approve")).status).toBe(404);
    expect((await callRoute(t.db, applicationPage.loader, getRequest(`/applications/${id}`, otherCookie), { id })).status).toBe(404);

    expect((await act(s.cookies.dme, "reject")).status).toBe(400);
    expect((await act(s.cookies.dme, "approve")).status).toBe(302);
    expect((await act(s.cookies.dme, "approve")).status).toBe(302);
  });

  it("a NUL in a reason answered 500: it is dropped, as from every typed text, and the withdrawal is made", async () => {
    const s = await scene();
    const created = await apply(s.opportunityId, s.cookies.trainee);
    const id = created.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
    const res = await callRoute(t.db, applicationPage.action, formRequest(`/applications/${id}`, { intent: "withdraw", reason: "Rota\u0000 clash" }, s.cookies.trainee), { id });
    expect(res.status).toBe(302);
    const [event] = await t.db.select({ reason: applicationEvents.reason }).from(applicationEvents).where(eq(applicationEvents.toStatus, "withdrawn"));
    expect(event?.reason).toBe("Rota clash");
  });

  it("hides one trainee's application from another", async () => {
    const s = await scene();
    const created = await apply(s.opportunityId, s.cookies.trainee);
    const id = created.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
    const stranger = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, stranger.id);
    expect((await callRoute(t.db, applicationPage.loader, getRequest(`/applications/${id}`, cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, applicationPage.action, formRequest(`/applications/${id}`, { intent: "withdraw" }, cookie), { id })).status).toBe(404);
  });

  it("keeps the applicants list and the approvals queue to their own roles and trust", async () => {
    const s = await scene();
    expect((await callRoute(t.db, applicants.loader, getRequest(`/trust/opportunities/${s.opportunityId}/applicants`, s.cookies.dme), { id: s.opportunityId })).status).toBe(403);
    expect((await callRoute(t.db, approvals.loader, getRequest("/dme/approvals", s.cookies.lead))).status).toBe(403);
    const other = await makeTrust(t.db);
    const otherLead = await makeUser(t.db, { role: "trust_lead", trustId: other.id });
    const cookie = await sessionCookieFor(t.db, otherLead.id);
    expect((await callRoute(t.db, applicants.loader, getRequest(`/trust/opportunities/${s.opportunityId}/applicants`, cookie), { id: s.opportunityId })).status).toBe(404);
  });
});
