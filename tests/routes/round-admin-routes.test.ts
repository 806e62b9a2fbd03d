import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { allocationRounds, roundPreferences } from "@db/schema";
import * as adminHome from "~/routes/admin._index";
import * as roundPage from "~/routes/rounds.$id._index";
import * as editRound from "~/routes/rounds.$id.edit";
import * as list from "~/routes/rounds._index";
import * as newRound from "~/routes/rounds.new";
import * as trustHome from "~/routes/trust._index";
import { londonDateAndTime } from "~/utils/dates";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeRound, makeRoundChoice, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const HOUR = 3_600_000;
const LATER = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };

async function scene() {
  const trust = await makeTrust(t.db);
  const other = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const otherLead = await makeUser(t.db, { role: "trust_lead", trustId: other.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const admin = await makeUser(t.db, { role: "admin" });
  const trainee = await makeTrainee(t.db, { name: "Dr Rana Ranked" });
  const opportunityId = await makeOpportunity(t.db, trust.id, { ...LATER, title: "Shadow the medical director" });
  const otherOpportunityId = await makeOpportunity(t.db, other.id, { ...LATER, title: "Other trust's shadowing" });
  const cookies = {
    lead: await sessionCookieFor(t.db, lead.id),
    otherLead: await sessionCookieFor(t.db, otherLead.id),
    dme: await sessionCookieFor(t.db, dme.id),
    admin: await sessionCookieFor(t.db, admin.id),
    trainee: await sessionCookieFor(t.db, trainee.id),
  };
  return { trust, other, lead, dme, admin, trainee, opportunityId, otherOpportunityId, cookies };
}

function roundFields(opportunityIds: string[], overrides: Record<string, string | string[]> = {}) {
  const [opensDate, opensTime] = londonDateAndTime(new Date(Date.now() + 24 * HOUR));
  const [closesDate] = londonDateAndTime(new Date(Date.now() + 8 * 24 * HOUR));
  return { name: "Spring leadership round", opportunityIds, opensDate, opensTime, closesDate, closesTime: "17:00", maxChoices: "5", seed: "", ...overrides };
}

type Failure = { fieldErrors: Record<string, string>; formError?: string; values: Record<string, string | string[]> };

describe("who may open the round pages", () => {
  it("anonymous visitors are sent to sign in, trainees get 403", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId], trustId: s.trust.id });
    for (const [mod, path, params] of [
      [list, "/rounds", {}],
      [newRound, "/rounds/new", {}],
      [roundPage, `/rounds/${round.id}`, { id: round.id }],
      [editRound, `/rounds/${round.id}/edit`, { id: round.id }],
    ] as const) {
      const anonymous = await callRoute(t.db, mod.loader, getRequest(path), params);
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent(path)}`);
      expect((await callRoute(t.db, mod.loader, getRequest(path, s.cookies.trainee), params)).status).toBe(403);
    }
    expect((await callRoute(t.db, newRound.action, formRequest("/rounds/new", roundFields([s.opportunityId]), s.cookies.trainee))).status).toBe(403);
    expect((await callRoute(t.db, newRound.action, formRequest("/rounds/new", roundFields([s.opportunityId]), s.cookies.dme))).status).toBe(403);
    expect((await callRoute(t.db, roundPage.action, formRequest(`/rounds/${round.id}`, { intent: "cancel" }, s.cookies.dme), { id: round.id })).status).toBe(403);
  });

  it("another trust's round is not found, for its page, its edit form, and cancelling it", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.otherOpportunityId], trustId: s.other.id, opensAt: new Date(Date.now() + HOUR) });
    const params = { id: round.id };
    expect((await callRoute(t.db, roundPage.loader, getRequest(`/rounds/${round.id}`, s.cookies.lead), params)).status).toBe(404);
    expect((await callRoute(t.db, roundPage.loader, getRequest(`/rounds/${round.id}`, s.cookies.dme), params)).status).toBe(404);
    expect((await callRoute(t.db, editRound.loader, getRequest(`/rounds/${round.id}/edit`, s.cookies.lead), params)).status).toBe(404);
    expect((await callRoute(t.db, editRound.action, formRequest(`/rounds/${round.id}/edit`, roundFields([s.opportunityId]), s.cookies.lead), params)).status).toBe(404);
    expect((await callRoute(t.db, roundPage.action, formRequest(`/rounds/${round.id}`, { intent: "cancel" }, s.cookies.lead), params)).status).toBe(404);
    expect((await callRoute(t.db, roundPage.loader, getRequest("/rounds/not-a-round", s.cookies.admin), { id: "not-a-round" })).status).toBe(404);
    expect((await t.db.select({ status: allocationRounds.status }).from(allocationRounds))[0]!.status).toBe("open");
  });
});

describe("creating a round", () => {
  it("a bad form is 400 with each field's message and the other values kept", async () => {
    const s = await scene();
    const res = await callRoute(t.db, newRound.action, formRequest("/rounds/new", roundFields([], { name: "", maxChoices: "12", closesTime: "5pm" }), s.cookies.lead));
    expect(res.status).toBe(400);
    const body = (await res.json()) as Failure;
    expect(body.fieldErrors).toEqual({
      name: "Enter a name for the round",
      opportunityIds: "Select at least one opportunity for the round",
      closesTime: "The closing time must be a time on the 24-hour clock, like 17:00",
      maxChoices: "Enter a whole number of choices from 1 to 10",
    });
    expect(body.values).toMatchObject({ maxChoices: "12", closesTime: "5pm", opensTime: roundFields([]).opensTime });
    expect(await t.db.select().from(allocationRounds)).toHaveLength(0);
  });

  it("another trust's opportunity is refused by the field, and the choice kept", async () => {
    const s = await scene();
    const res = await callRoute(t.db, newRound.action, formRequest("/rounds/new", roundFields([s.opportunityId, s.otherOpportunityId]), s.cookies.lead));
    expect(res.status).toBe(400);
    const body = (await res.json()) as Failure;
    expect(body.fieldErrors).toEqual({ opportunityIds: "Select only your trust's opportunities" });
    expect(body.values.opportunityIds).toEqual([s.opportunityId, s.otherOpportunityId]);
  });

  it("a lead's round is created and the page says so", async () => {
    const s = await scene();
    const res = await callRoute(t.db, newRound.action, formRequest("/rounds/new", roundFields([s.opportunityId]), s.cookies.lead));
    expect(res.status).toBe(302);
    const [round] = await t.db.select().from(allocationRounds);
    expect(res.headers.get("Location")).toBe(`/rounds/${round!.id}?done=created`);
    expect(round).toMatchObject({ trustId: s.trust.id, name: "Spring leadership round" });
    const html = textOf(await renderRoute(t.db, `/rounds/${round!.id}?done=created`, s.cookies.lead, { loader: roundPage.loader, Component: roundPage.default }, { id: round!.id }));
    expect(html).toContain("Round created");
    expect(html).toContain("Not open yet");
    expect(html).toContain("Drawn at random when the round closes");
    expect(html).toContain("Change the round");
  });

  it("the lead's form lists the trust's opportunities; the admin's lists none until narrowed, then that trust's", async () => {
    const s = await scene();
    const leadForm = (await (await callRoute(t.db, newRound.loader, getRequest("/rounds/new", s.cookies.lead))).json()) as { options: { id: string }[]; places: unknown };
    expect(leadForm.options.map((o) => o.id)).toEqual([s.opportunityId]);
    expect(leadForm.places).toBeNull();
    const unfiltered = (await (await callRoute(t.db, newRound.loader, getRequest("/rounds/new", s.cookies.admin))).json()) as { options: unknown[]; filtered: boolean };
    expect(unfiltered).toMatchObject({ options: [], filtered: false });
    const narrowed = (await (await callRoute(t.db, newRound.loader, getRequest(`/rounds/new?trust=${s.other.id}`, s.cookies.admin))).json()) as { options: { id: string }[] };
    expect(narrowed.options.map((o) => o.id)).toEqual([s.otherOpportunityId]);
    // A region the service does not know is no error: it is ignored.
    expect((await callRoute(t.db, newRound.loader, getRequest("/rounds/new?region=Atlantis", s.cookies.admin))).status).toBe(200);
  });

  it("an admin's round across trusts keeps its seed", async () => {
    const s = await scene();
    const res = await callRoute(t.db, newRound.action, formRequest("/rounds/new", roundFields([s.opportunityId, s.otherOpportunityId], { seed: "spring-2027" }), s.cookies.admin));
    expect(res.status).toBe(302);
    expect((await t.db.select().from(allocationRounds))[0]).toMatchObject({ trustId: null, seed: "spring-2027" });
  });
});

describe("changing a round", () => {
  it("the form is refused with 409 once the round has opened", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId], trustId: s.trust.id });
    const page = await callRoute(t.db, editRound.loader, getRequest(`/rounds/${round.id}/edit`, s.cookies.lead), { id: round.id });
    expect(page.status).toBe(409);
    const saved = await callRoute(t.db, editRound.action, formRequest(`/rounds/${round.id}/edit`, roundFields([s.opportunityId], { name: "Too late" }), s.cookies.lead), { id: round.id });
    expect(saved.status).toBe(409);
    expect(((await saved.json()) as Failure).formError).toBe("This round has opened, so it can no longer be changed. You can still cancel it until it closes.");
    const html = textOf(await renderRoute(t.db, `/rounds/${round.id}`, s.cookies.lead, { loader: roundPage.loader, Component: roundPage.default }, { id: round.id }));
    expect(html).not.toContain("Change the round");
  });

  it("before it opens the changes are saved", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId], trustId: s.trust.id, opensAt: new Date(Date.now() + HOUR) });
    const form = await callRoute(t.db, editRound.loader, getRequest(`/rounds/${round.id}/edit`, s.cookies.lead), { id: round.id });
    expect(form.status).toBe(200);
    const res = await callRoute(t.db, editRound.action, formRequest(`/rounds/${round.id}/edit`, roundFields([s.opportunityId], { name: "Renamed round", maxChoices: "3" }), s.cookies.lead), {
      id: round.id,
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/rounds/${round.id}?done=saved`);
    expect((await t.db.select().from(allocationRounds))[0]).toMatchObject({ name: "Renamed round", maxChoices: 3 });
  });
});

describe("the round page", () => {
  it("the lead sees their applicants with rank and statement, declines one with a reason (400 without), and the choice shows as declined", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId, s.otherOpportunityId] });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: s.trainee.id, opportunityId: s.opportunityId, rank: 2, statement: "I want to learn how a medical director balances safety and flow." });
    const elsewhere = await makeTrainee(t.db, { name: "Dr Olu Elsewhere" });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: elsewhere.id, opportunityId: s.otherOpportunityId });
    const render = () => renderRoute(t.db, `/rounds/${round.id}`, s.cookies.lead, { loader: roundPage.loader, Component: roundPage.default }, { id: round.id }).then(textOf);
    const before = await render();
    expect(before).toContain("Dr Rana Ranked");
    expect(before).toContain("ranked it 2nd");
    expect(before).toContain("balances safety and flow");
    expect(before).toContain("Decline choice");
    expect(before).not.toContain("Dr Olu Elsewhere");
    expect(before).not.toContain("Close and allocate now");

    const decline = (fields: Record<string, string>) =>
      callRoute(t.db, roundPage.action, formRequest(`/rounds/${round.id}`, { intent: "decline", traineeId: s.trainee.id, opportunityId: s.opportunityId, ...fields }, s.cookies.lead), { id: round.id });
    const refused = await decline({ reason: " " });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as Failure).fieldErrors).toEqual({ reason: "Give the reason for declining this choice: the trainee sees it" });
    const done = await decline({ reason: "We need a trainee in surgery for this one." });
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe(`/rounds/${round.id}?done=declined#opportunity-${s.opportunityId}`);
    const after = await render();
    expect(after).toContain("Declined");
    expect(after).toContain("We need a trainee in surgery for this one.");
    // Another trust's choice is not this lead's to decline.
    const foreign = await callRoute(
      t.db,
      roundPage.action,
      formRequest(`/rounds/${round.id}`, { intent: "decline", traineeId: elsewhere.id, opportunityId: s.otherOpportunityId, reason: "Not ours" }, s.cookies.lead),
      { id: round.id },
    );
    expect(foreign.status).toBe(404);
    expect((await t.db.select().from(roundPreferences).where(eq(roundPreferences.traineeId, elsewhere.id)))[0]!.declinedAt).toBeNull();
  });

  it("a second decline with an empty reason pointed at the reason box the declined choice no longer has: now 409, already declined", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId] });
    await makeRoundChoice(t.db, { roundId: round.id, traineeId: s.trainee.id, opportunityId: s.opportunityId });
    const decline = (fields: Record<string, string>) =>
      callRoute(t.db, roundPage.action, formRequest(`/rounds/${round.id}`, { intent: "decline", traineeId: s.trainee.id, opportunityId: s.opportunityId, ...fields }, s.cookies.lead), { id: round.id });
    expect((await decline({ reason: "We need a trainee in surgery for this one." })).status).toBe(302);
    const again = await decline({ reason: "" });
    expect(again.status).toBe(409);
    const body = (await again.json()) as Failure;
    expect(body.fieldErrors).toEqual({});
    expect(body.formError).toBe("This choice has already been declined.");
  });

  it("the admin sees the seed and the close button; once allocated, a link to the allocation", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId], seed: "seed-1" });
    const html = await renderRoute(t.db, `/rounds/${round.id}`, s.cookies.admin, { loader: roundPage.loader, Component: roundPage.default }, { id: round.id });
    expect(html).toContain(`action="/rounds/${round.id}/close"`);
    expect(textOf(html)).toContain("Close and allocate now");
    expect(textOf(html)).toContain("seed-1");
    await t.db.update(allocationRounds).set({ status: "allocated", allocatedAt: new Date() }).where(eq(allocationRounds.id, round.id));
    const allocated = await renderRoute(t.db, `/rounds/${round.id}`, s.cookies.admin, { loader: roundPage.loader, Component: roundPage.default }, { id: round.id });
    expect(allocated).toContain(`href="/rounds/${round.id}/allocation"`);
    expect(textOf(allocated)).not.toContain("Close and allocate now");
    expect(textOf(allocated)).not.toContain("Cancel round");
  });

  it("an allocated round's page still said it 'Closes and allocates' at its closing time, and 'chosen by 0 trainees': it says when it was allocated, and 'not chosen yet'", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId], closesAt: new Date("2099-01-14T17:00:00Z") });
    const page = () => renderRoute(t.db, `/rounds/${round.id}`, s.cookies.admin, { loader: roundPage.loader, Component: roundPage.default }, { id: round.id }).then(textOf);
    const open = await page();
    expect(open).toContain("Closes and allocates");
    expect(open).toContain("not chosen yet");
    expect(open).not.toContain("chosen by 0");
    await t.db.update(allocationRounds).set({ status: "allocated", seed: "s", allocatedAt: new Date("2027-03-02T10:00:00Z") }).where(eq(allocationRounds.id, round.id));
    const allocated = await page();
    expect(allocated).toContain("Closed and allocated");
    expect(allocated).toContain("2 March 2027 at 10am");
    expect(allocated).not.toContain("Closes and allocates");
  });

  it("cancelling: 302 with a confirmation, then 409 with a message", async () => {
    const s = await scene();
    const round = await makeRound(t.db, { opportunityIds: [s.opportunityId], trustId: s.trust.id });
    const cancel = () => callRoute(t.db, roundPage.action, formRequest(`/rounds/${round.id}`, { intent: "cancel" }, s.cookies.lead), { id: round.id });
    const first = await cancel();
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe(`/rounds/${round.id}?done=cancelled`);
    const second = await cancel();
    expect(second.status).toBe(409);
    expect(((await second.json()) as Failure).formError).toBe("This round has already been cancelled.");
  });
});

describe("the list and the homes", () => {
  it("lists the viewer's rounds, and the homes link to the open ones", async () => {
    const s = await scene();
    await makeRound(t.db, { opportunityIds: [s.opportunityId], trustId: s.trust.id, name: "Our open round" });
    await makeRound(t.db, { opportunityIds: [s.otherOpportunityId], trustId: s.other.id, name: "Their round" });
    const forLead = textOf(await renderRoute(t.db, "/rounds", s.cookies.lead, { loader: list.loader, Component: list.default }));
    expect(forLead).toContain("Our open round");
    expect(forLead).not.toContain("Their round");
    expect(forLead).toContain("Create a round");
    const forDme = textOf(await renderRoute(t.db, "/rounds", s.cookies.dme, { loader: list.loader, Component: list.default }));
    expect(forDme).toContain("Our open round");
    expect(forDme).not.toContain("Create a round");
    const forAdmin = textOf(await renderRoute(t.db, "/rounds", s.cookies.admin, { loader: list.loader, Component: list.default }));
    expect(forAdmin).toContain("Their round");
    const home = textOf(await renderRoute(t.db, "/trust", s.cookies.lead, { loader: trustHome.loader, Component: trustHome.default }));
    expect(home).toContain("Allocation rounds");
    expect(home).toContain("Our open round");
    const overview = textOf(await renderRoute(t.db, "/admin", s.cookies.admin, { loader: adminHome.loader, Component: adminHome.default }));
    expect(overview).toContain("Their round");
  });
});
