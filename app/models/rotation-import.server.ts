// Rotation import: reading the upload (multipart, streamed through csv-parse), the preview
// stored with its rows, and the confirmation that writes everything in one transaction.
import { randomBytes, randomUUID } from "node:crypto";

import { unstable_parseMultipartFormData } from "@remix-run/node";
import { parse } from "csv-parse";
import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";

import { queryRows, type Db, type DbOrTx, type Tx } from "@db/client";
import { allowLongStatements } from "@db/statement-timeouts";
import {
  placementImportRows,
  placementImports,
  placements,
  sites,
  traineeProfiles,
  trusts,
  users,
} from "@db/schema";

import { todayInLondon } from "~/utils/dates";
import { cleanText } from "~/utils/forms";
import { forbidden } from "~/utils/http.server";

import {
  changesNothing,
  checkFile,
  createInterner,
  currentRow,
  invalidRowsCsv,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_ROWS,
  parseImportDate,
  planImport,
  readHeadings,
  rowFromRecord,
  type CheckedFile,
  type ExistingPlacement,
  type ExistingTrainee,
  type ImportCounts,
  type ImportPlan,
  type RawRow,
  type RowError,
  type TraineeUpdate,
  type TrustRef,
  valuesOf,
} from "./rotation-import";
import { auditBy, recordAudit, recordViews, type AuditContext } from "./audit.server";
import { UUID } from "./accounts.schema";
import { queueEmails } from "./outbox.server";
import { hashToken, INVITATION_TTL_MS } from "./users.server";

export const UPLOAD_MESSAGES = {
  noFile: "Select a CSV file",
  notCsv: "The selected file must be a CSV file",
  empty: "The selected file is empty",
  noRows: "The selected file has column headings but no rows of placements",
  tooLarge: "The selected file must be smaller than 20 MB",
  tooManyRows: "The selected file must have 100,000 rows or fewer: split it into smaller files",
} as const;

/** Previews not confirmed within a day are deleted: they hold personal data from the file. */
export const PREVIEW_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * The most of a request the import reads: the file's limit and room for the form's other parts
 * and multipart headers. A request declaring more is refused before any of it is read, and one
 * that goes on past it (sent in chunks, without a length) is cut off there.
 */
const MAX_REQUEST_BYTES = MAX_IMPORT_BYTES + 64 * 1024;
const BATCH = 1000;

export type UploadRefusal = { ok: false; status: 400 | 413; message: string };
export type ParsedUpload = { ok: true; rows: RawRow[] } | UploadRefusal;

const refuse = (message: string, status: 400 | 413 = 400): UploadRefusal => ({ ok: false, status, message });

// ---------------------------------------------------------------------------------------
// Reading the file

const lineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

function csvErrorMessage(error: unknown): string {
  const e = error as { code?: string; lines?: number };
  const where = e.lines ? ` near line ${e.lines}` : "";
  switch (e.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return `The selected file could not be read as CSV: a quoted value${where} is never closed`;
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return `The selected file could not be read as CSV: a quote${where} is in the wrong place`;
    case "CSV_MAX_RECORD_SIZE":
      return `The selected file could not be read as CSV: a row${where} is far too long`;
    default:
      return `${UPLOAD_MESSAGES.notCsv}: it could not be read${where}`;
  }
}

/**
 * Parses the CSV as it arrives, through csv-parse's stream (BOM removed, CRLF, LF or CR line
 * endings, quoted values over several lines). A file refused half-way for its rows (too many,
 * not CSV) is still read to its end, which is within the limit, so the browser gets the answer
 * to a request it finished sending. A file over the limit is read no further than the limit.
 */
export async function parseRotationCsv(
  source: AsyncIterable<Uint8Array>,
  limits: { maxBytes?: number; maxRows?: number } = {},
): Promise<ParsedUpload> {
  const maxBytes = limits.maxBytes ?? MAX_IMPORT_BYTES;
  const maxRows = limits.maxRows ?? MAX_IMPORT_ROWS;
  const parser = parse({ bom: true, raw: true, relax_column_count: true, max_record_size: 64 * 1024 });
  const rows: RawRow[] = [];
  let failure: UploadRefusal | null = null;
  let headings: { indexes: number[]; width: number } | null = null;
  let sawAnything = false;
  const intern = createInterner();

  const consumer = (async () => {
    // csv-parse counts a CRLF inside a quoted value as two lines, so lines are counted here
    // from each record's raw text: the heading row is line 1, as in a spreadsheet.
    let linesBefore = 0;
    try {
      for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
        const line = 1 + linesBefore;
        linesBefore += lineBreaks(raw);
        if (failure) continue;
        if (record.every((cell) => cell.trim() === "")) continue;
        sawAnything = true;
        if (!headings) {
          const read = readHeadings(record);
          if (read.ok) headings = read;
          else failure = refuse(read.message);
          continue;
        }
        if (rows.length >= maxRows) {
          failure = refuse(UPLOAD_MESSAGES.tooManyRows);
          continue;
        }
        rows.push(rowFromRecord(line, record, headings, intern));
      }
    } catch (error) {
      failure ??= refuse(csvErrorMessage(error));
    }
  })();

  const endParser = () => {
    if (!parser.writableEnded && !parser.destroyed) parser.end();
  };
  const waitForDrain = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off("drain", done);
        parser.off("close", done);
        parser.off("error", done);
        resolve();
      };
      parser.on("drain", done);
      parser.on("close", done);
      parser.on("error", done);
    });

  let bytes = 0;
  let first = true;
  try {
    for await (const chunk of source) {
      bytes += chunk.byteLength;
      // Too large wins over any other refusal: it is the first thing to put right. Leaving the
      // loop stops asking the source for more: the rest of the file is never read.
      if (bytes > maxBytes) {
        failure = refuse(UPLOAD_MESSAGES.tooLarge, 413);
        break;
      }
      if (failure || parser.destroyed) continue;
      // A spreadsheet (.xlsx is a zip), a UTF-16 text file or any other binary has NUL bytes early on.
      if (first && chunk.subarray(0, 8192).includes(0)) {
        failure = refuse(UPLOAD_MESSAGES.notCsv);
        endParser();
        continue;
      }
      first = false;
      if (!parser.write(chunk)) await waitForDrain();
    }
  } finally {
    endParser();
  }
  await consumer;
  if (failure) return failure;
  if (!sawAnything) return refuse(UPLOAD_MESSAGES.empty);
  if (!rows.length) return refuse(UPLOAD_MESSAGES.noRows);
  return { ok: true, rows };
}

const REQUEST_TOO_LARGE = "request too large";

/** Splits large chunks: the multipart parser cannot take a chunk holding tens of thousands of line breaks. */
function boundedBody(body: ReadableStream<Uint8Array>, maxChunk = 64 * 1024): ReadableStream<Uint8Array> {
  let total = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > MAX_REQUEST_BYTES) {
          controller.error(new RangeError(REQUEST_TOO_LARGE));
          return;
        }
        for (let i = 0; i < chunk.byteLength; i += maxChunk) controller.enqueue(chunk.subarray(i, i + maxChunk));
      },
    }),
  );
}

async function drain(data: AsyncIterable<Uint8Array>) {
  for await (const _ of data) {
    // discarded
  }
}

/**
 * Reads the upload form: the one file field `file`, streamed into the CSV parser as it arrives.
 * Refusals are messages for the file field: 413 for a file over 20 MB, else 400.
 */
export async function readRotationUpload(
  request: Request,
  limits: { maxBytes?: number; maxRows?: number } = {},
): Promise<{ ok: true; fileName: string; rows: RawRow[] } | UploadRefusal> {
  const maxBytes = limits.maxBytes ?? MAX_IMPORT_BYTES;
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > MAX_REQUEST_BYTES) return refuse(UPLOAD_MESSAGES.tooLarge, 413);
  const contentType = request.headers.get("Content-Type") ?? "";
  if (!request.body || !/^multipart\/form-data\s*;/i.test(contentType)) return refuse(UPLOAD_MESSAGES.noFile);

  const bounded = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: boundedBody(request.body),
    duplex: "half",
  } as RequestInit & { duplex: "half" });

  let result: { ok: true; fileName: string; rows: RawRow[] } | UploadRefusal | null = null;
  try {
    await unstable_parseMultipartFormData(bounded, async (part) => {
      if (part.name !== "file" || result) {
        await drain(part.data);
        return undefined;
      }
      // The name is the uploader's to choose, like any typed text: a NUL cannot be stored.
      const fileName = cleanText(part.filename ?? "").slice(0, 255);
      if (!fileName) {
        await drain(part.data);
        result = refuse(UPLOAD_MESSAGES.noFile);
        return undefined;
      }
      if (!/\.csv$/i.test(fileName)) {
        await drain(part.data);
        result = refuse(UPLOAD_MESSAGES.notCsv);
        return undefined;
      }
      const parsed = await parseRotationCsv(part.data, { ...limits, maxBytes });
      // Over the limit: stop reading the request altogether rather than skip the rest of the file.
      if (!parsed.ok && parsed.status === 413) throw new RangeError(REQUEST_TOO_LARGE);
      result = parsed.ok ? { ok: true, fileName, rows: parsed.rows } : parsed;
      return undefined;
    });
  } catch (error) {
    if (error instanceof RangeError && error.message === REQUEST_TOO_LARGE) return refuse(UPLOAD_MESSAGES.tooLarge, 413);
    // A body that is not multipart at all, or is cut short.
    return refuse(UPLOAD_MESSAGES.noFile);
  }
  return result ?? refuse(UPLOAD_MESSAGES.noFile);
}

// ---------------------------------------------------------------------------------------
// Who imports

export interface Importer {
  id: string;
  role: "admin" | "dme";
  /** The DME's trust; null for an administrator, who imports for every trust. */
  trustId: string | null;
}

/**
 * The importer a signed-in user is: an administrator, or a DME with their trust. Routes guard
 * with `importerFrom(requireUser(args, { role: IMPORTER_ROLES }))`.
 */
export const IMPORTER_ROLES = ["admin", "dme"] as const;

export function importerFrom(user: { id: string; role: (typeof IMPORTER_ROLES)[number]; trustId: string | null }): Importer {
  if (user.role === "dme") {
    if (!user.trustId) throw forbidden();
    return { id: user.id, role: "dme", trustId: user.trustId };
  }
  return { id: user.id, role: "admin", trustId: null };
}

/** The trust a DME imports for (null for an administrator). */
export async function importScope(db: Db, importer: Importer): Promise<{ name: string; odsCode: string } | null> {
  if (!importer.trustId) return null;
  const [trust] = await db.select({ name: trusts.name, odsCode: trusts.odsCode }).from(trusts).where(eq(trusts.id, importer.trustId));
  return trust ?? null;
}

// ---------------------------------------------------------------------------------------
// Analysis against the database

async function loadTrusts(db: DbOrTx): Promise<Map<string, TrustRef>> {
  const [trustRows, siteRows] = await Promise.all([
    db.select({ id: trusts.id, odsCode: trusts.odsCode, name: trusts.name, region: trusts.region }).from(trusts),
    db.select({ id: sites.id, trustId: sites.trustId, name: sites.name }).from(sites),
  ]);
  const byId = new Map<string, TrustRef>();
  for (const t of trustRows) byId.set(t.id, { ...t, sites: new Map() });
  for (const s of siteRows) byId.get(s.trustId)?.sites.set(s.name.toLowerCase(), s.id);
  return new Map([...byId.values()].map((t) => [t.odsCode, t]));
}

function chunks<T>(items: T[], size = 5000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function existingData(db: DbOrTx, file: CheckedFile, today: string) {
  const trainees = new Map<string, ExistingTrainee>();
  for (const gmcs of chunks([...file.byGmc.keys()])) {
    const found = await db
      .select({
        userId: traineeProfiles.userId,
        gmcNumber: traineeProfiles.gmcNumber,
        name: users.name,
        email: users.email,
        grade: traineeProfiles.grade,
        specialty: traineeProfiles.specialty,
        programme: traineeProfiles.programme,
        ltft: traineeProfiles.ltft,
      })
      .from(traineeProfiles)
      .innerJoin(users, eq(users.id, traineeProfiles.userId))
      .where(inArray(traineeProfiles.gmcNumber, gmcs));
    for (const t of found) trainees.set(t.gmcNumber!, t);
  }

  const held = new Map<string, ExistingPlacement[]>();
  for (const ids of chunks([...trainees.values()].map((t) => t.userId))) {
    const found = await db
      .select({
        id: placements.id,
        traineeId: placements.traineeId,
        trustId: placements.trustId,
        odsCode: trusts.odsCode,
        trustName: trusts.name,
        startsOn: placements.startsOn,
        endsOn: placements.endsOn,
        siteId: placements.siteId,
        siteName: placements.siteName,
        specialty: placements.specialty,
        grade: placements.grade,
        wte: placements.wte,
        placementType: placements.placementType,
        source: placements.source,
      })
      .from(placements)
      .innerJoin(trusts, eq(trusts.id, placements.trustId))
      .where(inArray(placements.traineeId, ids));
    for (const { traineeId, ...p } of found) {
      const list = held.get(traineeId) ?? [];
      list.push(p);
      held.set(traineeId, list);
    }
  }

  const newEmails = [...file.byGmc.entries()].filter(([gmc]) => !trainees.has(gmc)).map(([, rows]) => currentRow(rows, today).email);
  const emailOwners = new Map<string, string>();
  for (const emails of chunks([...new Set(newEmails)])) {
    const found = await db.select({ id: users.id, email: users.email }).from(users).where(inArray(users.email, emails));
    for (const u of found) emailOwners.set(u.email, u.id);
  }
  return { trainees, placements: held, emailOwners };
}

interface StoredRow {
  line: number;
  cells: string[];
  errors: RowError[] | null;
}

const CHUNK_ROWS = 1000;

/** Rows of a raw query from either driver (PGlite answers { rows }, postgres.js an array), like queryRows in db/client. */
async function rowsOf<T>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown;
  return (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];
}

const zeroCounts = (): ImportCounts => ({ newTrainees: 0, updatedTrainees: 0, newPlacements: 0, updatedPlacements: 0, unchangedRows: 0, invalidRows: 0 });

/** One chunk of the stored rows, planned. */
interface PlannedChunk {
  stored: StoredRow[];
  /** The plan as the preview shows it: no row accepted by the importer. */
  plan: ImportPlan;
  /** The plan with the rows the importer accepted: `plan` itself when none of them is in the chunk. */
  accepting: ImportPlan;
}

const isIdentityError = (e: RowError) => e.code === "identity_mismatch";

/**
 * Checks and plans the stored rows of an import against the database as it is now, a few
 * hundred trainees at a time so that memory does not grow with the file: the rows are read
 * through a cursor in GMC number order and each chunk holds every row of its trainees.
 * `each` gets every chunk planned, with the rows as stored, and may answer true to stop there;
 * the totals are returned. `validOnly` reads only the rows without errors (to list them).
 */
async function planStoredRows(
  tx: Tx,
  importer: Importer,
  importId: string,
  today: string,
  each: (chunk: PlannedChunk) => Promise<boolean | void>,
  options: { accepted?: ReadonlySet<number>; validOnly?: boolean } = {},
): Promise<{ previewed: ImportCounts; accepting: ImportCounts }> {
  const context = { trustsByOds: await loadTrusts(tx), scopeTrustId: importer.role === "dme" ? importer.trustId : null };
  const accepted = options.accepted ?? new Set<number>();
  const claimedEmails = new Map<string, number>();
  const previewed = zeroCounts();
  const accepting = zeroCounts();
  const planChunk = async (stored: StoredRow[]): Promise<boolean> => {
    const rows: RawRow[] = stored.map((r) => ({
      line: r.line,
      cells: r.cells,
      // A row of the wrong shape stays refused: its cells were never a reliable row.
      shapeError: r.errors?.find((e) => e.code === "columns") ?? null,
    }));
    const file = checkFile(rows, context);
    const input = { file, ...(await existingData(tx, file, today)), today, importer: importer.role };
    // Accepting a row changes nothing for new trainees, so the second plan starts from the same
    // e-mail addresses claimed, and the first plan's claims are the ones carried on.
    const claimedBefore = new Map(claimedEmails);
    const plan = planImport({ ...input, claimedEmails });
    const acceptsHere = stored.some((r) => accepted.has(r.line) && plan.errors.get(r.line)?.some(isIdentityError));
    const withAccepted = acceptsHere ? planImport({ ...input, claimedEmails: claimedBefore, accepted }) : plan;
    for (const key of Object.keys(previewed) as (keyof ImportCounts)[]) {
      previewed[key] += plan.counts[key];
      accepting[key] += withAccepted.counts[key];
    }
    return (await each({ stored, plan, accepting: withAccepted })) === true;
  };

  await tx.execute(sql`
    declare rotation_import_rows no scroll cursor for
    select line, cells, errors from placement_import_rows
    where import_id = ${importId}::uuid ${options.validOnly ? sql`and errors is null` : sql``}
    order by cells[1], line`);
  let carried: StoredRow[] = [];
  for (let stop = false; !stop; ) {
    const page = await rowsOf<StoredRow>(tx, sql`fetch forward ${sql.raw(String(CHUNK_ROWS))} from rotation_import_rows`);
    const last = page.length < CHUNK_ROWS;
    let chunk = carried.concat(page);
    carried = [];
    if (!last) {
      // The last trainee of the page may go on in the next one: keep their rows for then.
      const gmc = chunk[chunk.length - 1]!.cells[0];
      let cut = chunk.length;
      while (cut > 0 && chunk[cut - 1]!.cells[0] === gmc) cut -= 1;
      carried = chunk.slice(cut);
      chunk = chunk.slice(0, cut);
    }
    if (chunk.length) stop = await planChunk(chunk);
    if (last) stop = true;
  }
  await tx.execute(sql`close rotation_import_rows`);
  return { previewed, accepting };
}

/** Plans the stored rows again and records each row's errors and the counts as the preview. */
async function refreshPreview(tx: Tx, importer: Importer, importId: string, now: Date): Promise<ImportCounts> {
  const { previewed } = await planStoredRows(tx, importer, importId, todayInLondon(now), async ({ plan, stored }) => {
    const changed = stored.filter((r) => errorKey(r.errors) !== errorKey(plan.errors.get(r.line)));
    await storeErrors(tx, importId, changed.map((r) => [r.line, plan.errors.get(r.line) ?? null]));
  });
  await tx.update(placementImports).set(countColumns(previewed)).where(eq(placementImports.id, importId));
  return previewed;
}

const errorKey = (errors: { column: string; code: string; reason: string }[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.column}\u0001${e.code}\u0001${e.reason}`).join("\u0002");

function countColumns(counts: ImportCounts) {
  return {
    newTrainees: counts.newTrainees,
    updatedTrainees: counts.updatedTrainees,
    newPlacements: counts.newPlacements,
    updatedPlacements: counts.updatedPlacements,
    unchangedRows: counts.unchangedRows,
    invalidRows: counts.invalidRows,
  };
}

// ---------------------------------------------------------------------------------------
// Preview

/**
 * Stores the file's rows and the preview of what confirming would change, so that confirming
 * does not need the file again. Writes nothing to trainees or placements. Takes over
 * `upload.rows` (the array is emptied as it is stored). Unconfirmed previews older than a day
 * are deleted first.
 */
export async function createImportPreview(
  db: Db,
  importer: Importer,
  upload: { fileName: string; rows: RawRow[] },
  options: { now?: Date; audit?: AuditContext } = {},
): Promise<{ id: string; counts: ImportCounts }> {
  const now = options.now ?? new Date();
  await db
    .delete(placementImports)
    .where(and(eq(placementImports.status, "preview"), lt(placementImports.createdAt, new Date(now.getTime() - PREVIEW_TTL_MS))));
  return db.transaction(async (tx) => {
    // A rotation's file holds thousands of rows: its statements may take the long limit.
    await allowLongStatements(tx);
    const [created] = await tx
      .insert(placementImports)
      .values({
        importedBy: importer.id,
        trustId: importer.role === "dme" ? importer.trustId : null,
        fileName: upload.fileName,
        status: "preview",
        createdAt: now,
      })
      .returning({ id: placementImports.id });
    const importId = created!.id;
    // Each batch leaves memory once it is in the database. A row of the wrong shape is stored
    // with its error: nothing later can check its cells.
    while (upload.rows.length) {
      const batch = upload.rows.splice(0, BATCH);
      await tx.execute(sql`
        insert into placement_import_rows (import_id, line, cells, errors)
        select ${importId}::uuid, v.line, v.cells, v.errors
        from jsonb_to_recordset(${JSON.stringify(
          batch.map((row) => ({ line: row.line, cells: row.cells, errors: row.shapeError ? [row.shapeError] : null })),
        )}::jsonb)
          as v(line integer, cells text[], errors jsonb)`);
    }
    const counts = await refreshPreview(tx, importer, importId, now);
    // The file's name is the importer's words (it may hold a name): only the counts are recorded.
    await recordAudit(tx, auditBy(options.audit, importer), { action: "import.uploaded", targetType: "import", targetId: importId, trustId: importer.trustId, details: { ...counts } });
    return { id: importId, counts };
  });
}

/** Sets (or, with null, clears) the errors of the given lines of a stored file. */
async function storeErrors(tx: Tx, importId: string, lines: [number, RowError[] | null][]) {
  await insertBatched(lines, (batch) =>
    tx.execute(sql`
      update placement_import_rows as r set errors = v.errors
      from jsonb_to_recordset(${JSON.stringify(batch.map(([line, errors]) => ({ line, errors })))}::jsonb)
        as v(line integer, errors jsonb)
      where r.import_id = ${importId}::uuid and r.line = v.line`),
  );
}

export type ImportStatus = "preview" | "confirmed";

const importColumns = {
  id: placementImports.id,
  fileName: placementImports.fileName,
  status: placementImports.status,
  importedBy: placementImports.importedBy,
  importedByName: users.name,
  trustId: placementImports.trustId,
  trustName: trusts.name,
  trustOds: trusts.odsCode,
  newTrainees: placementImports.newTrainees,
  updatedTrainees: placementImports.updatedTrainees,
  newPlacements: placementImports.newPlacements,
  updatedPlacements: placementImports.updatedPlacements,
  unchangedRows: placementImports.unchangedRows,
  invalidRows: placementImports.invalidRows,
  createdAt: placementImports.createdAt,
  confirmedAt: placementImports.confirmedAt,
};

/** An administrator sees every import; a DME those for their trust. */
function visibleTo(viewer: Importer) {
  return viewer.role === "admin" ? undefined : eq(placementImports.trustId, viewer.trustId ?? "00000000-0000-0000-0000-000000000000");
}

export async function listImports(db: Db, viewer: Importer, limit = 50) {
  return db
    .select(importColumns)
    .from(placementImports)
    .leftJoin(users, eq(users.id, placementImports.importedBy))
    .leftJoin(trusts, eq(trusts.id, placementImports.trustId))
    .where(visibleTo(viewer))
    .orderBy(desc(placementImports.createdAt))
    .limit(limit);
}

const IDENTITY_ERROR = sql`'[{"code":"identity_mismatch"}]'::jsonb`;

/** The importer an import was made by, as its plan was made: a DME's import keeps their trust's scope. */
function importerOf(found: { importedBy: string | null; trustId: string | null }): Importer {
  return found.trustId
    ? { id: found.importedBy ?? "", role: "dme", trustId: found.trustId }
    : { id: found.importedBy ?? "", role: "admin", trustId: null };
}

export interface NewTraineeShown {
  gmcNumber: string;
  name: string;
  /** The address the account gets: the trainee's current row's, lower-cased. */
  email: string;
}

/**
 * Who confirming creates and whose training details it changes (the first `limit` of each, in
 * GMC number order), planned again from the valid rows. These are not stored with the preview:
 * the plan that made the counts is deterministic, so planning the valid rows again gives the
 * same trainees, and reading stops as soon as both lists are full.
 */
async function previewLists(
  db: Db,
  found: { id: string; importedBy: string | null; trustId: string | null; newTrainees: number; updatedTrainees: number },
  today: string,
  limit: number,
): Promise<{ newTrainees: NewTraineeShown[]; traineeUpdates: TraineeUpdate[] }> {
  const wanted = { newTrainees: Math.min(limit, found.newTrainees), updates: Math.min(limit, found.updatedTrainees) };
  const newTrainees: NewTraineeShown[] = [];
  const traineeUpdates: TraineeUpdate[] = [];
  if (!wanted.newTrainees && !wanted.updates) return { newTrainees, traineeUpdates };
  await db.transaction(async (tx) => {
    await allowLongStatements(tx);
    await planStoredRows(
      tx,
      importerOf(found),
      found.id,
      today,
      async ({ plan }) => {
        for (const t of plan.newTrainees.slice(0, wanted.newTrainees - newTrainees.length)) {
          newTrainees.push({ gmcNumber: t.gmcNumber, name: t.name, email: t.email });
        }
        traineeUpdates.push(...plan.traineeUpdates.slice(0, wanted.updates - traineeUpdates.length));
        return newTrainees.length >= wanted.newTrainees && traineeUpdates.length >= wanted.updates;
      },
      { validOnly: true },
    );
  });
  return { newTrainees, traineeUpdates };
}

export interface RowToCheck {
  line: number;
  gmcNumber: string;
  /** The name and (lower-cased) address the row gives. */
  name: string;
  email: string;
  /** The name on the account that holds the GMC number (null if it has gone since). */
  accountName: string | null;
  trust: string;
  startsOn: string;
  endsOn: string;
  reason: string;
}

/** The import with its invalid rows (the first `invalidLimit` of them), or null when the viewer may not see it. */
export async function getImport(
  db: Db,
  viewer: Importer,
  id: string,
  options: { invalidLimit?: number; newTraineeLimit?: number; now?: Date; audit?: AuditContext } = {},
) {
  if (!UUID.test(id)) return null;
  const [found] = await db
    .select(importColumns)
    .from(placementImports)
    .leftJoin(users, eq(users.id, placementImports.importedBy))
    .leftJoin(trusts, eq(trusts.id, placementImports.trustId))
    .where(and(eq(placementImports.id, id), visibleTo(viewer)));
  if (!found) return null;
  const limit = options.invalidLimit ?? 1000;
  const now = options.now ?? new Date();
  // Rows whose name or e-mail address is not the account holder's are listed on their own, to be
  // accepted (or, once confirmed, as left out); the other invalid rows in their table.
  const invalid = await db
    .select({ line: placementImportRows.line, cells: placementImportRows.cells, errors: placementImportRows.errors })
    .from(placementImportRows)
    .where(
      and(
        eq(placementImportRows.importId, id),
        isNotNull(placementImportRows.errors),
        sql`not (${placementImportRows.errors} @> ${IDENTITY_ERROR})`,
      ),
    )
    .orderBy(asc(placementImportRows.line))
    .limit(limit);
  const toCheck = await queryRows<{ line: number; cells: string[]; errors: RowError[]; accountName: string | null; userId: string | null; trustName: string | null }>(
    db,
    sql`select r.line, r.cells, r.errors, u.name as "accountName", u.id as "userId", t.name as "trustName"
        from placement_import_rows r
        left join trainee_profiles p on p.gmc_number = r.cells[1]
        left join users u on u.id = p.user_id
        left join trusts t on t.ods_code = upper(r.cells[8])
        where r.import_id = ${id}::uuid and r.errors @> ${IDENTITY_ERROR}
        order by r.line
        limit ${limit}`,
  );
  const [checkCount] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from placement_import_rows where import_id = ${id}::uuid and errors @> ${IDENTITY_ERROR}`,
  );
  const rowsToCheck = checkCount?.n ?? 0;
  const lists =
    found.status === "preview"
      ? await previewLists(db, found, todayInLondon(now), options.newTraineeLimit ?? 100)
      : { newTrainees: [], traineeUpdates: [] };
  const preview = found.status === "preview";
  // The preview names trainees who hold accounts (their changes, rows to check): each is a view of their data.
  await recordViews(db, auditBy(options.audit, viewer), {
    action: "import.viewed",
    targetType: "import",
    targetId: found.id,
    trustId: found.trustId,
    traineeIds: [...lists.traineeUpdates.map((u) => u.userId), ...toCheck.map((r) => r.userId)],
  });
  return {
    ...found,
    newTraineeList: lists.newTrainees,
    traineeUpdateList: lists.traineeUpdates,
    /** Of invalidRows, those whose name or e-mail address differs from the account's. */
    rowsToCheck,
    toCheck: toCheck.map(
      (r): RowToCheck => ({
        line: r.line,
        gmcNumber: r.cells[0] ?? "",
        name: `${r.cells[1] ?? ""} ${r.cells[2] ?? ""}`.trim(),
        email: (r.cells[3] ?? "").toLowerCase(),
        accountName: r.accountName,
        trust: r.trustName ? `${r.trustName} (${(r.cells[7] ?? "").toUpperCase()})` : (r.cells[7] ?? ""),
        startsOn: parseImportDate(r.cells[9] ?? "") ?? "",
        endsOn: parseImportDate(r.cells[10] ?? "") ?? "",
        reason: r.errors.find(isIdentityError)?.reason ?? "",
      }),
    ),
    // A preview that would change nothing (an identical file again, say) is not offered for confirming.
    nothingToImport: preview && changesNothing(found) && rowsToCheck === 0,
    expired: preview && now.getTime() - found.createdAt.getTime() > PREVIEW_TTL_MS,
    canConfirm: preview && found.importedBy === viewer.id,
    invalid: invalid.map((r) => ({ line: r.line, gmcNumber: r.cells[0] ?? "", errors: (r.errors ?? []) as RowError[] })),
  };
}

export async function invalidRowsCsvFor(db: Db, viewer: Importer, id: string): Promise<{ fileName: string; csv: string } | null> {
  if (!UUID.test(id)) return null;
  const [found] = await db
    .select({ fileName: placementImports.fileName })
    .from(placementImports)
    .where(and(eq(placementImports.id, id), visibleTo(viewer)));
  if (!found) return null;
  const rows = await db
    .select({ line: placementImportRows.line, cells: placementImportRows.cells, errors: placementImportRows.errors })
    .from(placementImportRows)
    .where(and(eq(placementImportRows.importId, id), isNotNull(placementImportRows.errors)))
    .orderBy(asc(placementImportRows.line));
  const base = found.fileName.replace(/\.csv$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "").slice(0, 80) || "import";
  return {
    fileName: `${base}-invalid-rows.csv`,
    csv: invalidRowsCsv(rows.map((r) => ({ line: r.line, cells: r.cells, errors: (r.errors ?? []) as RowError[] }))),
  };
}

/** The importer may throw away a preview they no longer want. */
export async function cancelImport(db: Db, importer: Importer, id: string, audit?: AuditContext): Promise<boolean> {
  if (!UUID.test(id)) return false;
  return db.transaction(async (tx) => {
    const deleted = await tx
      .delete(placementImports)
      .where(and(eq(placementImports.id, id), eq(placementImports.status, "preview"), eq(placementImports.importedBy, importer.id)))
      .returning({ id: placementImports.id, trustId: placementImports.trustId });
    if (!deleted.length) return false;
    await recordAudit(tx, auditBy(audit, importer), { action: "import.discarded", targetType: "import", targetId: id, trustId: deleted[0]!.trustId });
    return true;
  });
}

// ---------------------------------------------------------------------------------------
// Confirm

export type ConfirmResult =
  /** `accepted`: rows imported on the importer's word; `leftOut`: rows to check that were not accepted. */
  | { ok: true; counts: ImportCounts; accepted: number; leftOut: number }
  | { ok: false; status: 404 | 409 | 410; message: string; counts?: ImportCounts };

export const CONFIRM_MESSAGES = {
  notFound: "This import was not found",
  notYours: "Only the person who uploaded the file can confirm this import",
  done: "This import has already been confirmed",
  expired: "This preview has expired: upload the file again",
  changed:
    "The trainees or placements held changed since this preview was made: check the new preview below and confirm again",
  nothing: "There is nothing to import: every valid row is already held exactly as in the file",
  nothingAccepted: "There is nothing to import unless you accept a row to check: tick the rows that are the account holder's, or cancel the import",
} as const;

// One import at a time: two confirmations checking the same trainees must not both pass.
const IMPORT_LOCK = sql`select pg_advisory_xact_lock(7163001)`;

async function insertBatched<T>(items: T[], write: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += BATCH) await write(items.slice(i, i + BATCH));
}

/** Thrown inside the confirming transaction to undo it: the preview no longer holds. */
class PreviewChanged extends Error {}

/** Thrown inside the confirming transaction to undo it: confirming would change nothing. */
class NothingToImport extends Error {
  constructor(readonly leftOut: number) {
    super("nothing to import");
  }
}

const sameCounts = (a: ImportCounts, b: ImportCounts) => (Object.keys(a) as (keyof ImportCounts)[]).every((k) => a[k] === b[k]);

/**
 * Confirms a preview: plans the stored rows again against the database as it is now and writes
 * them, all in one transaction. If any row or count comes out differently from the preview
 * (someone changed the trainees or placements meanwhile) the transaction is undone and the
 * preview is brought up to date instead, for the importer to check. New trainees get an
 * account without a password, a profile and an invitation by e-mail.
 *
 * `accepted` are the lines of rows to check (name or e-mail address not the account holder's)
 * that the importer ticked: they are imported for the account holder; the others are left out.
 * A preview that would change nothing is refused, and nothing is recorded.
 */
export async function confirmImport(
  db: Db,
  importer: Importer,
  id: string,
  options: { origin: string; now?: Date; accepted?: Iterable<number>; audit?: AuditContext },
): Promise<ConfirmResult> {
  if (!UUID.test(id)) return { ok: false, status: 404, message: CONFIRM_MESSAGES.notFound };
  const now = options.now ?? new Date();
  const accepted = new Set(options.accepted ?? []);
  const claim = async (tx: Tx): Promise<Extract<ConfirmResult, { ok: false }> | typeof placementImports.$inferSelect> => {
    // Confirming writes every row of the file; waiting for another import's lock counts too.
    await allowLongStatements(tx);
    await tx.execute(IMPORT_LOCK);
    const [found] = await tx
      .select()
      .from(placementImports)
      .where(and(eq(placementImports.id, id), visibleTo(importer)))
      .for("update");
    if (!found) return { ok: false, status: 404, message: CONFIRM_MESSAGES.notFound };
    if (found.status !== "preview") return { ok: false, status: 409, message: CONFIRM_MESSAGES.done };
    if (found.importedBy !== importer.id) return { ok: false, status: 409, message: CONFIRM_MESSAGES.notYours };
    if (now.getTime() - found.createdAt.getTime() > PREVIEW_TTL_MS) return { ok: false, status: 410, message: CONFIRM_MESSAGES.expired };
    return found;
  };
  try {
    return await db.transaction(async (tx): Promise<ConfirmResult> => {
      const found = await claim(tx);
      if ("ok" in found) return found;
      let acceptedRows = 0;
      let leftOut = 0;
      const { previewed, accepting: counts } = await planStoredRows(
        tx,
        importer,
        id,
        todayInLondon(now),
        async ({ stored, plan, accepting }) => {
          if (stored.some((r) => errorKey(r.errors) !== errorKey(plan.errors.get(r.line)))) throw new PreviewChanged();
          if (accepting !== plan) {
            // What became of the accepted rows replaces what the preview said of them, so the
            // rows kept once confirmed (for the download) are the ones not imported.
            const changed = stored.filter((r) => errorKey(plan.errors.get(r.line)) !== errorKey(accepting.errors.get(r.line)));
            await storeErrors(tx, id, changed.map((r) => [r.line, accepting.errors.get(r.line) ?? null]));
          }
          acceptedRows += accepting.acceptedLines.length;
          for (const errors of accepting.errors.values()) if (errors.some(isIdentityError)) leftOut += 1;
          await writePlan(tx, accepting, { importId: id, importer, origin: options.origin, now });
        },
        { accepted },
      );
      if (!sameCounts(previewed, countColumns(found))) throw new PreviewChanged();
      if (changesNothing(counts)) throw new NothingToImport(leftOut);
      await tx
        .update(placementImports)
        .set({ status: "confirmed", confirmedAt: now, ...countColumns(counts) })
        .where(eq(placementImports.id, id));
      // Only the invalid rows are kept, for their download; the rest is now in the tables it describes.
      await tx.delete(placementImportRows).where(and(eq(placementImportRows.importId, id), isNull(placementImportRows.errors)));
      await recordAudit(tx, auditBy(options.audit, importer), {
        action: "import.confirmed",
        targetType: "import",
        targetId: id,
        trustId: found.trustId,
        details: { ...counts, accepted: acceptedRows, leftOut },
      });
      return { ok: true, counts, accepted: acceptedRows, leftOut };
    });
  } catch (error) {
    if (error instanceof NothingToImport) {
      return { ok: false, status: 409, message: error.leftOut ? CONFIRM_MESSAGES.nothingAccepted : CONFIRM_MESSAGES.nothing };
    }
    if (!(error instanceof PreviewChanged)) throw error;
  }
  // Nothing was written. Show the importer what confirming would do now.
  return db.transaction(async (tx): Promise<ConfirmResult> => {
    const found = await claim(tx);
    if ("ok" in found) return found;
    const counts = await refreshPreview(tx, importer, id, now);
    return { ok: false, status: 409, message: CONFIRM_MESSAGES.changed, counts };
  });
}

async function writePlan(tx: Tx, plan: ImportPlan, options: { importId: string; importer: Importer; origin: string; now: Date }) {
  const { importId, importer, origin, now } = options;
  const at = now.toISOString();
  const json = (rows: unknown[]) => JSON.stringify(rows);
  // Each batch is one statement with one parameter (the rows as JSON), which PostgreSQL turns
  // into rows: far cheaper for the client than a thousand rows of bound parameters.

  // New trainees: an account without a password, a profile, an invitation and its e-mail.
  const created = plan.newTrainees.map((t) => ({ ...t, id: randomUUID(), token: randomBytes(32).toString("base64url") }));
  const idByGmc = new Map(created.map((t) => [t.gmcNumber, t.id]));
  await insertBatched(created, (batch) =>
    tx.execute(sql`
      insert into users (id, email, name, role, created_at, updated_at)
      select v.id, v.email, v.name, 'trainee', ${at}::timestamptz, ${at}::timestamptz
      from jsonb_to_recordset(${json(batch.map((t) => ({ id: t.id, email: t.email, name: t.name })))}::jsonb)
        as v(id text, email text, name text)`),
  );
  await insertBatched(created, (batch) =>
    tx.execute(sql`
      insert into trainee_profiles (user_id, gmc_number, grade, specialty, programme, region, ltft, created_at, updated_at)
      select v.id, v.gmc, v.grade, v.specialty, v.programme, v.region, v.ltft, ${at}::timestamptz, ${at}::timestamptz
      from jsonb_to_recordset(${json(
        batch.map((t) => ({ id: t.id, gmc: t.gmcNumber, grade: t.grade, specialty: t.specialty, programme: t.programme, region: t.region, ltft: t.ltft })),
      )}::jsonb)
        as v(id text, gmc text, grade grade, specialty text, programme text, region region, ltft boolean)`),
  );
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS).toISOString();
  const invitationIdByUser = new Map<string, string>();
  await insertBatched(created, async (batch) => {
    const rows = await queryRows<{ id: string; user_id: string }>(
      tx,
      sql`
        insert into invitations (email, name, role, token_hash, invited_by, user_id, created_at, expires_at)
        select v.email, v.name, 'trainee', v.hash, ${importer.id}, v.id, ${at}::timestamptz, ${expiresAt}::timestamptz
        from jsonb_to_recordset(${json(batch.map((t) => ({ email: t.email, name: t.name, hash: hashToken(t.token), id: t.id })))}::jsonb)
          as v(email text, name text, hash text, id text)
        returning id, user_id`,
    );
    for (const r of rows) invitationIdByUser.set(r.user_id, r.id);
  });
  // The invitations go into the outbox in the same transaction, so they are sent only if the
  // import commits.
  await queueEmails(
    tx,
    created.map((t) => ({ kind: "trainee_invitation" as const, recipientId: t.id, invitationId: invitationIdByUser.get(t.id)!, link: `${origin}/invitations/${t.token}` })),
  );

  await insertBatched(plan.traineeUpdates, (batch) =>
    tx.execute(sql`
      update trainee_profiles as p
      set grade = v.grade, specialty = v.specialty, programme = v.programme, ltft = v.ltft, updated_at = ${at}::timestamptz
      from jsonb_to_recordset(${json(batch)}::jsonb)
        as v("userId" text, grade grade, specialty text, programme text, ltft boolean)
      where p.user_id = v."userId"`),
  );

  await insertBatched(plan.newPlacements, (batch) =>
    tx.execute(sql`
      insert into placements (trainee_id, trust_id, site_id, site_name, specialty, grade, starts_on, ends_on, wte,
                              placement_type, source, import_id, created_at, updated_at)
      select v."traineeId", v."trustId", v."siteId", v."siteName", v.specialty, v.grade, v."startsOn", v."endsOn", v.wte,
             v."placementType", 'import', ${importId}::uuid, ${at}::timestamptz, ${at}::timestamptz
      from jsonb_to_recordset(${json(batch.map((p) => ({ ...valuesOf(p.row), traineeId: p.traineeId ?? idByGmc.get(p.row.gmcNumber)! })))}::jsonb)
        as v("traineeId" text, "trustId" uuid, "siteId" uuid, "siteName" text, specialty text, grade grade,
             "startsOn" date, "endsOn" date, wte numeric, "placementType" placement_type)`),
  );

  await insertBatched(plan.placementUpdates, (batch) =>
    tx.execute(sql`
      update placements as p
      set ends_on = v."endsOn", site_id = v."siteId", site_name = v."siteName", specialty = v.specialty,
          grade = v.grade, wte = v.wte, placement_type = v."placementType",
          source = 'import', import_id = ${importId}::uuid, updated_at = ${at}::timestamptz
      from jsonb_to_recordset(${json(batch.map((p) => ({ ...valuesOf(p.row), id: p.id })))}::jsonb)
        as v(id uuid, "endsOn" date, "siteId" uuid, "siteName" text, specialty text, grade grade, wte numeric, "placementType" placement_type)
      where p.id = v.id`),
  );
}
