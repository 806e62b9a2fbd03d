// The audit trail in Chromium without JavaScript: an admin opens a trainee's account, finds that
// view in the audit trail from the navigation, and the trainee sees it on their profile page.
import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { h1, signInThroughForm, useRunningApp } from "../helpers/browser";

const app = useRunningApp();

describe("the audit trail", () => {
  it("an admin's view of a trainee's account is in the trail and on the trainee's profile page", async () => {
    const admin = await (await app.context({ javaScriptEnabled: false })).newPage();
    await signInThroughForm(admin, "admin@demo.test", DEMO_PASSWORD);
    await admin.waitForURL("**/admin");
    await admin.goto("/admin/users?q=trainee%40demo.test");
    await admin.getByRole("link", { name: "Dr Priya Patel" }).click();
    await admin.waitForURL("**/admin/users/*");

    await admin.getByRole("link", { name: "Audit trail" }).first().click();
    await admin.waitForURL("**/admin/audit");
    expect(await h1(admin, "Audit trail")).toContain("Audit trail");
    await admin.getByLabel("Who did it").fill("admin@demo.test");
    await admin.getByLabel("Trainee").fill("trainee@demo.test");
    await admin.getByRole("button", { name: "Search the audit trail" }).click();
    await admin.waitForURL("**/admin/audit?*");
    const rows = admin.locator("table tbody tr");
    expect(await rows.first().innerText()).toContain("Profile viewed");
    expect(await rows.first().innerText()).toContain("Dr Priya Patel");

    // A date that is no day: the NHS.UK error summary links to the field, the search is kept.
    await admin.goto("/admin/audit?from=2026-02-30&person=admin%40demo.test");
    expect(await admin.locator(".nhsuk-error-summary a[href='#from']").innerText()).toMatch(/real date/);
    expect(await admin.getByLabel("Who did it").inputValue()).toBe("admin@demo.test");

    const trainee = await (await app.context({ javaScriptEnabled: false })).newPage();
    await signInThroughForm(trainee, "trainee@demo.test", DEMO_PASSWORD);
    await trainee.waitForURL("**/trainee");
    await trainee.goto("/trainee/profile");
    const viewed = trainee.locator("table", { has: trainee.locator("caption", { hasText: "Staff who viewed your data" }) });
    expect(await viewed.locator("tbody tr").first().innerText()).toContain("Your account's details");
  });
});
