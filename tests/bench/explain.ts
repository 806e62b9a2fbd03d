// EXPLAIN (ANALYZE, BUFFERS) of the exact SQL the models send: a second drizzle instance with
// a logger records each query and its parameters, and they are replayed under EXPLAIN.
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import type { Db } from "../../db/client";
import * as schema from "../../db/schema";

export interface CapturedQuery {
  sql: string;
  params: unknown[];
}

export interface Explained extends CapturedQuery {
  plan: string[];
  executionMs: number;
}

export interface Explainer {
  /** Runs `work` against a logging db and returns what it returned and the queries it sent. */
  capture<T>(work: (db: Db) => Promise<T>): Promise<{ result: T; queries: CapturedQuery[] }>;
  explain(query: CapturedQuery): Promise<Explained>;
  close(): Promise<void>;
}

export function openExplainer(url: string): Explainer {
  const client = postgres(url, { max: 4, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  let sink: CapturedQuery[] | null = null;
  const db = drizzle(client, {
    schema,
    logger: { logQuery: (sql, params) => sink?.push({ sql, params }) },
  }) as unknown as Db;
  return {
    async capture(work) {
      const queries: CapturedQuery[] = [];
      sink = queries;
      try {
        return { result: await work(db), queries };
      } finally {
        sink = null;
      }
    },
    async explain(query) {
      // Parameters go as parameters (not spliced in), so the plan is the one the app gets.
      const rows = await client.unsafe<{ "QUERY PLAN": string }[]>(
        `explain (analyze, buffers) ${query.sql}`,
        query.params as postgres.ParameterOrJSON<never>[],
      );
      const plan = rows.map((r) => r["QUERY PLAN"]);
      const time = plan.find((line) => line.startsWith("Execution Time:"));
      return { ...query, plan, executionMs: time ? Number.parseFloat(time.replace(/[^0-9.]/g, "")) : Number.NaN };
    },
    close: () => client.end({ timeout: 5 }),
  };
}
