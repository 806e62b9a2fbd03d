// Rotation import against a real database: preview writes nothing, confirm writes everything
// in one transaction, re-import changes nothing, every reason a row is refused, the limits
// (through the upload route), BOM and CRLF, a DME's scope, and the invitation of new trainees.
import { and, asc, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { emailOutbox, invitations, placementImportRows, placementImports, placements, traineeProfiles, users } from "@db/schema";
import { acceptInvitation } from "~/models/users.server";
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES } from "~/models/rotation-import";
import {
  CONFIRM_MESSAGES,
  confirmImport,
  createImportPreview,
  getImport,
  invalidRowsCsvFor,
  listImports,
  PREVIEW_TTL_MS,
  readRotationUpload,
  UPLOAD_MESSAGES,
  type Importer,
} from "~/models/rotation-import.server";
import * as importDetail from "~/routes/imports.$id";
import * as importsPage from "~/routes/imports._index";
import * as invalidCsv from "~/routes/imports.$id_.invalid[.]csv";

import { callRoute, getRequest, sessionCookieFor } from "../helpers/context";

import { composedOutbox } from "../helpers/emails";
import { useTestDatabase } from "../helpers/db";
import { makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { csvOf, importRow, TEST_ORIGIN, uploadRequest } from "../fixtures/rotation-import";

const t = useTestDatabase();

async function setup() {
  const rrk = await makeTrust(t.db, { odsCode: "RRK", name: "University Hospitals Birmingham NHS Foundation Trust", siteNames: ["Heartlands Hospital"] });
  const rkb = await makeTrust(t.db, { odsCode: "RKB", name: "University Hospitals Coventry and Warwickshire NHS Trust", siteNames: [] });
  const adminUser = await makeUser(t.db, { role: "admin", email: "admin@example.nhs.uk" });
  const dmeUser = await makeUser(t.db, { role: "dme", trustId: rrk.id, email: "dme@example.nhs.uk" });
  const admin: Importer = { id: adminUser.id, role: "admin", trustId: null };
  const dme: Importer = { id: dmeUser.id, role: "dme", trustId: rrk.id };
  return { rrk, rkb, admin, dme, adminUser, dmeUser };
}

async function upload(text: string, fileName = "rotations.csv") {
  const result = await readRotationUpload(uploadRequest(text, fileName));
  if (!result.ok) throw new Error(`upload refused: ${result.message}`);
  return result;
}

async function preview(importer: Importer, text: string, fileName = "rotations.csv", now?: Date) {
  return createImportPreview(t.db, importer, await upload(text, fileName), { now });
}

async function confirm(importer: Importer, id: string, now?: Date, accepted?: number[]) {
  return confirmImport(t.db, importer, id, { origin: TEST_ORIGIN, now, accepted });
}

/** The preview page's confirm form as a browser posts it, with the lines ticked. */
function confirmRequest(id: string, cookie: string, accepted: number[] = []): Request {
  const body = new URLSearchParams([["intent", "confirm"], ...accepted.map((line): [string, string] => ["accept", String(line)])]);
  return new Request(`${TEST_ORIGIN}/imports/${id}`, {
    method: "POST",
    body,
    headers: { Origin: TEST_ORIGIN, Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded" },
  });
}

async function rowCount(table: typeof users | typeof traineeProfiles | typeof placements | typeof invitations | typeof emailOutbox) {
  const [row] = await t.db.select({ n: count() }).from(table);
  return row!.n;
}

async function snapshot() {
  return {
    users: await t.db.select().from(users).orderBy(asc(users.email)),
    profiles: await t.db.select().from(traineeProfiles).orderBy(asc(traineeProfiles.gmcNumber)),
    placements: await t.db.select().from(placements).orderBy(asc(placements.traineeId), asc(placements.startsOn)),
    invitations: await t.db.select().from(invitations).orderBy(asc(invitations.email)),
    emails: await t.db.select().from(emailOutbox).orderBy(asc(emailOutbox.id)),
  };
}

const THREE_GOOD = () => [
  importRow({ "GMC Number": "7000001", Forenames: "Ada", Surname: "Lovelace", Email: "Ada.Lovelace@Example.nhs.uk", Site: "Heartlands Hospital" }),
  importRow({ "GMC Number": "7000001", Forenames: "Ada", Surname: "Lovelace", Email: "ada.lovelace@example.nhs.uk", "Employing Body Code": "RKB", "Date From": "03/02/2027", "Date To": "01/08/2027", Grade: "CT1" }),
  importRow({ "GMC Number": "7000002", Forenames: "Grace", Surname: "Hopper", Email: "grace.hopper@example.nhs.uk", WTE: "0.6", "Placement Type": "Parental Leave" }),
];

describe("preview", () => {
  it("counts what would change and writes nothing to trainees or placements", async () => {
    const { admin } = await setup();
    const before = await snapshot();
    const result = await preview(admin, csvOf(THREE_GOOD()));
    expect(result.counts).toEqual({ newTrainees: 2, updatedTrainees: 0, newPlacements: 3, updatedPlacements: 0, unchangedRows: 0, invalidRows: 0 });
    expect(await snapshot()).toEqual(before);
    const [stored] = await t.db.select().from(placementImports);
    expect(stored).toMatchObject({ status: "preview", fileName: "rotations.csv", importedBy: admin.id, newTrainees: 2, newPlacements: 3, confirmedAt: null });
    expect(await t.db.select().from(placementImportRows)).toHaveLength(3);
  });
});

describe("confirm", () => {
  it("writes every valid row, creates and invites new trainees, and records the import", async () => {
    const { admin, rrk, rkb } = await setup();
    const { id } = await preview(admin, csvOf([...THREE_GOOD(), importRow({ "GMC Number": "bad", Email: "x@example.nhs.uk" })]));
    const now = new Date();
    const result = await confirm(admin, id, now);
    expect(result).toEqual({ ok: true, counts: { newTrainees: 2, updatedTrainees: 0, newPlacements: 3, updatedPlacements: 0, unchangedRows: 0, invalidRows: 1 }, accepted: 0, leftOut: 0 });

    const [ada] = await t.db.select().from(users).where(eq(users.email, "ada.lovelace@example.nhs.uk"));
    expect(ada).toMatchObject({ role: "trainee", name: "Ada Lovelace", passwordHash: null, trustId: null });
    const [profile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, ada!.id));
    // Described by the placement of today or the next one: here the first, FY2 and full time.
    expect(profile).toMatchObject({ gmcNumber: "7000001", grade: "FY2", specialty: "General Medicine", programme: "Midlands Foundation Programme", region: "Midlands", ltft: false });
    const adasPlacements = await t.db.select().from(placements).where(eq(placements.traineeId, ada!.id)).orderBy(asc(placements.startsOn));
    expect(adasPlacements).toEqual([
      expect.objectContaining({ trustId: rrk.id, siteId: rrk.sites[0]!.id, siteName: "Heartlands Hospital", startsOn: "2026-08-05", endsOn: "2027-02-02", wte: "1.00", placementType: "In Post", source: "import", importId: id }),
      expect.objectContaining({ trustId: rkb.id, startsOn: "2027-02-03", endsOn: "2027-08-01", grade: "CT1", source: "import", importId: id }),
    ]);
    const [grace] = await t.db.select().from(users).where(eq(users.email, "grace.hopper@example.nhs.uk"));
    const [graceProfile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, grace!.id));
    expect(graceProfile!.ltft).toBe(true);
    const [gracePlacement] = await t.db.select().from(placements).where(eq(placements.traineeId, grace!.id));
    expect(gracePlacement).toMatchObject({ placementType: "Parental Leave", wte: "0.60" });

    const invites = await t.db.select().from(invitations).orderBy(asc(invitations.email));
    expect(invites).toHaveLength(2);
    expect(invites[0]).toMatchObject({ email: "ada.lovelace@example.nhs.uk", role: "trainee", userId: ada!.id, trustId: null, invitedBy: admin.id, usedAt: null });
    expect(invites[0]!.expiresAt.getTime() - invites[0]!.createdAt.getTime()).toBe(7 * 24 * 60 * 60 * 1000);
    const emails = (await composedOutbox(t.db)).map((m) => m.email!).sort((a, b) => a.to.localeCompare(b.to));
    expect(emails.map((e) => e.to)).toEqual(["ada.lovelace@example.nhs.uk", "grace.hopper@example.nhs.uk"]);
    expect(emails[0]!.text).toContain("Dear Ada Lovelace");

    const [record] = await t.db.select().from(placementImports).where(eq(placementImports.id, id));
    expect(record).toMatchObject({ status: "confirmed", importedBy: admin.id, fileName: "rotations.csv", newTrainees: 2, newPlacements: 3, invalidRows: 1 });
    expect(record!.confirmedAt?.getTime()).toBe(now.getTime());
    // Only the invalid row is kept, for its download.
    expect((await t.db.select().from(placementImportRows)).map((r) => r.line)).toEqual([5]);
  });

  it("lets a new trainee set a password with the link in the e-mail, on the account the import made", async () => {
    const { admin } = await setup();
    const { id } = await preview(admin, csvOf([THREE_GOOD()[0]!]));
    await confirm(admin, id);
    const email = (await composedOutbox(t.db))[0]!.email!;
    const token = /\/invitations\/([A-Za-z0-9_-]+)/.exec(email.text)![1]!;
    expect(email.text).toContain(`${TEST_ORIGIN}/invitations/${token}`);
    const [invite] = await t.db.select().from(invitations);
    expect(invite!.tokenHash).not.toContain(token);
    const accepted = await acceptInvitation(t.db, token, { name: "Dr Ada Lovelace", password: "a long unusual passphrase" });
    expect(accepted.ok).toBe(true);
    expect(await rowCount(users)).toBe(3); // admin, DME and Ada: no second account
    const [ada] = await t.db.select().from(users).where(eq(users.email, "ada.lovelace@example.nhs.uk"));
    expect(ada!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("re-importing an identical file says there is nothing to import instead of offering to confirm it", async () => {
    const { admin } = await setup();
    const file = csvOf([...THREE_GOOD(), importRow({ Grade: "Registrar", "GMC Number": "7000009", Email: "r@example.nhs.uk" })]);
    const first = await preview(admin, file);
    expect((await getImport(t.db, admin, first.id))!.nothingToImport).toBe(false);
    await confirm(admin, first.id);
    const after = await snapshot();

    const again = await preview(admin, file);
    expect(again.counts).toEqual({ newTrainees: 0, updatedTrainees: 0, newPlacements: 0, updatedPlacements: 0, unchangedRows: 3, invalidRows: 1 });
    expect(await getImport(t.db, admin, again.id)).toMatchObject({ status: "preview", nothingToImport: true });
    // A confirmation sent anyway (an old tab, say) is refused and records nothing.
    expect(await confirm(admin, again.id)).toEqual({ ok: false, status: 409, message: CONFIRM_MESSAGES.nothing });
    expect(await snapshot()).toEqual(after);
    expect((await listImports(t.db, admin)).map((i) => i.status)).toEqual(["preview", "confirmed"]);

    // The page says so, and offers no Confirm import button.
    const cookie = await sessionCookieFor(t.db, admin.id);
    const page = await callRoute(t.db, importDetail.loader, getRequest(`/imports/${again.id}`, cookie), { id: again.id });
    expect(await page.json()).toMatchObject({ nothingToImport: true, canConfirm: true });
    const posted = await callRoute(t.db, importDetail.action, confirmRequest(again.id, cookie), { id: again.id });
    expect(posted.status).toBe(409);
    expect(await posted.json()).toMatchObject({ message: CONFIRM_MESSAGES.nothing });
  });

  it("updates changed fields of a matched placement and the trainee's training details, keeping their name and email", async () => {
    const { admin } = await setup();
    const trainee = await makeTrainee(t.db, { gmcNumber: "7000001", email: "ada.lovelace@example.nhs.uk", name: "Dr Ada Lovelace", grade: "FY1", specialty: "Foundation" });
    const { rrk } = { rrk: (await t.db.query.trusts.findFirst({ where: (x, { eq }) => eq(x.odsCode, "RRK") }))! };
    const held = await makePlacement(t.db, { traineeId: trainee.id, trustId: rrk.id, grade: "FY1", startsOn: "2026-08-05", endsOn: "2027-01-31", source: "import" });
    // The same person, written differently: not a row to check.
    const { id, counts } = await preview(admin, csvOf([importRow({ Forenames: "ADA", Surname: " Lovelace", Email: "Ada.Lovelace@Example.nhs.uk", "Date To": "2027-02-02", WTE: "0.8" })]));
    expect(counts).toEqual({ newTrainees: 0, updatedTrainees: 1, newPlacements: 0, updatedPlacements: 1, unchangedRows: 0, invalidRows: 0 });
    await confirm(admin, id);
    const [placement] = await t.db.select().from(placements).where(eq(placements.id, held.id));
    expect(placement).toMatchObject({ endsOn: "2027-02-02", wte: "0.80", grade: "FY2", specialty: "General Medicine", importId: id });
    const [profile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, trainee.id));
    expect(profile).toMatchObject({ grade: "FY2", specialty: "General Medicine", ltft: true });
    const [user] = await t.db.select().from(users).where(eq(users.id, trainee.id));
    expect(user).toMatchObject({ name: "Dr Ada Lovelace", email: "ada.lovelace@example.nhs.uk" });
    expect(await rowCount(invitations)).toBe(0);
  });

  it("asks for a second look when the database changed since the preview", async () => {
    const { admin, rkb } = await setup();
    const { id } = await preview(admin, csvOf(THREE_GOOD()));
    // Meanwhile Grace registers herself and types in a placement that clashes.
    const grace = await makeTrainee(t.db, { gmcNumber: "7000002", email: "grace.hopper@example.nhs.uk", name: "Grace Hopper" });
    await makePlacement(t.db, { traineeId: grace.id, trustId: rkb.id, grade: "FY2", startsOn: "2026-09-01", endsOn: "2026-12-01" });
    const changed = await confirm(admin, id);
    expect(changed).toMatchObject({ ok: false, status: 409, message: CONFIRM_MESSAGES.changed, counts: { newTrainees: 1, newPlacements: 2, invalidRows: 1 } });
    expect(await rowCount(placements)).toBe(1);
    const shown = await getImport(t.db, admin, id);
    expect(shown).toMatchObject({ status: "preview", newTrainees: 1, invalidRows: 1 });
    expect(shown!.invalid[0]!.errors[0]).toMatchObject({ code: "overlap" });
    // The preview names who would get an account: not Grace, who has one now.
    expect(shown!.newTraineeList).toHaveLength(1);
    expect(shown!.newTraineeList[0]).toMatchObject({ gmcNumber: expect.stringMatching(/^\d{7}$/), email: expect.stringContaining("@") });
    expect(shown!.newTraineeList[0]!.gmcNumber).not.toBe("7000002");
    // Confirming the new preview goes through.
    expect(await confirm(admin, id)).toMatchObject({ ok: true });
    expect(await rowCount(placements)).toBe(3);
    expect((await getImport(t.db, admin, id))!.newTraineeList).toEqual([]);
  });

  it("refuses a second confirmation, another person's preview and an expired one", async () => {
    const { admin, dme } = await setup();
    const other: Importer = { ...admin, id: (await makeUser(t.db, { role: "admin" })).id };
    const { id } = await preview(admin, csvOf(THREE_GOOD()));
    expect(await confirm(other, id)).toMatchObject({ ok: false, status: 409, message: CONFIRM_MESSAGES.notYours });
    expect(await confirm(dme, id)).toMatchObject({ ok: false, status: 404 });
    expect(await confirm(admin, id)).toMatchObject({ ok: true });
    expect(await confirm(admin, id)).toMatchObject({ ok: false, status: 409, message: CONFIRM_MESSAGES.done });

    const old = new Date(Date.now() - PREVIEW_TTL_MS - 60_000);
    const stale = await preview(admin, csvOf([importRow({ "GMC Number": "7000005", Email: "e@example.nhs.uk" })]), "old.csv", old);
    expect(await confirm(admin, stale.id)).toMatchObject({ ok: false, status: 410, message: CONFIRM_MESSAGES.expired });
    // The next upload clears previews nobody confirmed.
    await preview(admin, csvOf(THREE_GOOD()));
    expect(await t.db.select().from(placementImports).where(eq(placementImports.id, stale.id))).toHaveLength(0);
  });

  it("lets only one of two simultaneous confirmations through", async () => {
    const { admin } = await setup();
    const { id } = await preview(admin, csvOf(THREE_GOOD()));
    const results = await Promise.all([confirm(admin, id), confirm(admin, id)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await rowCount(placements)).toBe(3);
    expect(await rowCount(emailOutbox)).toBe(2);
  });

  it("serialises two previews of the same new trainee confirmed at once", async () => {
    const { admin } = await setup();
    const a = await preview(admin, csvOf(THREE_GOOD()));
    const b = await preview(admin, csvOf(THREE_GOOD()));
    const results = await Promise.all([confirm(admin, a.id), confirm(admin, b.id)]);
    // The second sees the first's trainees: its preview no longer holds, and nothing is doubled.
    expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
    expect(results.find((r) => !r.ok)).toMatchObject({ status: 409, message: CONFIRM_MESSAGES.changed });
    expect(await rowCount(users)).toBe(4);
  });
});

describe("invalid rows", () => {
  it("gives every reason with its line and column, and writes only the valid rows", async () => {
    const { admin, rkb } = await setup();
    const held = await makeTrainee(t.db, { gmcNumber: "7000050", email: "held@example.nhs.uk", name: "Dr Ada Lovelace" });
    await makePlacement(t.db, { traineeId: held.id, trustId: rkb.id, grade: "FY2", startsOn: "2026-06-01", endsOn: "2026-09-30" });
    await makeUser(t.db, { role: "trust_lead", trustId: rkb.id, email: "lead@example.nhs.uk" });
    const rows = [
      importRow({ "GMC Number": "7000010", Email: "good@example.nhs.uk" }), // line 2: good
      importRow({ "GMC Number": "70001", Email: "a@example.nhs.uk" }), // 3: bad GMC number
      importRow({ "GMC Number": "7000012", Email: "b@example.nhs.uk", "Employing Body Code": "XYZ" }), // 4: unknown ODS code
      importRow({ "GMC Number": "7000013", Email: "c@example.nhs.uk", "Date To": "2026-07-01" }), // 5: end before start
      importRow({ "GMC Number": "7000010", Email: "good@example.nhs.uk", "Employing Body Code": "RKB", "Date From": "2026-10-01", "Date To": "2026-12-01" }), // 6: overlaps line 2
      importRow({ "GMC Number": "7000050", Email: "held@example.nhs.uk" }), // 7: overlaps a held placement at RKB
      importRow({ "GMC Number": "7000015", Email: "d@example.nhs.uk", Grade: "SpR" }), // 8: unknown grade
      importRow({ "GMC Number": "7000010", Email: "good@example.nhs.uk" }), // 9: duplicate of line 2
      importRow({ "GMC Number": "7000016", Email: "lead@example.nhs.uk" }), // 10: email of another account
      importRow({ "GMC Number": "7000017", Email: "e@example.nhs.uk", WTE: "0" }), // 11: WTE
      importRow({ "GMC Number": "7000018", Email: "f@example.nhs.uk", "Date From": "2026-02-30" }), // 12: not a date
      importRow({ "GMC Number": "7000019", Email: "g@example.nhs.uk", "Placement Type": "Secondment" }), // 13: placement type
    ];
    const { id, counts } = await preview(admin, csvOf(rows));
    expect(counts).toEqual({ newTrainees: 1, updatedTrainees: 0, newPlacements: 1, updatedPlacements: 0, unchangedRows: 0, invalidRows: 11 });
    const shown = await getImport(t.db, admin, id);
    const byLine = Object.fromEntries(shown!.invalid.map((r) => [r.line, r.errors.map((e) => [e.column, e.code])]));
    expect(byLine).toEqual({
      3: [["GMC Number", "gmc"]],
      4: [["Employing Body Code", "ods"]],
      5: [["Date To", "end_before_start"]],
      6: [["Date From", "overlap"]],
      7: [["Date From", "overlap"]],
      8: [["Grade", "grade"]],
      9: [["", "duplicate"]],
      10: [["Email", "email_taken"]],
      11: [["WTE", "wte"]],
      12: [["Date From", "date"]],
      13: [["Placement Type", "placement_type"]],
    });
    const reasons = shown!.invalid.map((r) => r.errors[0]!.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/^Bad GMC number/),
      expect.stringMatching(/^Unknown ODS code "XYZ"/),
      expect.stringMatching(/^End before start/),
      expect.stringMatching(/^Overlapping placements: .*line 2/),
      expect.stringMatching(/^Overlapping placements: overlaps the placement at University Hospitals Coventry and Warwickshire NHS Trust \(RKB\) from .* that the trainee already has$/),
      expect.stringMatching(/^Unknown grade "SpR"/),
      expect.stringMatching(/^Duplicate row: line 2/),
      expect.stringMatching(/^Another account already uses/),
      expect.stringMatching(/^WTE "0"/),
      expect.stringMatching(/^Date From "2026-02-30"/),
      expect.stringMatching(/^Unknown placement type "Secondment"/),
    ]);
    await confirm(admin, id);
    expect(await rowCount(placements)).toBe(2); // the held one and line 2
    expect(await rowCount(traineeProfiles)).toBe(2);
  });

  it("downloads as CSV with a reason column, formulas neutralised, ready to correct and upload again", async () => {
    const { admin } = await setup();
    const cookie = await sessionCookieFor(t.db, admin.id);
    const { id } = await preview(admin, csvOf([
      importRow({ "GMC Number": "7000020", Email: "ok@example.nhs.uk" }),
      importRow({ "GMC Number": "7000021", Email: "x@example.nhs.uk", Surname: "=HYPERLINK(\"http://evil.example\",\"Click\")", Grade: "Registrar" }),
      importRow({ "GMC Number": "-7000022", Email: "y@example.nhs.uk", Forenames: "@Jo", "Programme Name": "+Surgery, core" }),
    ]));
    const res = await callRoute(t.db, invalidCsv.loader, getRequest(`/imports/${id}/invalid.csv`, cookie), { id });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="rotations-invalid-rows.csv"');
    // Read the bytes as they are: a plain res.text() would drop the byte order mark.
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith("\uFEFF")).toBe(true);
    const lines = text.slice(1).trimEnd().split("\r\n");
    expect(lines[0]).toBe([...IMPORT_COLUMNS, "Line", "Column", "Reason"].map((h) => `"${h}"`).join(","));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"\'=HYPERLINK(""http://evil.example"",""Click"")"');
    expect(lines[1]).toMatch(/"3","Grade","Unknown grade ""Registrar""/);
    expect(lines[2]).toContain(`"'-7000022"`);
    expect(lines[2]).toContain(`"'@Jo"`);
    expect(lines[2]).toContain(`"'+Surgery, core"`);
    // The download is itself a file the importer reads (the extra columns are ignored).
    const again = await readRotationUpload(uploadRequest(text, "rotations-invalid-rows.csv"));
    expect(again.ok && again.rows).toHaveLength(2);

    const csv = await invalidRowsCsvFor(t.db, admin, id);
    expect(csv?.csv).toBe(text);
  });
});

describe("the file and its limits, through the upload page", () => {
  async function post(content: string | Uint8Array | Blob, fileName = "rotations.csv") {
    const { admin } = await setup();
    const cookie = await sessionCookieFor(t.db, admin.id);
    const res = await callRoute(t.db, importsPage.action, uploadRequest(content, fileName, cookie));
    const body = res.status === 302 ? null : ((await res.json()) as { fieldErrors: Record<string, string> });
    return { res, body, admin };
  }

  it("redirects to the preview of a good file", async () => {
    const { res } = await post(csvOf(THREE_GOOD()));
    expect(res.status).toBe(302);
    const [stored] = await t.db.select().from(placementImports);
    expect(res.headers.get("Location")).toBe(`/imports/${stored!.id}`);
  });

  it("a NUL in the uploaded file's name answered 500: it is dropped, as from every typed text", async () => {
    const { res } = await post(csvOf(THREE_GOOD()), "rota\u0000tions.csv");
    expect(res.status).toBe(302);
    const [stored] = await t.db.select().from(placementImports);
    expect(stored!.fileName).toBe("rotations.csv");
  });

  it("refuses a file over 20 MB with 413 and a message for the file field", async () => {
    const header = `${IMPORT_COLUMNS.join(",")}\n`;
    const line = csvOf([importRow()]).split("\n")[1]! + "\n";
    const big = new Blob([header, line.repeat(Math.ceil((MAX_IMPORT_BYTES + 1) / line.length))], { type: "text/csv" });
    expect(big.size).toBeGreaterThan(MAX_IMPORT_BYTES);
    const { res, body } = await post(big);
    expect(res.status).toBe(413);
    expect(body!.fieldErrors).toEqual({ file: UPLOAD_MESSAGES.tooLarge });
    expect(await t.db.select().from(placementImports)).toHaveLength(0);
  });

  it("refuses a file of more than 100,000 rows with 400", async () => {
    const rows = Array.from({ length: 100_001 }, (_, i) => `${7000000 + i},A,B,a${i}@example.nhs.uk,FY1,,,RRK,,2026-08-05,2027-02-02,1,In Post`);
    const { res, body } = await post(`${IMPORT_COLUMNS.join(",")}\n${rows.join("\n")}\n`);
    expect(res.status).toBe(400);
    expect(body!.fieldErrors).toEqual({ file: UPLOAD_MESSAGES.tooManyRows });
  });

  it.each([
    ["no file chosen", "", "", UPLOAD_MESSAGES.noFile],
    ["a file that is not CSV by its name", "GMC Number\n", "rotations.xlsx", UPLOAD_MESSAGES.notCsv],
    ["a spreadsheet named .csv", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), "rotations.csv", UPLOAD_MESSAGES.notCsv],
    ["an empty file", "", "rotations.csv", UPLOAD_MESSAGES.empty],
    ["headings only", `${IMPORT_COLUMNS.join(",")}\n`, "rotations.csv", UPLOAD_MESSAGES.noRows],
    ["a file without the Email and Grade columns", "GMC Number,Forenames,Surname,Specialty1,Programme Name,Employing Body Code,Site,Date From,Date To,WTE,Placement Type\n", "rotations.csv", 'The file is missing the columns "Email" and "Grade"'],
  ])("refuses %s with 400 and a clear message", async (_, content, fileName, message) => {
    const { res, body } = await post(content, fileName);
    expect(res.status).toBe(400);
    expect(body!.fieldErrors.file).toContain(message);
    expect(await t.db.select().from(placementImports)).toHaveLength(0);
  });

  it("reads a file with a BOM, Windows line endings and headings in another order and case", async () => {
    const { admin } = await setup();
    const headings = ["placement type", "WTE", "date to", "DATE FROM", "Notes", "Site", "employing body code", "Programme Name", "Specialty1", "Grade", "Email", "Surname", "Forenames", "GMC Number"];
    const rows = THREE_GOOD().map((r, i) => ({ ...r, Notes: i === 1 ? "moved,\r\nsee email" : "", ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])), "DATE FROM": r["Date From"]!, "date to": r["Date To"]!, "placement type": r["Placement Type"]!, "employing body code": r["Employing Body Code"]! }));
    const text = csvOf(rows, { headings, eol: "\r\n", bom: true });
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const { id, counts } = await preview(admin, text);
    expect(counts).toMatchObject({ newTrainees: 2, newPlacements: 3, invalidRows: 0 });
    const stored = await t.db.select().from(placementImportRows).where(eq(placementImportRows.importId, id)).orderBy(asc(placementImportRows.line));
    expect(stored.map((r) => r.line)).toEqual([2, 3, 5]);
    expect(stored[0]!.cells[0]).toBe("7000001");
    await confirm(admin, id);
    const [grace] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.gmcNumber, "7000002"));
    expect(grace).toMatchObject({ grade: "FY2", ltft: true });
  });
});

describe("a DME's import", () => {
  it("imports rows at their trust only, and others are 'not your trust'", async () => {
    const { dme, rrk } = await setup();
    const { id, counts } = await preview(dme, csvOf([
      importRow({ "GMC Number": "7000030", Email: "here@example.nhs.uk" }),
      importRow({ "GMC Number": "7000031", Email: "there@example.nhs.uk", "Employing Body Code": "RKB" }),
    ]));
    expect(counts).toMatchObject({ newTrainees: 1, newPlacements: 1, invalidRows: 1 });
    const shown = await getImport(t.db, dme, id);
    expect(shown!.invalid).toEqual([
      { line: 3, gmcNumber: "7000031", errors: [expect.objectContaining({ column: "Employing Body Code", code: "not_your_trust", reason: expect.stringMatching(/^Not your trust/) })] },
    ]);
    await confirm(dme, id);
    const all = await t.db.select().from(placements);
    expect(all).toEqual([expect.objectContaining({ trustId: rrk.id })]);
    const [record] = await t.db.select().from(placementImports);
    expect(record).toMatchObject({ trustId: rrk.id, importedBy: dme.id });
  });

  it("sees only their trust's imports", async () => {
    const { admin, dme, rkb } = await setup();
    const otherDme: Importer = { id: (await makeUser(t.db, { role: "dme", trustId: rkb.id })).id, role: "dme", trustId: rkb.id };
    const adminImport = await preview(admin, csvOf(THREE_GOOD()));
    const dmeImport = await preview(dme, csvOf([importRow()]));
    expect((await listImports(t.db, dme)).map((i) => i.id)).toEqual([dmeImport.id]);
    expect((await listImports(t.db, admin)).map((i) => i.id).sort()).toEqual([adminImport.id, dmeImport.id].sort());
    expect(await getImport(t.db, dme, adminImport.id)).toBeNull();
    expect(await getImport(t.db, otherDme, dmeImport.id)).toBeNull();
    expect(await invalidRowsCsvFor(t.db, otherDme, dmeImport.id)).toBeNull();
    expect(await listImports(t.db, otherDme)).toEqual([]);
  });

  it("keeps trainees, trust leads and other DMEs out of the pages", async () => {
    const { rkb, dme } = await setup();
    const { id } = await preview(dme, csvOf([importRow()]));
    const trainee = await makeTrainee(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: rkb.id });
    const otherDme = await makeUser(t.db, { role: "dme", trustId: rkb.id });
    for (const user of [trainee, lead]) {
      const cookie = await sessionCookieFor(t.db, user.id);
      expect((await callRoute(t.db, importsPage.loader, getRequest("/imports", cookie))).status).toBe(403);
      expect((await callRoute(t.db, importsPage.action, uploadRequest(csvOf([importRow()]), "a.csv", cookie))).status).toBe(403);
    }
    const cookie = await sessionCookieFor(t.db, otherDme.id);
    expect((await callRoute(t.db, importDetail.loader, getRequest(`/imports/${id}`, cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, invalidCsv.loader, getRequest(`/imports/${id}/invalid.csv`, cookie), { id })).status).toBe(404);
    expect((await callRoute(t.db, importsPage.loader, getRequest("/imports"))).status).toBe(302);
    expect(await t.db.select().from(placementImports).where(and(eq(placementImports.id, id), eq(placementImports.status, "preview")))).toHaveLength(1);
  });
});

describe("rows whose name or email address is not the account holder's", () => {
  // 1 September 2026: Dr Priya Patel is in her FY2 placement at RRK.
  const NOW = new Date("2026-09-01T09:00:00Z");

  async function withPriya() {
    const trusts = await setup();
    const priya = await makeTrainee(t.db, {
      gmcNumber: "7100001",
      email: "priya.patel@example.nhs.uk",
      name: "Dr Priya Patel",
      grade: "FY2",
      specialty: "Foundation",
      programme: "Midlands Foundation Programme",
    });
    const held = await makePlacement(t.db, { traineeId: priya.id, trustId: trusts.rrk.id, grade: "FY2", specialty: "Acute Medicine", startsOn: "2026-08-05", endsOn: "2027-02-02", source: "import" });
    return { ...trusts, priya, held };
  }

  // Another doctor's row with Priya's GMC number: it would change her specialty, programme and site.
  const CHIDI = () =>
    importRow({ "GMC Number": "7100001", Forenames: "Chidi", Surname: "Okafor", Email: "Chidi.Okafor@example.nhs.uk", Grade: "FY2", Specialty1: "Cardiology", "Programme Name": "Midlands Cardiology", Site: "Heartlands Hospital" });

  async function profileAndPlacement(userId: string, placementId: string) {
    const [profile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, userId));
    const [placement] = await t.db.select().from(placements).where(eq(placements.id, placementId));
    const [user] = await t.db.select().from(users).where(eq(users.id, userId));
    return { profile: profile!, placement: placement!, user: user! };
  }

  it("an import row can silently merge a different person into an account: the preview flags it and confirming without the tick leaves it out", async () => {
    const { admin, priya, held } = await withPriya();
    const before = await profileAndPlacement(priya.id, held.id);
    const { id, counts } = await preview(admin, csvOf([CHIDI(), importRow({ "GMC Number": "7000040", Email: "new@example.nhs.uk" })]), "rotations.csv", NOW);
    expect(counts).toEqual({ newTrainees: 1, updatedTrainees: 0, newPlacements: 1, updatedPlacements: 0, unchangedRows: 0, invalidRows: 1 });
    const shown = await getImport(t.db, admin, id, { now: NOW });
    expect(shown).toMatchObject({ rowsToCheck: 1, invalid: [], traineeUpdateList: [], nothingToImport: false });
    expect(shown!.toCheck).toEqual([
      {
        line: 2,
        gmcNumber: "7100001",
        name: "Chidi Okafor",
        email: "chidi.okafor@example.nhs.uk",
        accountName: "Dr Priya Patel",
        trust: "University Hospitals Birmingham NHS Foundation Trust (RRK)",
        startsOn: "2026-08-05",
        endsOn: "2027-02-02",
        reason: "GMC 7100001 belongs to Dr Priya Patel (priya.patel@example.nhs.uk); this row says Chidi Okafor (chidi.okafor@example.nhs.uk)",
      },
    ]);

    const result = await confirm(admin, id, NOW);
    expect(result).toMatchObject({ ok: true, accepted: 0, leftOut: 1, counts: { newTrainees: 1, updatedTrainees: 0, updatedPlacements: 0, invalidRows: 1 } });
    expect(await profileAndPlacement(priya.id, held.id)).toEqual(before);
    // The result says the row was left out; its download keeps the reason.
    const done = await getImport(t.db, admin, id, { now: NOW });
    expect(done).toMatchObject({ status: "confirmed", rowsToCheck: 1, toCheck: [expect.objectContaining({ line: 2 })] });
    expect((await invalidRowsCsvFor(t.db, admin, id))!.csv).toContain("GMC 7100001 belongs to Dr Priya Patel");
  });

  it("imports a ticked row for the account holder, keeping their name and email address", async () => {
    const { admin, priya, held, rrk } = await withPriya();
    const { id } = await preview(admin, csvOf([CHIDI()]), "rotations.csv", NOW);
    expect((await getImport(t.db, admin, id, { now: NOW }))!.nothingToImport).toBe(false);
    // Nothing else in the file: confirming without the tick would import nothing.
    expect(await confirm(admin, id, NOW)).toEqual({ ok: false, status: 409, message: CONFIRM_MESSAGES.nothingAccepted });

    const result = await confirm(admin, id, NOW, [2]);
    expect(result).toMatchObject({ ok: true, accepted: 1, leftOut: 0, counts: { updatedTrainees: 1, updatedPlacements: 1, invalidRows: 0 } });
    const after = await profileAndPlacement(priya.id, held.id);
    expect(after.profile).toMatchObject({ specialty: "Cardiology", programme: "Midlands Cardiology" });
    expect(after.placement).toMatchObject({ specialty: "Cardiology", siteId: rrk.sites[0]!.id, importId: id });
    expect(after.user).toMatchObject({ name: "Dr Priya Patel", email: "priya.patel@example.nhs.uk" });
    expect(await getImport(t.db, admin, id)).toMatchObject({ status: "confirmed", rowsToCheck: 0, invalidRows: 0 });

    // The same file again: the accepted row is held as it says, so nothing is asked or imported.
    const again = await preview(admin, csvOf([CHIDI()]), "rotations.csv", NOW);
    expect(again.counts).toMatchObject({ unchangedRows: 1, invalidRows: 0 });
    expect(await getImport(t.db, admin, again.id, { now: NOW })).toMatchObject({ rowsToCheck: 0, nothingToImport: true });
  });

  it("takes the ticks from the confirm form, line by line", async () => {
    const { admin, priya } = await withPriya();
    const second = importRow({ ...CHIDI(), "Date From": "2027-02-03", "Date To": "2027-08-01", "Employing Body Code": "RKB", Site: "" });
    // Made now: the route confirms with the clock's time.
    const { id } = await preview(admin, csvOf([CHIDI(), second]));
    const cookie = await sessionCookieFor(t.db, admin.id);
    // A line that is not a row to check, and values that are not lines at all, change nothing.
    const res = await callRoute(t.db, importDetail.action, confirmRequest(id, cookie, [3, 99]), { id });
    expect(res.status).toBe(302);
    const held = await t.db.select().from(placements).where(eq(placements.traineeId, priya.id)).orderBy(asc(placements.startsOn));
    expect(held.map((p) => [p.startsOn, p.specialty])).toEqual([
      ["2026-08-05", "Acute Medicine"],
      ["2027-02-03", "Cardiology"],
    ]);
    expect((await getImport(t.db, admin, id))!.toCheck.map((r) => r.line)).toEqual([2]);
  });

  it("lists every updated trainee with each detail's old and new value, and new trainees with the address their account gets", async () => {
    const { admin } = await withPriya();
    const { id } = await preview(
      admin,
      csvOf([
        // Priya, written another way: her grade and working pattern change.
        importRow({ "GMC Number": "7100001", Forenames: "PRIYA", Surname: "patel", Email: "Priya.Patel@example.nhs.uk", Grade: "CT1", Specialty1: "Foundation", "Programme Name": "", WTE: "0.8" }),
        // A new trainee whose next placement comes first in the file, with another address.
        importRow({ "GMC Number": "7000060", Forenames: "Ada", Surname: "Lovelace", Email: "ada.next@example.nhs.uk", "Date From": "2027-02-03", "Date To": "2027-08-01" }),
        importRow({ "GMC Number": "7000060", Forenames: "Ada", Surname: "Lovelace", Email: "Ada.Lovelace@Example.NHS.uk" }),
      ]),
      "rotations.csv",
      NOW,
    );
    const shown = await getImport(t.db, admin, id, { now: NOW });
    expect(shown!.newTraineeList).toEqual([{ gmcNumber: "7000060", name: "Ada Lovelace", email: "ada.lovelace@example.nhs.uk" }]);
    expect(shown!.traineeUpdateList).toEqual([
      expect.objectContaining({
        gmcNumber: "7100001",
        name: "Dr Priya Patel",
        email: "priya.patel@example.nhs.uk",
        grade: "CT1",
        specialty: "Foundation",
        programme: "Midlands Foundation Programme",
        ltft: true,
        before: { grade: "FY2", specialty: "Foundation", programme: "Midlands Foundation Programme", ltft: false },
      }),
    ]);
    // The account made on confirming has the address shown.
    await confirm(admin, id, NOW);
    const [ada] = await t.db.select().from(traineeProfiles).innerJoin(users, eq(users.id, traineeProfiles.userId)).where(eq(traineeProfiles.gmcNumber, "7000060"));
    expect(ada!.users.email).toBe("ada.lovelace@example.nhs.uk");
  });

  it("shows a DME the account holder's name but not their email address", async () => {
    const { dme } = await withPriya();
    const { id } = await preview(dme, csvOf([importRow({ ...CHIDI(), Forenames: "Priya", Surname: "Patel" })]), "rotations.csv", NOW);
    const [row] = (await getImport(t.db, dme, id, { now: NOW }))!.toCheck;
    expect(row!.reason).toBe("GMC 7100001 belongs to Dr Priya Patel, whose account has another email address; this row says chidi.okafor@example.nhs.uk");
  });
});

describe("a DME's import and the trainee's profile", () => {
  it("a DME's import must not rewrite a trainee's national profile fields from a row of another trust's trainee history", async () => {
    const { dme, rrk, rkb } = await setup();
    const now = new Date("2026-09-01T09:00:00Z");
    const trainee = await makeTrainee(t.db, { gmcNumber: "7000070", email: "sam.jones@example.nhs.uk", name: "Dr Sam Jones", grade: "ST4", specialty: "Cardiology", programme: "Midlands Cardiology", ltft: false });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: rkb.id, grade: "ST4", specialty: "Cardiology", startsOn: "2026-08-05", endsOn: "2027-08-03" });
    const history = importRow({ "GMC Number": "7000070", Forenames: "Sam", Surname: "Jones", Email: "sam.jones@example.nhs.uk", Grade: "CT2", Specialty1: "Core Medical Training", "Programme Name": "Midlands Core Medicine", "Date From": "2024-08-07", "Date To": "2025-08-05", WTE: "0.6" });
    const { id, counts } = await preview(dme, csvOf([history]), "rotations.csv", now);
    expect(counts).toMatchObject({ updatedTrainees: 0, newPlacements: 1, invalidRows: 0 });
    expect(await confirm(dme, id, now)).toMatchObject({ ok: true });
    const [profile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, trainee.id));
    expect(profile).toMatchObject({ grade: "ST4", specialty: "Cardiology", programme: "Midlands Cardiology", ltft: false });
    // The placement at the DME's trust is recorded all the same.
    const held = await t.db.select().from(placements).where(eq(placements.traineeId, trainee.id)).orderBy(asc(placements.startsOn));
    expect(held.map((p) => [p.trustId, p.startsOn, p.grade])).toEqual([
      [rrk.id, "2024-08-07", "CT2"],
      [rkb.id, "2026-08-05", "ST4"],
    ]);
  });
});

describe("the size of what the import reads", () => {
  /** A multipart upload of a file of `fileBytes`, streamed on demand, counting what is read of it. */
  function streamedUpload(fileBytes: number, declareLength: boolean) {
    const boundary = "----invitational-test-boundary";
    const encoder = new TextEncoder();
    const head = encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n${IMPORT_COLUMNS.join(",")}\n`);
    const line = encoder.encode(`${csvOf([importRow()]).split("\n")[1]}\n`);
    const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
    const lines = Math.ceil(fileBytes / line.byteLength);
    const total = head.byteLength + lines * line.byteLength + tail.byteLength;
    const perChunk = 512;
    let sent = 0;
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (sent === 0) controller.enqueue(head);
          if (sent >= lines) {
            controller.enqueue(tail);
            controller.close();
            return;
          }
          const n = Math.min(perChunk, lines - sent);
          const chunk = new Uint8Array(n * line.byteLength);
          for (let i = 0; i < n; i++) chunk.set(line, i * line.byteLength);
          sent += n;
          pulled += chunk.byteLength;
          controller.enqueue(chunk);
        },
      },
      { highWaterMark: 0 },
    );
    const headers: Record<string, string> = { "Content-Type": `multipart/form-data; boundary=${boundary}` };
    if (declareLength) headers["Content-Length"] = String(total);
    const request = new Request(`${TEST_ORIGIN}/imports`, { method: "POST", body, headers, duplex: "half" } as RequestInit & { duplex: "half" });
    return { request, pulled: () => pulled, total };
  }

  it("nothing in the import reads a file larger than the limit: a declared length over it is refused unread", async () => {
    const upload = streamedUpload(MAX_IMPORT_BYTES + 5 * 1024 * 1024, true);
    expect(await readRotationUpload(upload.request)).toEqual({ ok: false, status: 413, message: UPLOAD_MESSAGES.tooLarge });
    expect(upload.pulled()).toBe(0);
  });

  it("nothing in the import reads a file larger than the limit: an upload without a length is read no further than the limit", async () => {
    const upload = streamedUpload(MAX_IMPORT_BYTES + 20 * 1024 * 1024, false);
    expect(await readRotationUpload(upload.request)).toEqual({ ok: false, status: 413, message: UPLOAD_MESSAGES.tooLarge });
    // The limit, the form's own bytes and what the stream had already fetched (a chunk or two) at most.
    expect(upload.pulled()).toBeLessThan(MAX_IMPORT_BYTES + 512 * 1024);
    expect(upload.total - upload.pulled()).toBeGreaterThan(19 * 1024 * 1024);
  });
});
