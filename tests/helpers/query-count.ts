// A second drizzle instance over the same connection (PGlite) or pool (postgres.js) whose
// logger counts the statements sent: for tests that a page costs a fixed number of queries.
import type { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type postgres from "postgres";

import type { Db } from "../../db/client";
import * as schema from "../../db/schema";

export interface CountingDb {
  db: Db;
  /** The statements sent since the last reset. */
  readonly queries: string[];
  reset(): void;
}

export function countingQueries(db: Db, driver: "pglite" | "postgres"): CountingDb {
  const queries: string[] = [];
  const logger = { logQuery: (query: string) => void queries.push(query) };
  const client = (db as unknown as { $client: unknown }).$client;
  const counted =
    driver === "pglite"
      ? (drizzlePglite(client as PGlite, { schema, logger }) as unknown as Db)
      : (drizzlePostgres(client as postgres.Sql, { schema, logger }) as unknown as Db);
  return {
    db: counted,
    queries,
    reset: () => void queries.splice(0),
  };
}
