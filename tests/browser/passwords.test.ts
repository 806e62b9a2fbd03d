// Journeys that follow a link by e-mail: a forgotten password, changing a password, and an
// imported trainee's expired invitation. The server sends its e-mail to an SMTP sink here.
import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { hashToken } from "~/models/users.server";
import { invitations } from "@db/schema";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { createTrainee } from "../../db/seed/factories";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { useMailSink } from "../helpers/mail-sink";

const mail = useMailSink();
const expiredToken = randomBytes(32).toString("base64url");
const DAY = 86_400_000;

const app = useRunningApp({
  env: () => ({ SMTP_URL: mail.url, OUTBOX_POLL_MS: "200" }),
  // A trainee from a rotation import whose invitation ran out a week ago: the account has no password.
  prepare: async (db) => {
    const trainee = await createTrainee(db, { email: "stuck.trainee@example.nhs.uk", name: "Dr Sam Stuck", gmcNumber: "7000001", grade: "CT1" });
    await db.insert(invitations).values({
      email: trainee.email,
      name: trainee.name,
      role: "trainee",
      tokenHash: hashToken(expiredToken),
      userId: trainee.id,
      createdAt: new Date(Date.now() - 14 * DAY),
      expiresAt: new Date(Date.now() - 7 * DAY),
    });
  },
});

describe("a forgotten password", () => {
  it("forgotten password → e-mail link → new password → signed in, without JavaScript", async () => {
    const context = await app.context({ javaScriptEnabled: false, mobile: true });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgotten your password?" }).click();
    expect(await h1(page, "Reset your password")).toBe("Reset your password");
    await page.getByLabel("Email address").fill("trainee@demo.test");
    const before = mail.count;
    await page.getByRole("button", { name: "Send me a reset link" }).click();
    expect(await h1(page, "Check your email")).toBe("Check your email");
    expect(await page.locator("main").innerText()).not.toContain("trainee@demo.test");

    const link = await mail.linkTo("trainee@demo.test", "/reset-password/", before);
    await page.goto(link);
    expect(await h1(page, "Choose a new password")).toBe("Choose a new password");
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Save new password" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "at least 12 characters")).toContain("Password must be at least 12 characters");
    await page.getByLabel("New password").fill("a remembered passphrase at last");
    await page.getByRole("button", { name: "Save new password" }).click();
    // Resetting a password lands on the home page with no word that the password changed:
    // it ends where a change of password does, signed in, with the way home.
    await page.waitForURL("**/account/password?changed=1");
    expect(await h1(page, "Your password is changed")).toBe("Your password is changed");
    await page.getByRole("link", { name: "Go to your home page" }).click();
    expect(await h1(page, "Dr Priya Patel")).toContain("Dr Priya Patel");

    // The link worked once.
    await page.goto(link);
    expect(await h1(page, "You cannot use this link")).toBe("You cannot use this link");
    // The old password no longer works, the new one does.
    await page.getByRole("button", { name: "Sign out" }).click();
    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    expect(await textOf(page, ".nhsuk-error-summary", "Enter a correct email address and password")).toContain("Enter a correct email address and password");
    await signInThroughForm(page, "trainee@demo.test", "a remembered passphrase at last");
    await page.waitForURL("**/trainee");
    await context.close();
  });
});

describe("changing a password", () => {
  it("from the header, with the current password, and signed in again with the new one", async () => {
    const context = await app.context();
    const page = await context.newPage();
    await signInThroughForm(page, "lead@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trust");
    await page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: "Change password" }).click();
    expect(await h1(page, "Change your password")).toBe("Change your password");

    await page.getByLabel("Current password").fill("not my password");
    await page.getByLabel("New password").fill("a better passphrase for the trust");
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "Your current password is not correct")).toContain("Your current password is not correct");
    expect(await page.getByLabel("Current password").inputValue()).toBe("");

    await page.getByLabel("Current password").fill(DEMO_PASSWORD);
    await page.getByLabel("New password").fill("a better passphrase for the trust");
    await page.getByRole("button", { name: "Change password" }).click();
    expect(await h1(page, "Your password is changed")).toBe("Your password is changed");
    expect(await page.locator("main").innerText()).toContain("signed out on every other device");
    // Still signed in here: the header's link goes to the account's home.
    await page.getByRole("link", { name: "Go to your home page" }).click();
    await page.waitForURL("**/trust");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${app.url}/`);
    await signInThroughForm(page, "lead@demo.test", "a better passphrase for the trust");
    await page.waitForURL("**/trust");
    await context.close();
  });
});

describe("an imported trainee whose invitation expired", () => {
  it("expired invitation → send me a new link → sets a password and is signed in", async () => {
    const context = await app.context({ mobile: true });
    const page = await context.newPage();
    await page.goto(`/invitations/${expiredToken}`);
    expect(await h1(page, "You cannot use this invitation")).toBe("You cannot use this invitation");
    expect(await page.locator("main").innerText()).not.toContain("stuck.trainee@");
    const before = mail.count;
    await page.getByRole("button", { name: "Send me a new link" }).click();
    expect(await h1(page, "Check your email")).toBe("Check your email");
    const text = await page.locator("main").innerText();
    expect(text).toContain("sent a new link to the email address we have");
    expect(text).not.toContain("stuck.trainee@");

    const link = await mail.linkTo("stuck.trainee@example.nhs.uk", "/invitations/", before);
    expect(link).not.toContain(expiredToken);
    await page.goto(link);
    expect(await h1(page, "Set up your Invitational account")).toBe("Set up your Invitational account");
    await page.getByLabel("Create a password").fill("a passphrase for my new trust");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/trainee");
    expect(await h1(page, "Dr Sam Stuck")).toContain("Dr Sam Stuck");

    // The old link is dead.
    await page.goto(`/invitations/${expiredToken}`);
    expect(await textOf(page, "main", "not valid")).toContain("not valid");
    await context.close();
  });
});
