// How long one SQL statement may run on PostgreSQL before the server cancels it (SQLSTATE
// 57014). A page's queries take milliseconds: one that waits 5 s on a lock or a bad plan is
// stuck, and holding the request (and a pooled connection) open longer only lets a queue
// build behind it. Reports over a region and rotation imports read or write tens of thousands
// of rows by design, so their transactions allow a minute (SET LOCAL, for that transaction
// only). The app answers a cancelled statement with a 503 page (app/utils/unavailable.server.ts).
import { sql } from "drizzle-orm";

import { SettingError } from "../app/utils/env.server";

import type { DbOrTx } from "./client";

export const PAGE_STATEMENT_TIMEOUT_MS = 5_000;
export const LONG_STATEMENT_TIMEOUT_MS = 60_000;

export interface StatementTimeouts {
  /** Every connection's default (the connection's start-up parameter `statement_timeout`). */
  pageMs: number;
  /** Reports and imports, set in their own transactions. */
  longMs: number;
}

function milliseconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const ms = Number(raw);
  // 0 would turn the limit off, which is never what a deployment wants from these settings.
  if (!Number.isInteger(ms) || ms <= 0) throw new SettingError(`${name} must be a whole number of milliseconds above 0 (it is "${raw}")`);
  return ms;
}

/** DATABASE_STATEMENT_TIMEOUT_MS and DATABASE_LONG_STATEMENT_TIMEOUT_MS, or 5 s and 60 s. */
export function statementTimeoutsFromEnv(env: NodeJS.ProcessEnv = process.env): StatementTimeouts {
  return {
    pageMs: milliseconds(env, "DATABASE_STATEMENT_TIMEOUT_MS", PAGE_STATEMENT_TIMEOUT_MS),
    longMs: milliseconds(env, "DATABASE_LONG_STATEMENT_TIMEOUT_MS", LONG_STATEMENT_TIMEOUT_MS),
  };
}

/**
 * Inside a report's or an import's transaction: its statements may run for the long limit.
 * Read from the environment each time (a cheap lookup) so the Remix bundle and the server
 * entry, which each hold their own copy of this module, agree. PGlite accepts the setting too.
 */
export async function allowLongStatements(tx: DbOrTx, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { longMs } = statementTimeoutsFromEnv(env);
  await tx.execute(sql`select set_config('statement_timeout', ${String(longMs)}, true)`);
}
