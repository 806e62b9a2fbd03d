// One JSON line per request (docs/production.md, "Logs"): the request id, the method, the
// route's PATTERN, the status and the time taken. Never the address itself nor its query
// string: both can hold a token (an invitation, a password reset, an unsubscribe link), a
// search a trainee typed or an e-mail address. No client address, user id or user agent
// either: the request id ties a line to the audit trail when someone needs to know who.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

import { matchRoutes, type AgnosticRouteObject } from "@remix-run/router";
import type { ServerBuild } from "@remix-run/node";

/** The request methods a line may name; anything else is written as OTHER (the field stays bounded). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export interface RequestLogEntry {
  requestId: string;
  method: string;
  route: string;
  status: number;
  durationMs: number;
  /** The client went away before the answer was complete. */
  aborted?: boolean;
}

export function logMethod(method: string): string {
  return METHODS.has(method) ? method : "OTHER";
}

/** The line written for a request; exported so tests can read exactly what the log holds. */
export function requestLogLine(entry: RequestLogEntry, at: Date = new Date()): string {
  return JSON.stringify({
    time: at.toISOString(),
    event: "request",
    requestId: entry.requestId,
    method: logMethod(entry.method),
    route: entry.route,
    status: entry.status,
    durationMs: Math.round(entry.durationMs * 10) / 10,
    ...(entry.aborted ? { aborted: true } : {}),
  });
}

type RouteManifest = ServerBuild["routes"];

/** The build's routes as the tree Remix itself matches (the same function from @remix-run/router). */
export function routeTree(routes: RouteManifest, parentId?: string): AgnosticRouteObject[] {
  return Object.values(routes)
    .filter((route) => route?.parentId === parentId)
    .map((route) =>
      route!.index
        ? { id: route!.id, path: route!.path, index: true, caseSensitive: route!.caseSensitive }
        : { id: route!.id, path: route!.path, caseSensitive: route!.caseSensitive, children: routeTree(routes, route!.id) },
    );
}

/** The first segment of the path, decoded and in lower case as the router compares it; null when it cannot be decoded. */
function firstSegment(pathname: string): string | null {
  try {
    // The router would warn on the console, quoting the address, about a path it cannot decode.
    const segments = pathname.split("/").map((segment) => decodeURIComponent(segment));
    return (segments.find(Boolean) ?? "").toLowerCase();
  } catch {
    return null;
  }
}

function isStatic(segment: string): boolean {
  return !segment.startsWith(":") && segment !== "*" && !segment.endsWith("?");
}

/**
 * The part of the tree an address whose first segment is `first` can match: every branch
 * whose own first segment is `first` or not a fixed word (a param, a splat, optional), and
 * the layouts above them. matchRoutes flattens and ranks the whole tree on every call
 * (about 0.1 ms of CPU here for this app's 70 routes); ranked among a handful of branches it
 * gives the same answer in a fraction of that (tests/unit/request-log.test.ts compares them).
 */
function pruneTree(nodes: AgnosticRouteObject[], first: string, prefix = ""): AgnosticRouteObject[] {
  return nodes.flatMap((node) => {
    const full = [prefix, node.path ?? ""].filter(Boolean).join("/");
    const head = full.split("/").find(Boolean);
    if (head === undefined) {
      // No segment yet (the root, a pathless layout, the home page): its children decide.
      return [node.children ? { ...node, children: pruneTree(node.children, first, full) } : node];
    }
    return !isStatic(head) || head.toLowerCase() === first ? [node] : [];
  });
}

function staticFirstSegments(nodes: AgnosticRouteObject[], prefix = "", into = new Set<string>()): Set<string> {
  for (const node of nodes) {
    const full = [prefix, node.path ?? ""].filter(Boolean).join("/");
    const head = full.split("/").find(Boolean);
    if (head === undefined) staticFirstSegments(node.children ?? [], full, into);
    else if (isStatic(head)) into.add(head.toLowerCase());
  }
  return into;
}

/**
 * A function from an address's path to its route pattern: "/applications/:id" for
 * "/applications/5f1c…", "/build/*" for a script, "/*" for an address no route has (the
 * not-found page), or one of the addresses server.ts answers itself (`serverRoutes`, such as
 * /metrics). The set of answers is the route files plus the public folder's top level,
 * so it can label metrics without growing with the traffic.
 */
export function routePatterns(routes: RouteManifest, options: { publicDir?: string; serverRoutes?: string[] } = {}): (pathname: string) => string {
  const { publicDir, serverRoutes = [] } = options;
  const tree = routeTree(routes);
  const own = new Set(serverRoutes);
  const byFirst = new Map([...staticFirstSegments(tree)].map((first) => [first, pruneTree(tree, first)]));
  // An address whose first segment is no route's fixed word can match only params and splats.
  const others = pruneTree(tree, "");
  const publicEntries = new Map<string, string>();
  if (publicDir) {
    for (const name of readdirSync(publicDir)) {
      const directory = statSync(path.join(publicDir, name)).isDirectory();
      publicEntries.set(name, directory ? `/${name}/*` : `/${name}`);
    }
  }
  return (pathname) => {
    if (own.has(pathname)) return pathname;
    const first = pathname.split("/")[1] ?? "";
    const file = publicEntries.get(first);
    if (file && (file.endsWith("/*") || pathname === file)) return file;
    const head = firstSegment(pathname);
    if (head === null) return "(unreadable)";
    const matches = matchRoutes(byFirst.get(head) ?? others, pathname);
    if (!matches) return "(no route)";
    const parts = matches.map((m) => m.route.path).filter((p): p is string => Boolean(p));
    return `/${parts.join("/")}`.replace(/\/{2,}/g, "/");
  };
}
