import type { Db } from "./client";

/**
 * A query built once per database with drizzle's `.prepare()`, for the few that run on
 * nearly every request: building a query costs about as much CPU as running a small one.
 * Values go in through `sql.placeholder()`. Only for `Db`, never a transaction, which
 * ends while a cached query would still point at it.
 */
export function preparedQuery<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let query = cache.get(db);
    if (query === undefined) {
      query = build(db);
      cache.set(db, query);
    }
    return query;
  };
}
