// Rotation import: the rules that need no database. The columns of the national Trainee
// Information System's placement export, the check of each row, the plan of what an import
// changes given what the database already holds, and the CSV of the invalid rows.
// Safe for the browser bundle (the upload page lists the columns): no server imports.
import * as v from "valibot";

import { formatDate, isCalendarDate } from "~/utils/dates";

import { GRADES, PLACEMENT_TYPES, type Grade, type PlacementType, type Region } from "./domain";

export const IMPORT_COLUMNS = [
  "GMC Number",
  "Forenames",
  "Surname",
  "Email",
  "Grade",
  "Specialty1",
  "Programme Name",
  "Employing Body Code",
  "Site",
  "Date From",
  "Date To",
  "WTE",
  "Placement Type",
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 100_000;

/** Where each column's value sits in a stored row (`cells`): the order of IMPORT_COLUMNS. */
const COL = {
  gmc: 0,
  forenames: 1,
  surname: 2,
  email: 3,
  grade: 4,
  specialty: 5,
  programme: 6,
  ods: 7,
  site: 8,
  from: 9,
  to: 10,
  wte: 11,
  type: 12,
} as const;

export type RowErrorCode =
  | "columns"
  | "gmc"
  | "name"
  | "email"
  | "email_taken"
  | "grade"
  | "text"
  | "ods"
  | "not_your_trust"
  | "date"
  | "end_before_start"
  | "wte"
  | "placement_type"
  | "duplicate"
  | "overlap"
  | "identity_mismatch";

export interface RowError {
  /** The heading of the column at fault, or "" for the row as a whole. */
  column: string;
  code: RowErrorCode;
  reason: string;
}

/** One data row of the file: its line number (the heading row is line 1) and the known columns' values. */
export interface RawRow {
  line: number;
  cells: string[];
  /** Set when the row has the wrong number of values: its cells cannot be trusted. */
  shapeError?: RowError | null;
}

// ---------------------------------------------------------------------------------------
// Headings

export function normaliseHeading(heading: string): string {
  return heading.replace(/^\uFEFF/, "").trim().replace(/\s+/g, " ").toLowerCase();
}

export type HeadingResult = { ok: true; indexes: number[]; width: number } | { ok: false; message: string };

function listOf(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Finds each known column in the heading row (any case, any order); other columns are ignored. */
export function readHeadings(record: string[]): HeadingResult {
  const seen = new Map<string, number>();
  for (const [i, heading] of record.entries()) {
    const key = normaliseHeading(heading);
    if (!key) continue;
    const known = IMPORT_COLUMNS.find((c) => c.toLowerCase() === key);
    if (known && seen.has(key)) return { ok: false, message: `The column "${known}" appears more than once in the first row` };
    seen.set(key, i);
  }
  const missing = IMPORT_COLUMNS.filter((c) => !seen.has(c.toLowerCase()));
  if (missing.length) {
    const what = missing.length === 1 ? "column" : "columns";
    return {
      ok: false,
      message: `The file is missing the ${what} ${listOf(missing.map((c) => `"${c}"`))}. The first row must be the column headings`,
    };
  }
  return { ok: true, indexes: IMPORT_COLUMNS.map((c) => seen.get(c.toLowerCase())!), width: record.length };
}

// Control characters (NUL cannot be stored in PostgreSQL text at all) are dropped from every value.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export type Intern = (value: string) => string;

/**
 * One copy of each repeated value (trust codes, grades, dates, programmes, names): a large file
 * repeats them on most rows, and 100,000 rows of separate copies would take a lot of memory.
 */
export function createInterner(limit = 100_000): Intern {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (seen.size < limit) seen.set(value, value);
    return value;
  };
}

const identity: Intern = (value) => value;
/** GMC number and e-mail address are (nearly) unique to a trainee: not worth keeping in the interner. */
const UNIQUE_COLUMNS = new Set<number>([0, 3]);

/** The known columns' values of one record, trimmed, in IMPORT_COLUMNS order, and a row-level error for a wrong shape. */
export function rowFromRecord(line: number, record: string[], headings: { indexes: number[]; width: number }, intern: Intern = identity): RawRow {
  const cells = headings.indexes.map((i, column) => {
    const value = (record[i] ?? "").replace(CONTROL, "").trim();
    return UNIQUE_COLUMNS.has(column) ? value : intern(value);
  });
  let shapeError: RowError | null = null;
  const extra = record.slice(headings.width);
  if (record.length < headings.width || extra.some((c) => c.trim() !== "")) {
    shapeError = {
      column: "",
      code: "columns",
      reason: `The row has ${record.length} values but the heading row has ${headings.width}: check for a missing value or an unquoted comma`,
    };
  }
  return { line, cells, shapeError };
}

// ---------------------------------------------------------------------------------------
// Values

/** YYYY-MM-DD or DD/MM/YYYY (day and month may have one digit) to an ISO date, or null. */
export function parseImportDate(value: string): string | null {
  let y: number;
  let m: number;
  let d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (uk) [d, m, y] = [Number(uk[1]), Number(uk[2]), Number(uk[3])];
  else return null;
  if (y < 1950 || y > 2100) return null;
  const date = `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
  // The one test of a real day that every other date a person supplies goes through.
  return isCalendarDate(date) ? date : null;
}

/** Whole-time equivalent 0.1–1.0 with at most two decimals, as stored ("0.60"), or null. */
export function parseWte(value: string): string | null {
  if (!/^(?:\d(?:\.\d{1,2})?|\.\d{1,2})$/.test(value)) return null;
  const n = Number(value);
  if (!(n >= 0.1 && n <= 1)) return null;
  return n.toFixed(2);
}

const GRADE_ALIASES: Record<string, Grade> = { F1: "FY1", F2: "FY2" };

export function normaliseGrade(value: string): Grade | null {
  const key = value.toUpperCase().replace(/\s+/g, "");
  if ((GRADES as readonly string[]).includes(key)) return key as Grade;
  return GRADE_ALIASES[key] ?? null;
}

const placementTypeKey = (s: string) => s.toLowerCase().replace(/[^a-z]/g, "");
const PLACEMENT_TYPE_BY_KEY = new Map<string, PlacementType>(PLACEMENT_TYPES.map((t) => [placementTypeKey(t), t]));

/** "In Post - Extension", "in post-extension" and "IN POST – EXTENSION" are one type. */
export function normalisePlacementType(value: string): PlacementType | null {
  return PLACEMENT_TYPE_BY_KEY.get(placementTypeKey(value)) ?? null;
}

export function isValidGmcNumber(value: string): boolean {
  return /^\d{7}$/.test(value);
}

const EmailFormat = v.pipe(v.string(), v.maxLength(254), v.email());

// ---------------------------------------------------------------------------------------
// Checking rows

export interface TrustRef {
  id: string;
  odsCode: string;
  name: string;
  region: Region;
  /** Site id by lower-cased site name. */
  sites: Map<string, string>;
}

export interface CheckContext {
  trustsByOds: Map<string, TrustRef>;
  /** A DME's trust: rows at any other trust are refused. Null for an administrator. */
  scopeTrustId: string | null;
  /** Shares repeated derived values (dates, WTE, names) between rows. */
  intern?: Intern;
}

export interface CheckedRow {
  line: number;
  gmcNumber: string;
  name: string;
  email: string;
  grade: Grade;
  specialty: string;
  programme: string;
  trust: TrustRef;
  siteId: string | null;
  siteName: string;
  startsOn: string;
  endsOn: string;
  wte: string;
  placementType: PlacementType;
}

const MAX_TEXT = 200;

/** Every problem with one row's own values; a row with none becomes a CheckedRow. */
export function checkRow(row: RawRow, context: CheckContext): { ok: true; row: CheckedRow } | { ok: false; errors: RowError[] } {
  if (row.shapeError) return { ok: false, errors: [row.shapeError] };
  const c = (i: number) => row.cells[i] ?? "";
  const errors: RowError[] = [];
  const fail = (column: ImportColumn, code: RowErrorCode, reason: string) => errors.push({ column, code, reason });

  const gmcNumber = c(COL.gmc);
  if (!isValidGmcNumber(gmcNumber)) {
    fail("GMC Number", "gmc", gmcNumber ? `Bad GMC number "${gmcNumber}": it must be 7 digits, like 1234567` : "Bad GMC number: the GMC Number is empty");
  }

  const forenames = c(COL.forenames);
  const surname = c(COL.surname);
  const name = `${forenames} ${surname}`.trim();
  if (!surname) fail("Surname", "name", "The Surname is empty");
  else if (name.length > MAX_TEXT) fail("Surname", "name", `The name must be ${MAX_TEXT} characters or fewer`);

  const email = c(COL.email).toLowerCase();
  if (!email) fail("Email", "email", "The Email is empty");
  else if (!v.is(EmailFormat, email)) fail("Email", "email", `"${c(COL.email)}" is not an email address`);

  const grade = normaliseGrade(c(COL.grade));
  if (!grade) {
    fail("Grade", "grade", `Unknown grade "${c(COL.grade)}": use FY1, FY2, CT1 to CT3, ST1 to ST8 or GPST1 to GPST3`);
  }

  const specialty = c(COL.specialty);
  if (specialty.length > MAX_TEXT) fail("Specialty1", "text", `Specialty1 must be ${MAX_TEXT} characters or fewer`);
  const programme = c(COL.programme);
  if (programme.length > MAX_TEXT) fail("Programme Name", "text", `Programme Name must be ${MAX_TEXT} characters or fewer`);

  const odsCode = c(COL.ods).toUpperCase();
  const trust = context.trustsByOds.get(odsCode);
  if (!odsCode) fail("Employing Body Code", "ods", "Unknown ODS code: the Employing Body Code is empty");
  else if (!trust) fail("Employing Body Code", "ods", `Unknown ODS code "${c(COL.ods)}": no trust has this code`);
  else if (context.scopeTrustId && trust.id !== context.scopeTrustId) {
    fail("Employing Body Code", "not_your_trust", `Not your trust: ${trust.name} (${trust.odsCode}) is not the trust you import for`);
  }

  const siteName = c(COL.site);
  if (siteName.length > MAX_TEXT) fail("Site", "text", `Site must be ${MAX_TEXT} characters or fewer`);

  const startsOn = parseImportDate(c(COL.from));
  const endsOn = parseImportDate(c(COL.to));
  if (!startsOn) fail("Date From", "date", `Date From "${c(COL.from)}" is not a date like 2026-08-05 or 05/08/2026`);
  if (!endsOn) fail("Date To", "date", `Date To "${c(COL.to)}" is not a date like 2027-02-02 or 02/02/2027`);
  if (startsOn && endsOn && endsOn < startsOn) {
    fail("Date To", "end_before_start", `End before start: Date To (${formatDate(endsOn)}) is before Date From (${formatDate(startsOn)})`);
  }

  const wte = parseWte(c(COL.wte));
  if (!wte) fail("WTE", "wte", `WTE "${c(COL.wte)}" must be a number from 0.1 to 1.0, like 0.6`);

  const placementType = normalisePlacementType(c(COL.type));
  if (!placementType) {
    fail("Placement Type", "placement_type", `Unknown placement type "${c(COL.type)}": use ${listOf(PLACEMENT_TYPES.map((t) => t))}`);
  }

  if (errors.length || !grade || !trust || !startsOn || !endsOn || !wte || !placementType) return { ok: false, errors };
  const intern = context.intern ?? identity;
  return {
    ok: true,
    row: {
      line: row.line,
      gmcNumber,
      name: intern(name),
      email,
      grade,
      specialty,
      programme,
      trust,
      siteId: trust.sites.get(siteName.toLowerCase()) ?? null,
      siteName,
      startsOn: intern(startsOn),
      endsOn: intern(endsOn),
      wte: intern(wte),
      placementType,
    },
  };
}

const overlaps = (a: { startsOn: string; endsOn: string }, b: { startsOn: string; endsOn: string }) =>
  a.startsOn <= b.endsOn && b.startsOn <= a.endsOn;

const span = (p: { startsOn: string; endsOn: string }) => `${formatDate(p.startsOn)} to ${formatDate(p.endsOn)}`;

/** A trust as people know it, with the code the file uses: "Cambridge University Hospitals NHS Foundation Trust (RGT)". */
const trustLabel = (t: { name: string; odsCode: string }) => `${t.name} (${t.odsCode})`;

export interface CheckedFile {
  /** Rows that passed every check within the file, grouped by GMC number in order of first line. */
  byGmc: Map<string, CheckedRow[]>;
  errors: Map<number, RowError[]>;
  lines: number;
}

/**
 * The checks that need only the file: each row's values, then for each trainee, in line order,
 * a second row for the same trust and Date From (a duplicate) or a row whose dates overlap an
 * earlier row's. The later row is the one refused.
 */
export function checkFile(rows: RawRow[], context: CheckContext): CheckedFile {
  const errors = new Map<number, RowError[]>();
  const byGmc = new Map<string, CheckedRow[]>();
  for (const raw of rows) {
    const checked = checkRow(raw, context);
    if (!checked.ok) {
      errors.set(raw.line, checked.errors);
      continue;
    }
    const row = checked.row;
    const earlier = byGmc.get(row.gmcNumber) ?? [];
    const same = earlier.find((e) => e.trust.id === row.trust.id && e.startsOn === row.startsOn);
    if (same) {
      errors.set(row.line, [
        {
          column: "",
          code: "duplicate",
          reason: `Duplicate row: line ${same.line} has the same GMC number, Employing Body Code and Date From`,
        },
      ]);
      continue;
    }
    const clash = earlier.find((e) => overlaps(e, row));
    if (clash) {
      errors.set(row.line, [
        {
          column: "Date From",
          code: "overlap",
          reason: `Overlapping placements: overlaps the placement at ${trustLabel(clash.trust)} from ${span(clash)} on line ${clash.line}`,
        },
      ]);
      continue;
    }
    earlier.push(row);
    byGmc.set(row.gmcNumber, earlier);
  }
  return { byGmc, errors, lines: rows.length };
}

// ---------------------------------------------------------------------------------------
// The plan: what confirming would write, given what the database holds now

export interface TrainingDetails {
  grade: Grade;
  specialty: string;
  programme: string;
  ltft: boolean;
}

export interface ExistingTrainee extends TrainingDetails {
  userId: string;
  /** The account's name and (lower-case) e-mail address: a row naming someone else is not theirs without the importer's word. */
  name: string;
  email: string;
}

export interface ExistingPlacement {
  id: string;
  trustId: string;
  odsCode: string;
  trustName: string;
  startsOn: string;
  endsOn: string;
  siteId: string | null;
  siteName: string;
  specialty: string;
  grade: Grade;
  wte: string;
  placementType: PlacementType;
  source: "manual" | "import";
}

export interface PlanInput {
  file: CheckedFile;
  /** By GMC number. */
  trainees: Map<string, ExistingTrainee>;
  /** By trainee (user) id. */
  placements: Map<string, ExistingPlacement[]>;
  /** User id by (lower-case) e-mail address, for the addresses of trainees who would be new. */
  emailOwners: Map<string, string>;
  /** Today (Europe/London), to pick the row that describes the trainee now. */
  today: string;
  /**
   * E-mail addresses already given to new trainees earlier in the same file (by first line):
   * shared when a large file is planned a few trainees at a time.
   */
  claimedEmails?: Map<string, number>;
  /**
   * Who imports; an administrator when not given. An administrator's file is the national
   * record, so its current row describes the trainee. A DME's file holds their trust's rows
   * only, often of placements long past: it changes a trainee's training details only when one
   * of its rows is the trainee's current placement (see currentPlacementRow).
   */
  importer?: "admin" | "dme";
  /** Lines the importer accepted as the account holder's although their name or e-mail address differs. */
  accepted?: ReadonlySet<number>;
}

export interface ImportCounts {
  newTrainees: number;
  updatedTrainees: number;
  newPlacements: number;
  updatedPlacements: number;
  unchangedRows: number;
  invalidRows: number;
}

export interface PlacementValues {
  trustId: string;
  siteId: string | null;
  siteName: string;
  specialty: string;
  grade: Grade;
  startsOn: string;
  endsOn: string;
  wte: string;
  placementType: PlacementType;
}

/** A held trainee whose training details the import changes: the new values, and `before` as held. */
export interface TraineeUpdate extends TrainingDetails {
  userId: string;
  gmcNumber: string;
  /** The account's name and e-mail address, which the import never changes. */
  name: string;
  email: string;
  before: TrainingDetails;
}

export interface ImportPlan {
  counts: ImportCounts;
  errors: Map<number, RowError[]>;
  newTrainees: { gmcNumber: string; email: string; name: string; grade: Grade; specialty: string; programme: string; region: Region; ltft: boolean }[];
  traineeUpdates: TraineeUpdate[];
  /** traineeId is null for a trainee created by this import: look it up by the row's GMC number. */
  newPlacements: { row: CheckedRow; traineeId: string | null }[];
  placementUpdates: { row: CheckedRow; id: string }[];
  /** Lines imported for the account holder on the importer's word (see PlanInput.accepted). */
  acceptedLines: number[];
}

/**
 * The row that describes the trainee today: the placement that includes today, else the
 * latest one already started, else the first one to come. A placement that has not started
 * yet describes a grade the trainee does not hold yet, so it comes last.
 */
export function currentRow<T extends { startsOn: string; endsOn: string; line: number }>(rows: T[], today: string): T {
  const byStart = [...rows].sort((a, b) => (a.startsOn === b.startsOn ? a.line - b.line : a.startsOn < b.startsOn ? -1 : 1));
  const now = byStart.filter((r) => r.startsOn <= today && today <= r.endsOn);
  if (now.length) return now[now.length - 1]!;
  const started = byStart.filter((r) => r.startsOn <= today);
  if (started.length) return started[started.length - 1]!;
  return byStart[0]!;
}

const placementKey = (trustId: string, startsOn: string) => `${trustId}|${startsOn}`;

/**
 * The trainee's current placement, by the rule of currentRow, among every placement they would
 * hold after the import (those held that the rows do not replace, and the rows): the row when it
 * is one of the rows, else null (the current placement is one held, at this or another trust,
 * and the rows are the trainee's history or future there).
 */
export function currentPlacementRow(rows: CheckedRow[], held: ExistingPlacement[], today: string): CheckedRow | null {
  const replaced = new Set(rows.map((r) => placementKey(r.trust.id, r.startsOn)));
  const all = [
    ...held
      .filter((p) => !replaced.has(placementKey(p.trustId, p.startsOn)))
      .map((p) => ({ startsOn: p.startsOn, endsOn: p.endsOn, line: 0, row: null })),
    ...rows.map((row) => ({ startsOn: row.startsOn, endsOn: row.endsOn, line: row.line, row })),
  ];
  return currentRow(all, today).row;
}

const TITLE = /^(?:dr|mr|mrs|ms|miss|mx|prof|professor) /;

/**
 * A name as people compare names: case, accents, spacing, full stops and a leading title
 * ("Dr", "Mr", "Prof") make no difference, so "Dr Priya  Patel" and "priya patel" are one name.
 */
export function nameKey(name: string): string {
  let key = name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC`\u00B4]/g, "'")
    .replace(/[.,]/g, " ")
    .replace(/\s*-\s*/g, "-")
    .replace(/\s+/g, " ")
    .trim();
  while (TITLE.test(key)) key = key.replace(TITLE, "");
  return key;
}

/**
 * The refusal of a row whose GMC number is held by an account with another name or e-mail
 * address, or null when the row names the account holder. Only an administrator is told the
 * account's address: a DME could otherwise learn any trainee's address from a GMC number.
 */
export function identityMismatch(
  gmcNumber: string,
  account: { name: string; email: string },
  row: { name: string; email: string },
  options: { showAccountEmail: boolean },
): RowError | null {
  const nameDiffers = nameKey(account.name) !== nameKey(row.name);
  const emailDiffers = account.email.toLowerCase() !== row.email.toLowerCase();
  if (!nameDiffers && !emailDiffers) return null;
  const holder = `GMC ${gmcNumber} belongs to ${account.name}`;
  const otherAddress = options.showAccountEmail ? null : `${holder}, whose account has another email address`;
  let reason: string;
  if (!emailDiffers) reason = `${holder}; this row says ${row.name}`;
  else if (!nameDiffers) reason = `${otherAddress ?? `${holder}, whose email address is ${account.email}`}; this row says ${row.email}`;
  else reason = `${otherAddress ?? `${holder} (${account.email})`}; this row says ${row.name} (${row.email})`;
  return { column: "GMC Number", code: "identity_mismatch", reason };
}

const DETAIL_LABELS: [keyof TrainingDetails, string][] = [
  ["grade", "Grade"],
  ["specialty", "Specialty"],
  ["programme", "Programme"],
  ["ltft", "Working pattern"],
];

const shownDetail = (key: keyof TrainingDetails, value: TrainingDetails[keyof TrainingDetails]) =>
  key === "ltft" ? (value ? "Less than full time" : "Full time") : String(value) || "Not given";

/** Each training detail an update changes, as the preview shows it. */
export function trainingDetailChanges(update: TrainingDetails & { before: TrainingDetails }): { detail: string; before: string; after: string }[] {
  return DETAIL_LABELS.filter(([key]) => update[key] !== update.before[key]).map(([key, detail]) => ({
    detail,
    before: shownDetail(key, update.before[key]),
    after: shownDetail(key, update[key]),
  }));
}

/** What a row stores in a placement. */
export function valuesOf(row: CheckedRow): PlacementValues {
  return {
    trustId: row.trust.id,
    siteId: row.siteId,
    siteName: row.siteName,
    specialty: row.specialty,
    grade: row.grade,
    startsOn: row.startsOn,
    endsOn: row.endsOn,
    wte: row.wte,
    placementType: row.placementType,
  };
}

function samePlacement(existing: ExistingPlacement, row: PlacementValues): boolean {
  return (
    existing.endsOn === row.endsOn &&
    existing.siteId === row.siteId &&
    existing.siteName === row.siteName &&
    existing.specialty === row.specialty &&
    existing.grade === row.grade &&
    Number(existing.wte).toFixed(2) === row.wte &&
    existing.placementType === row.placementType &&
    existing.source === "import"
  );
}

/** True when confirming would write nothing: every valid row is held exactly as in the file. */
export function changesNothing(counts: ImportCounts): boolean {
  return counts.newTrainees + counts.updatedTrainees + counts.newPlacements + counts.updatedPlacements === 0;
}

/**
 * Matches rows to trainees (GMC number) and placements (trainee, trust and Date From) and
 * decides, row by row, new, updated, unchanged or invalid. Deterministic: the same file
 * against the same database gives the same plan, which is what makes a re-import change nothing.
 */
export function planImport(input: PlanInput): ImportPlan {
  const errors = new Map(input.file.errors);
  const refuse = (row: CheckedRow, error: RowError) => errors.set(row.line, [error]);
  const plan: ImportPlan = {
    counts: { newTrainees: 0, updatedTrainees: 0, newPlacements: 0, updatedPlacements: 0, unchangedRows: 0, invalidRows: 0 },
    errors,
    newTrainees: [],
    traineeUpdates: [],
    newPlacements: [],
    placementUpdates: [],
    acceptedLines: [],
  };
  const claimedEmails = input.claimedEmails ?? new Map<string, number>();
  const dme = input.importer === "dme";
  const accepted = input.accepted ?? new Set<number>();

  for (const [gmcNumber, fileRows] of input.file.byGmc) {
    const existing = input.trainees.get(gmcNumber);
    let rows = fileRows;
    const acceptedHere = new Set<number>();
    const notDescribing = new Set<CheckedRow>();

    if (!existing) {
      // A new account: its e-mail address must be free, in the database and in the file.
      const email = currentRow(rows, input.today).email;
      // The file's own trainees are asked about first: an account this import creates is then
      // never mistaken for someone else's, whichever order the trainees are planned in.
      const claimedBy = claimedEmails.get(email);
      const owner = claimedBy === undefined ? input.emailOwners.get(email) : undefined;
      if (owner || claimedBy !== undefined) {
        const reason =
          claimedBy !== undefined
            ? `The trainee on line ${claimedBy} has the same email address ${email}`
            : `Another account already uses the email address ${email} (the GMC number does not match it)`;
        for (const row of rows) refuse(row, { column: "Email", code: "email_taken", reason });
        continue;
      }
      claimedEmails.set(email, rows[0]!.line);
    } else {
      // A row naming someone other than the account holder (a mistyped GMC number, say) would
      // put another person's placement and details on this account: it writes nothing to the
      // account unless the importer accepts it. One that matches a placement held exactly (as
      // an earlier import accepted it) writes nothing anyway: it stays, unchanged, but does not
      // describe the trainee. The others are left out first, so that the placements they would
      // have replaced stay in the checks below.
      const held = input.placements.get(existing.userId) ?? [];
      const heldByKey = new Map(held.map((p) => [placementKey(p.trustId, p.startsOn), p]));
      rows = rows.filter((row) => {
        const mismatch = identityMismatch(gmcNumber, existing, row, { showAccountEmail: !dme });
        if (!mismatch) return true;
        if (accepted.has(row.line)) {
          acceptedHere.add(row.line);
          return true;
        }
        const match = heldByKey.get(placementKey(row.trust.id, row.startsOn));
        if (match && samePlacement(match, valuesOf(row))) {
          notDescribing.add(row);
          return true;
        }
        refuse(row, mismatch);
        return false;
      });
      // Against the placements already held: those the file does not replace must not overlap.
      // Refusing a row brings back the placement it would have replaced, so repeat until stable.
      for (let changed = true; changed; ) {
        changed = false;
        const replaced = new Set(rows.map((r) => placementKey(r.trust.id, r.startsOn)));
        const kept = held.filter((p) => !replaced.has(placementKey(p.trustId, p.startsOn)));
        for (const row of rows) {
          const clash = kept.find((p) => overlaps(p, row));
          if (!clash) continue;
          refuse(row, {
            column: "Date From",
            code: "overlap",
            reason: `Overlapping placements: overlaps the placement at ${trustLabel({ name: clash.trustName, odsCode: clash.odsCode })} from ${span(clash)} that the trainee already has`,
          });
          rows = rows.filter((r) => r !== row);
          changed = true;
          break;
        }
      }
      if (!rows.length) continue;
      for (const row of rows) if (acceptedHere.has(row.line)) plan.acceptedLines.push(row.line);
    }

    if (!existing) {
      const now = currentRow(rows, input.today);
      plan.newTrainees.push({
        gmcNumber,
        email: now.email,
        name: now.name,
        grade: now.grade,
        specialty: now.specialty,
        programme: now.programme,
        region: now.trust.region,
        ltft: Number(now.wte) < 1,
      });
      plan.counts.newTrainees += 1;
      for (const row of rows) plan.newPlacements.push({ row, traineeId: null });
      plan.counts.newPlacements += rows.length;
      continue;
    }

    // Training details come from the row that describes the trainee now; a blank specialty or
    // programme keeps what is held. A DME's rows describe the trainee only as their current placement.
    const held = input.placements.get(existing.userId) ?? [];
    const describing = rows.filter((r) => !notDescribing.has(r));
    const candidate = dme ? currentPlacementRow(rows, held, input.today) : describing.length ? currentRow(describing, input.today) : null;
    const now = candidate && !notDescribing.has(candidate) ? candidate : null;
    if (now) {
      const before: TrainingDetails = { grade: existing.grade, specialty: existing.specialty, programme: existing.programme, ltft: existing.ltft };
      const after: TrainingDetails = {
        grade: now.grade,
        specialty: now.specialty || existing.specialty,
        programme: now.programme || existing.programme,
        ltft: Number(now.wte) < 1,
      };
      if (DETAIL_LABELS.some(([key]) => after[key] !== before[key])) {
        plan.traineeUpdates.push({ userId: existing.userId, gmcNumber, name: existing.name, email: existing.email, ...after, before });
        plan.counts.updatedTrainees += 1;
      }
    }
    const byKey = new Map(held.map((p) => [placementKey(p.trustId, p.startsOn), p]));
    for (const row of rows) {
      const match = byKey.get(placementKey(row.trust.id, row.startsOn));
      if (!match) {
        plan.newPlacements.push({ row, traineeId: existing.userId });
        plan.counts.newPlacements += 1;
      } else if (samePlacement(match, valuesOf(row))) {
        plan.counts.unchangedRows += 1;
      } else {
        plan.placementUpdates.push({ row, id: match.id });
        plan.counts.updatedPlacements += 1;
      }
    }
  }
  plan.counts.invalidRows = errors.size;
  return plan;
}

// ---------------------------------------------------------------------------------------
// The invalid rows as CSV

/** A cell a spreadsheet would run as a formula gets a leading apostrophe, so it shows as text. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: every value quoted, quotes doubled. */
export function csvLine(values: string[]): string {
  return values.map((value) => `"${neutraliseCell(value).replace(/"/g, '""')}"`).join(",");
}

export const INVALID_ROWS_HEADINGS = [...IMPORT_COLUMNS, "Line", "Column", "Reason"];

/**
 * The invalid rows with the import's columns first, so the file can be corrected and uploaded
 * again as it is (the importer ignores the extra Line, Column and Reason columns). A byte order
 * mark makes spreadsheets read it as UTF-8.
 */
export function invalidRowsCsv(rows: { line: number; cells: string[]; errors: RowError[] }[]): string {
  const lines = [csvLine(INVALID_ROWS_HEADINGS)];
  for (const row of rows) {
    const columns = [...new Set(row.errors.map((e) => e.column).filter(Boolean))].join("; ");
    const reasons = row.errors.map((e) => e.reason).join("; ");
    lines.push(csvLine([...IMPORT_COLUMNS.map((_, i) => row.cells[i] ?? ""), String(row.line), columns, reasons]));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
