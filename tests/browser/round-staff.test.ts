// A trust lead's way through the round pages, as found walking them in a browser: each test is
// named after what went wrong.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { isFocused, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";

const app = useRunningApp();

async function signedInLead(): Promise<Page> {
  const context = await app.context();
  const page = await context.newPage();
  await signInThroughForm(page, "lead@demo.test", DEMO_PASSWORD);
  await page.waitForURL("**/trust");
  return page;
}

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
});
