// Every page of every role checked with axe-core's WCAG 2.2 A and AA rules in Chromium, at a
// desktop width (1280 px) and a phone's (375 px), and every form's refusal. Pages are found by
// following same-origin links from each role's home on the demo data, a couple of addresses per
// route, so a new page is checked once it is linked, and the test fails if a page route is never
// reached at all. Forms are sent empty (a search: with values that cannot be right) and the page
// that answers is checked too. Pages are loaded without their scripts: the server's HTML is what
// every browser gets first, what a person without JavaScript keeps, and what hydration must
// reproduce exactly; it also makes each check the same from run to run.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";

import { allocationRounds, invitations, passwordResets, users } from "@db/schema";
import { createPlacement } from "@db/seed/factories";
import { createRound } from "@db/seed/rounds";
import { unsubscribeToken } from "~/models/email-preferences.server";
import { hashToken } from "~/models/users.server";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { signInThroughForm, useRunningApp } from "../helpers/browser";
import { readPageRoutes, routeOf, type PageRoute } from "../helpers/page-routes";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const WIDTHS = [1280, 375] as const;
/** Addresses checked per route and role: enough to see two states of a page, few enough to stay quick. */
const PER_ROUTE = 2;
const FIXTURE_CSV = new URL("../fixtures/rotation-import-journey.csv", import.meta.url);

// Pages reached only from an e-mail: made before the server starts, so the anonymous walk has them.
const INVITATION_TOKEN = "accessibility-invitation-token";
const RESET_TOKEN = "accessibility-reset-token";
let unsubscribeLink = "";
// A round not open yet (it can still be changed) and a placement the trainee added themselves:
// the demo data has neither, and each has a page of its own.
let upcomingRound = "";
// The allocated round's page is one of several rounds' pages, so a walk may take others first.
let allocatedRound = "";

const app = useRunningApp({
  // NHS CIS2 configured, so its buttons are on the pages; its provider is never reached (a
  // closed port): the pages checked are the app's own.
  env: () => ({ CIS2_ISSUER: "http://127.0.0.1:9", CIS2_CLIENT_ID: "invitational-accessibility", CIS2_CLIENT_SECRET: "accessibility-only-secret" }),
  async prepare(db) {
    const [trainee] = await db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const [lead] = await db.select({ id: users.id, trustId: users.trustId }).from(users).where(eq(users.email, "lead@demo.test"));
    const expiresAt = new Date(Date.now() + 86_400_000);
    await db.insert(invitations).values({ email: "invited.lead@example.nhs.uk", name: "Invited Lead", role: "admin", tokenHash: hashToken(INVITATION_TOKEN), expiresAt });
    await db.insert(passwordResets).values({ userId: trainee!.id, tokenHash: hashToken(RESET_TOKEN), expiresAt });
    unsubscribeLink = `/unsubscribe/${await unsubscribeToken(db, trainee!.id, "nudge")}`;
    const day = 86_400_000;
    upcomingRound = await createRound(db, {
      name: "Summer leadership round",
      trustId: lead!.trustId,
      opensAt: new Date(Date.now() + 14 * day),
      closesAt: new Date(Date.now() + 28 * day),
      createdBy: lead!.id,
      opportunityIds: [],
    });
    const [allocated] = await db.select({ id: allocationRounds.id }).from(allocationRounds).where(eq(allocationRounds.status, "allocated"));
    allocatedRound = allocated!.id;
    await createPlacement(db, { traineeId: trainee!.id, trustId: lead!.trustId!, grade: "FY1", siteName: "Good Hope Hospital", startsOn: "2019-08-07", endsOn: "2020-08-04" });
  },
});

type Role = "anonymous" | "trainee" | "trust lead" | "DME" | "admin";

const ACCOUNTS: Record<Exclude<Role, "anonymous">, { email: string; home: string; forbidden: string }> = {
  trainee: { email: "trainee@demo.test", home: "/trainee", forbidden: "/admin" },
  "trust lead": { email: "lead@demo.test", home: "/trust", forbidden: "/dme" },
  DME: { email: "dme@demo.test", home: "/dme", forbidden: "/trust" },
  admin: { email: "admin@demo.test", home: "/admin", forbidden: "/trainee" },
};

/** Where each walk starts: the home, the 404 and 403 pages, and pages no link leads to. */
function startsFor(role: Role): string[] {
  if (role === "anonymous") {
    return [
      "/",
      "/sign-in",
      "/register",
      "/forgot-password",
      `/invitations/${INVITATION_TOKEN}`,
      "/invitations/not-an-invitation",
      `/reset-password/${RESET_TOKEN}`,
      "/reset-password/not-a-reset-link",
      // NHS CIS2's start page, and its callback as a stale or copied address reaches it.
      "/sign-in/cis2",
      "/sign-in/cis2/callback?code=expired&state=copied",
      // Where NHS CIS2 sends the browser back after signing out there, and where signing out
      // lands when CIS2 did not answer.
      "/signed-out",
      "/signed-out?cis2=unavailable",
      unsubscribeLink,
      "/no-such-page",
    ];
  }
  const account = ACCOUNTS[role];
  return [account.home, "/no-such-page", account.forbidden, "/sign-out", ...(role === "admin" ? [`/rounds/${allocatedRound}/allocation`] : [])];
}

const routes = readPageRoutes();

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/** One line per failing element: the page, the width, the rule and the element. */
async function axeAt(page: Page, label: string, width: number): Promise<string[]> {
  await page.setViewportSize({ width, height: width > 800 ? 900 : 740 });
  // Evaluated by the browser's debugging protocol, which the page's nonce-only CSP does not
  // govern (an added <script> tag would be refused), and whether or not the page's own scripts ran.
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(c: Document, o: object): Promise<{ violations: Violation[] }> } }).axe
        .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
        .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, failureSummary: n.failureSummary })) }))),
    AXE_TAGS
  );
  return violations.flatMap((v) => v.nodes.map((n) => `${label} at ${width} px: ${v.id} (${v.impact ?? "no impact given"}) ${v.help}: ${n.target.join(" ")} ${n.html.slice(0, 160)}`));
}

async function axeBothWidths(page: Page, label: string): Promise<string[]> {
  // Whichever width the page is at first, then the other: one resize per page, not two.
  const now = page.viewportSize()?.width ?? WIDTHS[0];
  const order = now === WIDTHS[0] ? WIDTHS : [...WIDTHS].reverse();
  const found: string[] = [];
  for (const width of order) found.push(...(await axeAt(page, label, width)));
  return found;
}

interface FormSeen {
  pageUrl: string;
  index: number;
  method: string;
  key: string;
  /** Whether sending it as it stands (text emptied) is a refusal worth seeing. */
  worthSending: boolean;
}

const TEXT_TYPES = ["text", "email", "password", "number", "tel", "url", "search", "date", "file", "textarea"];

async function formsOn(page: Page, pageUrl: string): Promise<FormSeen[]> {
  const forms = await page.evaluate((textTypes) => {
    return [...document.forms].map((form, index) => {
      const elements = [...form.elements] as HTMLInputElement[];
      const named = elements.filter((e) => e.name && e.type !== "hidden" && e.type !== "submit");
      const radioGroups = new Set(named.filter((e) => e.type === "radio").map((e) => e.name));
      const unansweredRadios = [...radioGroups].some((name) => !named.some((e) => e.type === "radio" && e.name === name && e.checked));
      const boxes = named.filter((e) => e.type === "checkbox");
      return {
        index,
        method: (form.getAttribute("method") ?? "get").toLowerCase(),
        action: form.action,
        fields: named.map((e) => e.name).sort(),
        hasText: named.some((e) => textTypes.includes(e.type)),
        unansweredRadios,
        noBoxTicked: boxes.length > 0 && boxes.every((b) => !b.checked),
      };
    });
  }, TEXT_TYPES);
  return forms.map((f) => {
    const action = new URL(f.action);
    const pattern = routeOf(routes, action.pathname)?.pattern ?? action.pathname;
    return {
      pageUrl,
      index: f.index,
      method: f.method,
      key: `${f.method} ${pattern} ${f.fields.join(",")}`,
      // A form of buttons alone (sign out, withdraw, send again) does something rather than asking for something.
      worthSending: f.hasText || f.unansweredRadios || (f.method === "post" && f.noBoxTicked),
    };
  });
}

/** A page whose scripts never load: what a person without JavaScript gets, and forms submit natively. */
async function pageWithoutScripts(role: Role): Promise<Page> {
  const context = await app.context();
  await context.route("**/*", (route) => (route.request().resourceType() === "script" ? route.abort() : route.fallback()));
  const page = await context.newPage();
  if (role !== "anonymous") {
    await signInThroughForm(page, ACCOUNTS[role].email, DEMO_PASSWORD);
    await page.waitForURL(`**${ACCOUNTS[role].home}`);
  }
  return page;
}

/**
 * Runs `submit` (which sends a form) and waits until the document that answers has loaded: a
 * new document has a new time origin, a condition that holds across redirects.
 */
async function afterSubmitting(page: Page, submit: () => Promise<unknown>): Promise<void> {
  const before = await page.evaluate(() => performance.timeOrigin);
  await submit();
  await page.waitForFunction((t) => performance.timeOrigin !== t && document.readyState === "complete", before, { polling: 50 });
}

interface Walk {
  role: Role;
  pages: string[];
  routes: Set<string>;
  forms: FormSeen[];
  violations: string[];
  problems: string[];
}

async function walk(role: Role): Promise<Walk> {
  const page = await pageWithoutScripts(role);
  const result: Walk = { role, pages: [], routes: new Set(), forms: [], violations: [], problems: [] };
  const queue = startsFor(role);
  const queued = new Set(queue);
  const perRoute = new Map<string, number>();
  const origin = new URL(app.url).origin;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const response = await page.goto(next);
    const url = new URL(page.url());
    const type = response?.headers()["content-type"] ?? "";
    if (!type.startsWith("text/html")) {
      result.problems.push(`${role}: ${next} answered ${type || "nothing"}, not a page`);
      continue;
    }
    const status = response?.status() ?? 0;
    const route = routeOf(routes, url.pathname);
    if (route) result.routes.add(route.file);
    const label = `${role} ${url.pathname}${url.search}${status === 200 ? "" : ` (${status})`}`;
    result.pages.push(label);
    result.violations.push(...(await axeBothWidths(page, label)));
    result.forms.push(...(await formsOn(page, url.pathname + url.search)));
    const links = await page.evaluate(() => [...document.querySelectorAll<HTMLAnchorElement>("a[href]")].filter((a) => !a.hasAttribute("download")).map((a) => a.href));
    for (const href of links) {
      const target = new URL(href);
      if (target.origin !== origin) continue;
      const address = target.pathname + target.search;
      if (queued.has(address)) continue;
      const linked: PageRoute | undefined = routeOf(routes, target.pathname);
      // Files (CSV, PDF, JSON, calendars) and the splat's made-up addresses are not pages to walk.
      if (!linked || !linked.page || linked.pattern === "/*") continue;
      const taken = perRoute.get(linked.file) ?? 0;
      if (taken >= PER_ROUTE) continue;
      perRoute.set(linked.file, taken + 1);
      queued.add(address);
      queue.push(address);
    }
  }
  await page.context().close();
  return result;
}

/**
 * Each distinct form sent once without JavaScript, its text emptied (a search: filled with a
 * date that does not exist), and the answering page checked at both widths.
 */
async function sendForms(role: Role, forms: FormSeen[]): Promise<{ violations: string[]; refusals: string[]; sent: string[] }> {
  const page = await pageWithoutScripts(role);
  const seen = new Set<string>();
  const out = { violations: [] as string[], refusals: [] as string[], sent: [] as string[] };
  for (const form of forms) {
    if (!form.worthSending || seen.has(form.key)) continue;
    seen.add(form.key);
    await page.goto(form.pageUrl);
    await afterSubmitting(page, () =>
      page.evaluate(
        ({ index, textTypes }) => {
          const f = document.forms[index]!;
          // The server's checks are the ones under test, not the browser's own.
          f.noValidate = true;
          const get = (f.getAttribute("method") ?? "get").toLowerCase() === "get";
          for (const e of [...f.elements] as HTMLInputElement[]) {
            if (!textTypes.includes(e.type) || e.type === "file") continue;
            // A date field cannot hold an impossible date, but an address can (typed, or a
            // shared search): sent as the address would carry it.
            if (get && e.type === "date") e.type = "text";
            e.value = get ? "2026-02-31" : "";
          }
          const button = [...f.elements].find((e) => (e instanceof HTMLButtonElement || e instanceof HTMLInputElement) && e.type === "submit") as HTMLButtonElement | undefined;
          if (button) button.click();
          else f.requestSubmit();
        },
        { index: form.index, textTypes: TEXT_TYPES }
      )
    );
    const url = new URL(page.url());
    const refused = (await page.locator(".nhsuk-error-summary").count()) > 0;
    const label = `${role} ${url.pathname}${url.search} after sending "${form.key}" from ${form.pageUrl}${refused ? " (refused)" : ""}`;
    out.sent.push(label);
    if (refused) out.refusals.push(label);
    out.violations.push(...(await axeBothWidths(page, label)));
  }
  await page.context().close();
  return out;
}

interface Scenario {
  route: string;
  violations: string[];
}

/** The import preview is reached by uploading a file, not by a link: upload one and check it. */
async function importPreview(): Promise<Scenario> {
  const page = await pageWithoutScripts("DME");
  await page.goto("/imports");
  await page.getByLabel("Upload a CSV file").setInputFiles({ name: "rotations.csv", mimeType: "text/csv", buffer: readFileSync(FIXTURE_CSV) });
  await page.getByRole("button", { name: "Upload file" }).click();
  await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
  const url = new URL(page.url());
  const found = await axeBothWidths(page, `DME ${url.pathname} (the import's preview)`);
  await page.context().close();
  return { route: routeOf(routes, url.pathname)!.file, violations: found };
}

/**
 * "Close and allocate now" refused: the page a press from a round's page opened earlier gets
 * when the round is not open (here one that opens in a fortnight), sent as that page's form would.
 */
async function closeRefused(): Promise<Scenario> {
  const page = await pageWithoutScripts("admin");
  await page.goto(`/rounds/${upcomingRound}`);
  await afterSubmitting(page, () =>
    page.evaluate((action) => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      document.body.append(form);
      form.submit();
    }, `/rounds/${upcomingRound}/close`)
  );
  const url = new URL(page.url());
  const found = await axeBothWidths(page, `admin ${url.pathname} (closing a round not open yet, refused)`);
  await page.context().close();
  return { route: routeOf(routes, url.pathname)!.file, violations: found };
}

const ROLES: Role[] = ["anonymous", "trainee", "trust lead", "DME", "admin"];

describe("accessibility of every page (axe-core, WCAG 2.2 A and AA, 1280 px and 375 px)", () => {
  it("finds no violation on any page of any role, nor on any form's refusal", async () => {
    const started = Date.now();
    const walks = await Promise.all(ROLES.map((role) => walk(role)));
    const walked = Date.now();
    const sending = await Promise.all(walks.map((w) => sendForms(w.role, w.forms)));
    const scenarios = await Promise.all([importPreview(), closeRefused()]);

    const reached = new Set([...walks.flatMap((w) => [...w.routes]), ...scenarios.map((s) => s.route)]);
    const unreached = routes.filter((r) => r.page && !reached.has(r.file)).map((r) => r.file);
    const pages = walks.reduce((n, w) => n + w.pages.length, 0);
    const sent = sending.reduce((n, s) => n + s.sent.length, 0);
    const refusals = sending.reduce((n, s) => n + s.refusals.length, 0);
    // Counts and times for the report, not assertions: the machine's load decides the times.
    console.log(
      `accessibility: ${pages} pages, ${sent} form answers (${refusals} refusals) and ${scenarios.length} more pages, each at ${WIDTHS.join(" and ")} px; ` +
        `walks ${Math.round((walked - started) / 1000)} s, forms ${Math.round((Date.now() - walked) / 1000)} s`
    );

    expect.soft(walks.flatMap((w) => w.problems)).toEqual([]);
    expect.soft(unreached, "page routes no walk reached: link them, or start a walk there").toEqual([]);
    expect.soft([...walks.flatMap((w) => w.violations), ...sending.flatMap((s) => s.violations), ...scenarios.flatMap((s) => s.violations)]).toEqual([]);
    // The refusals are the error states: every role has forms that refuse an empty answer.
    expect
      .soft(
        walks.filter((_, i) => sending[i]!.refusals.length === 0).map((w) => w.role),
        "roles with no refusal seen"
      )
      .toEqual([]);
  }, 600_000);

  it("names the page, the width, the rule and the element of a violation (an image without a text alternative put on a page)", async () => {
    const page = await pageWithoutScripts("anonymous");
    await page.goto("/sign-in");
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "/assets/images/favicon.svg";
      img.id = "no-alternative";
      document.querySelector("main")!.append(img);
    });
    const found = await axeBothWidths(page, "anonymous /sign-in");
    await page.context().close();
    expect(found.map((line) => line.replace(/ <img.*$/, ""))).toEqual([
      "anonymous /sign-in at 1280 px: image-alt (critical) Images must have alternative text: #no-alternative",
      "anonymous /sign-in at 375 px: image-alt (critical) Images must have alternative text: #no-alternative",
    ]);
  });
});
