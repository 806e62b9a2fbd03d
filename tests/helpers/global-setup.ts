// Migrates one template database for the whole run; each test file then starts from a copy
// of it (PGlite: a dumped data directory; PostgreSQL: CREATE DATABASE ... TEMPLATE). A second
// template also holds the demo data, for test servers: a server started on a copy of it finds
// its database ready and seeded, so it starts in about a second instead of four.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";

import { openDatabase, PGLITE_OPTIONS } from "../../db/client";
import { seedDemoData } from "../../db/seed/demo";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgliteTemplateDir: string;
    pgliteSeededTemplateDir: string;
    postgresTemplate: string;
    postgresSeededTemplate: string;
  }
}

// One per run (by process id), so two runs against the same server never drop each other's template.
export const POSTGRES_TEMPLATE_DB = `invitational_test_template_${process.pid}`;
const POSTGRES_SEEDED_TEMPLATE_DB = `invitational_test_seeded_${process.pid}`;

export default async function setup(project: TestProject) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), "invitational-test-"));
  const url = process.env.TEST_DATABASE_URL;
  let admin: ReturnType<typeof postgres> | undefined;

  if (url) {
    admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${POSTGRES_TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${POSTGRES_TEMPLATE_DB}`);
    const templateUrl = new URL(url);
    templateUrl.pathname = `/${POSTGRES_TEMPLATE_DB}`;
    const database = await openDatabase({ url: templateUrl.toString(), poolSize: 1 });
    await database.migrate();
    await database.close();
    await admin.unsafe(`drop database if exists ${POSTGRES_SEEDED_TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${POSTGRES_SEEDED_TEMPLATE_DB} template ${POSTGRES_TEMPLATE_DB}`);
    const seededUrl = new URL(url);
    seededUrl.pathname = `/${POSTGRES_SEEDED_TEMPLATE_DB}`;
    const seeded = await openDatabase({ url: seededUrl.toString(), poolSize: 1 });
    await seedDemoData(seeded.db);
    await seeded.close();
    project.provide("postgresTemplate", POSTGRES_TEMPLATE_DB);
    project.provide("postgresSeededTemplate", POSTGRES_SEEDED_TEMPLATE_DB);
    project.provide("pgliteTemplate", "");
    project.provide("pgliteTemplateDir", "");
    project.provide("pgliteSeededTemplateDir", "");
  } else {
    // Migrated once into a directory: test files load its dump, test servers start on a copy of it.
    const dir = path.join(tmp, "template-pglite");
    const pglite = new PGlite(dir, PGLITE_OPTIONS);
    const database = await openDatabase({ pglite });
    await database.migrate();
    const dump = await pglite.dumpDataDir("none");
    const file = path.join(tmp, "template.tar");
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    const seededDir = path.join(tmp, "template-pglite-seeded");
    cpSync(dir, seededDir, { recursive: true });
    const seeded = await openDatabase({ pglite: new PGlite(seededDir, PGLITE_OPTIONS) });
    await seedDemoData(seeded.db);
    await seeded.close();
    project.provide("pgliteTemplate", file);
    project.provide("pgliteTemplateDir", dir);
    project.provide("pgliteSeededTemplateDir", seededDir);
    project.provide("postgresTemplate", "");
    project.provide("postgresSeededTemplate", "");
  }

  return async () => {
    if (admin) {
      await admin.unsafe(`drop database if exists ${POSTGRES_SEEDED_TEMPLATE_DB} with (force)`);
      await admin.unsafe(`drop database if exists ${POSTGRES_TEMPLATE_DB} with (force)`);
      await admin.end();
    }
    rmSync(tmp, { recursive: true, force: true });
  };
}
