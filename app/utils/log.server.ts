// The one way an error reaches the log. Error messages are never written: drizzle puts the
// query's parameters in its message ("params: published,2026-12-01,…"), a database error
// quotes the value it refused, and a URL can hold a token, a name or an e-mail address. What
// is written is enough to find the failure without holding anything about a person: which
// event, the request id (also sent to the browser as X-Request-Id and shown on the error
// page), the method and the route pattern, the error's class (and its causes') and the SQL
// state or system error code.
import { isProduction } from "./env.server";

export interface ErrorLogContext {
  requestId?: string;
  method?: string;
  /** A route pattern such as /applications/:id, never the address itself. */
  route?: string;
}

export interface ErrorSummary {
  /** Class names from the error down its causes: "DrizzleQueryError < DatabaseError". */
  classes: string[];
  /** A PostgreSQL SQLSTATE ("22008") or a system error code ("ECONNREFUSED") from the error or a cause. */
  code?: string;
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{2,63}$/;
const SQL_STATE = /^[0-9A-Z]{5}$/;
const SYSTEM_CODE = /^E[A-Z0-9_]{2,39}$/;

function className(error: object): string {
  const ctor = (error as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof ctor === "string" && IDENTIFIER.test(ctor) && ctor !== "Object") return ctor;
  // Bundled libraries (PGlite) minify their class names; their `name` is still a word.
  const name = (error as { name?: unknown }).name;
  if (typeof name === "string" && IDENTIFIER.test(name)) return name;
  return "Error";
}

export function summariseError(error: unknown): ErrorSummary {
  const classes: string[] = [];
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && current !== undefined; depth++) {
    if (typeof current !== "object") {
      classes.push(typeof current);
      break;
    }
    const c = (current as { code?: unknown }).code;
    const isSqlState = typeof c === "string" && SQL_STATE.test(c);
    if (!code && typeof c === "string" && (isSqlState || SYSTEM_CODE.test(c))) code = c;
    const name = className(current);
    classes.push(isSqlState && (name === "Error" || name === "error") ? "DatabaseError" : name);
    current = (current as { cause?: unknown }).cause;
  }
  if (!classes.length) classes.push(error === null ? "null" : "undefined");
  return { classes, code };
}

/** The line written for an error; exported so tests can read exactly what the log would hold. */
export function errorLogLine(event: string, error: unknown, context: ErrorLogContext = {}): string {
  const { classes, code } = summariseError(error);
  const fields: [string, string | undefined][] = [
    ["requestId", context.requestId],
    ["method", context.method],
    ["route", context.route],
    ["error", classes.join(" < ")],
    [code && SQL_STATE.test(code) ? "sqlState" : "code", code],
  ];
  return `${event}: ${fields
    .filter((f): f is [string, string] => Boolean(f[1]))
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")}`;
}

export function logError(event: string, error: unknown, context: ErrorLogContext = {}): void {
  console.error(errorLogLine(event, error, context));
  // Outside production the stack's frames help; its first lines are the message, so they are left out.
  if (!isProduction() && error instanceof Error && error.stack) {
    const frames = error.stack.split("\n").filter((line) => /^\s+at /.test(line));
    if (frames.length) console.error(frames.join("\n"));
  }
}

/**
 * The route's pattern from the address and Remix's params: "/invitations/:token" rather than
 * the token. Segments that are a param's value become ":name"; a splat becomes "*".
 */
export function routePattern(pathname: string, params: Record<string, string | undefined> = {}): string {
  const named = Object.entries(params).filter(([k, v]) => k !== "*" && v);
  const segments = pathname.split("/").map((segment) => {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return ":unreadable";
    }
    const match = named.find(([, v]) => v === decoded);
    return match ? `:${match[0]}` : segment;
  });
  let pattern = segments.join("/");
  const splat = params["*"];
  if (splat) {
    const encoded = splat.split("/").map(encodeURIComponent).join("/");
    if (pattern.endsWith(encoded)) pattern = `${pattern.slice(0, -encoded.length)}*`;
    else if (pattern.endsWith(splat)) pattern = `${pattern.slice(0, -splat.length)}*`;
  }
  return pattern;
}
