// A trainee ranks opportunities in a round without JavaScript: every change is a plain form
// button, and each answers with what is saved.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { makeOpportunity, makeRound, makeTrainee, makeTrust, TEST_PASSWORD } from "../helpers/factories";

const EMAIL = "round.ranker@example.nhs.uk";
const STATEMENT = "I want to see how the trust turns its quality objectives into work the wards can feel.";
const dates = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03"] };
const ids: { round?: string; a?: string; b?: string } = {};

const app = useRunningApp({
  prepare: async (db) => {
    const trust = await makeTrust(db, { name: "Round Test Hospitals NHS Trust" });
    ids.a = await makeOpportunity(db, trust.id, { ...dates, title: "Shadow the medical director" });
    ids.b = await makeOpportunity(db, trust.id, { ...dates, title: "Join the patient safety huddle" });
    ids.round = (await makeRound(db, { name: "Spring leadership round", opportunityIds: [ids.a, ids.b], closesAt: new Date("2099-01-14T17:00:00Z") })).id;
    await makeTrainee(db, { email: EMAIL, grade: "FY2" });
  },
});

async function addFromOpportunityPage(page: Page, opportunityId: string) {
  await page.goto(`/opportunities/${opportunityId}`);
  expect(await textOf(page, "#round")).toContain("Places are allocated in the round Spring leadership round, closing 14 January 2099 at 5pm");
  await page.getByLabel("Why do you want this opportunity, and what do you hope to learn?").fill(STATEMENT);
  await page.getByRole("button", { name: "Add to my choices" }).click();
  await page.waitForURL(/\/trainee\/rounds\/[0-9a-f-]{36}\?done=added$/);
}

const confirmation = (page: Page, expected: string) => textOf(page, ".nhsuk-notification-banner--success", expected);

describe("ranking opportunities in a round", () => {
  it("a trainee without JavaScript adds two choices, moves the second up, removes one, and sees what is saved each time", async () => {
    const context = await app.context({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThroughForm(page, EMAIL, TEST_PASSWORD);
    await page.waitForURL("**/trainee");
    expect(await textOf(page, "main", "Rounds open now")).toContain("Spring leadership round");

    await addFromOpportunityPage(page, ids.a!);
    expect(await confirmation(page, "Your choices are saved")).toContain("Your choices are saved: 1. Shadow the medical director");
    await addFromOpportunityPage(page, ids.b!);
    expect(await confirmation(page, "2. Join")).toContain("Your choices are saved: 1. Shadow the medical director, 2. Join the patient safety huddle");
    expect(await textOf(page, "main")).toContain("2 of 5 choices");

    await page.getByRole("button", { name: "Move up Join the patient safety huddle" }).click();
    await page.waitForURL(/\?done=up$/);
    expect(await confirmation(page, "1. Join")).toContain("Your choices are saved: 1. Join the patient safety huddle, 2. Shadow the medical director");

    await page.getByRole("button", { name: "Remove Shadow the medical director" }).click();
    await page.waitForURL(/\?done=removed$/);
    expect(await confirmation(page, "Choice removed")).toContain("Your choices are saved: 1. Join the patient safety huddle");
    expect(await textOf(page, "main")).toContain("1 of 5 choices");

    // The opportunity page now says where it stands in the round.
    await page.goto(`/opportunities/${ids.b}`);
    expect(await textOf(page, "#round")).toContain("This is your 1st choice in the round.");
  });
});
