// A trainee keeps their profile and placements, downloads their data and closes their
// account, in Chromium against the real server. Each journey registers a new trainee, so the
// demo accounts other journeys use are left alone.
import { readFile } from "node:fs/promises";

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { addDaysIso, formatDate, todayInLondon } from "~/utils/dates";

import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";

const app = useRunningApp();

const TRUST = "University Hospitals Birmingham NHS Foundation Trust";
const PASSWORD = "a long unusual passphrase";

async function register(page: Page, name: string, email: string, gmcNumber: string) {
  await page.goto("/register");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("GMC number").fill(gmcNumber);
  await page.getByLabel("Grade").selectOption("CT2");
  await page.getByLabel("Create a password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/trainee");
}

async function fillPlacement(page: Page, p: { site: string; startsOn: string; endsOn: string; wte: string }, options: { javaScript?: boolean } = {}) {
  await page.getByLabel("Trust", { exact: true }).selectOption({ label: TRUST });
  // Only the chosen trust's sites are on the page: fetched with JavaScript (selectOption waits
  // for the option), or by sending the form to "Show the trust's sites" without.
  if (options.javaScript === false) {
    await page.getByRole("button", { name: "Show the trust's sites" }).click();
    await page.waitForURL(/trustId=/);
  }
  await page.getByLabel("Site (optional)").selectOption({ label: p.site });
  await page.getByLabel("Specialty (optional)").fill("General Surgery");
  await page.getByLabel("Grade in this placement").selectOption("CT2");
  await page.getByLabel("Start date").fill(p.startsOn);
  await page.getByLabel("End date").fill(p.endsOn);
  await page.getByLabel("Whole-time equivalent (WTE)").fill(p.wte);
}

describe("a trainee's profile, placements and data", () => {
  it("adds, changes and deletes a placement, downloads their data and closes the account", async () => {
    const context = await app.context();
    const page = await context.newPage();
    // Hydration mismatches and script errors show up here: the pages must have none.
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("console", (m) => (m.type() === "error" ? problems.push(m.text()) : undefined));
    const email = "rosalind.franklin@example.nhs.uk";
    await register(page, "Dr Rosalind Franklin", email, "7012345");
    const start = addDaysIso(todayInLondon(), 30);
    const end = addDaysIso(start, 120);

    await page.goto("/trainee/profile");
    expect(await h1(page, "Your profile")).toContain("Your profile");
    await page.getByLabel("Specialty (optional)").fill("General Surgery");
    await page.getByLabel("Less than full time (LTFT)").check();
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.waitForURL("**/trainee/profile?done=profile");
    expect(await textOf(page, ".nhsuk-notification-banner", "Your profile has been saved")).toContain("Your profile has been saved");
    expect(await page.getByLabel("Less than full time (LTFT)").isChecked()).toBe(true);

    // Add: a mistake first, kept values and a message next to the field, then the fix.
    await page.getByRole("button", { name: "Add placement" }).click();
    await page.waitForURL("**/trainee/placements/new");
    await fillPlacement(page, { site: "Heartlands Hospital", startsOn: start, endsOn: addDaysIso(start, -1), wte: "0.8" });
    await page.getByRole("button", { name: "Add placement" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "The end date must be the same as or after the start date")).toContain("The end date must be the same as or after the start date");
    expect(await textOf(page, "#endsOn--error-message", "The end date must be the same as or after the start date")).toContain("The end date must be the same as or after the start date");
    expect(await page.getByLabel("Whole-time equivalent (WTE)").inputValue()).toBe("0.8");
    await page.getByLabel("End date").fill(end);
    await page.getByRole("button", { name: "Add placement" }).click();
    await page.waitForURL("**/trainee/profile?done=added*");
    expect(await textOf(page, ".nhsuk-notification-banner", "Your placement has been added")).toContain("Your placement has been added");
    const table = await textOf(page, "table");
    expect(table).toContain(TRUST);
    expect(table).toContain("Heartlands Hospital");
    expect(table).toContain(`${formatDate(start)} to ${formatDate(end)}`);

    // Change it.
    const change = page.getByRole("link", { name: `Change placement at ${TRUST} from ${formatDate(start)}` });
    await change.click();
    await page.waitForURL(/\/trainee\/placements\/[0-9a-f-]{36}$/);
    expect(await h1(page, "Change a placement")).toContain("Change a placement");
    expect(await page.getByLabel("Site (optional)").inputValue()).not.toBe("");
    const newEnd = addDaysIso(end, 60);
    await page.getByLabel("End date").fill(newEnd);
    await page.getByLabel("Site (optional)").selectOption({ label: "Good Hope Hospital" });
    await page.getByRole("button", { name: "Save placement" }).click();
    await page.waitForURL("**/trainee/profile?done=saved*");
    expect(await textOf(page, ".nhsuk-notification-banner", "Your placement has been saved")).toContain("Your placement has been saved");
    expect(await textOf(page, "table")).toContain(`${formatDate(start)} to ${formatDate(newEnd)}`);
    expect(await textOf(page, "table", "Good Hope Hospital")).toContain("Good Hope Hospital");

    // Download my data: the file has the profile and the placement.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download my data" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^invitational-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(await readFile((await download.path())!, "utf8")) as {
      profile: { name: string; email: string; gmcNumber: string; specialty: string; ltft: boolean };
      placements: { trustName: string; siteName: string; startsOn: string; endsOn: string; wte: string; source: string }[];
    };
    expect(data.profile).toMatchObject({ name: "Dr Rosalind Franklin", email, gmcNumber: "7012345", specialty: "General Surgery", ltft: true });
    expect(data.placements).toEqual([
      expect.objectContaining({ trustName: TRUST, siteName: "Good Hope Hospital", startsOn: start, endsOn: newEnd, wte: "0.80", source: "added by you" }),
    ]);

    // Delete it.
    await change.click();
    await page.waitForURL(/\/trainee\/placements\/[0-9a-f-]{36}$/);
    await page.getByRole("button", { name: "Delete placement" }).click();
    await page.waitForURL("**/trainee/profile?done=deleted*");
    expect(await textOf(page, ".nhsuk-notification-banner", "Your placement has been deleted")).toContain("Your placement has been deleted");
    expect(await textOf(page, "main", "No placements are recorded for you yet.")).toContain("No placements are recorded for you yet.");

    // Close the account: a wrong password first, then the right one.
    await page.getByRole("link", { name: "Close my account" }).click();
    await page.waitForURL("**/trainee/close-account");
    expect(await h1(page, "Close your account")).toContain("Close your account");
    await page.getByLabel("Your password").fill("not the right password");
    await page.getByRole("button", { name: "Close my account" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "Your password is not correct")).toContain("Your password is not correct");
    expect(await page.getByLabel("Your password").inputValue()).toBe("");
    await page.getByLabel("Your password").fill(PASSWORD);
    await page.getByRole("button", { name: "Close my account" }).click();
    await page.waitForURL(`${app.url}/?closed=1`);
    await page.goto("/trainee/profile");
    expect(new URL(page.url()).pathname).toBe("/sign-in");

    // Signing in no longer works.
    await signInThroughForm(page, email, PASSWORD);
    expect(await textOf(page, ".nhsuk-error-summary", "Enter a correct email address and password")).toContain("Enter a correct email address and password");
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    // (Other hosts are blocked by the test context, and a refused form answers 4xx: neither counts.)
    expect(problems.filter((p) => !/status of 4\d\d|net::ERR_FAILED/.test(p))).toEqual([]);
    await context.close();
  });

  it("works without JavaScript: the trust's sites come with a plain GET of the form, and the forms are plain forms", async () => {
    const context = await app.context({ javaScriptEnabled: false });
    const page = await context.newPage();
    await register(page, "Dr Dorothy Hodgkin", "dorothy.hodgkin@example.nhs.uk", "7054321");
    const start = addDaysIso(todayInLondon(), 200);

    await page.goto("/trainee/profile");
    await page.getByLabel("Full name").fill("");
    await page.getByRole("button", { name: "Save profile" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "Enter your full name")).toContain("Enter your full name");
    expect(await textOf(page, "#name--error-message", "Enter your full name")).toContain("Enter your full name");
    await page.getByLabel("Full name").fill("Dr Dorothy Crowfoot Hodgkin");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.waitForURL("**/trainee/profile?done=profile");

    await page.goto("/trainee/placements/new");
    // Before a trust is chosen the page lists no site at all, of any trust.
    expect(await page.locator("#siteId option").count()).toBe(1);
    await fillPlacement(page, { site: "Heartlands Hospital", startsOn: start, endsOn: addDaysIso(start, 90), wte: "1" }, { javaScript: false });
    const sites = await page.locator("#siteId option").allTextContents();
    expect(sites).toContain("Good Hope Hospital");
    expect(sites).not.toContain("Royal Stoke University Hospital");
    // Pressing Enter in the placement form without JavaScript shows the trust's sites instead of
    // adding the placement: Enter must add it, as the "Add placement" button does.
    await page.getByLabel("Whole-time equivalent (WTE)").press("Enter");
    await page.waitForURL("**/trainee/profile?done=added*");
    expect(await textOf(page, "table", "Heartlands Hospital")).toContain("Heartlands Hospital");

    // An overlapping in-post placement is refused next to the dates.
    await page.goto("/trainee/placements/new");
    await fillPlacement(page, { site: "Solihull Hospital", startsOn: addDaysIso(start, 30), endsOn: addDaysIso(start, 120), wte: "1" }, { javaScript: false });
    await page.getByRole("button", { name: "Add placement" }).click();
    expect(await textOf(page, "#startsOn--error-message")).toContain(`These dates overlap your placement at ${TRUST}`);
    await context.close();
  });
});
