import type { AppLoadContext } from "@remix-run/node";
import { describe, expect, it } from "vitest";

import { homePathFor, requireStaff, requireUser, type SessionUser } from "~/auth.server";
import { safeRedirect } from "~/utils/redirect";
import { contentSecurityPolicy, isSameOriginRequest, securityHeaders } from "~/security.server";

const ORIGIN = "http://localhost:3000";

describe("same-origin guard", () => {
  it("lets safe methods through whatever their origin", () => {
    expect(isSameOriginRequest("GET", { origin: "https://evil.example" }, ORIGIN)).toBe(true);
    expect(isSameOriginRequest("HEAD", {}, ORIGIN)).toBe(true);
  });

  it("accepts a POST from the app's own origin", () => {
    expect(isSameOriginRequest("POST", { origin: ORIGIN }, ORIGIN)).toBe(true);
  });

  it("refuses a POST from another origin, even one that only looks alike", () => {
    expect(isSameOriginRequest("POST", { origin: "https://evil.example" }, ORIGIN)).toBe(false);
    expect(isSameOriginRequest("POST", { origin: "http://localhost:3000.evil.example" }, ORIGIN)).toBe(false);
    expect(isSameOriginRequest("POST", { origin: "http://localhost:3001" }, ORIGIN)).toBe(false);
  });

  it("falls back to Referer without an Origin, and refuses when both are missing", () => {
    expect(isSameOriginRequest("POST", { referer: `${ORIGIN}/sign-in` }, ORIGIN)).toBe(true);
    expect(isSameOriginRequest("POST", { referer: "https://evil.example/page" }, ORIGIN)).toBe(false);
    expect(isSameOriginRequest("POST", { origin: "null" }, ORIGIN)).toBe(false);
    expect(isSameOriginRequest("POST", {}, ORIGIN)).toBe(false);
    expect(isSameOriginRequest("DELETE", { referer: "not a url" }, ORIGIN)).toBe(false);
  });
});

describe("security headers", () => {
  it("allows scripts only by nonce and forbids framing", () => {
    const csp = contentSecurityPolicy("abc123");
    expect(csp).toContain("script-src 'self' 'nonce-abc123'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("adds HSTS only in production", () => {
    expect(securityHeaders({ nonce: "n", production: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    expect(securityHeaders({ nonce: "n", production: false })["Strict-Transport-Security"]).toBeUndefined();
    expect(securityHeaders({ nonce: "n", production: false })["X-Content-Type-Options"]).toBe("nosniff");
  });
});

describe("safe redirects after sign-in", () => {
  it.each([
    ["/admin/users", "/admin/users"],
    ["/opportunities?q=sepsis&page=2#results", "/opportunities?q=sepsis&page=2#results"],
    ["https://evil.example", "/home"],
    ["//evil.example", "/home"],
    ["/\\evil.example", "/home"],
    ["javascript:alert(1)", "/home"],
    ["admin", "/home"],
    ["", "/home"],
    [undefined, "/home"],
    [42, "/home"],
  ])("%j goes to %j", (to, expected) => {
    expect(safeRedirect(to, "/home")).toBe(expected);
  });

  // Open redirect after sign-in: browsers strip the tab and Chromium went to http://evil.example/phish.
  it.each([
    ["/\t/evil.example/phish"],
    ["/\n/evil.example"],
    ["/\r\n/evil.example"],
    ["\t//evil.example"],
    ["/\u0000/evil.example"],
    ["/\u007f/evil.example"],
    ["/..//evil.example"],
    ["/.//evil.example"],
    ["/%2e%2e//evil.example"],
  ])("open redirect after sign-in: %j with a control character or a path that leaves the site is refused", (to) => {
    expect(safeRedirect(to, "/home")).toBe("/home");
  });

  it("accepts an absolute address only when it is the given origin (the Referer of a page of this site)", () => {
    const origin = "http://localhost:3000";
    expect(safeRedirect(`${origin}/opportunities?q=x`, "/x", { origin })).toBe("/opportunities?q=x");
    expect(safeRedirect("http://evil.example/opportunities?q=x", "/x", { origin })).toBe("/x");
    expect(safeRedirect("https://localhost:3000/opportunities", "/x", { origin })).toBe("/x");
    expect(safeRedirect(`${origin}/opportunities`, "/x")).toBe("/x");
    expect(safeRedirect("not a url", "/x", { origin })).toBe("/x");
  });
});

function args(user: SessionUser | null, url = "http://localhost:3000/admin") {
  const context = { nonce: "", requestId: "r", clientIp: "127.0.0.1", user, sessionId: user ? "s" : null } as AppLoadContext;
  return { request: new Request(url), context };
}

async function thrown(fn: () => unknown): Promise<Response> {
  try {
    fn();
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
  throw new Error("expected a thrown Response");
}

describe("role guard", () => {
  const admin: SessionUser = { id: "a", email: "a@x", name: "A", role: "admin", trustId: null };
  const lead: SessionUser = { id: "l", email: "l@x", name: "L", role: "trust_lead", trustId: "t1" };

  it("sends a signed-out visitor to sign in, remembering where they were going", async () => {
    const response = await thrown(() => requireUser(args(null, "http://localhost:3000/admin/users?role=dme")));
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/sign-in?redirectTo=%2Fadmin%2Fusers%3Frole%3Ddme");
  });

  it("answers 403 to the wrong role", async () => {
    const response = await thrown(() => requireUser(args(lead), { role: "admin" }));
    expect(response.status).toBe(403);
  });

  it("returns the user for an allowed role", () => {
    expect(requireUser(args(admin), { role: ["admin", "dme"] }).id).toBe("a");
  });

  it("gives staff their trust scope and refuses other roles", async () => {
    expect(requireStaff(args(lead), "trust_lead").trustId).toBe("t1");
    expect((await thrown(() => requireStaff(args(admin), ["trust_lead", "dme"]))).status).toBe(403);
  });

  it("sends each role to its own home", () => {
    expect(homePathFor("trainee")).toBe("/trainee");
    expect(homePathFor("trust_lead")).toBe("/trust");
    expect(homePathFor("dme")).toBe("/dme");
    expect(homePathFor("admin")).toBe("/admin");
  });
});

describe("the posts a signed token authorises, not a page of this origin", () => {
  it("lets the unsubscribe link's one-click POST through without Origin or Referer", async () => {
    const { isTokenAuthorisedPost } = await import("~/security.server");
    expect(isTokenAuthorisedPost("POST", "/unsubscribe/abc.def")).toBe(true);
    expect(isTokenAuthorisedPost("post", "/unsubscribe/abc.def")).toBe(true);
    expect(isTokenAuthorisedPost("POST", "/unsubscribe/abc/extra")).toBe(false);
    expect(isTokenAuthorisedPost("POST", "/account/notifications")).toBe(false);
    expect(isTokenAuthorisedPost("DELETE", "/unsubscribe/abc.def")).toBe(false);
  });

  it("lets exactly NHS CIS2's back-channel logout POST through, which the provider's server sends with no Origin", async () => {
    const { isTokenAuthorisedPost } = await import("~/security.server");
    expect(isTokenAuthorisedPost("POST", "/sign-in/cis2/backchannel-logout")).toBe(true);
    expect(isTokenAuthorisedPost("GET", "/sign-in/cis2/backchannel-logout")).toBe(false);
    expect(isTokenAuthorisedPost("POST", "/sign-in/cis2/backchannel-logout/extra")).toBe(false);
    expect(isTokenAuthorisedPost("POST", "/sign-in/cis2")).toBe(false);
    expect(isTokenAuthorisedPost("POST", "/sign-in/cis2/callback")).toBe(false);
    expect(isTokenAuthorisedPost("POST", "/sign-in")).toBe(false);
  });
});
