// Steps that several browser journeys share.
import type { Page } from "playwright-core";

import { addDaysIso, todayInLondon } from "~/utils/dates";

import { textOf } from "./browser";

export interface NewOpportunity {
  type: string; // the radio's label, e.g. "Structured shadowing"
  title: string;
  description: string;
  seats: number;
  grades: string[];
  objective?: string;
  withSession?: boolean;
}

/** A signed-in trust lead creates, previews and publishes an opportunity; returns its id. */
export async function publishOpportunity(page: Page, o: NewOpportunity): Promise<string> {
  const today = todayInLondon();
  await page.goto("/trust/opportunities/new");
  await page.getByLabel(o.type, { exact: true }).check();
  await page.getByLabel("Title").fill(o.title);
  await page.getByLabel("Summary").fill(`A short summary of ${o.title.toLowerCase()}.`);
  await page.getByLabel("Description").fill(o.description);
  await page.getByLabel("Learning outcomes").fill("Lead a small test of change\nPresent data to a committee");
  if (o.objective) await page.getByLabel("Organisational objective it supports").selectOption({ label: o.objective });
  await page.getByLabel("Site").selectOption({ label: "Heartlands Hospital" });
  await page.getByLabel("Sponsor's name").fill("Dr Ruth Adebayo");
  await page.getByLabel("Sponsor's role").fill("Chief Pharmacist");
  await page.getByLabel("Start date").fill(addDaysIso(today, 20));
  await page.getByLabel("End date").fill(addDaysIso(today, 60));
  await page.getByLabel("Application deadline").fill(addDaysIso(today, 10));
  await page.getByLabel("Total hours").fill("24");
  await page.getByLabel("Hours a week").fill("4");
  await page.getByLabel("Number of seats").fill(String(o.seats));
  for (const g of o.grades) await page.getByLabel(g, { exact: true }).check();
  await page.getByLabel("Tier 2: workplace change and improvement").check();
  await page.getByLabel("Team", { exact: true }).check();
  await page.getByLabel("Evaluating information").check();
  if (o.withSession) {
    await page.getByLabel("Session 1 date").fill(addDaysIso(today, 25));
    await page.getByLabel("Session 1 start time").fill("09:30");
    await page.getByLabel("Session 1 end time").fill("12:00");
    await page.getByLabel("Session 1 location").fill("Board room, Heartlands Hospital");
  }
  await page.getByRole("button", { name: "Save draft" }).click();
  await page.waitForURL(/\/trust\/opportunities\/[0-9a-f-]{36}\?done=created/);
  const id = new URL(page.url()).pathname.split("/").pop()!;
  await page.getByRole("button", { name: "Publish opportunity" }).click();
  await page.waitForURL(/done=publish/);
  if (!(await textOf(page, ".nhsuk-notification-banner")).includes("published")) throw new Error("not published");
  return id;
}
