// The real server over HTTP: headers, the cross-site guard, errors and production start-up.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { runServerToExit, scratchDatabase, startServer } from "../helpers/server";

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.dispose();
});

function post(path: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    redirect: "manual",
  });
}

async function signInCookie(email: string): Promise<string> {
  const res = await post("/sign-in", { email, password: DEMO_PASSWORD }, { Origin: server.url });
  expect(res.status).toBe(302);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

describe("every response", () => {
  it("carries a CSP whose nonce is the one on the page's scripts, and no-store for pages", async () => {
    const res = await fetch(`${server.url}/sign-in`);
    const csp = res.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attrs of scripts) if (!/\bsrc=/.test(attrs) || /type="module"/.test(attrs)) expect(attrs).toContain(`nonce="${nonce}"`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("cache-control")).toContain("no-store");
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("gives each page a new nonce", async () => {
    const a = (await fetch(`${server.url}/`)).headers.get("content-security-policy");
    const b = (await fetch(`${server.url}/`)).headers.get("content-security-policy");
    expect(a).not.toBe(b);
  });
});

describe("cross-site requests", () => {
  it("refuses a POST from another origin with 403, before any sign-in is tried", async () => {
    const res = await post("/sign-in", { email: "trainee@demo.test", password: DEMO_PASSWORD }, { Origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a POST with neither Origin nor Referer", async () => {
    const res = await post("/sign-out", {});
    expect(res.status).toBe(403);
  });

  it("accepts a POST whose Referer is this site when Origin is missing", async () => {
    const res = await post("/sign-in", { email: "", password: "" }, { Referer: `${server.url}/sign-in` });
    expect(res.status).toBe(400);
  });
});

describe("health and errors", () => {
  it("answers /healthz after a database round trip", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers an unknown page with a 404 page, not a stack trace", async () => {
    const res = await fetch(`${server.url}/no/such/page`);
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("Page not found");
    expect(html).not.toMatch(/at .*\.js:\d+/);
  });

  it("answers a malformed address with a plain 400 page", async () => {
    const res = await fetch(`${server.url}/invitations/%ZZ`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Page not found");
  });

  it("answers a trainee who opens an admin page with 403", async () => {
    const cookie = await signInCookie("trainee@demo.test");
    const res = await fetch(`${server.url}/admin/users`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("You cannot see this page");
  });

  it("ends the session server-side on sign-out: the old cookie no longer works", async () => {
    const cookie = await signInCookie("admin@demo.test");
    expect((await fetch(`${server.url}/admin`, { headers: { Cookie: cookie }, redirect: "manual" })).status).toBe(200);
    const out = await post("/sign-out", {}, { Origin: server.url, Cookie: cookie });
    expect(out.status).toBe(302);
    const after = await fetch(`${server.url}/admin`, { headers: { Cookie: cookie }, redirect: "manual" });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toContain("/sign-in");
  });

  it("answers the 11th failed sign-in in 15 minutes with 429 and a clear message", async () => {
    const email = "lead@demo.test";
    for (let i = 0; i < 10; i++) {
      const res = await post("/sign-in", { email, password: `wrong ${i}` }, { Origin: server.url });
      expect(res.status).toBe(400);
    }
    const res = await post("/sign-in", { email, password: DEMO_PASSWORD }, { Origin: server.url });
    expect(res.status).toBe(429);
    const page = await res.text();
    expect(page).toContain("Too many failed attempts to sign in");
    // The page says what to do: reset the password, which ends the lockout.
    expect(page).toMatch(/<a [^>]*href="\/forgot-password"[^>]*>reset your password<\/a>/);
  });
});

describe("production start-up", () => {
  it("refuses to start while demo accounts exist", async () => {
    // The seeded template holds the demo accounts a development server adds.
    const database = await scratchDatabase({ seeded: true });
    try {
      const { code, output } = await runServerToExit({ ...database.env, NODE_ENV: "production", PORT: "0", APP_ORIGIN: "https://invitational.example.nhs.uk" });
      expect(code).toBe(1);
      expect(output).toContain("Refusing to start in production: demo accounts");
    } finally {
      await database.dispose();
    }
  });

  it("a forged Host header could point an e-mailed reset link at another site: production refuses to start without APP_ORIGIN", async () => {
    const database = await scratchDatabase({ seeded: false });
    try {
      const { code, output } = await runServerToExit({ ...database.env, NODE_ENV: "production", PORT: "0" });
      expect(code).toBe(1);
      expect(output).toContain("Invitational did not start: APP_ORIGIN must be the public origin of the service");
      expect(output).not.toContain("is serving");
    } finally {
      await database.dispose();
    }
  });

  it("seeds nothing and sends HSTS", async () => {
    const prod = await startServer({ NODE_ENV: "production" });
    try {
      const home = await fetch(`${prod.url}/`);
      expect(home.headers.get("strict-transport-security")).toMatch(/max-age=/);
      const res = await fetch(`${prod.url}/sign-in`, {
        method: "POST",
        body: new URLSearchParams({ email: "admin@demo.test", password: DEMO_PASSWORD }),
        headers: { Origin: prod.url },
        redirect: "manual",
      });
      expect(res.status).toBe(400);
      expect(prod.output()).not.toContain("Demo accounts");

      // public/'s files, listed at start-up in production, are served; a name not among them is the 404 page.
      for (const [file, type] of [["/robots.txt", "text/plain"], ["/assets/images/favicon.ico", "image/"], ["/assets/manifest.json", "application/json"]] as const) {
        const served = await fetch(`${prod.url}${file}`);
        expect(served.status, file).toBe(200);
        expect(served.headers.get("content-type")).toContain(type);
        expect(served.headers.get("cache-control")).toBe("public, max-age=3600");
      }
      const missing = await fetch(`${prod.url}/assets/images/not-there.svg`);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain("Page not found");
    } finally {
      await prod.dispose();
    }
  });
});
