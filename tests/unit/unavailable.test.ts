// Which failures answer "the service is unavailable" (503) rather than the 500 page, the
// statement timeouts' defaults, and the 503 answers themselves.
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { describe, expect, it } from "vitest";

import { databaseOptionsFromEnv } from "@db/client";
import { LONG_STATEMENT_TIMEOUT_MS, PAGE_STATEMENT_TIMEOUT_MS, statementTimeoutsFromEnv } from "@db/statement-timeouts";
import { classifyUnavailable, RETRY_AFTER_SECONDS, unavailableResponse } from "~/utils/unavailable.server";

import { freePort } from "../helpers/server";

const env = (values: Record<string, string>) => values as unknown as NodeJS.ProcessEnv;
const withCode = (code: string, message = "failed") => Object.assign(new Error(message), { code });

describe("a database that cannot answer is a 503, not the 500 page", () => {
  it("classifies the error drizzle throws when postgres.js finds nothing listening (ECONNREFUSED)", async () => {
    const port = await freePort();
    const client = postgres(`postgres://postgres@127.0.0.1:${port}/none`, { max: 1, onnotice: () => {}, connect_timeout: 5 });
    try {
      const error = await drizzle(client)
        .execute(sql`select 1`)
        .then(() => null, (e: unknown) => e);
      expect(error).not.toBeNull();
      expect(classifyUnavailable(error)).toBe("database_unavailable");
    } finally {
      await client.end({ timeout: 1 });
    }
  });

  it("classifies postgres.js's own connection codes and the server's shutdown and connection SQL states", () => {
    for (const code of ["ECONNREFUSED", "ECONNRESET", "CONNECTION_CLOSED", "CONNECTION_ENDED", "CONNECTION_DESTROYED", "CONNECT_TIMEOUT", "08006", "08001", "57P01", "57P02", "57P03", "53300"]) {
      expect([code, classifyUnavailable(withCode(code))]).toEqual([code, "database_unavailable"]);
    }
  });

  it("looks through causes and an AggregateError's errors (a host with two addresses, both refusing)", () => {
    const wrapped = new Error("Failed query: select 1", { cause: withCode("57P01", "terminating connection due to administrator command") });
    expect(classifyUnavailable(wrapped)).toBe("database_unavailable");
    expect(classifyUnavailable(new AggregateError([withCode("ECONNREFUSED"), withCode("ECONNREFUSED")]))).toBe("database_unavailable");
  });

  it("calls a cancelled statement (57014) a statement timeout", () => {
    expect(classifyUnavailable(new Error("Failed query", { cause: withCode("57014", "canceling statement due to statement timeout") }))).toBe("statement_timeout");
  });

  it("leaves every other failure to the 500 page: a constraint, a syntax error, a plain bug, a thrown string", () => {
    for (const error of [withCode("23505"), withCode("42601"), new TypeError("x is undefined"), "oops", null, undefined, { code: 57014 }]) {
      expect(classifyUnavailable(error)).toBeNull();
    }
  });

  it("does not loop on an error that is its own cause", () => {
    const error = new Error("loop") as Error & { cause?: unknown };
    error.cause = error;
    expect(classifyUnavailable(error)).toBeNull();
  });
});

describe("the 503 answers", () => {
  it("sends a document request the plain NHS.UK page with Retry-After and the words to try again in a minute", () => {
    const answer = unavailableResponse("database_unavailable", { dataRequest: false, stylesheets: ["/build/app.css"], reference: "abc" });
    expect(answer.status).toBe(503);
    expect(answer.headers["Retry-After"]).toBe(String(RETRY_AFTER_SECONDS));
    expect(answer.body).toContain("<h1>Sorry, the service is unavailable</h1><p>Try again in a minute.</p>");
    expect(answer.body).toContain('<link rel="stylesheet" href="/build/app.css">');
    // Nothing to report: the reference is for failures a person might tell the service about.
    expect(answer.body).not.toContain("abc");
  });

  it("says a timed-out page is taking longer than it should, with its reference", () => {
    const answer = unavailableResponse("statement_timeout", { dataRequest: false, reference: "0f0e" });
    expect(answer.body).toContain("<h1>Sorry, this is taking longer than it should</h1>");
    expect(answer.body).toContain('<strong id="error-reference">0f0e</strong>');
  });

  it("answers a client-side navigation with what Remix's client reads as a thrown 503: the title as its status text, the advice as its data", () => {
    const answer = unavailableResponse("database_unavailable", { dataRequest: true });
    expect(answer.status).toBe(503);
    expect(answer.statusText).toBe("Sorry, the service is unavailable");
    expect(answer.headers["X-Remix-Catch"]).toBe("yes");
    expect(JSON.parse(answer.body)).toBe("Try again in a minute.");
  });
});

describe("statement timeouts", () => {
  it("default to 5 s for pages and 60 s for reports and imports", () => {
    expect(PAGE_STATEMENT_TIMEOUT_MS).toBe(5_000);
    expect(LONG_STATEMENT_TIMEOUT_MS).toBe(60_000);
    expect(statementTimeoutsFromEnv(env({}))).toEqual({ pageMs: 5_000, longMs: 60_000 });
    expect(databaseOptionsFromEnv(env({ DATABASE_URL: "postgres://h/db" }))).toMatchObject({ statementTimeoutMs: 5_000 });
  });

  it("are read from DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_LONG_STATEMENT_TIMEOUT_MS", () => {
    expect(statementTimeoutsFromEnv(env({ DATABASE_STATEMENT_TIMEOUT_MS: "800", DATABASE_LONG_STATEMENT_TIMEOUT_MS: "120000" }))).toEqual({ pageMs: 800, longMs: 120_000 });
    expect(databaseOptionsFromEnv(env({ DATABASE_URL: "postgres://h/db", DATABASE_STATEMENT_TIMEOUT_MS: "800" }))).toMatchObject({ statementTimeoutMs: 800 });
  });

  it("refuse a setting that would turn the limit off or is not a number, naming it", () => {
    for (const raw of ["0", "-5", "5s", "1.5"]) {
      expect(() => statementTimeoutsFromEnv(env({ DATABASE_STATEMENT_TIMEOUT_MS: raw }))).toThrow(`DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds above 0 (it is "${raw}")`);
    }
  });
});
