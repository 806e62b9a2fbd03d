// The defects tests/routes/hostile-input.test.ts found, each a 500 for something a person can put
// in an address or a form, pinned by the route itself on a real database.
import { describe, expect, it } from "vitest";

import * as applicationPage from "~/routes/applications.$id";
import * as reflectionPage from "~/routes/applications.$id_.reflection";
import * as nothingYet from "~/routes/nothing-yet";
import * as oppPage from "~/routes/opportunities.$id";
import * as profilePage from "~/routes/trainee.profile";
import * as objectivesPage from "~/routes/trust.objectives._index";
import * as roundsNew from "~/routes/rounds.new";
import * as roundPage from "~/routes/trainee.rounds.$id";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeRound, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const statement = "I would like to understand how the board weighs safety against flow and money.";
const dates = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };

describe("a trainee's choices page answered 500 for ?done=__proto__ (an inherited key taken for a confirmation)", () => {
  it("shows the page without a confirmation", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const opportunity = await makeOpportunity(t.db, trust.id, dates);
    const round = await makeRound(t.db, { name: "Spring leadership round", opportunityIds: [opportunity] });
    const cookie = await sessionCookieFor(t.db, trainee.id);
    for (const done of ["__proto__", "constructor", "toString"]) {
      const html = textOf(await renderRoute(t.db, `/trainee/rounds/${round.id}?done=${done}`, cookie, { loader: roundPage.loader, Component: roundPage.default }, { id: round.id }));
      expect(html).toContain("Spring leadership round");
    }
  });
});

describe("the application and reflection pages answered 500 for ?done=__proto__ (Object.prototype rendered as the confirmation)", () => {
  it("shows each page without a confirmation", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const opportunityId = await makeOpportunity(t.db, trust.id, dates);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const applied = await callRoute(t.db, oppPage.action, formRequest(`/opportunities/${opportunityId}`, { statement }, cookie), { id: opportunityId });
    const id = applied.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
    for (const done of ["__proto__", "constructor"]) {
      const application = await renderRoute(t.db, `/applications/${id}?done=${done}`, cookie, { loader: applicationPage.loader, Component: applicationPage.default }, { id });
      expect(textOf(application)).toContain("Your application");
      const reflection = await renderRoute(t.db, `/applications/${id}/reflection?done=${done}`, cookie, { loader: reflectionPage.loader, Component: reflectionPage.default }, { id });
      expect(textOf(reflection)).toContain("Your reflection");
    }
  });
});

describe("the trainee's profile and the trust's objectives answered 500 for ?done=__proto__", () => {
  it("shows each page without a confirmation", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const traineeCookie = await sessionCookieFor(t.db, trainee.id);
    const leadCookie = await sessionCookieFor(t.db, lead.id);
    for (const done of ["__proto__", "constructor"]) {
      const profile = await renderRoute(t.db, `/trainee/profile?done=${done}`, traineeCookie, { loader: profilePage.loader, Component: profilePage.default });
      expect(textOf(profile)).toContain("Your profile");
      const objectives = await renderRoute(t.db, `/trust/objectives?done=${done}`, leadCookie, { loader: objectivesPage.loader, Component: objectivesPage.default });
      expect(textOf(objectives)).toContain("Organisational objectives");
    }
  });
});

describe("applying again with a statement refused by its rules linked the error summary to a statement field the page no longer has", () => {
  it("says the trainee has already applied, with 409", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const opportunityId = await makeOpportunity(t.db, trust.id, dates);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const apply = (s: string) => callRoute(t.db, oppPage.action, formRequest(`/opportunities/${opportunityId}`, { statement: s }, cookie), { id: opportunityId });
    expect((await apply(statement)).status).toBe(302);
    const again = await apply("<");
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ fieldErrors: {}, formError: "You have already applied for this opportunity" });
  });
});

describe("a reason refused for a move the application no longer offers pointed the error summary at a reason box the page does not show", () => {
  it("answers 409 about the application's actions instead", async () => {
    const trust = await makeTrust(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const trainee = await makeTrainee(t.db);
    const opportunityId = await makeOpportunity(t.db, trust.id, dates);
    const traineeCookie = await sessionCookieFor(t.db, trainee.id);
    const leadCookie = await sessionCookieFor(t.db, lead.id);
    const applied = await callRoute(t.db, oppPage.action, formRequest(`/opportunities/${opportunityId}`, { statement }, traineeCookie), { id: opportunityId });
    const id = applied.headers.get("Location")!.split("/")[2]!.split("?")[0]!;
    const decline = (reason: string) => callRoute(t.db, applicationPage.action, formRequest(`/applications/${id}`, { intent: "decline", reason }, leadCookie), { id });
    expect((await decline("The seats went to trainees with no opportunity yet this year.")).status).toBe(302);
    const again = await decline("x".repeat(20_000));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ field: "actions" });
  });
});

describe("the trainees-with-nothing-yet page answered 500 for a NUL in ?trainee= (compared with an id in PostgreSQL)", () => {
  it("names nobody for anything that is not an id", async () => {
    const trust = await makeTrust(t.db);
    const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
    const cookie = await sessionCookieFor(t.db, dme.id);
    for (const trainee of ["%00", "abc%00", "not-an-id", "00000000-0000-4000-8000-000000000000"]) {
      const res = await callRoute(t.db, nothingYet.loader, getRequest(`/nothing-yet?trainee=${trainee}`, cookie));
      expect(res.status).toBe(200);
      expect(((await res.json()) as { nudgedName: string | null }).nudgedName).toBeNull();
    }
  });
});

describe("nudging one trainee answered 500 for a NUL in the form's traineeId (compared with an id in PostgreSQL)", () => {
  it("answers 404, as for any trainee not on the trust's list", async () => {
    const trust = await makeTrust(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const cookie = await sessionCookieFor(t.db, lead.id);
    for (const traineeId of ["\u0000", "abc\u0000", "not-an-id"]) {
      const res = await callRoute(t.db, nothingYet.action, formRequest("/nothing-yet", { intent: "nudge-one", traineeId }, cookie));
      expect(res.status).toBe(404);
    }
  });
});

describe("the round's opportunity picker answered 500 for a NUL in ?ics= (PostgreSQL text cannot hold it)", () => {
  it("lists the opportunities, narrowed by what is left of the system's name", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    for (const query of ["ics=%00", "ics=Birmingham%00Solihull", "region=%00&ics=%00&trust=%00"]) {
      const res = await callRoute(t.db, roundsNew.loader, getRequest(`/rounds/new?${query}`, cookie));
      expect(res.status).toBe(200);
    }
  });
});
