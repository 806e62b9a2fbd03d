// Writes build/pglite-template.tar.gz: an embedded database with every migration applied and
// no rows. db/client.ts fills a new PGlite directory from it (see PGLITE_TEMPLATE there).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";

import { openDatabase, PGLITE_OPTIONS, PGLITE_TEMPLATE } from "../db/client";

const pglite = new PGlite(PGLITE_OPTIONS);
const database = await openDatabase({ pglite });
await database.migrate();
const dump = await pglite.dumpDataDir("gzip");
mkdirSync(path.dirname(PGLITE_TEMPLATE), { recursive: true });
writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
await database.close();
console.log(`Embedded database template: ${path.relative(process.cwd(), PGLITE_TEMPLATE)}`);
