// Rotation import rules without a database: values, headings, checks within the file, the plan
// against existing data, the CSV of invalid rows and the streamed parser.
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";

import {
  checkFile,
  csvLine,
  currentRow,
  identityMismatch,
  IMPORT_COLUMNS,
  invalidRowsCsv,
  nameKey,
  neutraliseCell,
  normaliseGrade,
  normalisePlacementType,
  parseImportDate,
  parseWte,
  planImport,
  readHeadings,
  trainingDetailChanges,
  type CheckContext,
  type ExistingPlacement,
  type ExistingTrainee,
  type PlanInput,
  type RawRow,
  type TrustRef,
} from "~/models/rotation-import";
import { parseRotationCsv, UPLOAD_MESSAGES } from "~/models/rotation-import.server";

import { csvOf, importRow } from "../fixtures/rotation-import";

const RRK: TrustRef = { id: "t-rrk", odsCode: "RRK", name: "University Hospitals Birmingham NHS Foundation Trust", region: "Midlands", sites: new Map([["heartlands hospital", "s-heartlands"]]) };
const RKB: TrustRef = { id: "t-rkb", odsCode: "RKB", name: "University Hospitals Coventry and Warwickshire NHS Trust", region: "Midlands", sites: new Map() };
const admin: CheckContext = { trustsByOds: new Map([["RRK", RRK], ["RKB", RKB]]), scopeTrustId: null };

let nextLine = 2;
function raw(overrides: Record<string, string> = {}, line = nextLine++): RawRow {
  const row = importRow(overrides);
  return { line, cells: IMPORT_COLUMNS.map((c) => row[c] ?? ""), shapeError: null };
}

async function* chunked(text: string | Uint8Array, size = 7): AsyncIterable<Uint8Array> {
  const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe("values", () => {
  it.each([
    ["2026-08-05", "2026-08-05"],
    ["05/08/2026", "2026-08-05"],
    ["5/8/2026", "2026-08-05"],
    ["29/02/2028", "2028-02-29"],
    ["29/02/2027", null],
    ["2026-13-01", null],
    ["08/05/26", null],
    ["5 August 2026", null],
    ["", null],
  ])("date %j is %j", (input, expected) => {
    expect(parseImportDate(input)).toBe(expected);
  });

  it.each([
    ["1.0", "1.00"],
    ["1", "1.00"],
    ["0.6", "0.60"],
    [".8", "0.80"],
    ["0.75", "0.75"],
    ["0.1", "0.10"],
    ["0.05", null],
    ["1.2", null],
    ["0.125", null],
    ["60%", null],
    ["", null],
  ])("WTE %j is %j", (input, expected) => {
    expect(parseWte(input)).toBe(expected);
  });

  it("knows the grades and placement types however they are written", () => {
    expect(normaliseGrade("st3")).toBe("ST3");
    expect(normaliseGrade("GP ST2")).toBe("GPST2");
    expect(normaliseGrade("F1")).toBe("FY1");
    expect(normaliseGrade("ST9")).toBeNull();
    expect(normaliseGrade("Registrar")).toBeNull();
    expect(normalisePlacementType("in post - extension")).toBe("In Post - Extension");
    expect(normalisePlacementType("In Post–Extension")).toBe("In Post - Extension");
    expect(normalisePlacementType("Long Term Sick")).toBe("Long-term Sick");
    expect(normalisePlacementType("oopr")).toBe("OOPR");
    expect(normalisePlacementType("Career break")).toBeNull();
  });
});

describe("headings", () => {
  it("finds the columns in any order and case and ignores others", () => {
    const headings = ["Placement Type", "wte", "Extra", ...IMPORT_COLUMNS.slice(0, 11).map((c) => c.toUpperCase())];
    const result = readHeadings(headings);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.indexes[IMPORT_COLUMNS.indexOf("Placement Type")]).toBe(0);
      expect(result.indexes[IMPORT_COLUMNS.indexOf("GMC Number")]).toBe(3);
    }
  });

  it("names every missing column", () => {
    const result = readHeadings(IMPORT_COLUMNS.filter((c) => c !== "Grade" && c !== "WTE"));
    expect(result).toEqual({ ok: false, message: 'The file is missing the columns "Grade" and "WTE". The first row must be the column headings' });
  });

  it("refuses a column named twice", () => {
    expect(readHeadings([...IMPORT_COLUMNS, "grade"])).toMatchObject({ ok: false, message: 'The column "Grade" appears more than once in the first row' });
  });
});

describe("checks within the file", () => {
  it("accepts a good row and normalises it", () => {
    const file = checkFile([raw({ Site: "HEARTLANDS HOSPITAL", "Date From": "05/08/2026", WTE: "0.6", Email: "Ada@Example.NHS.uk", Grade: "fy2" })], admin);
    expect(file.errors.size).toBe(0);
    const [row] = file.byGmc.get("7000001")!;
    expect(row).toMatchObject({ startsOn: "2026-08-05", wte: "0.60", email: "ada@example.nhs.uk", grade: "FY2", siteId: "s-heartlands", name: "Ada Lovelace" });
  });

  it.each([
    [{ "GMC Number": "12345" }, "GMC Number", "gmc", /Bad GMC number "12345"/],
    [{ "GMC Number": "" }, "GMC Number", "gmc", /Bad GMC number/],
    [{ "Employing Body Code": "ZZZ" }, "Employing Body Code", "ods", /Unknown ODS code "ZZZ"/],
    [{ "Date To": "2026-08-01" }, "Date To", "end_before_start", /End before start/],
    [{ Grade: "Registrar" }, "Grade", "grade", /Unknown grade "Registrar"/],
    [{ "Date From": "31/02/2026" }, "Date From", "date", /is not a date/],
    [{ WTE: "1.5" }, "WTE", "wte", /from 0.1 to 1.0/],
    [{ "Placement Type": "Career break" }, "Placement Type", "placement_type", /Unknown placement type/],
    [{ Email: "not-an-address" }, "Email", "email", /not an email address/],
    [{ Surname: "" }, "Surname", "name", /Surname is empty/],
  ])("refuses %j in %s", (overrides, column, code, reason) => {
    const row = raw(overrides);
    const file = checkFile([row], admin);
    const [error] = file.errors.get(row.line)!;
    expect(error).toMatchObject({ column, code });
    expect(error!.reason).toMatch(reason);
  });

  it("lists every problem of a row, not just the first", () => {
    const row = raw({ "GMC Number": "x", Grade: "ZZ", WTE: "2" });
    expect(checkFile([row], admin).errors.get(row.line)!.map((e) => e.code)).toEqual(["gmc", "grade", "wte"]);
  });

  it("refuses rows at other trusts for a DME", () => {
    const row = raw({ "Employing Body Code": "RKB" });
    const file = checkFile([row], { ...admin, scopeTrustId: RRK.id });
    expect(file.errors.get(row.line)).toEqual([
      expect.objectContaining({ column: "Employing Body Code", code: "not_your_trust", reason: expect.stringMatching(/^Not your trust/) }),
    ]);
  });

  it("refuses the later of two rows with the same GMC number, trust and Date From", () => {
    const a = raw();
    const b = raw({ "Date To": "2027-01-01" });
    const file = checkFile([a, b], admin);
    expect(file.errors.get(b.line)).toEqual([expect.objectContaining({ code: "duplicate", reason: expect.stringContaining(`line ${a.line}`) })]);
    expect(file.byGmc.get("7000001")).toHaveLength(1);
  });

  it("refuses overlapping placements of one trainee but not consecutive ones or other trainees'", () => {
    const first = raw();
    const next = raw({ "Date From": "2027-02-03", "Date To": "2027-08-01", "Employing Body Code": "RKB" });
    const overlapping = raw({ "Date From": "2027-02-02", "Date To": "2027-03-01", "Employing Body Code": "RKB" });
    const someoneElse = raw({ "GMC Number": "7000002", Email: "b@example.nhs.uk" });
    const file = checkFile([first, next, overlapping, someoneElse], admin);
    expect([...file.errors.keys()]).toEqual([overlapping.line]);
    expect(file.errors.get(overlapping.line)![0]).toMatchObject({ code: "overlap", column: "Date From" });
    expect(file.errors.get(overlapping.line)![0]!.reason).toContain(`line ${first.line}`);
  });

  it("overlap reasons name the trust, not only its code (two rows of the file)", () => {
    const first = raw({ "Employing Body Code": "RKB" });
    const overlapping = raw({ "Date From": "2026-10-01", "Date To": "2027-03-01" });
    const file = checkFile([first, overlapping], admin);
    expect(file.errors.get(overlapping.line)![0]!.reason).toBe(
      `Overlapping placements: overlaps the placement at University Hospitals Coventry and Warwickshire NHS Trust (RKB) from 5 August 2026 to 2 February 2027 on line ${first.line}`,
    );
  });
});

describe("the plan against the database", () => {
  const existingPlacement = (overrides: Partial<ExistingPlacement> = {}): ExistingPlacement => ({
    id: "p1",
    trustId: RRK.id,
    odsCode: "RRK",
    trustName: RRK.name,
    startsOn: "2026-08-05",
    endsOn: "2027-02-02",
    siteId: null,
    siteName: "",
    specialty: "General Medicine",
    grade: "FY2",
    wte: "1.00",
    placementType: "In Post",
    source: "import",
    ...overrides,
  });
  // The account that holds GMC number 7000001: the fixture's row (Ada Lovelace) is hers.
  const trainee: ExistingTrainee = {
    userId: "u1",
    name: "Dr Ada Lovelace",
    email: "ada.lovelace@example.nhs.uk",
    grade: "FY2",
    specialty: "General Medicine",
    programme: "Midlands Foundation Programme",
    ltft: false,
  };
  const plan = (
    rows: RawRow[],
    held: ExistingPlacement[] = [],
    emailOwners = new Map<string, string>(),
    options: Pick<PlanInput, "accepted" | "importer"> & { trainee?: ExistingTrainee; context?: CheckContext } = {},
  ) =>
    planImport({
      file: checkFile(rows, options.context ?? admin),
      trainees: new Map([["7000001", options.trainee ?? trainee]]),
      placements: new Map([["u1", held]]),
      emailOwners,
      today: "2026-09-01",
      accepted: options.accepted,
      importer: options.importer,
    });

  it("finds new trainees, new placements, updates and unchanged rows", () => {
    const result = plan(
      [
        raw(), // same as held: unchanged
        raw({ "Date From": "2027-02-03", "Date To": "2027-08-01" }), // new placement for the known trainee
        raw({ "GMC Number": "7000002", Email: "new@example.nhs.uk", WTE: "0.8" }), // a new trainee
      ],
      [existingPlacement()],
    );
    expect(result.counts).toEqual({ newTrainees: 1, updatedTrainees: 0, newPlacements: 2, updatedPlacements: 0, unchangedRows: 1, invalidRows: 0 });
    expect(result.newTrainees).toEqual([expect.objectContaining({ gmcNumber: "7000002", email: "new@example.nhs.uk", ltft: true, region: "Midlands" })]);
  });

  it("updates a matched placement and the trainee's grade", () => {
    const result = plan([raw({ "Date To": "2027-03-01", Grade: "CT1" })], [existingPlacement()]);
    expect(result.counts).toMatchObject({ updatedPlacements: 1, updatedTrainees: 1, unchangedRows: 0 });
    expect(result.placementUpdates[0]).toMatchObject({ id: "p1", row: { endsOn: "2027-03-01", grade: "CT1" } });
  });

  it("refuses a row overlapping a held placement at another trust, unless the file replaces that placement", () => {
    const held = existingPlacement({ id: "p2", trustId: RKB.id, odsCode: "RKB", startsOn: "2026-06-01", endsOn: "2026-09-30" });
    const clash = raw();
    const refused = plan([clash], [held]);
    expect(refused.errors.get(clash.line)).toEqual([expect.objectContaining({ code: "overlap", reason: expect.stringContaining("(RKB)") })]);
    expect(refused.counts.invalidRows).toBe(1);
    // The same file also shortens the RKB placement: now they fit.
    const shortened = plan([raw({ "Employing Body Code": "RKB", "Date From": "2026-06-01", "Date To": "2026-08-04" }), raw()], [held]);
    expect(shortened.errors.size).toBe(0);
    expect(shortened.counts).toMatchObject({ updatedPlacements: 1, newPlacements: 1 });
  });

  it("refuses a new trainee whose email address another account uses", () => {
    const row = raw({ "GMC Number": "7000003", Email: "taken@example.nhs.uk" });
    const result = plan([row], [], new Map([["taken@example.nhs.uk", "someone"]]));
    expect(result.errors.get(row.line)).toEqual([expect.objectContaining({ column: "Email", code: "email_taken" })]);
    expect(result.newTrainees).toHaveLength(0);
  });

  it("overlap reasons name the trust, not only its code (a placement already held)", () => {
    const held = existingPlacement({ id: "p2", trustId: RKB.id, odsCode: "RKB", trustName: RKB.name, startsOn: "2026-06-01", endsOn: "2026-09-30" });
    const clash = raw();
    expect(plan([clash], [held]).errors.get(clash.line)![0]!.reason).toBe(
      "Overlapping placements: overlaps the placement at University Hospitals Coventry and Warwickshire NHS Trust (RKB) from 1 June 2026 to 30 September 2026 that the trainee already has",
    );
  });

  it("an import row can silently merge a different person into an account: a row naming someone else is left out unless accepted", () => {
    const chidi = { Forenames: "Chidi", Surname: "Okafor", Email: "Chidi.Okafor@example.nhs.uk", Grade: "ST3", Specialty1: "Cardiology", "Programme Name": "Midlands Cardiology" };
    const row = raw(chidi);
    const refused = plan([row], [existingPlacement()]);
    expect(refused.errors.get(row.line)).toEqual([
      {
        column: "GMC Number",
        code: "identity_mismatch",
        reason: "GMC 7000001 belongs to Dr Ada Lovelace (ada.lovelace@example.nhs.uk); this row says Chidi Okafor (chidi.okafor@example.nhs.uk)",
      },
    ]);
    expect(refused.traineeUpdates).toEqual([]);
    expect(refused.placementUpdates).toEqual([]);
    expect(refused.counts).toMatchObject({ updatedTrainees: 0, updatedPlacements: 0, invalidRows: 1 });

    // Ticked by the importer: imported for the account holder, old and new values at hand.
    const accepted = plan([row], [existingPlacement()], new Map(), { accepted: new Set([row.line]) });
    expect(accepted.errors.size).toBe(0);
    expect(accepted.acceptedLines).toEqual([row.line]);
    expect(accepted.traineeUpdates).toEqual([
      {
        userId: "u1",
        gmcNumber: "7000001",
        name: "Dr Ada Lovelace",
        email: "ada.lovelace@example.nhs.uk",
        grade: "ST3",
        specialty: "Cardiology",
        programme: "Midlands Cardiology",
        ltft: false,
        before: { grade: "FY2", specialty: "General Medicine", programme: "Midlands Foundation Programme", ltft: false },
      },
    ]);
    expect(trainingDetailChanges(accepted.traineeUpdates[0]!)).toEqual([
      { detail: "Grade", before: "FY2", after: "ST3" },
      { detail: "Specialty", before: "General Medicine", after: "Cardiology" },
      { detail: "Programme", before: "Midlands Foundation Programme", after: "Midlands Cardiology" },
    ]);
    // Only the ticked line counts: another line of the same trainee is still left out.
    const second = raw({ ...chidi, "Date From": "2027-02-03", "Date To": "2027-08-01" });
    const partly = plan([row, second], [existingPlacement()], new Map(), { accepted: new Set([row.line]) });
    expect([...partly.errors.keys()]).toEqual([second.line]);
    expect(partly.acceptedLines).toEqual([row.line]);
  });

  it("does not ask again about a row naming someone else that is held exactly as it says, but does not let it describe the trainee", () => {
    // Accepted by an earlier import: the placement is held as the row says.
    const row = raw({ Forenames: "Chidi", Surname: "Okafor", Email: "chidi@example.nhs.uk" });
    const result = plan([row], [existingPlacement()], new Map(), { trainee: { ...trainee, grade: "FY1" } });
    expect(result.errors.size).toBe(0);
    expect(result.counts).toMatchObject({ unchangedRows: 1, updatedTrainees: 0, invalidRows: 0 });
    // Changed in the file since: asked again.
    const changed = raw({ Forenames: "Chidi", Surname: "Okafor", Email: "chidi@example.nhs.uk", "Date To": "2027-03-01" });
    expect(plan([changed], [existingPlacement()]).errors.get(changed.line)).toEqual([expect.objectContaining({ code: "identity_mismatch" })]);
  });

  it("says which of the name and the email address differs, and hides the account's address from a DME", () => {
    const account = { name: "Dr Priya Patel", email: "trainee@demo.test" };
    const admin = { showAccountEmail: true };
    expect(identityMismatch("7100001", account, { name: "Chidi Okafor", email: "trainee@demo.test" }, admin)?.reason).toBe(
      "GMC 7100001 belongs to Dr Priya Patel; this row says Chidi Okafor",
    );
    expect(identityMismatch("7100001", account, { name: "Priya Patel", email: "p.patel@nhs.net" }, admin)?.reason).toBe(
      "GMC 7100001 belongs to Dr Priya Patel, whose email address is trainee@demo.test; this row says p.patel@nhs.net",
    );
    const dme = { showAccountEmail: false };
    expect(identityMismatch("7100001", account, { name: "Priya Patel", email: "p.patel@nhs.net" }, dme)?.reason).toBe(
      "GMC 7100001 belongs to Dr Priya Patel, whose account has another email address; this row says p.patel@nhs.net",
    );
    expect(identityMismatch("7100001", account, { name: "Chidi Okafor", email: "c@nhs.net" }, dme)?.reason).not.toContain("trainee@demo.test");
    expect(identityMismatch("7100001", account, { name: "priya  PATEL", email: "trainee@demo.test" }, admin)).toBeNull();
  });

  it.each([
    ["Dr Priya Patel", "Priya Patel"],
    ["Dr. Priya Patel", "priya patel"],
    ["  PRIYA   PATEL ", "Priya Patel"],
    ["Priya Patel", "DR PRIYA PATEL"],
    ["Zoë O’Brien", "Zoe O'Brien"],
    ["Mary-Jane Smith", "Mary - Jane Smith"],
    ["Mr John Smith", "John Smith"],
  ])("takes %j and %j for the same name", (a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it.each([
    ["Priya Patel", "Priya Shah"],
    ["Priya Patel", "Chidi Okafor"],
    ["Dr Priya Patel", "Priyanka Patel"],
  ])("takes %j and %j for different names", (a, b) => {
    expect(nameKey(a)).not.toBe(nameKey(b));
  });

  it("does not flag the account holder's own rows with another case, spacing or a title", () => {
    const row = raw({ Forenames: " ADA ", Surname: "lovelace", Email: "Ada.Lovelace@Example.NHS.uk" });
    const result = plan([row], [existingPlacement()]);
    expect(result.errors.size).toBe(0);
    expect(result.counts.unchangedRows).toBe(1);
  });

  it("a DME's import must not rewrite a trainee's national profile fields from a row of another trust's trainee history", () => {
    const dme: CheckContext = { ...admin, scopeTrustId: RRK.id };
    const now: ExistingTrainee = { ...trainee, grade: "ST4", specialty: "Cardiology", programme: "Midlands Cardiology", ltft: false };
    // Placed at RKB now (today is 1 September 2026); the DME's file has the trainee's CT2 year at RRK, part time.
    const heldNow = existingPlacement({ id: "p-now", trustId: RKB.id, odsCode: "RKB", trustName: RKB.name, grade: "ST4", specialty: "Cardiology", startsOn: "2026-08-05", endsOn: "2027-08-03" });
    const history = raw({ Grade: "CT2", Specialty1: "Core Medical Training", "Programme Name": "Midlands Core Medicine", "Date From": "2024-08-07", "Date To": "2025-08-05", WTE: "0.6" });
    const result = plan([history], [heldNow], new Map(), { importer: "dme", context: dme, trainee: now });
    expect(result.traineeUpdates).toEqual([]);
    expect(result.counts).toMatchObject({ updatedTrainees: 0, newPlacements: 1 });
    expect(result.newPlacements).toEqual([expect.objectContaining({ traineeId: "u1", row: expect.objectContaining({ trust: RRK, grade: "CT2", startsOn: "2024-08-07" }) })]);

    // The DME's row that is the trainee's current placement does describe them.
    const current = raw({ Grade: "ST5", Specialty1: "Cardiology", "Programme Name": "", "Date From": "2026-08-05", "Date To": "2027-08-03", WTE: "0.8" });
    const before = existingPlacement({ id: "p-past", trustId: RKB.id, odsCode: "RKB", trustName: RKB.name, grade: "ST4", startsOn: "2025-08-06", endsOn: "2026-08-04" });
    const updated = plan([current], [before], new Map(), { importer: "dme", context: dme, trainee: now });
    expect(updated.traineeUpdates).toEqual([expect.objectContaining({ grade: "ST5", specialty: "Cardiology", programme: "Midlands Cardiology", ltft: true })]);

    // An administrator's file is the national record: its current row describes the trainee.
    const national = plan([history], [heldNow], new Map(), { trainee: now });
    expect(national.traineeUpdates).toEqual([expect.objectContaining({ grade: "CT2" })]);
  });

  it("describes the trainee by the placement of today", () => {
    const rows = [
      { line: 2, startsOn: "2026-08-05", endsOn: "2027-02-02" },
      { line: 3, startsOn: "2027-02-03", endsOn: "2027-08-01" },
      { line: 4, startsOn: "2025-08-05", endsOn: "2026-08-04" },
    ];
    expect(currentRow(rows, "2026-09-01").line).toBe(2);
    expect(currentRow(rows, "2030-01-01").line).toBe(3);
    expect(currentRow(rows, "2020-01-01").line).toBe(4);
  });
});

describe("the CSV of invalid rows", () => {
  it("neutralises cells a spreadsheet would run", () => {
    expect(neutraliseCell("=HYPERLINK(\"http://x\")")).toBe("'=HYPERLINK(\"http://x\")");
    expect(neutraliseCell("+44")).toBe("'+44");
    expect(neutraliseCell("-1")).toBe("'-1");
    expect(neutraliseCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(neutraliseCell("In Post - Extension")).toBe("In Post - Extension");
    expect(csvLine(['a "quoted", value', "line\nbreak"])).toBe('"a ""quoted"", value","line\nbreak"');
  });

  it("has the import's columns, then line, column and reason, and reads back as the same values", () => {
    const text = invalidRowsCsv([
      { line: 7, cells: IMPORT_COLUMNS.map((c) => (c === "Surname" ? "=cmd|' /C calc'!A0" : c === "Forenames" ? 'Jo, "JJ"' : "x")), errors: [{ column: "Grade", code: "grade", reason: 'Unknown grade "x"' }] },
    ]);
    expect(text.startsWith("\uFEFF")).toBe(true);
    const records = parse(text, { bom: true }) as string[][];
    expect(records[0]).toEqual([...IMPORT_COLUMNS, "Line", "Column", "Reason"]);
    expect(records[1]![IMPORT_COLUMNS.indexOf("Surname")]).toBe("'=cmd|' /C calc'!A0");
    expect(records[1]![IMPORT_COLUMNS.indexOf("Forenames")]).toBe('Jo, "JJ"');
    expect(records[1]!.slice(-3)).toEqual(["7", "Grade", 'Unknown grade "x"']);
  });
});

describe("the streamed parser", () => {
  it("reads a file with a BOM and Windows line endings, in small chunks, with spreadsheet line numbers", async () => {
    const text = csvOf(
      [importRow(), importRow({ "GMC Number": "7000002", "Programme Name": "Two\r\nlines" }), importRow({ "GMC Number": "7000003" })],
      { bom: true, eol: "\r\n" },
    );
    const parsed = await parseRotationCsv(chunked(text, 5));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rows.map((r) => r.line)).toEqual([2, 3, 5]);
    expect(parsed.rows[0]!.cells[0]).toBe("7000001");
    expect(parsed.rows[1]!.cells[IMPORT_COLUMNS.indexOf("Programme Name")]).toBe("Two\r\nlines");
  });

  it("skips blank lines and rows of empty cells but keeps counting lines", async () => {
    const text = `${IMPORT_COLUMNS.join(",")}\n\n${",".repeat(12)}\n${csvOf([importRow()]).split("\n")[1]}\n`;
    const parsed = await parseRotationCsv(chunked(text));
    expect(parsed.ok && parsed.rows.map((r) => r.line)).toEqual([4]);
  });

  it("marks a row with the wrong number of values", async () => {
    const text = `${IMPORT_COLUMNS.join(",")},Notes\n7000001,Ada\n`;
    const parsed = await parseRotationCsv(chunked(text));
    expect(parsed.ok && parsed.rows[0]!.shapeError).toMatchObject({ code: "columns", reason: expect.stringContaining("has 2 values") });
  });

  it.each([
    ["an empty file", "", UPLOAD_MESSAGES.empty],
    ["only blank lines", "\r\n\r\n", UPLOAD_MESSAGES.empty],
    ["headings and no rows", `${IMPORT_COLUMNS.join(",")}\r\n`, UPLOAD_MESSAGES.noRows],
    ["a spreadsheet", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), UPLOAD_MESSAGES.notCsv],
    ["an unclosed quote", `${IMPORT_COLUMNS.join(",")}\n"7000001,Ada\n`, "quoted value"],
    ["a missing column", "GMC Number,Surname\n7000001,Lovelace\n", 'missing the columns "Forenames"'],
  ])("refuses %s", async (_, content, message) => {
    const parsed = await parseRotationCsv(chunked(content, 4096));
    expect(parsed).toMatchObject({ ok: false, status: 400, message: expect.stringContaining(message) });
  });

  it("nothing in the import reads a file larger than the limit: parsing stops at the limit", async () => {
    let read = 0;
    async function* counted(text: string) {
      for await (const chunk of chunked(text, 64)) {
        read += chunk.byteLength;
        yield chunk;
      }
    }
    const text = csvOf(Array.from({ length: 60 }, (_, i) => importRow({ "GMC Number": String(7000001 + i) })));
    expect(await parseRotationCsv(counted(text), { maxBytes: 300 })).toEqual({ ok: false, status: 413, message: UPLOAD_MESSAGES.tooLarge });
    // The chunk that goes over the limit is the last one asked for.
    expect(read).toBeGreaterThan(300);
    expect(read).toBeLessThanOrEqual(300 + 64);
  });

  it("stops at the row limit but reads its source to the end", async () => {
    let read = 0;
    async function* counted(text: string) {
      for await (const chunk of chunked(text, 64)) {
        read += chunk.byteLength;
        yield chunk;
      }
    }
    const text = csvOf(Array.from({ length: 6 }, (_, i) => importRow({ "GMC Number": String(7000001 + i) })));
    expect(await parseRotationCsv(counted(text), { maxRows: 5 })).toEqual({ ok: false, status: 400, message: UPLOAD_MESSAGES.tooManyRows });
    expect(read).toBe(new TextEncoder().encode(text).byteLength);
    expect((await parseRotationCsv(counted(text), { maxRows: 6 })).ok).toBe(true);
  });
});
