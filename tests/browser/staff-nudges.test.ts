// A DME finds a trainee with nothing yet this year and nudges them; the trainee reads the nudge
// with the opportunity it suggests; the DME approves two offered placements at once, without
// JavaScript, and reads what was approved.
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { trusts } from "../../db/schema";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { addDaysIso, todayInLondon } from "../../app/utils/dates";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { makeOpportunity, makePlacement, makeTrainee, TEST_PASSWORD } from "../helpers/factories";

const today = todayInLondon();
const TRAINEE = { name: "Dr Nadia Newcomer", email: "nadia.newcomer@example.nhs.uk" };
const SUGGESTED = "Join the morning safety huddle on the acute medical unit";
let trustName = "";

const app = useRunningApp({
  prepare: async (db) => {
    const [rrk] = await db.select({ id: trusts.id, name: trusts.name }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    trustName = rrk!.name;
    const trainee = await makeTrainee(db, { ...TRAINEE, grade: "FY2" });
    await makePlacement(db, { traineeId: trainee.id, trustId: rrk!.id, grade: "FY2", startsOn: addDaysIso(today, -40), endsOn: addDaysIso(today, 120), source: "import" });
    // The soonest deadline at the trust, so it is among the three a nudge suggests.
    await makeOpportunity(db, rrk!.id, {
      title: SUGGESTED,
      applicationDeadline: today,
      startsOn: addDaysIso(today, 7),
      endsOn: addDaysIso(today, 30),
      sessionDate: [addDaysIso(today, 8), "", "", "", "", ""],
      eligibleGrades: ["FY1", "FY2"],
    });
  },
});

async function signedIn(email: string, password: string, home: string, javaScriptEnabled = true): Promise<Page> {
  const page = await (await app.context({ javaScriptEnabled })).newPage();
  await signInThroughForm(page, email, password);
  await page.waitForURL(`**${home}`);
  return page;
}

describe("a DME nudges a trainee with nothing yet and approves placements together", () => {
  it("sends a nudge the trainee reads with its suggested opportunity", async () => {
    const dme = await signedIn("dme@demo.test", DEMO_PASSWORD, "/dme");
    await dme.getByRole("link", { name: "Trainees at your trust with nothing yet this year: send them a nudge" }).click();
    expect(await h1(dme, "nothing yet")).toContain("Trainees at your trust with nothing yet this year");
    const row = dme.getByRole("row", { name: new RegExp(TRAINEE.name) });
    expect(await row.innerText()).toContain("Never");
    await dme.getByRole("button", { name: `Send a nudge to ${TRAINEE.name}` }).click();
    expect(await textOf(dme, ".nhsuk-notification-banner", `Nudge sent to ${TRAINEE.name}`)).toContain(`Nudge sent to ${TRAINEE.name}`);
    expect(await textOf(dme, "#trainees", "Can be nudged again from")).toContain("Can be nudged again from");
    expect(await dme.getByRole("button", { name: `Send a nudge to ${TRAINEE.name}` }).count()).toBe(0);

    const trainee = await signedIn(TRAINEE.email, TEST_PASSWORD, "/trainee");
    await trainee.goto("/notifications");
    const notice = await textOf(trainee, "main", `Leadership opportunities for you at ${trustName}`);
    expect(notice).toContain(`The director of medical education at ${trustName} would like you to take up a leadership opportunity this training year`);
    expect(notice).toContain(SUGGESTED);
  });

  it("approves two offered placements at once without JavaScript and shows what was approved", async () => {
    const dme = await signedIn("dme@demo.test", DEMO_PASSWORD, "/dme", false);
    await dme.goto("/dme/approvals");
    // Nothing selected: the message by the checkboxes, nothing approved.
    await dme.getByRole("button", { name: "Approve selected placements" }).click();
    expect(await textOf(dme, ".nhsuk-error-summary", "Select at least one placement to approve")).toContain("Select at least one placement to approve");
    const boxes = dme.getByRole("checkbox");
    const before = await boxes.count();
    expect(before).toBeGreaterThanOrEqual(2);
    const names = [await dme.locator(".nhsuk-checkboxes__label").nth(0).innerText(), await dme.locator(".nhsuk-checkboxes__label").nth(1).innerText()];
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await dme.getByRole("button", { name: "Approve selected placements" }).click();
    const banner = await textOf(dme, ".nhsuk-notification-banner", "2 placements approved");
    expect(banner).toContain("2 placements approved");
    const main = await textOf(dme, "main");
    for (const n of names) expect(main).toContain(`Approved: ${n.replace(": ", ", ")}`);
    expect(await dme.getByRole("checkbox").count()).toBe(before - 2);
  });
});
