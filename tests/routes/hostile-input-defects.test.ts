// The defects tests/routes/hostile-input.test.ts found, each a 500 for something a person can put
// in an address or a form, pinned by the route itself on a real database.
import { describe, expect, it } from "vitest";

import * as nothingYet from "~/routes/nothing-yet";
import * as roundsNew from "~/routes/rounds.new";
import * as roundPage from "~/routes/trainee.rounds.$id";

import { useTestDatabase } from "../helpers/db";
import { callRoute, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeRound, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
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
