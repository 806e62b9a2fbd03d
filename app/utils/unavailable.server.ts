// When the database cannot answer (restarting, unreachable, failing over) or a statement ran
// past its limit (db/statement-timeouts.ts), a page cannot be made, but nothing is wrong with
// the page: the person should try again shortly. Those failures answer 503 with Retry-After
// and a page saying so, rather than the 500 "problem with the service" page. postgres.js opens
// a new connection for the next query by itself, so the service recovers without a restart.
import { plainPage } from "./plain-page.server";

export type Unavailability = "database_unavailable" | "statement_timeout";

export const UNAVAILABLE_TEXT: Record<Unavailability, { title: string; paragraphs: string[] }> = {
  database_unavailable: {
    title: "Sorry, the service is unavailable",
    paragraphs: ["Try again in a minute."],
  },
  statement_timeout: {
    title: "Sorry, this is taking longer than it should",
    paragraphs: ["Try again in a minute.", "If you were saving a change, check whether it was saved before you make it again."],
  },
};

/** Seconds a client is asked to wait (Retry-After): a PostgreSQL restart or fail-over takes about this. */
export const RETRY_AFTER_SECONDS = 60;

// Errors from the socket (Node), from postgres.js's own connection handling, and from the
// server refusing or ending a connection.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);
// 08xxx connection exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
// cannot_connect_now (starting up or shutting down); 53300 too_many_connections.
const UNAVAILABLE_SQL_STATES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const QUERY_CANCELED = "57014";

/**
 * What kind of unavailability an error is, looking through its causes (drizzle wraps the
 * driver's error) and an AggregateError's errors (a host name with two addresses that both
 * refuse); null for anything else, which stays a 500.
 */
export function classifyUnavailable(error: unknown): Unavailability | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  let found: Unavailability | null = null;
  while (queue.length && seen.size < 16) {
    const current = queue.shift();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (code === QUERY_CANCELED) found ??= "statement_timeout";
      // An unreachable database explains a cancelled statement too: it is the one to report.
      if (CONNECTION_CODES.has(code) || UNAVAILABLE_SQL_STATES.test(code)) return "database_unavailable";
    }
    queue.push((current as { cause?: unknown }).cause);
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return found;
}

export interface UnavailableResponse {
  status: 503;
  /** The HTTP reason phrase (HTTP/1.1 only; over HTTP/2 a browser sees none and shows "Something went wrong"). */
  statusText: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The answer to a request that met the failure. A document request gets the plain NHS.UK page;
 * a data request from the app's own scripts (a client-side navigation, `?_data=`) gets what
 * Remix's client reads as a thrown 503 response, which the root error boundary shows as it shows
 * any: the status text (the page's title, sent as the HTTP reason phrase) and the text of its
 * body. The root module is left as it is: every page's first-load JavaScript carries it.
 */
export function unavailableResponse(kind: Unavailability, options: { dataRequest: boolean; stylesheets?: string[]; reference?: string }): UnavailableResponse {
  const text = UNAVAILABLE_TEXT[kind];
  const headers: Record<string, string> = { "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" };
  if (options.dataRequest) {
    return {
      status: 503,
      statusText: text.title,
      headers: { ...headers, "Content-Type": "application/json; charset=utf-8", "X-Remix-Catch": "yes" },
      body: JSON.stringify(text.paragraphs.join(" ")),
    };
  }
  return {
    status: 503,
    statusText: text.title,
    headers: { ...headers, "Content-Type": "text/html; charset=utf-8" },
    body: plainPage({ ...text, stylesheets: options.stylesheets, reference: kind === "statement_timeout" ? options.reference : undefined }),
  };
}
