// A trust lead posts a QI project against an objective; a trainee at that trust finds it.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { addDaysIso, formatDate, todayInLondon } from "~/utils/dates";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { publishOpportunity } from "../helpers/journeys";

const app = useRunningApp();

const TITLE = "Deprescribing in frail older patients";
const today = todayInLondon();

async function createAndPublish(page: Page) {
  await signInThroughForm(page, "lead@demo.test", DEMO_PASSWORD);
  await page.waitForURL("**/trust");
  await page.getByRole("link", { name: "Objectives", exact: true }).click();
  await page.getByLabel("Objective", { exact: true }).fill("Reduce harm from polypharmacy by March 2027");
  await page.getByRole("button", { name: "Add objective" }).click();
  await page.waitForURL(/added=1/);
  expect(await textOf(page, ".nhsuk-notification-banner", "The objective is added")).toContain("The objective is added");

  const id = await publishOpportunity(page, {
    type: "Quality improvement project",
    title: TITLE,
    description: "You will run structured deprescribing reviews with pharmacists.\n\n- Learn the STOPP/START criteria\n- Present results to the medicines committee\n\n<script>window.__injected = true</script>",
    seats: 3,
    grades: ["FY2"],
    objective: "Reduce harm from polypharmacy by March 2027",
  });
  await page.goto(`/trust/opportunities/${id}`);
  expect(await h1(page, TITLE)).toContain(TITLE);
  const body = await textOf(page, "main");
  expect(body).toContain("Supports the trust's objective: Reduce harm from polypharmacy by March 2027");
  expect(body).toContain("<script>window.__injected = true</script>");
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
}

describe("posting and finding an opportunity", () => {
  it("a lead publishes a QI project; a trainee at the trust finds it by a word and by filters", async () => {
    const leadContext = await app.context();
    await createAndPublish(await leadContext.newPage());
    await leadContext.close();

    const traineeContext = await app.context();
    const page = await traineeContext.newPage();
    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trainee");
    await page.getByRole("link", { name: "Find opportunities" }).first().click();
    await page.waitForURL("**/opportunities");
    const atTrustNow = page.locator("h2", { hasText: "At your trust now" });
    expect(await atTrustNow.isVisible()).toBe(true);
    const nowSection = await textOf(page, "main", "while you are there until");
    expect(nowSection).toContain("University Hospitals Birmingham NHS Foundation Trust, while you are there until");

    await page.getByLabel("Search", { exact: true }).fill("deprescribing");
    await page.getByRole("button", { name: "Search opportunities" }).click();
    await page.waitForURL(/q=deprescribing/);
    expect(await textOf(page, "#results", "1 opportunity")).toBe("1 opportunity");
    expect(await textOf(page, ".app-results", TITLE)).toContain(TITLE);

    await page.goto("/opportunities?region=Midlands");
    await page.getByLabel("Type").selectOption("qi_project");
    await page.getByLabel("Trust").selectOption({ label: "University Hospitals Birmingham NHS Foundation Trust" });
    await page.getByLabel("Tier").selectOption("2");
    await page.getByRole("button", { name: "Search opportunities" }).click();
    await page.waitForURL(/type=qi_project/);
    expect(new URL(page.url()).searchParams.get("trust")).toBe("RRK");
    expect(await textOf(page, ".app-results", TITLE)).toContain(TITLE);
    expect(await textOf(page, ".app-active-filters", "Your filters")).toContain("Trust: University Hospitals Birmingham NHS Foundation Trust");

    // Each filter in force can be taken off on its own.
    await page.getByRole("link", { name: "Remove filter Tier 2: workplace change and improvement" }).click();
    await page.waitForURL((url) => !url.searchParams.has("tier"));
    expect(new URL(page.url()).searchParams.get("type")).toBe("qi_project");
    // The address changes a moment before React renders the new page: wait for the new form.
    await page.waitForFunction(() => !document.querySelector(".app-active-filters")?.textContent?.includes("Tier 2"));
    expect(await page.getByLabel("Tier").inputValue()).toBe("");
    expect(await textOf(page, ".app-results", TITLE)).toContain(TITLE);

    await page.getByRole("link", { name: TITLE }).click();
    await page.waitForURL(/\/opportunities\/[0-9a-f-]{36}$/);
    expect(await textOf(page, "#eligibility", "You are eligible")).toContain("You are eligible");
    expect(await textOf(page, "main")).toContain(formatDate(addDaysIso(today, 10)));
    await traineeContext.close();
  });

  it("a lead duplicates an opportunity and archives the copy only after saying yes", async () => {
    const context = await app.context({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signInThroughForm(page, "lead@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trust");
    await page.goto("/trust/opportunities");
    // Without JavaScript the phone layout's cell labels still come from the server.
    const labels = await page.locator("main tbody tr").first().locator(".nhsuk-table-responsive__heading").allTextContents();
    expect(labels.map((l) => l.trim())).toEqual([
      "Opportunity",
      "Status",
      "Seats filled",
      "Applications waiting",
      "Deadline",
    ]);
    await page.locator("main table a").first().click();
    await page.waitForURL(/\/trust\/opportunities\/[0-9a-f-]{36}$/);
    await page.getByRole("button", { name: "Duplicate opportunity" }).click();
    await page.waitForURL(/done=duplicate/);
    const copy = new URL(page.url()).pathname;

    await page.getByRole("link", { name: "Archive opportunity" }).click();
    await page.waitForURL(/confirm=archive/);
    expect(await textOf(page, ".nhsuk-card--warning")).toContain("cannot be edited, published or reopened");
    await page.getByRole("link", { name: "No, keep it" }).click();
    await page.waitForURL((url) => url.pathname === copy && !url.search);
    expect(await page.locator(".nhsuk-card--warning").count()).toBe(0);
    expect(await textOf(page, "h1")).toContain("Draft");

    await page.getByRole("link", { name: "Archive opportunity" }).click();
    await page.getByRole("button", { name: "Yes, archive opportunity" }).click();
    await page.waitForURL(/done=archive/);
    expect(await textOf(page, ".nhsuk-notification-banner")).toContain("The opportunity is archived.");
    expect(await page.getByRole("link", { name: "Edit opportunity" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Archive opportunity" }).count()).toBe(0);
    await context.close();
  });

  it("works without JavaScript: search by a filter in the URL", async () => {
    const context = await app.context({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto("/opportunities");
    await page.getByLabel("Type").selectOption("board_seat");
    await page.getByRole("button", { name: "Search opportunities" }).click();
    await page.waitForURL(/type=board_seat/);
    const heading = await textOf(page, "#results");
    expect(heading).toMatch(/^\d+ opportunit(y|ies)$/);
    // The form sends its empty fields too; the address that comes back has only the filter.
    expect(new URL(page.url()).search).toBe("?type=board_seat");

    // Dates the wrong way round find nothing, and the page says why.
    await page.goto("/opportunities?startFrom=2027-03-01&startTo=2027-01-01");
    expect(await textOf(page, "#results")).toBe("No opportunities found");
    expect(await textOf(page, "main")).toContain("is later than your “starting on or before” date, 1 January 2027: swap them or remove one.");
    await context.close();
  });
});
