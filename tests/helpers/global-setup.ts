// Migrates one template database for the whole run; each test file then starts from a copy
// of it (PGlite: a dumped data directory; PostgreSQL: CREATE DATABASE ... TEMPLATE).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";

import { openDatabase } from "../../db/client";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgliteTemplateDir: string;
    postgresTemplate: string;
  }
}

// One per run (by process id), so two runs against the same server never drop each other's template.
export const POSTGRES_TEMPLATE_DB = `invitational_test_template_${process.pid}`;

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
    project.provide("postgresTemplate", POSTGRES_TEMPLATE_DB);
    project.provide("pgliteTemplate", "");
    project.provide("pgliteTemplateDir", "");
  } else {
    // Migrated once into a directory: test files load its dump, test servers start on a copy of it.
    const dir = path.join(tmp, "template-pglite");
    const pglite = new PGlite(dir);
    const database = await openDatabase({ pglite });
    await database.migrate();
    const dump = await pglite.dumpDataDir("none");
    const file = path.join(tmp, "template.tar");
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    project.provide("pgliteTemplate", file);
    project.provide("pgliteTemplateDir", dir);
    project.provide("postgresTemplate", "");
  }

  return async () => {
    if (admin) {
      await admin.unsafe(`drop database if exists ${POSTGRES_TEMPLATE_DB} with (force)`);
      await admin.end();
    }
    rmSync(tmp, { recursive: true, force: true });
  };
}
