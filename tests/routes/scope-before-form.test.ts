// Defects the authorisation matrix found: actions that read the form before they checked the
// row was the person's, so an empty (or otherwise wrong) form sent to another trainee's or
// another trust's row, or to no row at all, was answered 400 with a form error instead of 404.
// Each action now checks the row first, as its page's loader does.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications, opportunities } from "@db/schema";
import * as applicationPage from "~/routes/applications.$id";
import * as invitationPage from "~/routes/invitations.$token";
import * as resetPage from "~/routes/reset-password.$token";
import * as reflectionPage from "~/routes/applications.$id_.reflection";
import * as opportunityPage from "~/routes/opportunities.$id";
import * as roundPage from "~/routes/rounds.$id._index";
import * as editRound from "~/routes/rounds.$id.edit";
import * as traineeRound from "~/routes/trainee.rounds.$id";
import * as editOpportunity from "~/routes/trust.opportunities.$id.edit";

import { callRoute, formRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makeRound, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
const HOUR = 3_600_000;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

async function scene() {
  const trust = await makeTrust(t.db);
  const other = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const trainee = await makeTrainee(t.db);
  const otherTrainee = await makeTrainee(t.db);
  const otherOpportunity = await makeOpportunity(t.db, other.id);
  const [application] = await t.db
    .insert(applications)
    .values({ opportunityId: otherOpportunity, traineeId: otherTrainee.id, statement: "I would like to see how the board weighs safety.", status: "completed" })
    .returning({ id: applications.id });
  await t.db.insert(applicationEvents).values({ applicationId: application!.id, actorId: null, fromStatus: null, toStatus: "completed" });
  await t.db.update(opportunities).set({ startsOn: "2026-01-12", endsOn: "2026-01-30", applicationDeadline: "2026-01-05" }).where(eq(opportunities.id, otherOpportunity));
  const upcoming = { opensAt: new Date(Date.now() + 24 * HOUR), closesAt: new Date(Date.now() + 8 * 24 * HOUR) };
  const otherRound = await makeRound(t.db, { trustId: other.id, opportunityIds: [otherOpportunity], ...upcoming });
  return {
    other,
    otherOpportunity,
    otherApplication: application!.id,
    otherRound: otherRound.id,
    draft: await makeOpportunity(t.db, other.id, {}, "draft"),
    cookies: { lead: await sessionCookieFor(t.db, lead.id), trainee: await sessionCookieFor(t.db, trainee.id) },
  };
}

const post = (fn: Parameters<typeof callRoute>[1], path: string, cookie: string, id: string) => callRoute(t.db, fn, formRequest(path, {}, cookie), { id });

describe("an empty form to a row that is not the person's was a 400 form error, not 404", () => {
  it("another trainee's application: the application's action answered 400 'Choose what to do with the application' to a trainee and to another trust's lead", async () => {
    const s = await scene();
    expect((await post(applicationPage.action, `/applications/${s.otherApplication}`, s.cookies.trainee, s.otherApplication)).status).toBe(404);
    expect((await post(applicationPage.action, `/applications/${s.otherApplication}`, s.cookies.lead, s.otherApplication)).status).toBe(404);
  });

  it("another trainee's reflection: the reflection's action answered 400 'Choose Save draft or Mark as final'", async () => {
    const s = await scene();
    expect((await post(reflectionPage.action, `/applications/${s.otherApplication}/reflection`, s.cookies.trainee, s.otherApplication)).status).toBe(404);
  });

  it("a draft opportunity (or none): applying with an empty statement answered 400 for a page that is not found", async () => {
    const s = await scene();
    expect((await post(opportunityPage.action, `/opportunities/${s.draft}`, s.cookies.trainee, s.draft)).status).toBe(404);
    expect((await post(opportunityPage.action, `/opportunities/${UNKNOWN_ID}`, s.cookies.trainee, UNKNOWN_ID)).status).toBe(404);
  });

  it("another trust's round: the round's action answered a trust lead 400 'Choose what to do with the round'", async () => {
    const s = await scene();
    expect((await post(roundPage.action, `/rounds/${s.otherRound}`, s.cookies.lead, s.otherRound)).status).toBe(404);
  });

  it("another trust's round: editing it with an empty form answered a trust lead 400 with the form's errors", async () => {
    const s = await scene();
    expect((await post(editRound.action, `/rounds/${s.otherRound}/edit`, s.cookies.lead, s.otherRound)).status).toBe(404);
  });

  it("no such round: a trainee's empty form to the round's choices answered 400 'Use the buttons by a choice'", async () => {
    const s = await scene();
    expect((await post(traineeRound.action, `/trainee/rounds/${UNKNOWN_ID}`, s.cookies.trainee, UNKNOWN_ID)).status).toBe(404);
  });

  it("another trust's opportunity: editing it with an empty form answered a trust lead 400 with the form's errors", async () => {
    const s = await scene();
    expect((await post(editOpportunity.action, `/trust/opportunities/${s.otherOpportunity}/edit`, s.cookies.lead, s.otherOpportunity)).status).toBe(404);
  });
});

describe("an empty form to a link that does not work was a 400 form error, not the link's own answer", () => {
  it("an unknown invitation link: accepting it with an empty form answered 400 'Enter a password' where its page says 404", async () => {
    const res = await callRoute(t.db, invitationPage.action, formRequest("/invitations/not-a-real-token", {}), { token: "not-a-real-token" });
    expect(res.status).toBe(404);
  });

  it("an unknown password-reset link: an empty form answered 400 'Enter a password' where its page says 404", async () => {
    const res = await callRoute(t.db, resetPage.action, formRequest("/reset-password/not-a-real-token", {}), { token: "not-a-real-token" });
    expect(res.status).toBe(404);
  });
});
