// From "apply" to a confirmed placement, across three people's browsers, and a freed seat
// going to the waiting list.
import type { Page } from "playwright-core";
import ical from "node-ical";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { publishOpportunity } from "../helpers/journeys";

const app = useRunningApp();

async function person(email: string, home: string): Promise<Page> {
  const context = await app.context();
  const page = await context.newPage();
  await signInThroughForm(page, email, DEMO_PASSWORD);
  await page.waitForURL(`**${home}`);
  return page;
}

const TITLE = "Shadow the chief nurse at the safety huddle";
const STATEMENT = "I want to see how the chief nurse leads the daily safety huddle and acts on what it finds.";

async function applyAs(page: Page, opportunityId: string): Promise<string> {
  await page.goto(`/opportunities/${opportunityId}`);
  await page.getByLabel("Why do you want this opportunity, and what do you hope to learn?").fill(STATEMENT);
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL(/\/applications\/[0-9a-f-]{36}\?applied=1/);
  return new URL(page.url()).pathname.split("/").pop()!;
}

async function act(page: Page, applicationId: string, button: string, reason?: string) {
  await page.goto(`/applications/${applicationId}`);
  const form = page.locator("form", { has: page.getByRole("button", { name: button }) });
  if (reason) await form.getByRole("textbox").fill(reason);
  await page.getByRole("button", { name: button }).click();
  await page.waitForURL(/done=/);
}

/** Withdrawing asks first: the button is a link to the question. */
async function withdraw(page: Page, applicationId: string, reason: string) {
  await page.goto(`/applications/${applicationId}`);
  await page.getByRole("link", { name: "Withdraw application" }).click();
  await page.waitForURL(/confirm=withdraw/);
  expect(await textOf(page, ".nhsuk-card--warning", "Withdraw your application?")).toContain("Your place goes to the next person on the waiting list.");
  await page.getByLabel("Why you are withdrawing (optional)").fill(reason);
  await page.getByRole("button", { name: "Yes, withdraw application" }).click();
  await page.waitForURL(/done=/);
}

describe("an application from start to confirmed placement", () => {
  it("trainee applies, lead offers, DME approves, trainee sees it confirmed and in the calendar; a withdrawal offers the seat to the waiting list", async () => {
    const lead = await person("lead@demo.test", "/trust");
    const opportunityId = await publishOpportunity(lead, {
      type: "Structured shadowing",
      title: TITLE,
      description: "Join the chief nurse for the 08:30 safety huddle and the actions that follow.",
      seats: 1,
      grades: ["FY2", "CT1"],
      withSession: true,
    });

    const trainee = await person("trainee@demo.test", "/trainee");
    const first = await applyAs(trainee, opportunityId);
    expect(await textOf(trainee, "main", "Submitted")).toContain("Submitted");

    // A second trainee registers and applies for the same single seat.
    const context = await app.context();
    const second = await context.newPage();
    await second.goto("/register");
    await second.getByLabel("Full name").fill("Dr Tom Ellis");
    await second.getByLabel("Email address").fill("tom.ellis@example.nhs.uk");
    await second.getByLabel("GMC number").fill("7999001");
    await second.getByLabel("Grade").selectOption("CT1");
    await second.getByLabel("Create a password").fill("a long unusual passphrase");
    await second.getByRole("button", { name: "Create account" }).click();
    await second.waitForURL("**/trainee");
    const secondId = await applyAs(second, opportunityId);

    // The lead sees both applicants, both first-timers, and offers the first; the seat is then full.
    await lead.goto(`/trust/opportunities/${opportunityId}/applicants`);
    expect(await textOf(lead, "main", "First leadership opportunity")).toContain("First leadership opportunity");
    // The second trainee has no placement from the training-information system: their grade is their own word.
    expect(await textOf(lead, "main", "CT1 (self-declared)")).toContain("CT1 (self-declared)");
    await act(lead, first, "Offer a place");
    // With the seat full the page offers the waiting list, not a place it would refuse.
    await lead.goto(`/applications/${secondId}`);
    expect(await textOf(lead, "#actions", "All 1 seat is taken")).toContain("All 1 seat is taken: add the applicant to the waiting list instead");
    expect(await lead.getByRole("button", { name: "Offer a place" }).count()).toBe(0);
    await act(lead, secondId, "Add to waiting list");

    // The DME approves from the queue.
    const dme = await person("dme@demo.test", "/dme");
    await dme.getByRole("link", { name: "Approvals", exact: true }).click();
    await dme.waitForURL("**/dme/approvals");
    // The demo trainee's placements come from the training-information system: their grade is not their own word.
    const queue = await textOf(dme, "main", `Dr Priya Patel: ${TITLE}`);
    expect(queue).toMatch(new RegExp(`Dr Priya Patel: ${TITLE}\\s+FY2 · `));
    expect(queue).not.toContain("(self-declared)");
    await dme.getByRole("link", { name: new RegExp(TITLE) }).click();
    await dme.getByRole("button", { name: "Approve placement" }).click();
    await dme.waitForURL(/done=approve/);
    expect(await textOf(dme, ".nhsuk-notification-banner", "approved")).toContain("approved");

    // Before the opportunity has even started, the lead is not offered a sign-off that would be refused.
    await lead.goto(`/applications/${first}`);
    expect(await textOf(lead, "main", "You can sign off completion from")).toContain("You can sign off completion from");
    expect(await lead.getByRole("button", { name: "Sign off as completed" }).count()).toBe(0);
    expect(await lead.getByRole("button", { name: "Record as not completed" }).count()).toBe(0);

    // The trainee sees the confirmed placement, its session, a notification and the calendar feed.
    await trainee.goto("/trainee");
    const home = await textOf(trainee, "main");
    expect(home).toContain("Confirmed");
    expect(home).toContain("Board room, Heartlands Hospital");
    expect(await textOf(trainee, "header")).toMatch(/Notifications \(\d+/);
    await trainee.goto("/trainee/calendar");
    const feedUrl = (await trainee.getByLabel("Your calendar link").inputValue()).match(/^https?:\/\/\S+\.ics$/)?.[0];
    expect(await trainee.getByRole("link", { name: "Subscribe in the calendar app on this device" }).getAttribute("href")).toBe(feedUrl!.replace(/^https?:/, "webcal:"));
    expect(feedUrl).toBeTruthy();
    const ics = await (await fetch(new URL(new URL(feedUrl!).pathname, app.url))).text();
    const events = Object.values(ical.sync.parseICS(ics)).filter((e) => e?.type === "VEVENT");
    // The new placement's one session, beside the sessions of the placement the demo data confirmed.
    expect(events.map((e) => (e as { summary?: string } | undefined)?.summary).filter((s) => s === TITLE)).toEqual([TITLE]);

    // The trainee withdraws; the seat goes to the waiting list automatically.
    await withdraw(trainee, first, "My rota changed");
    await second.goto(`/applications/${secondId}`);
    expect(await textOf(second, "main", "Offered, waiting for approval")).toContain("Offered, waiting for approval");
    expect(await textOf(second, "main", "by Invitational, automatically")).toContain("by Invitational, automatically");
    expect(await h1(second, TITLE)).toContain(TITLE);
  });
});
