// Routes reach the database only through this .server module: the classic compiler drops
// it from the browser bundle, so PGlite and postgres.js never leak into the client.
export { getDb, pingDatabase } from "@db/client";
export type { Db } from "@db/client";
