// The DME's home: its two lists page 50 at a time, with counts in words that agree with them.
import { describe, expect, it } from "vitest";

import * as home from "~/routes/dme._index";
import { todayInLondon, addDaysIso } from "~/utils/dates";

import { useTestDatabase } from "../helpers/db";
import { callRoute, getRequest, sessionCookieFor } from "../helpers/context";
import { makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const today = todayInLondon();

async function dmeWith(placedNow: number, startingNext = 0) {
  const trust = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  for (let i = 0; i < placedNow + startingNext; i++) {
    const trainee = await makeTrainee(t.db, { name: `Dr Trainee ${String(i).padStart(3, "0")}` });
    const startsOn = i < placedNow ? addDaysIso(today, -30) : addDaysIso(today, 30);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn, endsOn: addDaysIso(startsOn, 120) });
  }
  return { trust, cookie: await sessionCookieFor(t.db, dme.id) };
}

const render = (path: string, cookie: string) => renderRoute(t.db, path, cookie, { loader: home.loader, Component: home.default });
const rowsOf = (html: string, heading: string) => {
  const section = html.split(`id="${heading}"`)[1]!.split("<h2")[0]!;
  return [...section.matchAll(/<tr[^>]*>/g)].length - 1; // less the heading row
};

describe("the DME home says '1 trainees'", () => {
  it("says 1 trainee, and 2 trainees, in the right number", async () => {
    const { cookie } = await dmeWith(1, 2);
    const text = textOf(await render("/dme", cookie));
    expect(text).toContain("Placed here now 1 trainee ");
    expect(text).toContain("Starting in the next rotation 2 trainees");
    expect(text).not.toMatch(/\b1 trainees\b/);
  });
});

describe("the DME home is unbounded", () => {
  it("shows 50 trainees a page with the total, a next page link, and sends a page past the end to the last one", async () => {
    const { cookie } = await dmeWith(55);
    const first = await render("/dme", cookie);
    expect(textOf(first)).toContain("Placed here now 55 trainees");
    expect(rowsOf(first, "placed-now")).toBe(50);
    expect(first).toContain('aria-label="Pages of trainees placed here now"');
    expect(first).toContain('href="/dme?now=2#placed-now"');
    const second = await render("/dme?now=2", cookie);
    expect(rowsOf(second, "placed-now")).toBe(5);
    expect(textOf(second)).toContain("Dr Trainee 054");
    expect(textOf(second)).not.toContain("Dr Trainee 000");

    const past = await callRoute(t.db, home.loader, getRequest("/dme?now=9", cookie));
    expect(past.status).toBe(302);
    expect(past.headers.get("Location")).toBe("/dme?now=2#placed-now");
    // Whatever is typed into the address, the page answers (page 1), never an error.
    for (const odd of ["abc", "-1", "1.5", "99999999999"]) expect(rowsOf(await render(`/dme?now=${odd}`, cookie), "placed-now")).toBe(50);
  });
});
