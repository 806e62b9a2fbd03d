import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { allocationRounds, applications, roundPreferences } from "@db/schema";
import * as oppPage from "~/routes/opportunities.$id";
import * as roundPage from "~/routes/trainee.rounds.$id";
import * as home from "~/routes/trainee._index";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeRound, makeRoundChoice, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const statement = "I would like to understand how the board weighs safety against flow and money.";
const dates = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };

async function scene() {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const trainee = await makeTrainee(t.db);
  const a = await makeOpportunity(t.db, trust.id, { ...dates, title: "Shadow the medical director" });
  const b = await makeOpportunity(t.db, trust.id, { ...dates, title: "Join the safety huddle" });
  const round = await makeRound(t.db, { name: "Spring leadership round", opportunityIds: [a, b], closesAt: new Date("2099-01-14T17:00:00Z") });
  const cookies = { lead: await sessionCookieFor(t.db, lead.id), trainee: await sessionCookieFor(t.db, trainee.id) };
  return { trust, lead, trainee, a, b, round, cookies };
}

const post = (roundId: string, fields: Record<string, string>, cookie?: string) =>
  callRoute(t.db, roundPage.action, formRequest(`/trainee/rounds/${roundId}`, fields, cookie), { id: roundId });
const choose = (opportunityId: string, fields: Record<string, string>, cookie?: string) =>
  callRoute(t.db, oppPage.action, formRequest(`/opportunities/${opportunityId}`, { intent: "choose", ...fields }, cookie), { id: opportunityId });

describe("the choices page's statuses", () => {
  it("sends an anonymous visitor to sign in, refuses staff with 403, and answers 404 for an unknown round", async () => {
    const s = await scene();
    const anonymous = await callRoute(t.db, roundPage.loader, getRequest(`/trainee/rounds/${s.round.id}`), { id: s.round.id });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent(`/trainee/rounds/${s.round.id}`)}`);
    expect((await callRoute(t.db, roundPage.loader, getRequest(`/trainee/rounds/${s.round.id}`, s.cookies.lead), { id: s.round.id })).status).toBe(403);
    expect((await post(s.round.id, { intent: "remove", opportunityId: s.a }, s.cookies.lead)).status).toBe(403);
    const unknown = "00000000-0000-4000-8000-000000000000";
    expect((await callRoute(t.db, roundPage.loader, getRequest(`/trainee/rounds/${unknown}`, s.cookies.trainee), { id: unknown })).status).toBe(404);
    expect((await callRoute(t.db, roundPage.loader, getRequest("/trainee/rounds/nonsense", s.cookies.trainee), { id: "nonsense" })).status).toBe(404);
  });

  it("a form with an unknown intent or no opportunity answered 404, as if the round did not exist: it is 400 with what to do", async () => {
    const s = await scene();
    for (const fields of [{ intent: "shuffle", opportunityId: s.a }, { intent: "remove" }] as Record<string, string>[]) {
      const res = await post(s.round.id, fields, s.cookies.trainee);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { formError: string }).formError).toBe("Use the buttons by a choice to move it, remove it or change its statement");
    }
  });

  it("shows a cancelled round as cancelled, and refuses a change in it with 409 and the reason", async () => {
    const s = await scene();
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.a, rank: 1 });
    await t.db.update(allocationRounds).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(allocationRounds.id, s.round.id));
    const html = textOf(await renderRoute(t.db, `/trainee/rounds/${s.round.id}`, s.cookies.trainee, { loader: roundPage.loader, Component: roundPage.default }, { id: s.round.id }));
    expect(html).toContain("This round was cancelled");
    expect(html).not.toContain("Move down");
    const res = await post(s.round.id, { intent: "remove", opportunityId: s.a }, s.cookies.trainee);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { formError: string }).formError).toBe("The round Spring leadership round was cancelled: choices in it can no longer change");
    expect(await t.db.select().from(roundPreferences)).toHaveLength(1);
  });

  it("refuses a short statement with 400, the message by that choice's field and the text kept", async () => {
    const s = await scene();
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.a, rank: 1, statement });
    const res = await post(s.round.id, { intent: "statement", opportunityId: s.a, statement: "Too short" }, s.cookies.trainee);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors).toEqual({ [`statement-${s.a}`]: "Your statement must be at least 50 characters" });
    expect(body.values.statement).toBe("Too short");
    const [row] = await t.db.select({ statement: roundPreferences.statement }).from(roundPreferences);
    expect(row!.statement).toBe(statement);
  });

  it("moves a choice and confirms what is saved, in order", async () => {
    const s = await scene();
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.a, rank: 1 });
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.b, rank: 2 });
    const res = await post(s.round.id, { intent: "up", opportunityId: s.b }, s.cookies.trainee);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/trainee/rounds/${s.round.id}?done=up`);
    const html = textOf(await renderRoute(t.db, `/trainee/rounds/${s.round.id}?done=up`, s.cookies.trainee, { loader: roundPage.loader, Component: roundPage.default }, { id: s.round.id }));
    expect(html).toContain("Choice moved up");
    expect(html).toContain("Your choices are saved: 1. Join the safety huddle, 2. Shadow the medical director");
    expect(html).toContain("2 of 5 choices");
  });
});

describe("the opportunity page while a round holds it", () => {
  it("shows the round's banner and Add to my choices instead of the application form", async () => {
    const s = await scene();
    const html = await renderRoute(t.db, `/opportunities/${s.a}`, s.cookies.trainee, { loader: oppPage.loader, Component: oppPage.default }, { id: s.a });
    const text = textOf(html);
    expect(text).toContain("Places are allocated in the round Spring leadership round, closing 14 January 2099 at 5pm");
    expect(html).toContain(">Add to my choices</button>");
    expect(html).not.toContain(">Apply</button>");
  });

  it("says which choice it is once chosen, and offers a sign-in link to an anonymous visitor", async () => {
    const s = await scene();
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.b, rank: 1 });
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.a, rank: 2 });
    const mine = textOf(await renderRoute(t.db, `/opportunities/${s.a}`, s.cookies.trainee, { loader: oppPage.loader, Component: oppPage.default }, { id: s.a }));
    expect(mine).toContain("This is your 2nd choice in the round.");
    expect(mine).toContain("See and change your choices");
    const anonymous = await renderRoute(t.db, `/opportunities/${s.a}`, undefined, { loader: oppPage.loader, Component: oppPage.default }, { id: s.a });
    expect(textOf(anonymous)).toContain("Places are allocated in the round Spring leadership round");
    expect(anonymous).toContain(`/sign-in?redirectTo=${encodeURIComponent(`/opportunities/${s.a}`)}`);
    expect(anonymous).not.toContain("Add to my choices</button>");
  });

  it("adds the choice and goes to the choices page; a bad statement is 400 by the field with the text kept; twice is 409", async () => {
    const s = await scene();
    const bad = await choose(s.a, { statement: "Too short" }, s.cookies.trainee);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors).toEqual({ statement: "Your statement must be at least 50 characters" });
    expect(body.values.statement).toBe("Too short");
    const res = await choose(s.a, { statement }, s.cookies.trainee);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/trainee/rounds/${s.round.id}?done=added`);
    const again = await choose(s.a, { statement }, s.cookies.trainee);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { formError: string }).formError).toBe("Shadow the medical director is already your 1st choice in this round");
  });

  it("refuses a first-come application with 409 while the round holds the opportunity", async () => {
    const s = await scene();
    const res = await callRoute(t.db, oppPage.action, formRequest(`/opportunities/${s.a}`, { statement }, s.cookies.trainee), { id: s.a });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { formError: string }).formError).toBe(
      "Places on this opportunity are allocated in the round Spring leadership round: add it to your choices instead",
    );
    expect(await t.db.select().from(applications)).toHaveLength(0);
  });

  it("refuses a choice in a closed round with 409", async () => {
    const s = await scene();
    await t.db.update(allocationRounds).set({ opensAt: new Date(Date.now() - 7200_000), closesAt: new Date(Date.now() - 3600_000) }).where(eq(allocationRounds.id, s.round.id));
    const res = await choose(s.a, { statement }, s.cookies.trainee);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { formError: string }).formError).toMatch(/^The round Spring leadership round closed on .*: your choices can no longer change$/);
  });
});

describe("the trainee's home", () => {
  it("lists the rounds open now with a link to the choices page", async () => {
    const s = await scene();
    const html = await renderRoute(t.db, "/trainee", s.cookies.trainee, { loader: home.loader, Component: home.default });
    expect(textOf(html)).toContain("Rounds open now");
    expect(html).toContain(`href="/trainee/rounds/${s.round.id}"`);
    expect(textOf(html)).toContain("Closes 14 January 2099 at 5pm.");
  });
});

describe("a declined choice", () => {
  it("a declined choice's statement could still be changed by posting the form by hand: refused with 409, the words the trust read kept", async () => {
    const s = await scene();
    await makeRoundChoice(t.db, { roundId: s.round.id, traineeId: s.trainee.id, opportunityId: s.a, rank: 1, statement, declineReason: "Needs a surgical trainee" });
    const res = await post(s.round.id, { intent: "statement", opportunityId: s.a, statement: `${statement} And a change after the decline.` }, s.cookies.trainee);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { formError: string }).formError).toBe("The trust declined this choice, so its statement can no longer change");
    const [row] = await t.db.select({ statement: roundPreferences.statement }).from(roundPreferences);
    expect(row!.statement).toBe(statement);
  });
});
