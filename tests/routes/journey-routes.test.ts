import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applications, opportunities, savedOpportunities } from "@db/schema";
import { MAX_SAVED, SHORTLIST_FULL } from "~/models/shortlist";
import { isSaved, saveForLater } from "~/models/shortlist.server";
import * as home from "~/routes/trainee._index";
import * as journeyPage from "~/routes/trainee.journey";
import * as oppPage from "~/routes/opportunities.$id";
import * as savedRoute from "~/routes/trainee.saved";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
// Far enough ahead to be open whenever the tests run.
const dates = {
  startsOn: "2099-03-01",
  endsOn: "2099-04-15",
  applicationDeadline: "2099-02-15",
  sessionDate: ["2099-03-03"],
};

async function scene() {
  const trust = await makeTrust(t.db, { name: "Here Hospitals NHS Trust" });
  const next = await makeTrust(t.db, { name: "Royal Wolverhampton NHS Trust" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const admin = await makeUser(t.db, { role: "admin" });
  const trainee = await makeTrainee(t.db, { grade: "FY2" });
  const other = await makeTrainee(t.db, { grade: "FY2" });
  await makePlacement(t.db, {
    traineeId: trainee.id,
    trustId: trust.id,
    grade: "FY2",
    startsOn: "2098-08-05",
    endsOn: "2099-03-20",
  });
  await makePlacement(t.db, {
    traineeId: trainee.id,
    trustId: next.id,
    grade: "FY2",
    startsOn: "2099-03-21",
    endsOn: "2099-08-03",
  });
  const id = await makeOpportunity(t.db, trust.id, {
    ...dates,
    title: "Shadow the medical director",
  });
  // At a trust the trainee is never placed at, so it is not among their suggestions either.
  const elsewhere = await makeTrust(t.db, { name: "Elsewhere NHS Trust" });
  const othersOwn = await makeOpportunity(t.db, elsewhere.id, {
    ...dates,
    title: "Someone else's saved board seat",
  });
  const cookies = {
    trainee: await sessionCookieFor(t.db, trainee.id),
    other: await sessionCookieFor(t.db, other.id),
    lead: await sessionCookieFor(t.db, lead.id),
    dme: await sessionCookieFor(t.db, dme.id),
    admin: await sessionCookieFor(t.db, admin.id),
  };
  return { trust, trainee, other, id, othersOwn, cookies };
}

const post = (fields: Record<string, string>, cookie?: string) => callRoute(t.db, savedRoute.action, formRequest("/trainee/saved", fields, cookie));

describe("the journey page's scope", () => {
  it("sends an anonymous visitor to sign in and refuses every staff role with 403", async () => {
    const s = await scene();
    const anonymous = await callRoute(t.db, journeyPage.loader, getRequest("/trainee/journey"));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/trainee/journey")}`);
    for (const cookie of [s.cookies.lead, s.cookies.dme, s.cookies.admin]) {
      expect((await callRoute(t.db, journeyPage.loader, getRequest("/trainee/journey", cookie))).status).toBe(403);
      expect((await post({ intent: "save", opportunityId: s.id, returnTo: "/opportunities" }, cookie)).status).toBe(403);
    }
    expect(await t.db.select().from(savedOpportunities)).toEqual([]);
  });

  it("shows the trainee's own journey and shortlist, never another trainee's", async () => {
    const s = await scene();
    await saveForLater(t.db, s.trainee.id, s.id);
    await saveForLater(t.db, s.other.id, s.othersOwn);
    await t.db.insert(applications).values({
      opportunityId: s.othersOwn,
      traineeId: s.other.id,
      statement: "I would like to learn how the board works.",
      status: "completed",
    });
    const page = textOf(
      await renderRoute(t.db, "/trainee/journey", s.cookies.trainee, {
        loader: journeyPage.loader,
        Component: journeyPage.default,
      })
    );
    expect(page).toContain("Your leadership journey");
    expect(page).toContain("Shadow the medical director");
    expect(page).not.toContain("Someone else's saved board seat");
    expect(page).toContain("You have no confirmed or completed opportunities yet");
    expect(page).toContain("what could come next at Here Hospitals NHS Trust, where you start on 5 August 2098.");
    const homePage = textOf(
      await renderRoute(t.db, "/trainee", s.cookies.trainee, {
        loader: home.loader,
        Component: home.default,
      })
    );
    expect(homePage).toContain("Saved for later");
    expect(homePage).toContain("Shadow the medical director");
    expect(homePage).not.toContain("Someone else's saved board seat");
  });
});

describe("saving for later", () => {
  it("saves and removes with plain form posts and returns to the page the button was on", async () => {
    const s = await scene();
    const saved = await post(
      {
        intent: "save",
        opportunityId: s.id,
        returnTo: `/opportunities?q=board&page=2`,
      },
      s.cookies.trainee
    );
    expect(saved.status).toBe(303);
    expect(saved.headers.get("Location")).toBe("/opportunities?q=board&page=2&shortlist=saved");
    const page = textOf(await renderRoute(t.db, `/opportunities/${s.id}?shortlist=saved`, s.cookies.trainee, { loader: oppPage.loader, Component: oppPage.default }, { id: s.id }));
    expect(page).toContain("Saved for later. You will find it in your saved opportunities.");
    expect(page).toContain("Remove from saved");
    const removed = await post(
      {
        intent: "remove",
        opportunityId: s.id,
        returnTo: "/trainee?shortlist=saved",
      },
      s.cookies.trainee
    );
    expect(removed.headers.get("Location")).toBe("/trainee?shortlist=removed");
    expect(await t.db.select().from(savedOpportunities)).toEqual([]);
  });

  it("returns to the journey, not another site, when the page to return to is not a path on this site", async () => {
    const s = await scene();
    for (const returnTo of ["//evil.example/", "https://evil.example/", "/\\evil.example", ""]) {
      const res = await post({ intent: "save", opportunityId: s.id, returnTo }, s.cookies.trainee);
      expect(res.headers.get("Location")).toBe("/trainee/journey?shortlist=saved");
    }
  });

  it("answers 400 for a form without a known intent or opportunity and 404 for an opportunity that is not there or not visible", async () => {
    const s = await scene();
    expect((await post({ intent: "shuffle", opportunityId: s.id }, s.cookies.trainee)).status).toBe(400);
    expect((await post({ intent: "save", opportunityId: "nonsense" }, s.cookies.trainee)).status).toBe(400);
    expect(
      (
        await post(
          {
            intent: "save",
            opportunityId: "00000000-0000-4000-8000-000000000000",
          },
          s.cookies.trainee
        )
      ).status
    ).toBe(404);
    const draft = await makeOpportunity(t.db, s.trust.id, { ...dates, title: "A draft" }, "draft");
    expect((await post({ intent: "save", opportunityId: draft }, s.cookies.trainee)).status).toBe(404);
    const closed = await makeOpportunity(t.db, s.trust.id, { ...dates, title: "Closed" }, "closed");
    expect(
      (
        await post(
          {
            intent: "save",
            opportunityId: closed,
            returnTo: `/opportunities/${closed}`,
          },
          s.cookies.trainee
        )
      ).headers.get("Location")
    ).toBe(`/opportunities/${closed}?shortlist=closed`);
    expect(await t.db.select().from(savedOpportunities)).toEqual([]);
  });

  it("a save past the limit goes to the saved list on the journey, which says so with what to do", async () => {
    const s = await scene();
    const [template] = await t.db.select().from(opportunities).where(eq(opportunities.id, s.id));
    const { id: _, ...copy } = template!;
    const more = await t.db
      .insert(opportunities)
      .values(
        Array.from({ length: MAX_SAVED }, (_, i) => ({
          ...copy,
          title: `Copy ${i}`,
        }))
      )
      .returning({ id: opportunities.id });
    await t.db.insert(savedOpportunities).values(more.map((m) => ({ traineeId: s.trainee.id, opportunityId: m.id })));
    const res = await post(
      {
        intent: "save",
        opportunityId: s.id,
        returnTo: "/opportunities?q=board",
      },
      s.cookies.trainee
    );
    expect(res.headers.get("Location")).toBe("/trainee/journey?shortlist=full#saved");
    const page = textOf(await renderRoute(t.db, "/trainee/journey?shortlist=full", s.cookies.trainee, { loader: journeyPage.loader, Component: journeyPage.default }));
    expect(page).toContain(`There is a problem ${SHORTLIST_FULL}`);
    expect(await isSaved(t.db, s.trainee.id, s.id)).toBe(false);
  });

  it("removing takes only the trainee's own saved row", async () => {
    const s = await scene();
    await saveForLater(t.db, s.other.id, s.othersOwn);
    await post({ intent: "remove", opportunityId: s.othersOwn }, s.cookies.trainee);
    expect(await t.db.select({ traineeId: savedOpportunities.traineeId }).from(savedOpportunities).where(eq(savedOpportunities.opportunityId, s.othersOwn))).toEqual([
      { traineeId: s.other.id },
    ]);
  });
});

describe("the move warning on the opportunity page", () => {
  it("tells the trainee before applying that they move trust before it ends, and says nothing to staff or once applied", async () => {
    const s = await scene();
    const render = (cookie: string) => renderRoute(t.db, `/opportunities/${s.id}`, cookie, { loader: oppPage.loader, Component: oppPage.default }, { id: s.id }).then(textOf);
    const page = await render(s.cookies.trainee);
    expect(page).toContain("Before you apply You move to Royal Wolverhampton NHS Trust on 21 March 2099; this runs to 15 April 2099.");
    expect(page.indexOf("Before you apply")).toBeLessThan(page.indexOf("Apply for this opportunity"));
    expect(await render(s.cookies.lead)).not.toContain("Before you apply");
    // A trainee with no placement after this one is told so.
    const alone = await makeTrainee(t.db, { grade: "FY2" });
    await makePlacement(t.db, {
      traineeId: alone.id,
      trustId: s.trust.id,
      grade: "FY2",
      startsOn: "2098-08-05",
      endsOn: "2099-03-20",
    });
    expect(await render(await sessionCookieFor(t.db, alone.id))).toContain(
      "Your placement at Here Hospitals NHS Trust ends on 20 March 2099; you have no placement recorded after it, and this runs to 15 April 2099."
    );
    await t.db.insert(applications).values({
      opportunityId: s.id,
      traineeId: s.trainee.id,
      statement: "I would like to learn how the board works.",
      status: "submitted",
    });
    expect(await render(s.cookies.trainee)).not.toContain("Before you apply");
  });
});
