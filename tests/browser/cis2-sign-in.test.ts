// An invited DME's whole NHS CIS2 path in Chromium (issue 14): the invitation e-mail's link →
// "Accept with NHS CIS2" → the provider (oidc-provider set up as CIS2, in this process) → the DME
// home; sign out; "Sign in with NHS CIS2" → the DME home again, matched by the CIS2 subject.
import { randomBytes } from "node:crypto";

import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { invitations, sessions, trusts, userIdentities, users } from "@db/schema";
import { hashToken } from "~/models/users.server";

import { databaseOptionsFromEnv, openDatabase } from "../../db/client";
import { launchBrowser, newContext, textOf } from "../helpers/browser";
import { startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { scratchDatabase, startServer, type ScratchDatabase } from "../helpers/server";

const token = randomBytes(32).toString("base64url");
const EMAIL = "priya.cis2@example.nhs.uk";
const SUB = "cis2-uid-555123456789";

let provider: Cis2Provider;
let database: ScratchDatabase;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  provider = await startCis2Provider();
  database = await scratchDatabase({ seeded: true });
  const handle = await openDatabase(databaseOptionsFromEnv(database.env as NodeJS.ProcessEnv));
  try {
    const [trust] = await handle.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    await handle.db.insert(invitations).values({ email: EMAIL, name: "Dr Priya Shah", role: "dme", trustId: trust!.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) });
  } finally {
    await handle.close();
  }
  server = await startServer({ ...provider.env, CIS2_MIN_ACR: "AAL2_ANY", CIS2_ACR_VALUES: "AAL3_ANY" }, { database });
  // The client's redirect address is registered for the app's origin, known only now.
  provider.setAppOrigin(server.url);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await database?.dispose();
  await provider?.stop();
});

describe("an invited DME with NHS CIS2", () => {
  it("accepts with NHS CIS2, lands on the DME home, signs out, and signs in again with NHS CIS2 by subject", async () => {
    const context = await newContext(browser, server.url, { mobile: true, alsoReach: [provider.issuer] });
    const page = await context.newPage();

    await page.goto(`/invitations/${token}`);
    provider.setNextLogin({ sub: SUB, email: EMAIL, name: "Priya Shah", acr: "AAL3_ANY" });
    await page.getByRole("button", { name: "Accept with NHS CIS2" }).click();
    await page.waitForURL(`${server.url}/dme`);
    expect(await textOf(page, "h1", "Trainees at your trust")).toContain("Trainees at your trust");

    // The account was made by the invitation, linked to the subject, with no password. (Read on
    // PostgreSQL only: PGlite allows one process per data directory, and the server has it.)
    if (database.env.DATABASE_URL) {
      const handle = await openDatabase(databaseOptionsFromEnv(database.env as NodeJS.ProcessEnv));
      try {
        const [user] = await handle.db.select({ id: users.id, passwordHash: users.passwordHash }).from(users).where(eq(users.email, EMAIL));
        expect(user!.passwordHash).toBeNull();
        expect(await handle.db.select({ subject: userIdentities.subject }).from(userIdentities).where(eq(userIdentities.userId, user!.id))).toEqual([{ subject: SUB }]);
        expect(await handle.db.select({ authMethod: sessions.authMethod }).from(sessions).where(eq(sessions.userId, user!.id))).toEqual([{ authMethod: "cis2" }]);
      } finally {
        await handle.close();
      }
    }

    await page.goto("/sign-out");
    await page.getByRole("main").getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(`${server.url}/`);

    await page.goto("/sign-in");
    provider.setNextLogin({ sub: SUB, email: EMAIL, acr: "AAL2_ANY" });
    await page.getByRole("button", { name: "Sign in with NHS CIS2" }).click();
    await page.waitForURL(`${server.url}/dme`);
    expect(await textOf(page, "h1", "Trainees at your trust")).toContain("Trainees at your trust");
    await context.close();
  });

  it("a sign-in with too low an assurance level ends on the page that says to use a smartcard", async () => {
    const context = await newContext(browser, server.url, { mobile: true, alsoReach: [provider.issuer] });
    const page = await context.newPage();
    await page.goto("/sign-in");
    provider.setNextLogin({ sub: SUB, email: EMAIL, acr: "AAL1_USERPASS" });
    await page.getByRole("button", { name: "Sign in with NHS CIS2" }).click();
    await page.waitForURL(/\/sign-in\/cis2\/callback/);
    expect(await textOf(page, "h1", "smartcard")).toBe("Sign in again with your smartcard or authenticator app");
    await context.close();
  });
});
