// A trainee's leadership journey without JavaScript: saving an opportunity for later from its
// page (told first that they move trust before it ends), finding it on the home and journey
// pages beside a suggestion and its reason, and removing it again.
import { describe, expect, it } from "vitest";

import { addDaysIso, formatDate, todayInLondon } from "~/utils/dates";

import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, TEST_PASSWORD } from "../helpers/factories";

const EMAIL = "journey.walker@example.nhs.uk";
const today = todayInLondon();
const day = (n: number) => addDaysIso(today, n);
const ids: { saved?: string; suggested?: string } = {};

const app = useRunningApp({
  prepare: async (db) => {
    const here = await makeTrust(db, {
      name: "Journey Test Hospitals NHS Trust",
    });
    const next = await makeTrust(db, { name: "Royal Wolverhampton NHS Trust" });
    const trainee = await makeTrainee(db, { email: EMAIL, grade: "FY2" });
    await makePlacement(db, {
      traineeId: trainee.id,
      trustId: here.id,
      grade: "FY2",
      startsOn: day(-100),
      endsOn: day(30),
    });
    await makePlacement(db, {
      traineeId: trainee.id,
      trustId: next.id,
      grade: "FY2",
      startsOn: day(31),
      endsOn: day(200),
    });
    // Runs past the trainee's placement at the trust: the page warns before they apply.
    ids.saved = await makeOpportunity(db, here.id, {
      title: "Shadow the medical director",
      startsOn: day(10),
      endsOn: day(60),
      applicationDeadline: day(5),
      sessionDate: [day(10)],
      eligibleGrades: ["FY2"],
      focus: "team",
      hlmDimensions: ["engaging_the_team"],
    });
    ids.suggested = await makeOpportunity(db, here.id, {
      title: "Sit on the quality committee",
      startsOn: day(12),
      endsOn: day(25),
      applicationDeadline: day(8),
      sessionDate: [day(12)],
      eligibleGrades: ["FY2"],
      focus: "organisation",
      hlmDimensions: ["holding_to_account"],
    });
  },
});

describe("the leadership journey", () => {
  it("a trainee without JavaScript is told they move trust, saves the opportunity for later, sees it on home and journey beside a suggestion and its reason, and removes it", async () => {
    const context = await app.context({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThroughForm(page, EMAIL, TEST_PASSWORD);
    await page.waitForURL("**/trainee");

    await page.goto(`/opportunities/${ids.saved}`);
    expect(await textOf(page, "#move-warning")).toContain(`You move to Royal Wolverhampton NHS Trust on ${formatDate(day(31))}; this runs to ${formatDate(day(60))}.`);
    await page
      .getByRole("button", {
        name: "Save for later: Shadow the medical director",
      })
      .click();
    await page.waitForURL(/\?shortlist=saved$/);
    expect(await textOf(page, ".nhsuk-notification-banner--success")).toContain("Saved for later");
    expect(
      await page
        .getByRole("button", {
          name: "Remove from saved: Shadow the medical director",
        })
        .count()
    ).toBe(1);

    await page.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: "Home" }).click();
    await page.waitForURL("**/trainee");
    expect(await textOf(page, "#saved")).toContain("Shadow the medical director");
    expect(await textOf(page, "#saved")).toContain("Closes in 5 days");

    await page.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: "Your journey" }).click();
    await page.waitForURL("**/trainee/journey");
    expect(await h1(page)).toContain("Your leadership journey");
    expect(await textOf(page, "#saved")).toContain("Shadow the medical director");
    const suggestion = page.locator("li.app-result", {
      has: page.getByRole("link", { name: "Sit on the quality committee" }),
    });
    expect(await suggestion.innerText()).toContain("You have not yet worked at organisation level");
    expect(await suggestion.innerText()).toContain("Develops Holding to account, which you have not covered");

    await page
      .getByRole("button", {
        name: "Remove from saved: Shadow the medical director",
      })
      .click();
    await page.waitForURL(/\/trainee\/journey\?shortlist=removed$/);
    expect(await textOf(page, ".nhsuk-notification-banner--success")).toContain("Removed from your saved opportunities");
    expect(await textOf(page, "#saved")).toContain("You have not saved any opportunities");
  });

  it("with JavaScript, saving and removing on the opportunity page answers in place", async () => {
    const context = await app.context();
    const page = await context.newPage();
    await signInThroughForm(page, EMAIL, TEST_PASSWORD);
    await page.waitForURL("**/trainee");
    await page.goto(`/opportunities/${ids.suggested}`);
    await page
      .getByRole("button", {
        name: "Save for later: Sit on the quality committee",
      })
      .click();
    await page.waitForURL(/\?shortlist=saved$/);
    await page
      .getByRole("button", {
        name: "Remove from saved: Sit on the quality committee",
      })
      .click();
    await page.waitForURL(/\?shortlist=removed$/);
    expect(await textOf(page, ".nhsuk-notification-banner--success", "Removed")).toContain("Removed from your saved opportunities");
    expect(
      await page
        .getByRole("button", {
          name: "Save for later: Sit on the quality committee",
        })
        .count()
    ).toBe(1);
  });
});
