// An administrator imports a rotation file in Chromium: 3 good rows and 2 bad ones, a preview,
// the confirmation and the download of the bad rows; and the same without JavaScript. Rows
// whose name is not the account holder's are ticked to be imported, or left out.
import { readFileSync } from "node:fs";
import path from "node:path";

import { parse } from "csv-parse/sync";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD, rotationsAround } from "../../db/seed/demo";
import { todayInLondon } from "../../app/utils/dates";
import { h1, isFocused, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/rotation-import-journey.csv");

const app = useRunningApp();

async function adminPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  return signedIn("admin@demo.test", "**/admin", options);
}

async function signedIn(email: string, home: string, options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  const context = await app.context(options);
  const page = await context.newPage();
  await signInThroughForm(page, email, DEMO_PASSWORD);
  await page.waitForURL(home);
  return page;
}

async function chooseFile(page: Page, name: string, buffer: Buffer) {
  await page.getByLabel("Upload a CSV file").setInputFiles({ name, mimeType: "text/csv", buffer });
}

/** The summary list's figure for one label, e.g. "New trainees" → "2". */
async function figure(page: Page, label: string): Promise<string> {
  const row = page.locator(".nhsuk-summary-list__row", { has: page.locator(".nhsuk-summary-list__key", { hasText: new RegExp(`^${label}$`) }) });
  return (await row.locator(".nhsuk-summary-list__value .nhsuk-u-font-weight-bold").innerText()).trim();
}

describe("an administrator imports rotations", () => {
  it("uploads 3 good and 2 bad rows, checks the preview, confirms and downloads the bad rows", async () => {
    const page = await adminPage();
    await page.goto("/imports");
    expect(await h1(page, "Import rotations")).toContain("Import rotations");

    // Nothing chosen: the message is next to the field and in the summary, which takes focus.
    await page.getByRole("button", { name: "Upload file" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "Select a CSV file")).toContain("Select a CSV file");
    expect(await textOf(page, "#file--error-message", "Select a CSV file")).toContain("Select a CSV file");
    expect(await isFocused(page, ".nhsuk-error-summary")).toBe(true);

    await chooseFile(page, "rotations-august.csv", readFileSync(FIXTURE));
    await page.getByRole("button", { name: "Upload file" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    expect(await h1(page, "Check the import")).toContain("Check the import");
    expect(await textOf(page, "main", "Nothing has been saved yet.")).toContain("Nothing has been saved yet.");
    expect(await figure(page, "New trainees")).toBe("2");
    expect(await figure(page, "New placements")).toBe("3");
    expect(await figure(page, "Unchanged rows")).toBe("0");
    expect(await figure(page, "Invalid rows")).toBe("2");
    // The preview's own headings are in sentence case ("GMC Number" is the file's column, not ours).
    expect(await page.getByRole("table", { name: "New trainees" }).locator("thead th").allInnerTexts()).toEqual(["Name", "GMC number", "Email address"]);
    const newTrainees = await page.getByRole("table", { name: "New trainees" }).locator("tbody tr").allInnerTexts();
    expect(newTrainees.map((r) => r.split(/\s+/).slice(0, 2).join(" "))).toEqual(["Mary Seacole", "Elizabeth Garrett"]);
    expect(newTrainees[1]).toContain("elizabeth.anderson@example.nhs.uk");
    const invalid = await page.getByRole("table", { name: "Invalid rows" }).locator("tbody tr").allInnerTexts();
    expect(invalid).toHaveLength(2);
    expect(invalid[0]).toMatch(/^4\s+73003\s+GMC Number\s+Bad GMC number "73003"/);
    expect(invalid[1]).toMatch(/^5\s+7300004\s+Employing Body Code\s+Unknown ODS code "ZZZ"/);

    await page.getByRole("button", { name: "Confirm import" }).click();
    await page.waitForURL(/confirmed=1/);
    expect(await textOf(page, ".nhsuk-notification-banner", "The rotations are imported")).toContain("The rotations are imported.");
    expect(await h1(page, "Rotation import")).toContain("Rotation import");
    expect(await figure(page, "New placements")).toBe("3");
    expect(await page.getByRole("button", { name: "Confirm import" }).count()).toBe(0);

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download the invalid rows (CSV)" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("rotations-august-invalid-rows.csv");
    const text = readFileSync(await download.path(), "utf8");
    const records = parse(text, { bom: true }) as string[][];
    expect(records[0]!.slice(-3)).toEqual(["Line", "Column", "Reason"]);
    expect(records.slice(1).map((r) => [r[0], r.at(-3), r.at(-2)])).toEqual([
      ["73003", "4", "GMC Number"],
      ["7300004", "5", "Employing Body Code"],
    ]);
    expect(records[2]![1]).toBe(`'=HYPERLINK("http://evil.example","Open")`);

    // The history lists it; importing the same file again finds nothing to change.
    await page.goto("/imports");
    expect(await textOf(page, "table", "rotations-august.csv")).toContain("rotations-august.csv");
    expect(await textOf(page, "table", "Imported")).toContain("Imported");
    await chooseFile(page, "rotations-august.csv", readFileSync(FIXTURE));
    await page.getByRole("button", { name: "Upload file" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    expect(await figure(page, "Unchanged rows")).toBe("3");
    expect(await figure(page, "New placements")).toBe("0");
    expect(await textOf(page, "main", "There is nothing to import")).toContain("There is nothing to import");
    expect(await page.getByRole("button", { name: "Confirm import" }).count()).toBe(0);
    await page.getByRole("button", { name: "Cancel import" }).click();
    await page.waitForURL(/\/imports$/);
  });

  it("works without JavaScript: a file that is not CSV is refused next to the field, a good one is imported", async () => {
    const page = await adminPage({ javaScriptEnabled: false });
    await page.goto("/imports");
    await chooseFile(page, "rotations.xlsx", Buffer.from("PK\u0003\u0004"));
    await page.getByRole("button", { name: "Upload file" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "The selected file must be a CSV file")).toContain("The selected file must be a CSV file");
    expect(await textOf(page, "#file--error-message", "The selected file must be a CSV file")).toContain("The selected file must be a CSV file");

    const file = [
      "GMC Number,Forenames,Surname,Email,Grade,Specialty1,Programme Name,Employing Body Code,Site,Date From,Date To,WTE,Placement Type",
      "7300101,Florence,Nightingale,florence@example.nhs.uk,FY2,Foundation,Midlands Foundation Programme,RRK,,2026-08-05,2026-12-01,0.6,In Post",
    ].join("\n");
    await chooseFile(page, "one.csv", Buffer.from(file));
    await page.getByRole("button", { name: "Upload file" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    expect(await figure(page, "New trainees")).toBe("1");
    await page.getByRole("button", { name: "Confirm import" }).click();
    await page.waitForURL(/confirmed=1/);
    expect(await textOf(page, ".nhsuk-notification-banner", "The rotations are imported")).toContain("The rotations are imported.");
  });

  it("an import row can silently merge a different person into an account: without JavaScript, the ticked row is imported for the account holder and the other left out", async () => {
    const { current } = rotationsAround(todayInLondon());
    // Dr Priya Patel (7100001) and Dr Hamza Mensah (7200001) hold these GMC numbers in the demo.
    const file = [
      "GMC Number,Forenames,Surname,Email,Grade,Specialty1,Programme Name,Employing Body Code,Site,Date From,Date To,WTE,Placement Type",
      `7100001,Chidi,Okafor,Chidi.Okafor@example.nhs.uk,FY2,Cardiology,Midlands Cardiology,RRK,,${current.startsOn},${current.endsOn},1.0,In Post`,
      `7200001,Someone,Else,someone.else@example.nhs.uk,ST3,Cardiology,Midlands Cardiology,RRK,,${current.startsOn},${current.endsOn},1.0,In Post`,
    ].join("\n");
    const page = await adminPage({ javaScriptEnabled: false });
    await page.goto("/imports");
    await chooseFile(page, "rows-to-check.csv", Buffer.from(file));
    await page.getByRole("button", { name: "Upload file" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    expect(await figure(page, "Rows to check")).toBe("2");
    expect(await figure(page, "Updated trainees")).toBe("0");
    expect(await figure(page, "Updated placements")).toBe("0");

    // Each row's checkbox says which row and whose account it goes to; the hint says why.
    const priya = page.getByRole("checkbox", { name: "Import line 2 for Dr Priya Patel (GMC 7100001)" });
    expect(await priya.isChecked()).toBe(false);
    const hint = await page.locator(`#${await priya.getAttribute("aria-describedby")}`).innerText();
    expect(hint).toContain("GMC 7100001 belongs to Dr Priya Patel (trainee@demo.test); this row says Chidi Okafor (chidi.okafor@example.nhs.uk)");
    expect(await page.getByRole("checkbox", { name: /^Import line 3 for Dr .+ \(GMC 7200001\)$/ }).count()).toBe(1);

    await priya.check();
    await page.getByRole("button", { name: "Confirm import" }).click();
    await page.waitForURL(/confirmed=1/);
    expect(await textOf(page, ".nhsuk-notification-banner", "left out")).toContain("1 row was left out because it was not ticked as the account holder's.");
    expect(await figure(page, "Updated placements")).toBe("1");
    expect(await figure(page, "Rows left out")).toBe("1");
    const leftOut = await page.getByRole("table", { name: "Rows left out" }).locator("tbody tr").allInnerTexts();
    expect(leftOut).toHaveLength(1);
    expect(leftOut[0]).toMatch(/^3\s+7200001/);

    // The same file again: line 2 is now held as it says; only line 3 is asked about.
    await page.goto("/imports");
    await chooseFile(page, "rows-to-check.csv", Buffer.from(file));
    await page.getByRole("button", { name: "Upload file" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    expect(await figure(page, "Unchanged rows")).toBe("1");
    expect(await figure(page, "Rows to check")).toBe("1");
    // Confirming without a tick imports nothing, and says so next to the rows to check.
    await page.getByRole("button", { name: "Confirm import" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "nothing to import")).toContain("There is nothing to import unless you accept a row to check");
    expect(await page.locator(".nhsuk-error-summary a").getAttribute("href")).toBe("#rows-to-check");
    await page.getByRole("button", { name: "Cancel import" }).click();
    await page.waitForURL(/\/imports$/);
  });

  it("shows the DME the account holder of a row to check, but not their email address", async () => {
    const { current } = rotationsAround(todayInLondon());
    const file = [
      "GMC Number,Forenames,Surname,Email,Grade,Specialty1,Programme Name,Employing Body Code,Site,Date From,Date To,WTE,Placement Type",
      `7100001,Priya,Patel,p.patel@nhs.net,FY2,Acute Medicine,Midlands Foundation Programme,RRK,,${current.startsOn},${current.endsOn},1.0,In Post`,
    ].join("\n");
    const page = await signedIn("dme@demo.test", "**/dme");
    await page.goto("/imports");
    await chooseFile(page, "dme.csv", Buffer.from(file));
    await page.getByRole("button", { name: "Upload file" }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
    const row = page.getByRole("checkbox", { name: "Import line 2 for Dr Priya Patel (GMC 7100001)" });
    const hint = await page.locator(`#${await row.getAttribute("aria-describedby")}`).innerText();
    expect(hint).toContain("GMC 7100001 belongs to Dr Priya Patel, whose account has another email address; this row says p.patel@nhs.net");
    expect(await textOf(page, "main")).not.toContain("trainee@demo.test");
    await page.getByRole("button", { name: "Cancel import" }).click();
    await page.waitForURL(/\/imports$/);
  });
});
