// A trainee's NHS CIS2 path in Chromium (issue 14), without JavaScript as a hospital browser may
// be: link CIS2 from the profile, sign in with it, sign out of CIS2 too (the provider ends its
// session and sends the browser back), then unlink it with the password, a wrong one first.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { h1, launchBrowser, newContext, signInThroughForm, textOf } from "../helpers/browser";
import { startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { startServer } from "../helpers/server";
import { until } from "../helpers/until";

const SUB = "cis2-uid-trainee-4401";

let provider: Cis2Provider;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  provider = await startCis2Provider();
  server = await startServer(provider.env);
  provider.setAppOrigin(server.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await provider?.stop();
});

describe("a trainee with NHS CIS2", () => {
  it("links CIS2 on the profile, signs in with it, signs out of CIS2 too, and unlinks it with the password", async () => {
    const context = await newContext(browser, server.url, { mobile: true, javaScriptEnabled: false, alsoReach: [provider.issuer] });
    const page = await context.newPage();

    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/trainee`);
    await page.goto("/trainee/profile");
    provider.setNextLogin({ sub: SUB, email: "trainee@demo.test", acr: "AAL2_ANY" });
    await page.getByRole("button", { name: "Link NHS CIS2" }).click();
    await page.waitForURL(`${server.url}/trainee/profile?done=cis2-linked#cis2`);
    expect(await textOf(page, ".nhsuk-notification-banner", "NHS CIS2 is linked")).toContain("NHS CIS2 is linked");

    await page.goto("/sign-out");
    await page.getByRole("main").getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(`${server.url}/`);

    await page.goto("/sign-in");
    provider.setNextLogin({ sub: SUB, acr: "AAL3_ANY" });
    await page.getByRole("button", { name: "Sign in with NHS CIS2" }).click();
    await page.waitForURL(`${server.url}/trainee`);

    // Signed in with CIS2, the sign-out page offers to end the CIS2 session too.
    await page.goto("/sign-out");
    await page.getByRole("button", { name: "Sign out of NHS CIS2 too" }).click();
    await page.waitForURL((url) => url.origin === provider.issuer);
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await page.waitForURL(`${server.url}/signed-out`);
    expect(await h1(page)).toBe("You have signed out");
    // The provider told the app about its session's end too (our session was already gone).
    await until(() => provider.backchannelDeliveries().find((d) => d.sub === SUB));

    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL(`${server.url}/trainee`);
    await page.goto("/trainee/profile");
    await page.getByLabel("Your password").fill("not my password");
    await page.getByRole("button", { name: "Unlink NHS CIS2" }).click();
    expect(await textOf(page, ".nhsuk-error-summary", "There is a problem")).toContain("Your password is not correct");
    await page.getByLabel("Your password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Unlink NHS CIS2" }).click();
    await page.waitForURL(`${server.url}/trainee/profile?done=cis2-unlinked#cis2`);
    expect(await page.getByRole("button", { name: "Link NHS CIS2" }).count()).toBe(1);
    await context.close();
  });
});
