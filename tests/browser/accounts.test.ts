// Each role's first journey, in Chromium against the real server with its demo data.

import { describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { h1, isFocused, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";

const app = useRunningApp();

describe("signing in as each demo role", () => {
  it.each([
    ["trainee@demo.test", "/trainee", "Dr Priya Patel", "Where you are now"],
    ["lead@demo.test", "/trust", "University Hospitals Birmingham NHS Foundation Trust", "Staff using Invitational"],
    ["dme@demo.test", "/dme", "Trainees at your trust", "Placed here now"],
    ["admin@demo.test", "/admin", "Overview", "Trusts with no one to manage them"],
  ])("%s lands on %s", async (email, path, heading, section) => {
    const context = await app.context();
    const page = await context.newPage();
    await signInThroughForm(page, email, DEMO_PASSWORD);
    await page.waitForURL(`**${path}`);
    expect(await h1(page, heading)).toContain(heading);
    expect(await page.getByRole("heading", { name: section }).isVisible()).toBe(true);
    // Styled as an NHS service: the NHS.UK header with the service name, and its stylesheet applied.
    expect(await textOf(page, "header.nhsuk-header", "Invitational")).toContain("Invitational");
    const headerColour = await page.locator("header.nhsuk-header").evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(headerColour).toBe("rgb(0, 94, 184)");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/`);
    await page.goto(path);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await context.close();
  });
});

describe("mistakes at sign-in", () => {
  it("shows one message for a wrong password, keeps the email address and focuses the summary", async () => {
    const context = await app.context();
    const page = await context.newPage();
    await signInThroughForm(page, "trainee@demo.test", "not the right password");
    expect(await textOf(page, ".nhsuk-error-summary", "Enter a correct email address and password")).toContain("Enter a correct email address and password");
    expect(await page.getByLabel("Email address").inputValue()).toBe("trainee@demo.test");
    expect(await page.getByLabel("Password").inputValue()).toBe("");
    expect(await isFocused(page, ".nhsuk-error-summary")).toBe(true);
    expect(await page.title()).toBe("Error: Sign in – Invitational");

    // A second refusal moves focus to the summary again, not only the first.
    await page.getByLabel("Password").focus();
    await page.getByLabel("Password").fill("still not the right password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForFunction(() => document.activeElement?.classList.contains("nhsuk-error-summary"));
    expect(await isFocused(page, ".nhsuk-error-summary")).toBe(true);
    expect(await page.title()).toBe("Error: Sign in – Invitational");

    // A correct attempt takes the prefix away with the error.
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/trainee");
    expect(await h1(page, "Dr Priya Patel")).toContain("Dr Priya Patel");
    expect(await page.title()).not.toContain("Error");
    await context.close();
  });
});

describe("a trainee registers", () => {
  it("creates an account and lands on the trainee's home", async () => {
    const context = await app.context();
    const page = await context.newPage();
    await page.goto("/register");
    await page.getByLabel("Full name").fill("Dr Grace Hopper");
    await page.getByLabel("Email address").fill("grace.hopper@example.nhs.uk");
    await page.getByLabel("GMC number").fill("123");
    await page.getByLabel("Grade").selectOption("CT2");
    await page.getByLabel("Create a password").fill("a long unusual passphrase");
    await page.getByRole("button", { name: "Create account" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "GMC number must be 7 digits")).toContain("GMC number must be 7 digits");
    expect(await page.getByLabel("Full name").inputValue()).toBe("Dr Grace Hopper");
    expect(await page.getByLabel("Grade").inputValue()).toBe("CT2");

    await page.getByLabel("GMC number").fill("7654321");
    await page.getByLabel("Create a password").fill("a long unusual passphrase");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/trainee");
    expect(await h1(page, "Dr Grace Hopper")).toContain("Dr Grace Hopper");
    expect(await textOf(page, "main", "You have no placement recorded for today.")).toContain("You have no placement recorded for today.");
    await context.close();
  });
});

describe("on a phone", () => {
  it("signs in with JavaScript and the header's menu, without an error page", async () => {
    const context = await app.context({ mobile: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trainee");
    expect(await h1(page, "Dr Priya Patel")).toContain("Dr Priya Patel");
    await page.goto("/opportunities?q=%00");
    expect(await h1(page, "Find leadership opportunities")).toBe("Find leadership opportunities");
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe("without JavaScript", () => {
  it("signs in and out with plain forms, readable on a phone", async () => {
    const context = await app.context({ javaScriptEnabled: false, mobile: true });
    const page = await context.newPage();
    await signInThroughForm(page, "dme@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/dme");
    expect(await h1(page, "Trainees at your trust")).toContain("Trainees at your trust");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });
});
