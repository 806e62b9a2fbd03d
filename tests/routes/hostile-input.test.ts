// Every hostile value (tests/fixtures/hostile-values.ts) into every field of every form and every
// query parameter of every page, as each role, against the production build on a seeded server.
// The forms and parameters are found by crawling the running server from each role's home
// (tests/helpers/hostile-crawl.ts), so a new form or parameter is covered without an edit here.
//
// One request carries a different value in each field, rotating, so each field gets each value
// once in as many requests as there are values. A form with hidden fields (ids, intents) is
// sent twice over: once with every field hostile, and once (every fourth value) with the ids,
// the intent and the pressed button as the page gave them, so the typed fields also reach the
// code behind a valid id.
//
// Asserted for every answer: no 5xx, no stack trace or error's own text in the body, and every
// refusal of a form (a 4xx other than not found, forbidden, too large or throttled) shows the
// NHS.UK error summary linking to a field on the page.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_DOMAIN, DEMO_PASSWORD } from "../../db/seed/demo";
import { encodeHostile, HOSTILE_VALUES, type HostileValue } from "../fixtures/hostile-values";
import { crawl, type Discovery, type FoundForm } from "../helpers/hostile-crawl";
import { scratchDatabase, startServer, type ScratchDatabase } from "../helpers/server";

const DOMAIN = "@hostile.test";
const ROLES = {
  anonymous: { email: null, starts: ["/", "/sign-in", "/register", "/forgot-password", "/opportunities", "/privacy", "/accessibility"] },
  trainee: { email: `trainee${DOMAIN}`, starts: ["/trainee"] },
  lead: { email: `lead${DOMAIN}`, starts: ["/trust"] },
  dme: { email: `dme${DOMAIN}`, starts: ["/dme"] },
  admin: { email: `admin${DOMAIN}`, starts: ["/admin"] },
} as const;
type Role = keyof typeof ROLES;
const COMMON_STARTS = ["/", "/opportunities", "/account/password", "/account/notifications", "/notifications", "/reports", "/rounds"];

/** Parameters read by a model rather than by the route file itself (the crawler finds a route's own). */
const MODEL_PARAMS: Record<string, string[]> = {
  "opportunities._index": ["q", "type", "region", "ics", "trust", "tier", "focus", "hlm", "eligible", "ltft", "maxHours", "startFrom", "startTo", "seatsLeft", "sort", "page"],
  "reports._index": ["scope", "year", "asAt", "stage", "specialty", "ltft"],
  "reports.print": ["scope", "year", "asAt", "stage", "specialty", "ltft"],
  "reports.$table[.]csv": ["scope", "year", "asAt", "stage", "specialty", "ltft"],
  "rounds.new": ["region", "ics", "trust"],
  "rounds.$id.edit": ["region", "ics", "trust"],
  "admin.users._index": ["q", "role", "trustId", "page", "who", "state", "invitationsPage", "done"],
  "trainee.placements.new": ["trustId", "siteId", "specialty", "grade", "startsOn", "endsOn", "wte", "placementType"],
  "trainee.placements.$id": ["trustId", "siteId", "specialty", "grade", "startsOn", "endsOn", "wte", "placementType"],
  "trainee.evidence._index": ["reflection"],
  "trainee.evidence.$id": ["reflection"],
  "trainee.evidence[.]pdf": ["reflection"],
  "trainee.evidence.$id[.]pdf": ["reflection"],
};

// A stack trace, a framework's error text or a database's: none may reach a page.
const LEAKS: [string, RegExp][] = [
  ["stack frame", /\bat [\w$.<>]+ \(?[^\s()]*:\d+:\d+\)?/],
  ["node_modules path", /node_modules\//],
  ["JavaScript error", /\b(TypeError|ReferenceError|RangeError|SyntaxError|URIError|AggregateError):/],
  ["database error", /\b(PostgresError|DrizzleQueryError|DatabaseError|invalid input syntax|violates (check|not-null|foreign key|unique) constraint|SQLSTATE)/i],
  ["Remix's unexpected error", /Unexpected Server Error/],
];

const CONCURRENCY = 6;
// CI runs this file twice, on PGlite and on PostgreSQL: each run sends half the values (the
// even-numbered on PGlite, the odd on PostgreSQL), so the two together send every value into
// every field within CI's time. HOSTILE_INPUT_ALL=1 sends them all in one run.
const PASS = process.env.HOSTILE_INPUT_ALL === "1" ? null : process.env.TEST_DATABASE_URL ? 1 : 0;
const inThisPass = (request: number) => PASS === null || request % 2 === PASS;
// The second sending (ids and intent as given) takes every fourth value: each typed field still
// gets every value in the first, and CI's time is shared by every test.
const DEPTH_EVERY = 4;

let database: ScratchDatabase;
let server: Awaited<ReturnType<typeof startServer>>;
const cookies: Partial<Record<Role, string>> = {};
const found: Partial<Record<Role, Discovery>> = {};
let ipCounter = 0;

/** A different client address per request (the server trusts the loopback proxy): the per-address throttles would otherwise answer everything after the first hundred sign-ins with 429. */
function nextIp(): string {
  ipCounter++;
  return `10.${(ipCounter >> 16) & 255}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
}

async function signIn(email: string): Promise<string> {
  const res = await fetch(`${server.url}/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ email, password: DEMO_PASSWORD }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, "X-Forwarded-For": nextIp() },
    redirect: "manual",
  });
  expect(res.status).toBe(302);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

interface Problem {
  where: string;
  status: number;
  what: string;
  value: string;
}

function describeValue(v: HostileValue): string {
  const shown = JSON.stringify(v.wire ?? v.value);
  return `${v.family}: ${shown.length > 40 ? `${shown.slice(0, 37)}…"` : shown} (${(v.wire ?? v.value).length} chars)`;
}

/** What one request sent: each field's name and its value (or "as given"). */
function describeRequest(names: string[], values: (HostileValue | null)[]): string {
  return names.map((name, j) => `${name}=${values[j] ? describeValue(values[j]!) : "as given"}`).join("; ");
}

function leakIn(body: string): string | null {
  for (const [what, pattern] of LEAKS) if (pattern.test(body)) return what;
  return null;
}

/**
 * A refusal shows the NHS.UK error summary, and each of its links names something on the page.
 * Bad input (400) links to a field; a state conflict (409: already applied, the round has
 * closed) may be about the form as a whole and need not.
 */
function fieldMessageProblem(html: string, status: number): string | null {
  const summary = /<div[^>]*class="[^"]*nhsuk-error-summary[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0];
  if (!summary) return "a refusal without an NHS.UK error summary";
  const targets = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
  if (targets.length === 0 && status !== 409) return "an error summary that links to no field";
  const missing = targets.filter((id) => !new RegExp(`id="${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`).test(html));
  if (missing.length > 0) return `an error summary linking to #${missing[0]}, which is not on the page`;
  return null;
}

async function pool<T>(items: T[], worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await worker(items[next++]!);
    }),
  );
}

const N = HOSTILE_VALUES.length;
const valueFor = (request: number, field: number) => HOSTILE_VALUES[(request + field * 37) % N]!;

const reported = new Set<string>();
/** Records a problem, and writes the first of each kind as it is found: a long run shows what it has found so far. */
function report(problems: Problem[], p: Problem) {
  problems.push(p);
  const key = `${p.where}: ${p.what}`;
  if (!reported.has(key)) {
    reported.add(key);
    process.stderr.write(`hostile input: ${key} [${p.status}], e.g. ${p.value}\n`);
  }
}

async function check(res: Response, where: string, value: string, isForm: boolean, problems: Problem[]) {
  const body = await res.text();
  const type = res.headers.get("content-type") ?? "";
  if (res.status >= 500) report(problems, { where, status: res.status, what: "a 5xx answer", value });
  const leak = leakIn(body);
  if (leak) report(problems, { where, status: res.status, what: `a ${leak} in the body`, value });
  const refusal = res.status >= 400 && res.status < 500 && ![403, 404, 413, 429, 431].includes(res.status);
  if (isForm && refusal && type.includes("text/html")) {
    const problem = fieldMessageProblem(body, res.status);
    if (problem) report(problems, { where, status: res.status, what: problem, value });
  }
}

/** Hidden fields a page gives to say which row and which action: kept as given in the second sending. */
const isKey = (name: string) => name === "intent" || /(^id|Id|Ids)$/.test(name);

async function sendForm(role: Role, form: FoundForm, request: number, keepKeys: boolean, problems: Problem[]) {
  // Every field hostile, the pressed button's value too; or the page's ids, intent and button as given.
  const fields = [...form.fields, ...(form.button ? [{ name: form.button.name, type: "button", value: form.button.value }] : [])];
  const hostile = fields.map((f, j) =>
    keepKeys && (f.type === "button" || (f.type === "hidden" && isKey(f.name))) ? null : valueFor(request, j),
  );
  const headers: Record<string, string> = { Origin: server.url, "X-Forwarded-For": nextIp() };
  const cookie = cookies[role];
  if (cookie) headers.Cookie = cookie;
  let body: string | FormData;
  if (form.multipart) {
    const data = new FormData();
    fields.forEach((f, j) => {
      const v = hostile[j];
      const text = v ? v.value : f.value;
      if (f.type === "file") data.append(f.name, new Blob([text]), v ? `${v.value.slice(0, 100)}.csv` : "rotation.csv");
      else data.append(f.name, text);
    });
    body = data;
  } else {
    body = fields.map((f, j) => `${encodeURIComponent(f.name)}=${hostile[j] ? encodeHostile(hostile[j]!) : encodeURIComponent(f.value)}`).join("&");
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  const res = await fetch(`${server.url}${form.action}`, { method: "POST", body, headers, redirect: "manual" });
  await check(res, `POST ${form.key}${keepKeys ? " (ids and intent as given)" : ""} as ${role}`, describeRequest(fields.map((f) => f.name), hostile), true, problems);
}

async function sendParams(role: Role, route: string, url: string, names: string[], request: number, problems: Problem[]) {
  const query = names.map((name, j) => `${encodeURIComponent(name)}=${encodeHostile(valueFor(request, j))}`).join("&");
  const headers: Record<string, string> = {};
  const cookie = cookies[role];
  if (cookie) headers.Cookie = cookie;
  const res = await fetch(`${server.url}${url}?${query}`, { headers, redirect: "manual" });
  await check(res, `GET ${route} ?${names.join("&")} as ${role}`, describeRequest(names, names.map((_, j) => valueFor(request, j))), false, problems);
}

/** One line per distinct problem (where and what), with how often and one value that caused it. */
function summarise(problems: Problem[]): string[] {
  const by = new Map<string, { count: number; status: number; value: string }>();
  for (const p of problems) {
    const key = `${p.where}: ${p.what}`;
    const entry = by.get(key);
    if (entry) entry.count++;
    else by.set(key, { count: 1, status: p.status, value: p.value });
  }
  return [...by.entries()].map(([key, e]) => `${key} [${e.status}] ×${e.count}, e.g. ${e.value}`);
}

beforeAll(async () => {
  // The production build in production mode, on the demo data with its accounts moved off the
  // demo domain (production refuses to start beside @demo.test accounts): errors are shown as a
  // person would see them, and the pages render as fast as they do in service.
  database = await scratchDatabase({ seeded: true });
  await database.sql(`update users set email = replace(email, '${DEMO_DOMAIN}', '${DOMAIN}') where email like '%${DEMO_DOMAIN}'`);
  server = await startServer({ NODE_ENV: "production", TRUST_PROXY: "loopback" }, { database });
  for (const role of Object.keys(ROLES) as Role[]) {
    const email = ROLES[role].email;
    if (email) cookies[role] = await signIn(email);
  }
  await Promise.all((Object.keys(ROLES) as Role[]).map(async (role) => {
    const starts = [...ROLES[role].starts, ...(ROLES[role].email ? COMMON_STARTS : [])];
    found[role] = await crawl({
      base: server.url,
      cookie: cookies[role],
      starts,
      skip: (url) => url.pathname === "/sign-out" || url.pathname === "/logout",
    });
    for (const [route, names] of Object.entries(MODEL_PARAMS)) {
      const entry = found[role]!.params.get(route);
      if (entry) for (const name of names) entry.names.add(name);
    }
  }));
});

afterAll(async () => {
  await server?.dispose();
  await database?.dispose();
});

describe("hostile input", () => {
  it("finds the forms and query parameters of each role's pages", () => {
    const lines: string[] = [];
    for (const role of Object.keys(ROLES) as Role[]) {
      const d = found[role]!;
      lines.push(`${role}: ${d.pages.length} pages, ${d.forms.length} forms, ${[...d.params.values()].filter((p) => p.names.size > 0).length} routes with parameters`);
      for (const f of d.forms) lines.push(`  form ${f.key} (${f.fields.length} fields) on ${f.page}`);
      for (const [route, p] of d.params) if (p.names.size > 0) lines.push(`  params ${route} ${p.url} ?${[...p.names].join("&")}`);
    }
    console.log(lines.join("\n"));
    // Each role reaches its own forms: a crawl that found nothing would make the rest pass by default.
    expect(found.anonymous!.forms.some((f) => f.route === "sign-in")).toBe(true);
    expect(found.trainee!.forms.some((f) => f.route === "trainee.profile")).toBe(true);
    expect(found.lead!.forms.some((f) => f.route === "trust.opportunities.new")).toBe(true);
    expect(found.dme!.forms.length).toBeGreaterThan(0);
    expect(found.admin!.forms.some((f) => f.route === "admin.users.invite")).toBe(true);
    expect(found.anonymous!.params.get("opportunities._index")?.names.has("q")).toBe(true);
  });

  // A form or a page several roles share (the search, the reports, the password form) gets each
  // value once, the roles taking turns: each field still gets every value, in one pass.
  it("answers every value in every query parameter without a 5xx or a stack trace", async () => {
    const targets = new Map<string, { names: Set<string>; instances: { role: Role; url: string }[] }>();
    for (const role of Object.keys(ROLES) as Role[]) {
      for (const [route, p] of found[role]!.params) {
        if (p.names.size === 0) continue;
        const t = targets.get(route) ?? { names: new Set<string>(), instances: [] };
        for (const name of p.names) t.names.add(name);
        t.instances.push({ role, url: p.url });
        targets.set(route, t);
      }
    }
    const problems: Problem[] = [];
    const jobs: (() => Promise<void>)[] = [];
    for (const [route, t] of targets) {
      const names = [...t.names].filter((n) => n !== "index");
      for (let i = 0; i < N; i++) {
        if (!inThisPass(i)) continue;
        const at = t.instances[Math.floor(i / 2) % t.instances.length]!;
        jobs.push(() => sendParams(at.role, route, at.url, names, i, problems));
      }
    }
    const started = Date.now();
    await pool(jobs, (job) => job());
    console.log(`${jobs.length} requests with hostile query parameters to ${targets.size} routes in ${Math.round((Date.now() - started) / 1000)} s`);
    expect(summarise(problems)).toEqual([]);
  }, 600_000);

  it("answers every value in every form field without a 5xx or a stack trace, each refusal a field message", async () => {
    const targets = new Map<string, { role: Role; form: FoundForm }[]>();
    for (const role of Object.keys(ROLES) as Role[]) {
      for (const form of found[role]!.forms) {
        if (form.fields.length === 0 && !form.button) continue;
        targets.set(form.key, [...(targets.get(form.key) ?? []), { role, form }]);
      }
    }
    const problems: Problem[] = [];
    const jobs: (() => Promise<void>)[] = [];
    for (const instances of targets.values()) {
      const { form } = instances[0]!;
      const second = form.fields.some((f) => f.type === "hidden" && isKey(f.name)) || form.button !== null;
      const typed = form.fields.some((f) => !(f.type === "hidden" && isKey(f.name)));
      for (let i = 0; i < N; i++) {
        if (!inThisPass(i)) continue;
        const at = instances[Math.floor(i / 2) % instances.length]!;
        jobs.push(() => sendForm(at.role, at.form, i, false, problems));
        if (second && typed && Math.floor(i / 2) % DEPTH_EVERY === 0) jobs.push(() => sendForm(at.role, at.form, i, true, problems));
      }
    }
    const started = Date.now();
    await pool(jobs, (job) => job());
    console.log(`${jobs.length} requests with hostile form fields to ${targets.size} forms in ${Math.round((Date.now() - started) / 1000)} s`);
    expect(summarise(problems)).toEqual([]);
  }, 600_000);
});
