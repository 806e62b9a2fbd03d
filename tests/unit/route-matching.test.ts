// @remix-run/router is patched (patches/@remix-run+router+1.23.3.patch) to rank a route tree's
// branches once per shape of tree and to compile each path pattern once, instead of on each of
// the four or five matches a server render makes. These pin what must not change with it.
import { matchPath, matchRoutes, type AgnosticRouteObject as RouteObject } from "@remix-run/router";
import { describe, expect, it } from "vitest";

const tree = (): RouteObject[] => [
  {
    id: "root",
    path: "",
    children: [
      { id: "home", index: true },
      { id: "opportunities", path: "opportunities", children: [{ id: "list", index: true }, { id: "one", path: ":id" }] },
      { id: "new", path: "opportunities/new" },
      { id: "optional", path: "x/:a?/y" },
      { id: "Case", path: "Case", caseSensitive: true },
      { id: "splat", path: "*" },
    ],
  },
];
const ids = (routes: RouteObject[], path: string) => matchRoutes(routes, path)?.map((m) => m.route.id) ?? null;

describe("matching a path to the app's routes", () => {
  it("ranks a static segment over a parameter, an index over its parent and a splat last", () => {
    const routes = tree();
    expect(ids(routes, "/")).toEqual(["root", "home"]);
    expect(ids(routes, "/opportunities")).toEqual(["root", "opportunities", "list"]);
    expect(ids(routes, "/opportunities/new")).toEqual(["root", "new"]);
    expect(matchRoutes(routes, "/opportunities/abc")?.at(-1)).toMatchObject({ route: { id: "one" }, params: { id: "abc" } });
    expect(ids(routes, "/x/y")).toEqual(["root", "optional"]);
    expect(matchRoutes(routes, "/x/q/y")?.at(-1)?.params).toEqual({ a: "q" });
    expect(ids(routes, "/Case")).toEqual(["root", "Case"]);
    expect(matchRoutes(routes, "/case")?.at(-1)).toMatchObject({ route: { id: "splat" }, params: { "*": "case" } });
  });

  it("gives each tree its own route objects, though two trees have the same shape", () => {
    const first = tree();
    const second = tree();
    expect(matchRoutes(first, "/opportunities/1")![2]!.route).toBe(first[0]!.children![1]!.children![1]);
    expect(matchRoutes(second, "/opportunities/1")![2]!.route).toBe(second[0]!.children![1]!.children![1]);
    expect(matchRoutes(second, "/opportunities/1")![0]!.route).toBe(second[0]);
  });

  it("answers a path asked again as the first time, with that tree's routes, or nothing", () => {
    const first = tree();
    const second = tree();
    for (const path of ["/opportunities/7", "/x/q/y", "/case"]) {
      const once = matchRoutes(first, path)!;
      const again = matchRoutes(second, path)!;
      expect(again.map((m) => [m.route.id, m.params, m.pathname])).toEqual(once.map((m) => [m.route.id, m.params, m.pathname]));
      expect(again.at(-1)!.route).not.toBe(once.at(-1)!.route);
    }
    const pathless = [{ id: "layout", children: [{ id: "only", path: "only" }] }];
    expect(matchRoutes(pathless, "/other")).toBeNull();
    expect(matchRoutes(pathless, "/other")).toBeNull();
    expect(matchRoutes(pathless, "/only")!.map((m) => m.route.id)).toEqual(["layout", "only"]);
  });

  it("ranks again a tree changed in place", () => {
    const routes = tree();
    expect(ids(routes, "/reports")).toEqual(["root", "splat"]);
    routes[0]!.children!.push({ id: "reports", path: "reports" });
    expect(ids(routes, "/reports")).toEqual(["root", "reports"]);
  });

  it("keeps a compiled pattern's answers to each path apart", () => {
    expect(matchPath("/opportunities/:id", "/opportunities/1")?.params).toEqual({ id: "1" });
    expect(matchPath("/opportunities/:id", "/opportunities/2")?.params).toEqual({ id: "2" });
    expect(matchPath({ path: "/opportunities", end: false }, "/opportunities/2")?.pathnameBase).toBe("/opportunities");
    expect(matchPath({ path: "/opportunities", end: true }, "/opportunities/2")).toBeNull();
  });
});
