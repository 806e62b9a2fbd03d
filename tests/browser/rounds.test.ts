// A round from creation to an approved placement, across five people's browsers: the lead
// creates it, two trainees rank its one seat (one of them without JavaScript), an admin closes
// it, the first-timer gets the seat over the trainee who already had an opportunity this year,
// and the DME approves the placement.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { addDaysIso, todayInLondon } from "~/utils/dates";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { publishOpportunity } from "../helpers/journeys";

const app = useRunningApp();

async function person(email: string, home: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await app.context(options);
  const page = await context.newPage();
  await signInThroughForm(page, email, DEMO_PASSWORD);
  await page.waitForURL(`**${home}`);
  return page;
}

const TITLE = "Join the discharge improvement huddle";
const ROUND = "Winter discharge round";

async function addToChoices(page: Page, opportunityId: string, statement: string): Promise<void> {
  await page.goto(`/opportunities/${opportunityId}`);
  expect(await textOf(page, "main", `Places are allocated in the round ${ROUND}`)).toContain(`Places are allocated in the round ${ROUND}, closing`);
  await page.getByLabel("Why do you want this opportunity, and what do you hope to learn?").fill(statement);
  await page.getByRole("button", { name: "Add to my choices" }).click();
  await page.waitForURL(/\/trainee\/rounds\/[0-9a-f-]{36}\?done=added/);
  expect(await textOf(page, "main", "Your choices are saved")).toContain(`Your choices are saved: 1. ${TITLE}.`);
}

describe("an allocation round from creation to an approved placement", () => {
  it("the lead creates a round, two trainees rank the one seat, it closes, the first-timer gets it over the trainee who already had an opportunity, and the DME approves", async () => {
    const today = todayInLondon();
    const lead = await person("lead@demo.test", "/trust");
    const opportunityId = await publishOpportunity(lead, {
      type: "Structured shadowing",
      title: TITLE,
      description: "Join the discharge team's morning huddle and the improvement work that follows it.",
      seats: 1,
      grades: ["FY2", "CT1"],
      withSession: true,
    });

    // The lead creates the round, open from the start of today until tomorrow at 5pm.
    await lead.goto("/rounds/new");
    await lead.getByLabel("Name of the round").fill(ROUND);
    await lead.getByLabel(TITLE).check();
    await lead.locator("#opensDate").fill(today);
    await lead.locator("#opensTime").fill("00:00");
    await lead.locator("#closesDate").fill(addDaysIso(today, 1));
    await lead.locator("#closesTime").fill("17:00");
    await lead.getByRole("button", { name: "Create round" }).click();
    await lead.waitForURL(/\/rounds\/[0-9a-f-]{36}\?done=created/);
    const roundId = new URL(lead.url()).pathname.split("/").pop()!;
    expect(await h1(lead, ROUND)).toContain(ROUND);

    // The demo trainee, who already has an approved opportunity this year, ranks it first, with JavaScript.
    const priya = await person("trainee@demo.test", "/trainee");
    await addToChoices(priya, opportunityId, "I want to learn how a discharge huddle turns a ward's data into actions the same day.");

    // A new trainee, a first-timer, registers and ranks it later, without JavaScript.
    const noScript = await app.context({ javaScriptEnabled: false });
    const tom = await noScript.newPage();
    await tom.goto("/register");
    await tom.getByLabel("Full name").fill("Dr Tom Ellis");
    await tom.getByLabel("Email address").fill("tom.ellis@example.nhs.uk");
    await tom.getByLabel("GMC number").fill("7999002");
    await tom.getByLabel("Grade").selectOption("CT1");
    await tom.getByLabel("Create a password").fill("a long unusual passphrase");
    await tom.getByRole("button", { name: "Create account" }).click();
    await tom.waitForURL("**/trainee");
    await addToChoices(tom, opportunityId, "I have not led any improvement work yet and want to see how a team plans discharges together.");

    // While the round is open, first come, first served is closed to its opportunity.
    await priya.goto(`/opportunities/${opportunityId}`);
    expect(await priya.getByRole("button", { name: "Apply" }).count()).toBe(0);

    // An admin closes the round early; the allocation page compares it with first come, first served.
    const admin = await person("admin@demo.test", "/admin");
    await admin.goto(`/rounds/${roundId}`);
    await admin.getByRole("button", { name: "Close and allocate now" }).click();
    await admin.waitForURL(new RegExp(`/rounds/${roundId}/allocation`));
    const audit = await textOf(admin, "main", "First come, first served");
    expect(audit).toMatch(/First-timers placed\s+1/);
    // First come, first served would have given the seat to the trainee who saved first.
    expect(audit).toMatch(/First come, first served \(by when each choice was saved\)\s+0\s+1\s+1/);

    // Each trainee sees the outcome and why.
    await tom.goto(`/trainee/rounds/${roundId}`);
    expect(await textOf(tom, "main", "You were placed")).toContain(`You were placed on your 1st choice, ${TITLE}.`);
    await priya.goto(`/trainee/rounds/${roundId}`);
    const priyaOutcome = await textOf(priya, "main", "You were not placed");
    expect(priyaOutcome).toContain("You were not placed in this round. Your 1st choice had 1 seat; 2 trainees chose it, 1 of them with no opportunity yet this year.");
    await priya.goto("/notifications");
    expect(await textOf(priya, "main", `Not placed in ${ROUND}`)).toContain(`Not placed in ${ROUND}`);

    // The DME approves the placement the round offered.
    const dme = await person("dme@demo.test", "/dme");
    await dme.goto("/dme/approvals");
    expect(await textOf(dme, "main", `Dr Tom Ellis: ${TITLE}`)).toContain(`Dr Tom Ellis: ${TITLE}`);
    await dme.getByRole("link", { name: new RegExp(TITLE) }).click();
    await dme.getByRole("button", { name: "Approve placement" }).click();
    await dme.waitForURL(/done=approve/);
    expect(await textOf(dme, ".nhsuk-notification-banner", "approved")).toContain("approved");

    await tom.goto(`/trainee/rounds/${roundId}`);
    expect(await textOf(tom, "main", "Your placement is confirmed")).toContain("Your placement is confirmed.");
    // Closed early: the page gives when it was allocated, not the closing time it never reached.
    expect(await textOf(tom, "main", "Allocated")).toMatch(/Allocated \d{1,2} [A-Z][a-z]+ \d{4} at /);
  });
});
