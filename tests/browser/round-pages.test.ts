// The round pages as a trust lead and a trainee walk them in a browser: each test is named
// after what went wrong.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { isFocused, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";

const app = useRunningApp();

async function signedIn(email: string, home: string): Promise<Page> {
  const context = await app.context();
  const page = await context.newPage();
  await signInThroughForm(page, email, DEMO_PASSWORD);
  await page.waitForURL(`**${home}`);
  return page;
}
const signedInLead = () => signedIn("lead@demo.test", "/trust");
const focusedBanner = (page: Page) => page.evaluate(() => document.activeElement?.classList.contains("nhsuk-notification-banner") ? (document.activeElement as HTMLElement).innerText : null);

describe("a trust lead on the round pages", () => {
  it("following a link in the error summary keeps every message and puts focus on the field", async () => {
    const page = await signedInLead();
    await page.goto("/rounds/new");
    await page.getByRole("button", { name: "Create round" }).click();
    await textOf(page, ".nhsuk-error-summary", "Enter a name for the round");
    await page.getByRole("link", { name: "Enter the closing date" }).click();
    expect(await isFocused(page, "#closesDate")).toBe(true);
    expect(await page.locator(".nhsuk-error-summary").count()).toBe(1);
    expect(await page.locator(".nhsuk-error-message").count()).toBe(4);
    expect(new URL(page.url()).hash).toBe("");
  });

  it("following the error summary to a refused decline keeps its form open and focuses the reason", async () => {
    const page = await signedInLead();
    await page.goto("/rounds");
    await page.getByRole("link", { name: "Spring leadership round" }).click();
    await page.waitForURL(/\/rounds\/[0-9a-f-]{36}$/);
    await page.locator("summary", { hasText: "Decline this choice" }).first().click();
    await page.getByRole("button", { name: "Decline choice" }).first().click();
    await textOf(page, ".nhsuk-error-summary", "Give the reason");
    await page.getByRole("link", { name: /Give the reason for declining this choice/ }).click();
    expect(await isFocused(page, "#reason")).toBe(true);
    expect(await page.locator("#reason").isVisible()).toBe(true);
    expect(await page.locator(".nhsuk-error-summary").count()).toBe(1);
  });

  it("the question 'Cancel this round?' takes focus when it appears", async () => {
    const page = await signedInLead();
    await page.goto("/rounds/new");
    await page.getByLabel("Name of the round").fill("Round to cancel");
    // Starts three weeks after the demo's seed date: a round closing the day after tomorrow fits it.
    await page.getByLabel("A week shadowing the Chief Medical Officer").check();
    const date = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    await page.locator("#opensDate").fill(date(1));
    await page.locator("#closesDate").fill(date(2));
    await page.getByRole("button", { name: "Create round" }).click();
    await page.waitForURL(/done=created/);
    await page.getByRole("link", { name: "Cancel round" }).click();
    await page.waitForURL(/confirm=cancel/);
    await textOf(page, "#cancel", "Cancel this round?");
    expect(await isFocused(page, "#cancel")).toBe(true);
  });
});

describe("a trainee on the round's choices page", () => {
  it("each confirmation after the first takes focus too, so moving a choice is read out", async () => {
    const page = await signedIn("trainee@demo.test", "/trainee");
    await page.getByRole("link", { name: "Spring leadership round" }).click();
    await page.waitForURL(/\/trainee\/rounds\//);
    const adds = await page.locator("a", { hasText: "Write your statement and add it" }).evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
    for (const href of adds.slice(0, 2)) {
      await page.goto(href);
      await page.getByLabel("Why do you want this opportunity, and what do you hope to learn?").fill("I want to see how a team tests one change at a time and measures what it does.");
      await page.getByRole("button", { name: "Add to my choices" }).click();
      await page.waitForURL(/done=added/);
    }
    await textOf(page, ".nhsuk-notification-banner", "2. ");
    await page.getByRole("button", { name: /^Move up/ }).click();
    await page.waitForURL(/done=up$/);
    await textOf(page, ".nhsuk-notification-banner", "Choice moved up");
    expect(await focusedBanner(page)).toContain("Choice moved up");
    await page.getByRole("button", { name: /^Move down/ }).click();
    await page.waitForURL(/done=down$/);
    await textOf(page, ".nhsuk-notification-banner", "Choice moved down");
    expect(await focusedBanner(page)).toContain("Choice moved down");
  });
});
