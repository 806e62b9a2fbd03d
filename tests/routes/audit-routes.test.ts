// The audit trail through the routes: the request's id from the load context reaches the row,
// /admin/audit is an admin's alone and searches without JavaScript, and a trainee's download
// and profile page say which staff opened their data.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { auditEvents } from "@db/schema";
import { navigationFor } from "~/components/site-header";
import * as applicationPage from "~/routes/applications.$id";
import * as auditPage from "~/routes/admin.audit";
import * as adminHome from "~/routes/admin._index";
import * as download from "~/routes/trainee.data[.]json";
import * as profilePage from "~/routes/trainee.profile";
import * as nothingYet from "~/routes/nothing-yet";
import * as dmeHome from "~/routes/dme._index";
import * as roundPage from "~/routes/rounds.$id._index";
import { applyForOpportunity } from "~/models/applications.server";

import { callRoute, contextFor, getRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeRound, makeRoundChoice, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const today = "2026-11-25";

async function world() {
  const trust = await makeTrust(t.db, { name: "Route Audit NHS Trust" });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id, name: "Dr Route Dme", email: "route.dme@example.nhs.uk" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const admin = await makeUser(t.db, { role: "admin" });
  const trainee = await makeTrainee(t.db, { email: "route.trainee@example.nhs.uk" });
  await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01", source: "import" });
  const opportunityId = await makeOpportunity(t.db, trust.id);
  const applied = await applyForOpportunity(t.db, trainee.id, { opportunityId, statement: "I would like to see how the board works.", confidentiality: false }, today);
  if (!applied.ok) throw new Error("refused");
  const cookie = (id: string) => sessionCookieFor(t.db, id);
  return { trust, dme, lead, admin, trainee, applicationId: applied.applicationId, cookie };
}

describe("the request's id reaches the audit row", () => {
  it("a DME opening an application page records the view under that request's id", async () => {
    const w = await world();
    const request = getRequest(`/applications/${w.applicationId}`, await w.cookie(w.dme.id));
    const context = await contextFor(t.db, request);
    const response = (await applicationPage.loader({ request, params: { id: w.applicationId }, context })) as Response;
    expect(response.status).toBe(200);
    const rows = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "application.viewed"));
    expect(rows).toMatchObject([{ requestId: context.requestId, actorId: w.dme.id, actorRole: "dme", traineeId: w.trainee.id, targetId: w.applicationId }]);
  });
});

describe("lists that name trainees record a view of each one shown", () => {
  it("the DME's list of trainees with nothing yet writes one row per trainee on it", async () => {
    const w = await world();
    const idle = await makeTrainee(t.db);
    await makePlacement(t.db, { traineeId: idle.id, trustId: w.trust.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01", source: "import" });
    const request = getRequest("/nothing-yet", await w.cookie(w.dme.id));
    const context = await contextFor(t.db, request);
    const response = (await nothingYet.loader({ request, params: {}, context })) as Response;
    expect(response.status).toBe(200);
    const shown = ((await response.json()) as { list: { trainees: { traineeId: string }[] } }).list.trainees.map((x) => x.traineeId);
    expect(shown).toContain(idle.id);
    const rows = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "trainees.viewed"));
    expect(rows.map((r) => r.traineeId).sort()).toEqual([...shown].sort());
    expect(rows.every((r) => r.actorId === w.dme.id && r.requestId === context.requestId && r.trustId === w.trust.id)).toBe(true);
  });

  it("the DME's home, listing the trust's trainees, writes one row per trainee shown", async () => {
    const w = await world();
    const request = getRequest("/dme", await w.cookie(w.dme.id));
    const context = await contextFor(t.db, request);
    const response = (await dmeHome.loader({ request, params: {}, context })) as Response;
    expect(response.status).toBe(200);
    const rows = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "trainees.viewed"));
    expect(rows).toMatchObject([{ actorId: w.dme.id, traineeId: w.trainee.id, targetType: "trust", trustId: w.trust.id, requestId: context.requestId }]);
  });

  it("a lead opening a round's page with their trust's applicants writes a row for each applicant", async () => {
    const w = await world();
    const opportunityId = await makeOpportunity(t.db, w.trust.id);
    const round = await makeRound(t.db, { opportunityIds: [opportunityId] });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: w.trainee.id, opportunityId });
    const request = getRequest(`/rounds/${round.id}`, await w.cookie(w.lead.id));
    const context = await contextFor(t.db, request);
    const response = (await roundPage.loader({ request, params: { id: round.id }, context })) as Response;
    expect(response.status).toBe(200);
    const rows = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "applicants.viewed"));
    expect(rows).toMatchObject([{ actorId: w.lead.id, traineeId: w.trainee.id, targetType: "round", targetId: round.id, requestId: context.requestId }]);
  });
});

describe("/admin/audit", () => {
  it("is an admin's alone: anyone else signed in gets 403, and a visitor is sent to sign in", async () => {
    const w = await world();
    for (const who of [w.trainee.id, w.lead.id, w.dme.id]) {
      expect((await callRoute(t.db, auditPage.loader, getRequest("/admin/audit", await w.cookie(who)))).status).toBe(403);
    }
    const visitor = await callRoute(t.db, auditPage.loader, getRequest("/admin/audit"));
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/admin/audit")}`);
  });

  it("searches by who did it, the trainee and the trust, in a GET form an admin can use without JavaScript", async () => {
    const w = await world();
    await callRoute(t.db, applicationPage.loader, getRequest(`/applications/${w.applicationId}`, await w.cookie(w.dme.id)), { id: w.applicationId });
    const admin = await w.cookie(w.admin.id);
    const page = { loader: auditPage.loader, Component: auditPage.default };
    const found = textOf(await renderRoute(t.db, `/admin/audit?person=route.dme&trainee=route.trainee&trustId=${w.trust.id}`, admin, page));
    expect(found).toContain("1 event");
    expect(found).toContain("Application viewed");
    expect(found).toContain("Dr Route Dme");
    expect(found).toContain("Route Audit NHS Trust");
    const html = await renderRoute(t.db, "/admin/audit", admin, page);
    expect(html).toMatch(/<form method="get"/);
    expect(html).toContain("Search the audit trail</button>");
    expect(textOf(await renderRoute(t.db, "/admin/audit?person=nobody-at-all", admin, page))).toContain("Nothing in the audit trail matches");
  });

  it("refuses a date that is no day beside its field with 400, keeping what was typed", async () => {
    const w = await world();
    const response = await callRoute(t.db, auditPage.loader, getRequest("/admin/audit?from=2026-02-30&person=route", await w.cookie(w.admin.id)));
    expect(response.status).toBe(400);
    const body = (await response.json()) as { failure: { fieldErrors: Record<string, string>; values: Record<string, string> } };
    expect(body.failure.fieldErrors.from).toMatch(/must be a real date/);
    expect(body.failure.values).toMatchObject({ from: "2026-02-30", person: "route" });
    const backwards = await callRoute(t.db, auditPage.loader, getRequest("/admin/audit?from=2026-03-02&to=2026-03-01", await w.cookie(w.admin.id)));
    expect(backwards.status).toBe(400);
  });

  it("is in the admin's navigation and linked from the admin's overview", async () => {
    const w = await world();
    expect(navigationFor({ role: "admin" } as never).map((n) => n.href)).toContain("/admin/audit");
    const html = await renderRoute(t.db, "/admin", await w.cookie(w.admin.id), { loader: adminHome.loader, Component: adminHome.default });
    expect(html).toMatch(/href="\/admin\/audit"[^>]*>Search the audit trail</);
  });
});

describe("download my data says who has viewed it", () => {
  it("the JSON and the profile page list the DME who opened the application", async () => {
    const w = await world();
    await callRoute(t.db, applicationPage.loader, getRequest(`/applications/${w.applicationId}`, await w.cookie(w.dme.id)), { id: w.applicationId });
    const mine = await w.cookie(w.trainee.id);
    const file = await callRoute(t.db, download.loader, getRequest("/trainee/data.json", mine));
    const data = (await file.json()) as { viewedBy: { viewer: string; role: string; trust: string; what: string }[] };
    expect(data.viewedBy).toMatchObject([{ viewer: "Dr Route Dme", role: "Director of medical education", trust: "Route Audit NHS Trust", what: "An application of yours" }]);
    const text = textOf(await renderRoute(t.db, "/trainee/profile", mine, { loader: profilePage.loader, Component: profilePage.default }));
    expect(text).toContain("Who has viewed your data");
    expect(text).toContain("Dr Route Dme");
    expect(text).toContain("An application of yours");
  });
});
