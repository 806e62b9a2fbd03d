// `npx tsx tests/bench/import.ts`: the rotation import of a generated 50,000-row file, end to
// end, against PostgreSQL: the upload read as the route reads it (multipart, streamed through
// csv-parse), the preview stored, and the confirmation in one transaction. Then the same file
// again, which must change nothing. Prints the time of each step and the peak resident memory.
//
// BENCH_DATABASE_URL: a PostgreSQL server whose user may CREATE DATABASE (default: the
// development server at postgres://postgres@127.0.0.1:55432/invdev). A fresh database is
// created for the run and dropped afterwards. BENCH_IMPORT_ROWS changes the number of rows.
// NODE_OPTIONS reaches the importing process too (e.g. --max-old-space-size=128: the import's
// live memory stays flat, so a capped heap only makes the garbage collector work sooner).
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, openAsBlob, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { count, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";

import type { Db } from "../../db/client";
import * as schema from "../../db/schema";
import { emailOutbox, invitations, placements, sites, traineeProfiles, trusts, users } from "../../db/schema";
import { CONFIRM_MESSAGES, confirmImport, createImportPreview, readRotationUpload, type Importer } from "../../app/models/rotation-import.server";
import { GRADES, REGIONS, type Grade } from "../../app/models/domain";
import { IMPORT_COLUMNS } from "../../app/models/rotation-import";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const TRUSTS = 220;
/** Trainees already held, so the file holds updates and unchanged rows as well as new ones. */
const EXISTING_SHARE = 0.2;
const INVALID_EVERY = 250;
const TARGET = { seconds: 30, rssMb: 300 };
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:55432/invdev";

// ---------------------------------------------------------------------------------------
// Peak memory: sampled resident set size, and the kernel's own high-water mark.

let peakRss = 0;
let stepPeakRss = 0;
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  stepPeakRss = Math.max(stepPeakRss, rss);
}, 10);
sampler.unref();

function vmHwmBytes(): number | null {
  try {
    const line = readFileSync("/proc/self/status", "utf8").split("\n").find((l) => l.startsWith("VmHWM:"));
    return line ? Number(line.replace(/\D+/g, "")) * 1024 : null;
  } catch {
    return null;
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// ---------------------------------------------------------------------------------------
// Data

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const odsOf = (i: number) => `B${ALNUM[Math.floor(i / 36) % 36]}${ALNUM[i % 36]}`;
const FORENAMES = ["Ada", "Grace", "Mary", "Elizabeth", "James", "John", "Priya", "Aisha", "Tomasz", "Chen", "Olu", "Siobhan", "Rhys", "Fatima"];
const SURNAMES = ["Lovelace", "Hopper", "Seacole", "Anderson", "Barry", "Snow", "Patel", "Khan", "Nowak", "Wei", "Adeyemi", "Murphy", "Jones", "O'Neill"];
const SPECIALTIES = ["General Medicine", "General Surgery", "Paediatrics", "Psychiatry", "Anaesthetics", "Emergency Medicine", "General Practice", "Obstetrics and Gynaecology"];

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Each trainee has two consecutive placements, August to February and February to August, at two trusts. */
function generateFile(rows: number): { text: string; trainees: number } {
  const rand = random(20260805);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const trainees = Math.ceil(rows / 2);
  const lines = [[...IMPORT_COLUMNS, "Notes"].join(",")];
  let written = 0;
  for (let t = 0; t < trainees && written < rows; t++) {
    const gmc = String(4_000_000 + t);
    const forenames = pick(FORENAMES);
    const surname = pick(SURNAMES);
    const grade: Grade = pick(GRADES);
    const specialty = pick(SPECIALTIES);
    const wte = rand() < 0.15 ? pick(["0.6", "0.8"]) : "1.0";
    const first = Math.floor(rand() * TRUSTS);
    const second = (first + 1 + Math.floor(rand() * (TRUSTS - 1))) % TRUSTS;
    const posts: [number, string, string][] = [
      [first, "2026-08-05", "2027-02-02"],
      [second, "03/02/2027", "03/08/2027"],
    ];
    for (const [trust, from, to] of posts) {
      if (written >= rows) break;
      written += 1;
      const bad = written % INVALID_EVERY === 0;
      lines.push(
        [
          gmc,
          forenames,
          surname,
          `${forenames}.${surname}.${gmc}@example.nhs.uk`.toLowerCase().replace(/'/g, ""),
          bad ? "Registrar" : grade,
          specialty,
          `${specialty} training programme`,
          odsOf(trust),
          `Site ${(trust + t) % 3 + 1} of ${odsOf(trust)}`,
          from,
          to,
          wte,
          rand() < 0.03 ? "Parental Leave" : "In Post",
          rand() < 0.1 ? "Rotation agreed, see email" : "",
        ]
          .map(csvCell)
          .join(","),
      );
    }
  }
  return { text: `\uFEFF${lines.join("\r\n")}\r\n`, trainees };
}

// ---------------------------------------------------------------------------------------
// The import itself runs in a child process, so its peak memory is the import's alone and not
// the setup's: the file is streamed from disk into the same Request the upload route reads.

interface ChildReport {
  steps: { label: string; ms: number; peakRss: number }[];
  counts: unknown[];
  peakRss: number;
  vmHwm: number | null;
  startRss: number;
}

async function runImport(databaseUrl: string, file: string, adminId: string): Promise<ChildReport> {
  // The same postgres.js client and drizzle instance db/client.ts makes for a URL, made here so
  // that this process does not also load the embedded PGlite engine, which db/client.ts imports
  // even for PostgreSQL (about 50 MB resident) and which has nothing to do with the import.
  const client = postgres(databaseUrl, { max: 4, onnotice: () => {}, connection: { TimeZone: "UTC" } });
  const db = drizzle(client, { schema }) as unknown as Db;
  const database = { close: () => client.end({ timeout: 5 }) };
  const importer: Importer = { id: adminId, role: "admin", trustId: null };
  const steps: ChildReport["steps"] = [];
  const counts: unknown[] = [];
  const startRss = process.memoryUsage().rss;
  const step = async <T>(label: string, fn: () => Promise<T>) => {
    const started = performance.now();
    stepPeakRss = process.memoryUsage().rss;
    const value = await fn();
    stepPeakRss = Math.max(stepPeakRss, process.memoryUsage().rss);
    peakRss = Math.max(peakRss, stepPeakRss);
    steps.push({ label, ms: performance.now() - started, peakRss: stepPeakRss });
    return value;
  };
  try {
    for (const round of ["first import", "same file again"]) {
      const body = new FormData();
      body.append("file", await openAsBlob(file, { type: "text/csv" }), "bench-rotations.csv");
      const request = new Request("http://localhost/imports", { method: "POST", body });
      // As in the app, the upload and the confirmation are separate requests: nothing of the
      // parsed file is kept once the preview is stored.
      const preview = await (async () => {
        const upload = await step(`${round}: read upload (multipart + csv-parse)`, () => readRotationUpload(request));
        if (!upload.ok) throw new Error(`upload refused: ${upload.message}`);
        return step(`${round}: preview (analyse, store the rows)`, () => createImportPreview(db, importer, upload));
      })();
      const confirmed = await step(`${round}: confirm (one transaction)`, () =>
        confirmImport(db, importer, preview.id, { origin: "https://invitational.example.nhs.uk" }),
      );
      // The same file again changes nothing, so confirming it is refused (after the whole check).
      if (!confirmed.ok && !(round === "same file again" && confirmed.message === CONFIRM_MESSAGES.nothing)) {
        throw new Error(`confirm refused: ${confirmed.message}`);
      }
      counts.push(confirmed.ok ? confirmed.counts : confirmed.message);
    }
  } finally {
    await database.close();
  }
  return { steps, counts, peakRss, vmHwm: vmHwmBytes(), startRss };
}

async function main() {
  const name = `invitational_import_bench_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const { openDatabase } = await import("../../db/client");
  // No statement timeout: seeding and its VACUUM are not a page, and take longer than its 5 s on a busy machine.
  const database = await openDatabase({ url: url.toString(), poolSize: 4, statementTimeoutMs: 0 });
  const db = database.db;
  const dir = mkdtempSync(path.join(os.tmpdir(), "invitational-import-bench-"));
  try {
    await database.migrate();
    const [{ version }] = (await admin`select version()`) as unknown as [{ version: string }];
    console.log(`PostgreSQL: ${version.split(" on ")[0]} (database ${name})`);

    // 220 trusts with three sites each, an administrator, and a fifth of the file's trainees
    // already held with their first placement (half of those a week shorter than the file says).
    const rand = random(7);
    const trustRows = await db
      .insert(trusts)
      .values(Array.from({ length: TRUSTS }, (_, i) => ({
        odsCode: odsOf(i),
        name: `Bench Hospitals NHS Trust ${odsOf(i)}`,
        region: REGIONS[i % REGIONS.length]!,
        integratedCareSystem: `ICS ${i % 42}`,
      })))
      .returning({ id: trusts.id, odsCode: trusts.odsCode });
    await db.insert(sites).values(trustRows.flatMap((t) => [1, 2, 3].map((n) => ({ trustId: t.id, name: `Site ${n} of ${t.odsCode}` }))));
    const adminId = randomUUID();
    await db.insert(users).values({ id: adminId, email: "bench-admin@example.nhs.uk", name: "Bench Admin", role: "admin" });

    const { text, trainees } = generateFile(ROWS);
    const file = path.join(dir, "bench-rotations.csv");
    writeFileSync(file, text);
    const held = Math.floor(trainees * EXISTING_SHARE);
    const trustByOds = new Map(trustRows.map((t) => [t.odsCode, t.id]));
    const firstLines = text.split("\r\n").slice(1).filter((_, i) => i % 2 === 0).slice(0, held);
    for (let i = 0; i < firstLines.length; i += 1000) {
      const batch = firstLines.slice(i, i + 1000).map((line) => {
        const cells = line.split(",");
        return { id: randomUUID(), gmc: cells[0]!, name: `Dr ${cells[1]} ${cells[2]}`, email: cells[3]!, ods: cells[7]!, shorter: rand() < 0.5 };
      });
      // Held under the file's own names: a row naming someone else would be a row to check.
      await db.insert(users).values(batch.map((b) => ({ id: b.id, email: b.email, name: b.name, role: "trainee" as const })));
      await db.insert(traineeProfiles).values(batch.map((b) => ({ userId: b.id, gmcNumber: b.gmc, grade: "FY1" as const })));
      await db.insert(placements).values(
        batch.map((b) => ({
          traineeId: b.id,
          trustId: trustByOds.get(b.ods)!,
          grade: "FY1" as const,
          startsOn: "2026-08-05",
          endsOn: b.shorter ? "2027-01-26" : "2027-02-02",
          source: "import" as const,
        })),
      );
    }
    console.log(
      `File: ${ROWS.toLocaleString("en-GB")} rows, ${trainees.toLocaleString("en-GB")} trainees (${held.toLocaleString("en-GB")} already held), ${mb(Buffer.byteLength(text))}, BOM and CRLF`,
    );

    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_IMPORT_CHILD: JSON.stringify({ url: url.toString(), file, adminId }) },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`the import process failed (exit ${child.status}):\n${child.stdout}`);
    const report = JSON.parse(child.stdout.trim().split("\n").pop()!) as ChildReport;

    console.log("");
    console.log(`  ${"step".padEnd(52)} ${"time".padStart(9)}  peak RSS`);
    for (const s of report.steps) console.log(`  ${s.label.padEnd(52)} ${secs(s.ms).padStart(9)}  ${mb(s.peakRss).padStart(8)}`);
    const first = report.steps.slice(0, 3).reduce((sum, s) => sum + s.ms, 0);
    const second = report.steps.slice(3).reduce((sum, s) => sum + s.ms, 0);
    console.log(`  first import: ${JSON.stringify(report.counts[0])}`);
    console.log(`  again:        ${JSON.stringify(report.counts[1])}`);

    const [p] = await db.select({ n: count() }).from(placements);
    const [u] = await db.select({ n: count() }).from(users).where(eq(users.role, "trainee"));
    const [inv] = await db.select({ n: count() }).from(invitations);
    const [mail] = await db.select({ n: count() }).from(emailOutbox);
    console.log(`\nHeld afterwards: ${u!.n} trainees, ${p!.n} placements, ${inv!.n} invitations, ${mail!.n} e-mails queued`);

    const firstPeak = Math.max(...report.steps.slice(0, 3).map((s) => s.peakRss));
    const processPeak = Math.max(report.peakRss, report.vmHwm ?? 0);
    const timeOk = first < TARGET.seconds * 1000;
    const memoryOk = firstPeak < TARGET.rssMb * 1024 * 1024;
    console.log("\nResult");
    console.log(`  whole import (upload, preview, confirm): ${secs(first)}  target < ${TARGET.seconds} s  ${timeOk ? "OK" : "OVER"}`);
    console.log(`  peak resident memory during it:          ${mb(firstPeak)}  target < ${TARGET.rssMb} MB  ${memoryOk ? "OK" : "OVER"}`);
    console.log(`  the same file again (changes nothing):  ${secs(second)}`);
    console.log(
      `  process: ${mb(report.startRss)} resident before the first import (runtime and modules); peak over both imports ${mb(processPeak)} (VmHWM ${report.vmHwm ? mb(report.vmHwm) : "n/a"}, RSS sampled every 10 ms ${mb(report.peakRss)})`,
    );
    process.exitCode = timeOk && memoryOk ? 0 : 1;
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end({ timeout: 5 });
    rmSync(dir, { recursive: true, force: true });
  }
}

const childJob = process.env.BENCH_IMPORT_CHILD;
if (childJob) {
  const { url, file, adminId } = JSON.parse(childJob) as { url: string; file: string; adminId: string };
  runImport(url, file, adminId).then(
    (report) => console.log(JSON.stringify(report)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
