// The authorisation matrix: every route of the app (read from app/routes/, so a new route
// without an entry in tests/helpers/route-table.ts fails here) × GET and, where the module has
// an action, POST × anonymous, trainee, trust lead, DME and admin × the rows it can be opened
// on (own trust, another trust, own row, another trainee's row), each answered over HTTP by the
// production build as the table says.
import { readFileSync } from "node:fs";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { serverWithRouteFixtures, SIGNED_IN, VIEWERS, type RouteFixtures, type Viewer } from "../helpers/route-fixtures";
import { entryFor, pagesFor, ROUTE_TABLE, ROUTES_DIR, routeFiles, type Outcome, type RouteEntry, type Target } from "../helpers/route-table";
import type { RunningServer } from "../helpers/server";

let running: Awaited<ReturnType<typeof serverWithRouteFixtures>> | undefined;
let server: RunningServer;
let fixtures: RouteFixtures;

beforeAll(async () => {
  // A production server (which refuses demo accounts) on an empty database holding only the fixtures.
  // NHS CIS2 configured (the provider is never reached: its routes refuse before discovery), so
  // its routes answer as in service instead of 404.
  running = await serverWithRouteFixtures({ CIS2_ISSUER: "https://cis2.invalid", CIS2_CLIENT_ID: "invitational-matrix", CIS2_CLIENT_SECRET: "matrix-only-secret" });
  ({ server, fixtures } = running);
}, 120_000);

afterAll(async () => {
  await running?.dispose();
});

const moduleText = (file: string) => readFileSync(path.join(ROUTES_DIR, file), "utf8");
const exports = (file: string, name: "loader" | "action") => new RegExp(`export (async )?function ${name}\\b|export const ${name}\\b`).test(moduleText(file));

describe("the route table", () => {
  it("has an entry for every file in app/routes/, and none for a file that is not there", () => {
    const files = routeFiles();
    expect(files.filter((file) => !entryFor(file)), "route files without an entry in tests/helpers/route-table.ts").toEqual([]);
    expect(ROUTE_TABLE.map((e) => e.file).filter((file) => !files.includes(file)), "entries for files that do not exist").toEqual([]);
    expect(new Set(ROUTE_TABLE.map((e) => e.file)).size).toBe(ROUTE_TABLE.length);
  });

  it("gives every target a GET cell for each person, and a POST cell wherever the module has an action", () => {
    const problems: string[] = [];
    for (const entry of ROUTE_TABLE) {
      const hasAction = exports(entry.file, "action");
      if (!entry.targets.some((t) => t.get)) problems.push(`${entry.file}: no GET target`);
      if (hasAction && !entry.targets.some((t) => t.post)) problems.push(`${entry.file}: exports an action but no target POSTs`);
      if (!hasAction && entry.targets.some((t) => t.post)) problems.push(`${entry.file}: POST cells but the module has no action`);
      for (const target of entry.targets) {
        if (!target.get && !target.body) problems.push(`${entry.file} ${target.scope.join(", ")}: a target without a form has no GET cells`);
        if (target.body && !target.post) problems.push(`${entry.file} ${target.scope.join(", ")}: a form but no POST cells`);
        for (const method of ["get", "post"] as const) {
          const row = target[method];
          if (row) for (const viewer of VIEWERS) if (row[viewer] === undefined) problems.push(`${entry.file}: ${method} cell missing for ${viewer}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("covers own trust, another trust, own row and another trainee's row", () => {
    const scopes = new Set(ROUTE_TABLE.flatMap((e) => e.targets.flatMap((t) => t.scope)));
    for (const scope of ["own trust", "another trust", "own row", "another trainee's row"] as const) expect(scopes).toContain(scope);
  });

  it("lists, for each role, the pages it can open at concrete addresses", () => {
    const lead = pagesFor("trust_lead", fixtures).map((p) => p.url);
    expect(lead).toContain("/trust");
    expect(lead).toContain(`/trust/opportunities/${fixtures.opportunities.own}`);
    expect(lead).not.toContain(`/trust/opportunities/${fixtures.opportunities.other}`);
    expect(pagesFor("anonymous", fixtures).map((p) => p.url)).not.toContain("/trainee");
  });
});

function cookieFor(viewer: Viewer, target: Target, method: "GET" | "POST"): string | null {
  if (viewer === "anonymous") return null;
  if (method === "POST" && target.endsSession) {
    const spare = fixtures.spareCookies[viewer].pop();
    if (!spare) throw new Error(`no spare session left for ${viewer}`);
    return spare;
  }
  return fixtures.cookies[viewer];
}

function form(body: Record<string, string | string[]>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) for (const item of Array.isArray(value) ? value : [value]) params.append(name, item);
  return params;
}

async function request(method: "GET" | "POST", url: string, cookie: string | null, body: Record<string, string | string[]>) {
  const headers: Record<string, string> = {};
  if (cookie) headers.Cookie = cookie;
  if (method === "POST") {
    headers.Origin = server.url;
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  const res = await fetch(`${server.url}${url}`, { method, headers, body: method === "POST" ? form(body) : undefined, redirect: "manual" });
  const text = await res.text();
  const location = res.headers.get("location");
  return { status: res.status, location: location ? location.replace(server.url, "") : null, text };
}

function matches(expected: Outcome, url: string, got: { status: number; location: string | null }): boolean {
  if (typeof expected === "number") return got.status === expected;
  const redirected = got.status >= 301 && got.status <= 303 && got.location !== null;
  if (expected === "sign-in") {
    if (!redirected) return false;
    const location = new URL(got.location!, server.url);
    if (location.pathname !== "/sign-in") return false;
    // Back to the same address once signed in (compared as parsed: ":" may come back encoded).
    const back = new URL(location.searchParams.get("redirectTo") ?? "", server.url);
    const asked = new URL(url, server.url);
    return back.pathname === asked.pathname && back.searchParams.toString() === asked.searchParams.toString();
  }
  return redirected && got.location!.startsWith(expected.slice(1));
}

const describeGot = (got: { status: number; location: string | null }) => (got.location ? `${got.status} → ${got.location}` : String(got.status));

/** Every cell of one route, in a fixed order (GETs first, then POSTs, person by person), so an action that changes a row does so after every read of it. */
async function checkRoute(entry: RouteEntry): Promise<string[]> {
  const wrong: string[] = [];
  for (const method of ["GET", "POST"] as const) {
    for (const target of entry.targets) {
      const row = method === "GET" ? target.get : target.post;
      if (!row) continue;
      const url = target.path(fixtures);
      const body = target.body?.(fixtures) ?? {};
      for (const viewer of VIEWERS) {
        const got = await request(method, url, cookieFor(viewer, target, method), body);
        const sent = Object.keys(body).length ? ` with ${form(body).get("intent") ?? "a form"}` : "";
        const cell = `${method} ${url}${sent} as ${viewer} (${target.scope.join(", ")})`;
        if (!matches(row[viewer], url, got)) wrong.push(`${cell}: expected ${row[viewer]}, got ${describeGot(got)}`);
        for (const text of target.mustNotShow?.(fixtures) ?? []) if (got.text.includes(text)) wrong.push(`${cell}: shows "${text}"`);
      }
    }
  }
  return wrong;
}

describe("every cell over HTTP, against the production build", () => {
  it.concurrent.each(ROUTE_TABLE.map((entry) => [entry.file, entry] as const))("%s", async (_file, entry) => {
    expect(await checkRoute(entry)).toEqual([]);
  });

  it("would see a name a page shows: the elsewhere trainee's is on their application, opened by an admin", async () => {
    const got = await request("GET", `/applications/${fixtures.elsewhere.applicationId}`, fixtures.cookies.admin, {});
    expect(got.status).toBe(200);
    expect(got.text).toContain(fixtures.elsewhere.name);
  });

  it("signed the people in with the server's production cookie", () => {
    expect(SIGNED_IN.every((role) => fixtures.cookies[role].startsWith("__Host-"))).toBe(true);
  });
});
