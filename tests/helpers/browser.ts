import { existsSync } from "node:fs";

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

import { databaseOptionsFromEnv, openDatabase, type Db } from "../../db/client";

import { scratchDatabase, startServer, type ScratchDatabase } from "./server";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is needed for the browser tests at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** A context that reaches only the app under test (and the hosts of `alsoReach`, such as a test NHS CIS2 provider): every other host is blocked. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  options: { javaScriptEnabled?: boolean; mobile?: boolean; alsoReach?: string[] } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.mobile ? { width: 375, height: 740 } : { width: 1280, height: 900 },
  });
  const allowed = new Set([baseURL, ...(options.alsoReach ?? [])].map((url) => new URL(url).host));
  await context.route("**/*", (route) => (allowed.has(new URL(route.request().url()).host) ? route.continue() : route.abort()));
  return context;
}

export async function signInThroughForm(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  // Exactly: with NHS CIS2 configured the page also has "Sign in with NHS CIS2".
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/**
 * The text of the first element matching, once it is visible (playwright-core has no expect
 * of its own). With `expected`, first wait (bounded) for an element holding that text: after a
 * client-side navigation the address changes a moment before React puts the new page in place.
 */
export async function textOf(page: Page, selector: string, expected?: string | RegExp): Promise<string> {
  if (expected !== undefined) {
    // Waits on the text itself for as long as the test may run (not a short deadline of its own:
    // a busy machine slows the page, and a 10 s wait failed a journey under load); if it never
    // comes, the caller's assertion shows the text there was.
    await page
      .locator(selector, { hasText: expected })
      .first()
      .waitFor({ state: "visible", timeout: 45_000 })
      .catch(() => undefined);
  }
  const locator = page.locator(selector).first();
  await locator.waitFor({ state: "visible" });
  return locator.innerText();
}

export async function h1(page: Page, expected?: string | RegExp): Promise<string> {
  return textOf(page, "h1", expected);
}

export async function isFocused(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).first().evaluate((el) => el === document.activeElement);
}

/**
 * A browser journey's file: the real server on its own database and one Chromium, started
 * before the tests and stopped after them, with every context it made closed first.
 */
export function useRunningApp(
  options: {
    /** More of the server's environment, read when it starts (after earlier beforeAll hooks). */
    env?: () => Record<string, string>;
    /** Rows to add before the server starts: the database is migrated and has the demo data. */
    prepare?: (db: Db) => Promise<void>;
  } = {},
) {
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let database: ScratchDatabase | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    if (options.prepare) {
      // A copy of the migrated, seeded template, given its extra rows before the server opens it.
      database = await scratchDatabase({ seeded: true });
      const handle = await openDatabase(databaseOptionsFromEnv(database.env as NodeJS.ProcessEnv));
      try {
        await options.prepare(handle.db);
      } finally {
        await handle.close();
      }
    }
    server = await startServer(options.env?.() ?? {}, { database });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.dispose();
    // A database passed to the server is ours to remove.
    await database?.dispose();
  });
  return {
    get url(): string {
      if (!server) throw new Error("the server has not started");
      return server.url;
    },
    async context(options: Parameters<typeof newContext>[2] = {}): Promise<BrowserContext> {
      if (!browser || !server) throw new Error("the browser has not started");
      const context = await newContext(browser, server.url, options);
      contexts.push(context);
      return context;
    },
  };
}
