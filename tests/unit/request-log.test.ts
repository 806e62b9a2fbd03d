// The request log's line and the route patterns it (and /metrics) names requests by.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { matchRoutes } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";
import { afterAll, describe, expect, it, vi } from "vitest";

import { metricsTokenFromEnv } from "~/metrics.server";
import { requestLogLine, routePatterns, routeTree } from "~/utils/request-log.server";
import { migrateOnStartFromEnv } from "@db/migrate";

// Shaped as the Remix compiler writes build.routes for flat route files (the module is not read).
function manifest(routes: { id: string; parentId?: string; path?: string; index?: boolean }[]): ServerBuild["routes"] {
  return Object.fromEntries(routes.map((r) => [r.id, { ...r, module: {} }])) as unknown as ServerBuild["routes"];
}

const routes = manifest([
  { id: "root", path: "" },
  { id: "routes/_index", parentId: "root", index: true },
  { id: "routes/$", parentId: "root", path: "*" },
  { id: "routes/applications.$id", parentId: "root", path: "applications/:id" },
  { id: "routes/applications.$id_.reflection", parentId: "root", path: "applications/:id/reflection" },
  { id: "routes/opportunities._index", parentId: "root", path: "opportunities", index: true },
  { id: "routes/opportunities.$id", parentId: "root", path: "opportunities/:id" },
  { id: "routes/reports.$table[.]csv", parentId: "root", path: "reports/:table.csv" },
  { id: "routes/reports._index", parentId: "root", path: "reports", index: true },
  { id: "routes/reports.print", parentId: "root", path: "reports/print" },
  { id: "routes/rounds.$id", parentId: "root", path: "rounds/:id" },
  { id: "routes/rounds.$id._index", parentId: "routes/rounds.$id", index: true },
  { id: "routes/rounds.$id.allocation", parentId: "routes/rounds.$id", path: "allocation" },
  { id: "routes/_auth", parentId: "root" },
  { id: "routes/_auth.sign-in", parentId: "routes/_auth", path: "sign-in" },
  { id: "routes/$lang.about", parentId: "root", path: ":lang/about" },
  { id: "routes/($region).trusts", parentId: "root", path: ":region?/trusts" },
]);

describe("the request log line", () => {
  it("is one JSON object with the request id, method, route pattern, status and duration, in that order", () => {
    const line = requestLogLine(
      { requestId: "0f8e", method: "GET", route: "/applications/:id", status: 200, durationMs: 12.3456 },
      new Date("2026-12-01T10:00:00.000Z"),
    );
    expect(line).not.toContain("\n");
    expect(line).toBe(
      '{"time":"2026-12-01T10:00:00.000Z","event":"request","requestId":"0f8e","method":"GET","route":"/applications/:id","status":200,"durationMs":12.3}',
    );
  });

  it("marks a request whose client went away, and names an unknown method OTHER", () => {
    const parsed = JSON.parse(requestLogLine({ requestId: "r", method: "BREW", route: "/", status: 200, durationMs: 1, aborted: true })) as Record<string, unknown>;
    expect(parsed).toMatchObject({ method: "OTHER", aborted: true });
  });
});

describe("route patterns", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "invitational-public-"));
  mkdirSync(path.join(dir, "build"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(path.join(dir, "robots.txt"), "");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const routeOf = routePatterns(routes, { publicDir: dir, serverRoutes: ["/metrics"] });

  it.each([
    ["/", "/"],
    ["/applications/5f1c2d3e-aaaa-bbbb-cccc-000000000000", "/applications/:id"],
    ["/applications/5f1c/reflection", "/applications/:id/reflection"],
    ["/Applications/5f1c", "/applications/:id"],
    ["/opportunities", "/opportunities"],
    ["/opportunities/", "/opportunities"],
    ["/opportunities/abc", "/opportunities/:id"],
    ["/reports/coverage.csv", "/reports/:table.csv"],
    ["/reports/print", "/reports/print"],
    ["/rounds/7", "/rounds/:id"],
    ["/rounds/7/allocation", "/rounds/:id/allocation"],
    ["/sign-in", "/sign-in"],
    ["/en/about", "/:lang/about"],
    ["/trusts", "/:region?/trusts"],
    ["/midlands/trusts", "/:region?/trusts"],
    ["/no/such/page", "/*"],
    ["/build/_shared/chunk-ABC.js", "/build/*"],
    ["/assets/images/logo.svg", "/assets/*"],
    ["/robots.txt", "/robots.txt"],
    ["/robots.txt/more", "/*"],
    ["/metrics", "/metrics"],
    ["/invitations/%E2%9C%93", "/*"],
  ])("names %s by %s", (pathname, pattern) => {
    expect(routeOf(pathname)).toBe(pattern);
  });

  it("names an address it cannot decode (unreadable) without writing it to the console", () => {
    const warn = vi.spyOn(console, "warn");
    try {
      expect(routeOf("/applications/%E0%A4%A")).toBe("(unreadable)");
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("gives the pattern matchRoutes gives over the whole tree (it is matched among the branches of the first segment only)", () => {
    const whole = routeTree(routes);
    const reference = (pathname: string) => {
      const matches = matchRoutes(whole, pathname);
      return matches ? `/${matches.map((m) => m.route.path).filter(Boolean).join("/")}`.replace(/\/{2,}/g, "/") : "(no route)";
    };
    const bare = routePatterns(routes);
    const words = ["", "applications", "APPLICATIONS", "opportunities", "reports", "rounds", "sign-in", "trusts", "about", "x", "print", "allocation", "reflection", "coverage.csv"];
    let compared = 0;
    for (const a of words) for (const b of words) for (const c of ["", "reflection", "allocation", "about", "trusts", "z"]) {
      const pathname = `/${[a, b, c].filter(Boolean).join("/")}`;
      expect(bare(pathname), pathname).toBe(reference(pathname));
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe("operations settings", () => {
  it("METRICS_TOKEN: unset turns /metrics off; a short token is refused with what to do", () => {
    expect(metricsTokenFromEnv(undefined)).toBeNull();
    expect(metricsTokenFromEnv("")).toBeNull();
    expect(metricsTokenFromEnv("a".repeat(32))).toBe("a".repeat(32));
    expect(() => metricsTokenFromEnv("short-token")).toThrow(/at least 32 characters/);
  });

  it("MIGRATE_ON_START: true unless false; anything else is refused", () => {
    expect(migrateOnStartFromEnv(undefined)).toBe(true);
    expect(migrateOnStartFromEnv("true")).toBe(true);
    expect(migrateOnStartFromEnv("false")).toBe(false);
    expect(() => migrateOnStartFromEnv("no")).toThrow(/MIGRATE_ON_START must be true or false/);
  });
});
