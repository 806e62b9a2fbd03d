// What an error log line holds: the error's class, the SQL state, the request id and the route
// pattern, and never a message, a query's parameters or the address itself.
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PGLITE_OPTIONS } from "@db/client";
import { errorLogLine, routePattern, summariseError } from "~/utils/log.server";

let pglite: PGlite;

beforeAll(async () => {
  pglite = new PGlite(PGLITE_OPTIONS);
  await pglite.waitReady;
});

afterAll(async () => {
  await pglite.close();
});

async function failingQuery(): Promise<unknown> {
  try {
    await drizzle(pglite).execute(sql`select ${"published"}::text as status, ${"2026-12-01"}::date as from_date, ${"2026-13-01"}::date as to_date`);
  } catch (error) {
    return error;
  }
  throw new Error("the query was expected to fail");
}

describe("error log lines", () => {
  it("error logs carry personal data: a failed query is logged by class, SQL state, request id and route, never its parameters", async () => {
    const error = await failingQuery();
    // The defect: drizzle's message holds the parameters, and the old log line printed it.
    expect((error as Error).message).toContain("params: published,2026-12-01,2026-13-01");
    const line = errorLogLine("Unhandled error", error, { requestId: "6f1c0a3e-0000-4000-8000-000000000001", method: "GET", route: "/opportunities" });
    expect(line).toBe(
      "Unhandled error: requestId=6f1c0a3e-0000-4000-8000-000000000001 method=GET route=/opportunities error=DrizzleQueryError < DatabaseError sqlState=22008",
    );
    for (const secret of ["published", "2026-12-01", "2026-13-01", "params", "select"]) expect(line).not.toContain(secret);
  });

  it("writes a system error's code and an unknown thrown value's type, never their text", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:5432 for dr.jane@example.nhs.uk"), { code: "ECONNREFUSED" });
    expect(errorLogLine("Invitational failed to start", refused)).toBe("Invitational failed to start: error=Error code=ECONNREFUSED");
    expect(errorLogLine("Render error", "jane@example.nhs.uk")).toBe("Render error: error=string");
    expect(errorLogLine("Render error", undefined)).toBe("Render error: error=undefined");
  });

  it("follows causes and ignores a code that is not an SQL state or system code", () => {
    const inner = Object.assign(new TypeError("value jane"), { code: "jane@example.nhs.uk" });
    const summary = summariseError(new RangeError("outer jane", { cause: inner }));
    expect(summary).toEqual({ classes: ["RangeError", "TypeError"], code: undefined });
  });
});

describe("route patterns", () => {
  it.each([
    ["/opportunities", {}, "/opportunities"],
    ["/invitations/0f9b5b8e3c1d4a7f9e2b6c5d4a3b2c1d", { token: "0f9b5b8e3c1d4a7f9e2b6c5d4a3b2c1d" }, "/invitations/:token"],
    ["/trust/opportunities/9d2c/applicants", { id: "9d2c" }, "/trust/opportunities/:id/applicants"],
    ["/calendar/abc%20def.ics", { file: "abc def.ics" }, "/calendar/:file"],
    ["/no/such/jane.doe@example.nhs.uk", { "*": "no/such/jane.doe@example.nhs.uk" }, "/*"],
    ["/bad/%E0%A4%A", {}, "/bad/:unreadable"],
  ])("%s is logged as %s", (pathname, params, expected) => {
    expect(routePattern(pathname, params)).toBe(expected);
  });
});
