// What a walk through the service as each role found on its pages: words, headings and links
// that read like a developer's form rather than an NHS service. Each page is rendered as the
// server sends it, without JavaScript.
import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { invitations } from "@db/schema";
import { hashToken } from "~/models/users.server";

import { closeTraineeAccount } from "~/models/data-rights.server";
import * as adminUser from "~/routes/admin.users.$id";
import * as adminUsers from "~/routes/admin.users._index";
import * as applicationPage from "~/routes/applications.$id";
import * as dmeInvitations from "~/routes/dme.invitations";
import * as invitationPage from "~/routes/invitations.$token";
import * as oppPage from "~/routes/opportunities.$id";
import * as profile from "~/routes/trainee.profile";
import * as applicants from "~/routes/trust.opportunities.$id.applicants";
import * as trustOpportunities from "~/routes/trust.opportunities._index";
import * as manage from "~/routes/trust.opportunities.$id._index";
import * as edit from "~/routes/trust.opportunities.$id.edit";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";
import { opportunityFields } from "../helpers/opportunities";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const statement = "I would like to understand how the board weighs safety against flow and money.";

const DATES = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };

async function scene(fields: Record<string, string | string[]> = {}) {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const trainee = await makeTrainee(t.db);
  const opportunityId = await makeOpportunity(t.db, trust.id, { ...DATES, ...fields });
  const cookies = {
    lead: await sessionCookieFor(t.db, lead.id),
    dme: await sessionCookieFor(t.db, dme.id),
    trainee: await sessionCookieFor(t.db, trainee.id),
  };
  return { trust, opportunityId, cookies };
}

async function applyFor(opportunityId: string, cookie: string): Promise<string> {
  const res = await callRoute(t.db, oppPage.action, formRequest(`/opportunities/${opportunityId}`, { statement }, cookie), { id: opportunityId });
  return res.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
}

const h1Of = (html: string) => /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)![1]!;
const backLinkOf = (html: string) => textOf(/<a[^>]*class="nhsuk-back-link"[^>]*>([\s\S]*?)<\/a>/.exec(html)![1]!).trim();

describe("the application page's heading is a link, and its back link only says 'Back'", () => {
  it("has the opportunity's title as a plain heading, a link to the opportunity beside its dates, and a back link that says where it goes", async () => {
    const s = await scene();
    const id = await applyFor(s.opportunityId, s.cookies.trainee);
    const render = (cookie: string) => renderRoute(t.db, `/applications/${id}`, cookie, { loader: applicationPage.loader, Component: applicationPage.default }, { id });
    const pages = { trainee: await render(s.cookies.trainee), lead: await render(s.cookies.lead), dme: await render(s.cookies.dme) };
    for (const html of Object.values(pages)) {
      expect(h1Of(html)).not.toContain("<a");
      expect(html).toMatch(new RegExp(`<a [^>]*href="/opportunities/${s.opportunityId}"[^>]*>View the opportunity`));
    }
    expect(backLinkOf(pages.trainee)).toBe("Back to your home");
    expect(backLinkOf(pages.lead)).toBe("Back to applicants");
    expect(backLinkOf(pages.dme)).toBe("Back to placements to approve");
  });
});

describe("raising the seats offers the waiting list a seat, but the banner does not say who", () => {
  it("names the waitlisted applicant the new seat went to, looked up from the application's id in the address", async () => {
    const s = await scene({ seats: "1" });
    const first = await applyFor(s.opportunityId, s.cookies.trainee);
    const second = await makeTrainee(t.db, { name: "Dr Wanda Waiting" });
    const waiting = await applyFor(s.opportunityId, await sessionCookieFor(t.db, second.id));
    const act = (id: string, intent: string) => callRoute(t.db, applicationPage.action, formRequest(`/applications/${id}`, { intent }, s.cookies.lead), { id });
    expect((await act(first, "offer")).status).toBe(302);
    expect((await act(waiting, "waitlist")).status).toBe(302);

    const fields = opportunityFields({ ...DATES, sessionDate: ["2099-03-03", "", "", "", "", ""], seats: "2" });
    const saved = await callRoute(t.db, edit.action, formRequest(`/trust/opportunities/${s.opportunityId}/edit`, fields, s.cookies.lead), { id: s.opportunityId });
    expect(saved.status).toBe(302);
    const location = saved.headers.get("Location")!;
    expect(location).toBe(`/trust/opportunities/${s.opportunityId}?saved=1&offered=${waiting}`);

    const page = textOf(await renderRoute(t.db, location, s.cookies.lead, { loader: manage.loader, Component: manage.default }, { id: s.opportunityId }));
    expect(page).toContain("Your changes are saved. Dr Wanda Waiting was offered a seat from the waiting list. The director of medical education has been asked to approve.");
    // An id that is not one of this opportunity's applications names nobody.
    const stray = textOf(await renderRoute(t.db, `/trust/opportunities/${s.opportunityId}?saved=1&offered=${s.trust.id}`, s.cookies.lead, { loader: manage.loader, Component: manage.default }, { id: s.opportunityId }));
    expect(stray).toContain("Your changes are saved.");
    expect(stray).not.toContain("offered a seat");
  });
});

describe("a closed account shows the admin a made-up address (closed-…@closed.invalid)", () => {
  it("says the address was removed, on the users list and on the account's page", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const trainee = await makeTrainee(t.db);
    await closeTraineeAccount(t.db, { id: trainee.id, role: "trainee", trustId: null }, { password: TEST_PASSWORD, ip: "192.0.2.1", today: "2026-11-25" });
    const list = await renderRoute(t.db, "/admin/users?role=trainee", cookie, { loader: adminUsers.loader, Component: adminUsers.default });
    const page = await renderRoute(t.db, `/admin/users/${trainee.id}`, cookie, { loader: adminUser.loader, Component: adminUser.default }, { id: trainee.id });
    for (const html of [list, page]) expect(html).not.toContain("closed.invalid");
    expect(textOf(list)).toContain("Name Closed account Email address Removed Role Trainee");
    expect(textOf(page)).toContain("Email address Removed when the account was closed");
  });
});

describe("the DME's list of trainees' invitations has a Role column that always says Trainee and a Trust column that is always empty", () => {
  it("shows each trainee's name, address, link and the two buttons, and no role or trust", async () => {
    const trust = await makeTrust(t.db);
    const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
    const trainee = await makeTrainee(t.db, { name: "Dr Ivy Invited", passwordHash: null });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2030-02-01", endsOn: "2030-08-01" });
    await t.db.insert(invitations).values({ email: trainee.email, name: trainee.name, role: "trainee", tokenHash: hashToken(randomBytes(8).toString("hex")), userId: trainee.id, expiresAt: new Date(Date.now() + 86_400_000) });
    const html = await renderRoute(t.db, "/dme/invitations", await sessionCookieFor(t.db, dme.id), { loader: dmeInvitations.loader, Component: dmeInvitations.default });
    const headings = [...html.matchAll(/<th[^>]*scope="col"[^>]*>([\s\S]*?)<\/th>/g)].map((m) => textOf(m[1]!).trim());
    expect(headings).toEqual(["Name", "Email address", "Link", "Action"]);
    expect(textOf(html)).toContain("1 invitation Name Email address Link Action");
    expect(textOf(html)).toContain(`Send again to ${trainee.email}`);
  });
});

describe("the profile's grade hint reads like a riddle ('check the grade … (FY2 now), not this one')", () => {
  it("says plainly which grade opportunities use, and when the one typed here counts", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db, { grade: "ST4" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY1", startsOn: "2020-08-05", endsOn: "2099-02-02", source: "import" });
    const html = await renderRoute(t.db, "/trainee/profile", await sessionCookieFor(t.db, trainee.id), { loader: profile.loader, Component: profile.default });
    expect(textOf(html)).toContain(
      "Opportunities use the grade from your placements in the training-information system: FY1 now. The grade you choose here only counts if that system has no placement for you",
    );
  });
});

describe("an applicant's heading carries a tag, and seats filled read '0 / 2'", () => {
  it("heads each applicant with their name alone, and says seats filled as '0 of 2'", async () => {
    const s = await scene();
    await applyFor(s.opportunityId, s.cookies.trainee);
    const list = await renderRoute(t.db, `/trust/opportunities/${s.opportunityId}/applicants`, s.cookies.lead, { loader: applicants.loader, Component: applicants.default }, { id: s.opportunityId });
    const headings = [...list.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => textOf(m[1]!).trim());
    expect(headings).toHaveLength(1);
    expect(headings[0]).toMatch(/^Dr Test Trainee \d+$/);
    expect(textOf(list)).toContain("First leadership opportunity");
    const mine = await renderRoute(t.db, "/trust/opportunities", s.cookies.lead, { loader: trustOpportunities.loader, Component: trustOpportunities.default });
    expect(textOf(mine)).toMatch(/Seats filled 0 of 2 /);
    expect(mine).not.toMatch(/\d+ \/ \d+/);
  });
});

describe("the invitation page says 'You have been invited as trainee'", () => {
  it("says 'as a trainee' and 'as a trust lead at' the trust", async () => {
    const trust = await makeTrust(t.db, { name: "Walkden Hospitals NHS Trust" });
    const expires = new Date(Date.now() + 86_400_000);
    await t.db.insert(invitations).values([
      { email: "new.trainee@example.nhs.uk", name: "Dr New Trainee", role: "trainee", tokenHash: hashToken("trainee-token"), expiresAt: expires },
      { email: "new.lead@example.nhs.uk", name: "New Lead", role: "trust_lead", trustId: trust.id, tokenHash: hashToken("lead-token"), expiresAt: expires },
    ]);
    const page = async (token: string) => textOf(await renderRoute(t.db, `/invitations/${token}`, undefined, { loader: invitationPage.loader, Component: invitationPage.default }, { token }));
    expect(await page("trainee-token")).toContain("You have been invited as a trainee. You will sign in with new.trainee@example.nhs.uk");
    expect(await page("lead-token")).toContain("You have been invited as a trust lead at Walkden Hospitals NHS Trust.");
  });
});
