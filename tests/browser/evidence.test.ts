// A trainee with a completed opportunity and a final reflection opens its evidence, includes the
// reflection, downloads the PDF for their e-portfolio and opens the summary of all of them.
import { readFile } from "node:fs/promises";

import { eq } from "drizzle-orm";
import { PDFParse } from "pdf-parse";
import type { Download, Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { users } from "../../db/schema";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { makeEvidence, REFLECTION } from "../helpers/evidence";

const TITLE = "Reduce missed doses of time-critical medicines";
const TRUST = "Evidence Test Hospitals NHS Trust";

const app = useRunningApp({
  // The reflection form is another part of the journey: the reflection is written here directly.
  prepare: async (db) => {
    const [trainee] = await db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    await makeEvidence(db, { traineeId: trainee!.id, title: TITLE, trustName: TRUST, reflection: "final" });
  },
});

async function pdfTextOf(download: Download): Promise<{ head: string; text: string }> {
  const bytes = new Uint8Array(await readFile((await download.path())!));
  const head = new TextDecoder().decode(bytes.subarray(0, 5));
  const parser = new PDFParse({ data: bytes });
  try {
    return { head, text: (await parser.getText()).text.replace(/\s+/g, " ") };
  } finally {
    await parser.destroy();
  }
}

async function download(page: Page, name: string): Promise<Download> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name }).click()]);
  return file;
}

describe("a trainee's leadership evidence", () => {
  it("opens the evidence of a completed opportunity, includes the reflection, downloads the PDF and opens the summary", async () => {
    const context = await app.context();
    const page = await context.newPage();
    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trainee");

    await page.getByRole("link", { name: "Your leadership evidence for your e-portfolio" }).click();
    await page.waitForURL("**/trainee/evidence");
    expect(await h1(page, "Your leadership evidence")).toContain("Your leadership evidence");
    await page.getByRole("link", { name: TITLE, exact: true }).click();
    await page.waitForURL(/\/trainee\/evidence\/[0-9a-f-]{36}$/);
    expect(await h1(page, TITLE)).toContain(TITLE);
    const main = await textOf(page, "main", "Suggested from the type of opportunity");
    expect(main).toContain("Dr Łukasz Wójcik, Chief Pharmacist");
    expect(main).toContain("Brought pharmacists and nurses together around the data.");
    expect(main).not.toContain(REFLECTION.soWhat);

    await page.getByLabel("Include my reflection").check();
    await page.getByRole("button", { name: "Update the evidence" }).click();
    await page.waitForURL(/reflection=include/);
    expect(await textOf(page, "main", REFLECTION.soWhat)).toContain(REFLECTION.nowWhat);
    expect(await textOf(page, "main")).toContain("The domains you mapped this opportunity to in your reflection.");

    const pdf = await download(page, "Download as PDF");
    expect(pdf.suggestedFilename()).toBe("leadership-evidence-reduce-missed-doses-of-time-critical-medicines-2026-03-27.pdf");
    const { head, text } = await pdfTextOf(pdf);
    expect(head).toBe("%PDF-");
    expect(text).toContain(TITLE);
    expect(text).toContain(REFLECTION.soWhat);
    expect(text).toContain("Dr Łukasz Wójcik");

    // Printed, the page is the evidence alone: no header, navigation or buttons.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator(".nhsuk-header").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "Download as PDF" }).isVisible()).toBe(false);
    expect(await page.getByRole("heading", { name: "Your reflection" }).isVisible()).toBe(true);
    await page.emulateMedia({ media: "screen" });

    await page.getByRole("link", { name: "Back to your leadership evidence" }).click();
    await page.waitForURL("**/trainee/evidence");
    const summary = await textOf(page, "main", TRUST);
    expect(summary).toContain("Tier 2: workplace change and improvement: 1 opportunity, 24 hours");
    const all = await download(page, "Download the summary as PDF");
    expect(all.suggestedFilename()).toMatch(/^leadership-evidence-summary-\d{4}-\d{2}-\d{2}\.pdf$/);
    const summaryPdf = await pdfTextOf(all);
    expect(summaryPdf.head).toBe("%PDF-");
    expect(summaryPdf.text).toContain(TITLE);
    expect(summaryPdf.text).toContain(TRUST);
  });

  it("works without JavaScript and fits a phone", async () => {
    const context = await app.context({ javaScriptEnabled: false, mobile: true });
    const page = await context.newPage();
    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trainee");
    await page.goto("/trainee/evidence");
    await page.getByRole("link", { name: TITLE, exact: true }).click();
    await page.waitForURL(/\/trainee\/evidence\/[0-9a-f-]{36}$/);
    await page.getByLabel("Include my reflection").check();
    await page.getByRole("button", { name: "Update the evidence" }).click();
    await page.waitForURL(/reflection=include/);
    expect(await textOf(page, "main", REFLECTION.whatHappened)).toContain(REFLECTION.whatHappened);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
