// The measures of progress in Chromium: an administrator opens the region's coverage, filters
// to higher trainees and downloads the coverage by trust; a DME opens the trust's list of
// trainees with nothing yet.
import { readFileSync } from "node:fs";

import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { todayInLondon, trainingYearOf } from "../../app/utils/dates";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";

const app = useRunningApp();
const today = todayInLondon();
const year = Number(trainingYearOf(today)[0].slice(0, 4));

async function signedIn(email: string, home: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await app.context(options);
  const page = await context.newPage();
  await signInThroughForm(page, email, DEMO_PASSWORD);
  await page.waitForURL(home);
  return page;
}

describe("an administrator reads the region's coverage", () => {
  it.each([true, false])("opens the Midlands, filters to higher trainees and downloads the CSV (JavaScript %s)", async (javaScriptEnabled) => {
    const page = await signedIn("admin@demo.test", "**/admin", { javaScriptEnabled });
    await page.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: "Reports" }).click();
    await page.waitForURL("**/reports");
    expect(await h1(page, "England")).toContain(`England, ${year} to ${year + 1}`);

    await page.getByLabel("Scope", { exact: true }).selectOption("region:Midlands");
    await page.getByRole("button", { name: "Show the report" }).click();
    await page.waitForURL(/scope=region%3AMidlands/);
    expect(await h1(page, "Midlands")).toContain("Midlands");
    expect(await textOf(page, ".nhsuk-lede-text", /Coverage is/)).toMatch(/^Coverage is \d+%: [\d,]+ of [\d,]+ trainees? placed ha(s|ve) had/);

    await page.getByLabel("Grade stage", { exact: true }).selectOption("higher");
    await page.getByRole("button", { name: "Show the report" }).click();
    await page.waitForURL(/stage=higher/);
    const url = new URL(page.url());
    expect(url.searchParams.get("scope")).toBe("region:Midlands");
    // Only the higher stage has trainees once filtered to it.
    const stageTable = page.locator("section", { has: page.getByRole("heading", { name: "Coverage by grade stage" }) });
    const foundation = stageTable.locator("tbody tr").filter({ hasText: "Foundation" });
    // With JavaScript the address changes a moment before the new figures are in place: wait on them.
    await foundation
      .filter({ hasText: /^Foundation\s+0\s+0\s+–$/ })
      .waitFor({ state: "visible", timeout: 45_000 })
      .catch(() => undefined);
    expect(await foundation.innerText()).toMatch(/^Foundation\t0\t0\t–$/);

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download coverage by trust (CSV)" }).click()]);
    expect(download.suggestedFilename()).toBe(`coverage-by-trust_region-midlands_${year}-${year + 1}_as-at-${today}.csv`);
    const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe('"ODS code","Trust","Trainees placed","Trainees covered","Coverage %"');
    expect(lines.some((l) => l.startsWith('"RRK","University Hospitals Birmingham NHS Foundation Trust",'))).toBe(true);
    // The trusts of the page's table, and no other.
    const onPage = await page.locator("section", { has: page.getByRole("heading", { name: "Coverage by trust" }) }).locator("tbody tr").count();
    expect(lines.length - 1).toBe(onPage);
  });
});

describe("a DME reads the trust's trainees with nothing yet", () => {
  it("opens Reports from the home and finds the list with grades, dates and where to find opportunities", async () => {
    const page = await signedIn("dme@demo.test", "**/dme", { javaScriptEnabled: false });
    await page.getByRole("main").getByRole("link", { name: /See how the trust is doing/ }).click();
    await page.waitForURL("**/reports");
    expect(await h1(page, "University Hospitals Birmingham")).toContain("University Hospitals Birmingham NHS Foundation Trust");
    expect(await textOf(page, "main", "(the region, for comparison)")).toContain("Midlands (the region, for comparison)");
    const summary = await textOf(page, "#nothing-yet + p", /had no approved or completed opportunity/);
    const count = Number(summary.match(/^([\d,]+) trainee/)![1]!.replace(/,/g, ""));
    const list = page.locator("section", { has: page.getByRole("heading", { name: "Trainees with nothing yet", level: 3 }) });
    expect(await list.locator("tbody tr").count()).toBe(count);
    expect(count).toBeGreaterThan(0);
    expect(await list.locator("tbody tr").first().innerText()).toMatch(/^Dr [^\t]+\t(FY|CT|ST|GPST)\d\t\d{4}-\d{2}-\d{2}\t\d{4}-\d{2}-\d{2}$/);
    expect(await page.getByRole("link", { name: "Opportunities at the trust to suggest to them" }).getAttribute("href")).toBe("/opportunities?trust=RRK");
    // Another trust's report is not found.
    const other = await page.goto("/reports?scope=trust%3ARKB");
    expect(other?.status()).toBe(404);
  });
});
