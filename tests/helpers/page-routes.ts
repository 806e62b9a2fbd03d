// The app's routes as URL patterns, read from app/routes/ file names (Remix's flat routes), so a
// test that walks the pages can group addresses by route and notice a route it never reached.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROUTES = path.resolve(import.meta.dirname, "../../app/routes");

export interface PageRoute {
  /** The route module's file, e.g. "trust.opportunities.$id._index.tsx". */
  file: string;
  /** Its URL pattern, e.g. "/trust/opportunities/:id"; "/*" for the splat. */
  pattern: string;
  /** Whether the module renders a page (a default export), not a file, a redirect or JSON. */
  page: boolean;
  regex: RegExp;
  /** Dynamic segments: a static route wins over a dynamic one matching the same address. */
  dynamic: number;
}

/** "trainee.data[.]json" → ["trainee", "data.json"]: dots inside brackets are literal. */
function segmentsOf(name: string): string[] {
  const segments: string[] = [];
  let current = "";
  let escaped = false;
  for (const ch of name) {
    if (ch === "[") escaped = true;
    else if (ch === "]") escaped = false;
    else if (ch === "." && !escaped) {
      segments.push(current);
      current = "";
    } else current += ch;
  }
  segments.push(current);
  return segments;
}

export function patternOfRouteFile(file: string): string {
  const name = file.replace(/\.(tsx|ts)$/, "");
  const parts: string[] = [];
  for (const raw of segmentsOf(name)) {
    // A trailing "_" only stops the route nesting inside its parent's layout: same address.
    const segment = raw.endsWith("_") && raw.length > 1 ? raw.slice(0, -1) : raw;
    if (segment === "_index" || segment.startsWith("_")) continue;
    if (segment === "$") parts.push("*");
    else if (segment.startsWith("$")) parts.push(`:${segment.slice(1)}`);
    else parts.push(segment);
  }
  return `/${parts.join("/")}`;
}

function regexOf(pattern: string): RegExp {
  const body = pattern
    .split("/")
    .map((part) => (part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${body}/?$`);
}

export function readPageRoutes(): PageRoute[] {
  return readdirSync(ROUTES)
    .filter((file) => /\.(tsx|ts)$/.test(file))
    .map((file) => {
      const pattern = patternOfRouteFile(file);
      return {
        file,
        pattern,
        page: /^export default /m.test(readFileSync(path.join(ROUTES, file), "utf8")),
        regex: regexOf(pattern),
        dynamic: pattern.split("/").filter((p) => p.startsWith(":")).length + (pattern.includes("*") ? 100 : 0),
      };
    });
}

/** The route that serves a path, ranked as Remix ranks them: static segments before dynamic, the splat last. */
export function routeOf(routes: readonly PageRoute[], pathname: string): PageRoute | undefined {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // A malformed escape is matched as sent.
  }
  return routes.filter((r) => r.regex.test(decoded)).sort((a, b) => a.dynamic - b.dynamic)[0];
}
