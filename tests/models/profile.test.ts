import { eq } from "drizzle-orm";
import * as v from "valibot";
import { describe, expect, it } from "vitest";

import { placements, traineeProfiles, users } from "@db/schema";
import { PlacementSchema, ProfileSchema, type PlacementFormInput } from "~/models/profile.schema";
import {
  deletePlacement,
  getOwnPlacement,
  getProfilePage,
  IMPORTED_READ_ONLY,
  placementFormOptions,
  SAME_START_MESSAGE,
  savePlacement,
  updateProfile,
} from "~/models/profile.server";
import { issuesToFieldErrors } from "~/utils/forms";

import { useTestDatabase } from "../helpers/db";
import { makePlacement, makeTrainee, makeTrust } from "../helpers/factories";

const t = useTestDatabase();

function placementInput(trustId: string, overrides: Partial<PlacementFormInput> = {}): PlacementFormInput {
  return {
    trustId,
    siteId: "",
    specialty: "General Surgery",
    grade: "CT1",
    startsOn: "2027-08-04",
    endsOn: "2028-02-01",
    wte: 1,
    placementType: "In Post",
    ...overrides,
  };
}

function placementErrors(fields: Record<string, string>) {
  const form = {
    trustId: "6f1b1a52-3c1e-4d1b-9a55-2a4f6f0d8c11",
    siteId: "",
    specialty: "",
    grade: "CT1",
    startsOn: "2027-08-04",
    endsOn: "2028-02-01",
    wte: "1.0",
    placementType: "In Post",
    ...fields,
  };
  const result = v.safeParse(PlacementSchema, form);
  return result.success ? {} : issuesToFieldErrors(result.issues);
}

describe("the profile and placement schemas", () => {
  it("reads the profile form, LTFT as a yes or no answer", () => {
    const ok = v.safeParse(ProfileSchema, { name: "  Dr Ada Lovelace ", grade: "ST3", specialty: "", programme: "West Midlands", ltft: "yes" });
    expect(ok.success && ok.output).toEqual({ name: "Dr Ada Lovelace", grade: "ST3", specialty: "", programme: "West Midlands", ltft: true });
    const bad = v.safeParse(ProfileSchema, { name: "", grade: "ST9", specialty: "x".repeat(121), programme: "", ltft: "" });
    expect(bad.success ? {} : issuesToFieldErrors(bad.issues)).toEqual({
      name: "Enter your full name",
      grade: "Select your grade",
      specialty: "Specialty must be 120 characters or fewer",
      ltft: "Select whether you work full time or less than full time",
    });
  });

  it("wants the end on or after the start, real dates and a WTE from 0.1 to 1.0", () => {
    expect(placementErrors({})).toEqual({});
    expect(placementErrors({ endsOn: "2027-08-04" })).toEqual({});
    expect(placementErrors({ endsOn: "2027-08-03" })).toEqual({ endsOn: "The end date must be the same as or after the start date" });
    expect(placementErrors({ startsOn: "2027-02-30" })).toEqual({ startsOn: "The start date must be a real date, like 2027-08-04" });
    expect(placementErrors({ endsOn: "" })).toEqual({ endsOn: "Enter the end date" });
    for (const wte of ["0.1", "0.6", ".5", "1", "1.0", "0.25"]) expect(placementErrors({ wte }), wte).toEqual({});
    expect(placementErrors({ wte: "0.05" })).toEqual({ wte: "The whole-time equivalent must be 0.1 or more" });
    expect(placementErrors({ wte: "1.2" })).toEqual({ wte: "The whole-time equivalent must be 1.0 or less" });
    expect(placementErrors({ wte: "60%" }).wte).toMatch(/must be a number from 0.1 to 1.0/);
    expect(placementErrors({ wte: "" }).wte).toMatch(/^Enter the whole-time equivalent/);
    expect(placementErrors({ trustId: "", grade: "", placementType: "Holiday" })).toEqual({
      trustId: "Select the trust",
      grade: "Select your grade in this placement",
      placementType: "Select the type of placement",
    });
  });
});

describe("the trainee's profile", () => {
  it("saves name, grade, specialty, programme and LTFT, and nothing else", async () => {
    const trainee = await makeTrainee(t.db, { grade: "FY2", ltft: false });
    expect(await updateProfile(t.db, trainee.id, { name: "Dr Ada Lovelace", grade: "CT1", specialty: "Anaesthetics", programme: "Core Anaesthetics", ltft: true })).toBe(true);
    const page = await getProfilePage(t.db, trainee.id, "2026-11-25");
    expect(page?.profile).toMatchObject({ name: "Dr Ada Lovelace", grade: "CT1", specialty: "Anaesthetics", programme: "Core Anaesthetics", ltft: true, gmcNumber: trainee.profile.gmcNumber, email: trainee.email });
  });

  it("the placement form's options are unbounded: it lists every trust, but only the chosen trust's sites", async () => {
    const a = await makeTrust(t.db, { siteNames: ["Alpha General", "Alpha Community"] });
    const b = await makeTrust(t.db, { siteNames: ["Beta Infirmary"] });
    const none = await placementFormOptions(t.db, null);
    expect(none.trusts.map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
    expect(none).toMatchObject({ sites: [], sitesFor: null });
    const chosen = await placementFormOptions(t.db, a.id);
    expect(chosen.sites.map((s) => s.name)).toEqual(["Alpha Community", "Alpha General"]);
    expect(chosen.sitesFor).toBe(a.id);
    // Whatever the address says, an unknown trust has no sites and is no error.
    for (const odd of ["not-a-uuid", "00000000-0000-4000-8000-000000000000"]) expect(await placementFormOptions(t.db, odd)).toMatchObject({ sites: [], sitesFor: null });
  });
});

describe("manual placements", () => {
  it("adds one with a site of the chosen trust, and refuses a site of another trust", async () => {
    const trainee = await makeTrainee(t.db);
    const trust = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    const site = trust.sites[0]!;
    const added = await savePlacement(t.db, trainee.id, placementInput(trust.id, { siteId: site.id, wte: 0.6 }));
    if (!added.ok) throw new Error(JSON.stringify(added));
    const [row] = await t.db.select().from(placements).where(eq(placements.id, added.placementId));
    expect(row).toMatchObject({ traineeId: trainee.id, trustId: trust.id, siteId: site.id, siteName: site.name, wte: "0.60", source: "manual", placementType: "In Post" });

    expect(await savePlacement(t.db, trainee.id, placementInput(trust.id, { siteId: other.sites[0]!.id, startsOn: "2029-01-01", endsOn: "2029-02-01" }))).toEqual({
      ok: false,
      status: 400,
      fieldErrors: { siteId: "Select a site of the trust you chose, or leave the site blank" },
    });
    expect(await savePlacement(t.db, trainee.id, placementInput("6f1b1a52-3c1e-4d1b-9a55-2a4f6f0d8c11", { startsOn: "2029-01-01", endsOn: "2029-02-01" }))).toMatchObject({
      ok: false,
      status: 400,
      fieldErrors: { trustId: "Select the trust" },
    });
  });

  it("refuses in-post placements that overlap, imported ones included, with a message next to the dates", async () => {
    const trainee = await makeTrainee(t.db);
    const a = await makeTrust(t.db, { name: "Alpha Hospitals NHS Trust" });
    const b = await makeTrust(t.db);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: a.id, grade: "CT1", startsOn: "2027-08-04", endsOn: "2028-02-01", source: "import" });

    const clash = await savePlacement(t.db, trainee.id, placementInput(b.id, { startsOn: "2028-02-01", endsOn: "2028-08-01" }));
    expect(clash).toEqual({
      ok: false,
      status: 409,
      fieldErrors: { startsOn: "These dates overlap your placement at Alpha Hospitals NHS Trust from 4 August 2027 to 1 February 2028. You can only be in post at one trust at a time" },
    });
    // The day after is fine; so is leave or time out of programme over the same dates.
    expect((await savePlacement(t.db, trainee.id, placementInput(b.id, { startsOn: "2028-02-02", endsOn: "2028-08-01" }))).ok).toBe(true);
    expect((await savePlacement(t.db, trainee.id, placementInput(b.id, { startsOn: "2027-09-01", endsOn: "2027-12-01", placementType: "Parental Leave" }))).ok).toBe(true);
    // An extension counts as in post.
    expect(await savePlacement(t.db, trainee.id, placementInput(b.id, { startsOn: "2027-12-01", endsOn: "2028-01-01", placementType: "In Post - Extension" }))).toMatchObject({ ok: false, status: 409 });
    // Another trainee's placements are no obstacle.
    const other = await makeTrainee(t.db);
    expect((await savePlacement(t.db, other.id, placementInput(b.id, { startsOn: "2028-01-01", endsOn: "2028-03-01" }))).ok).toBe(true);
  });

  it("lets a placement be changed without clashing with itself", async () => {
    const trainee = await makeTrainee(t.db);
    const trust = await makeTrust(t.db);
    const added = await savePlacement(t.db, trainee.id, placementInput(trust.id));
    if (!added.ok) throw new Error("add");
    const changed = await savePlacement(t.db, trainee.id, placementInput(trust.id, { endsOn: "2028-08-01", specialty: "Urology", wte: 0.8 }), added.placementId);
    expect(changed).toEqual({ ok: true, placementId: added.placementId });
    expect(await getOwnPlacement(t.db, trainee.id, added.placementId)).toMatchObject({ endsOn: "2028-08-01", specialty: "Urology", wte: "0.80" });
  });

  it("answers the unique index (trainee, trust, start date) with a friendly 409", async () => {
    const trainee = await makeTrainee(t.db);
    const trust = await makeTrust(t.db);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT1", startsOn: "2027-08-04", endsOn: "2027-09-04", placementType: "Parental Leave" });
    // Not in post, so no overlap rule applies: the index itself refuses it.
    const result = await savePlacement(t.db, trainee.id, placementInput(trust.id, { placementType: "OOPR" }));
    expect(result).toEqual({ ok: false, status: 409, fieldErrors: { startsOn: SAME_START_MESSAGE } });
    expect(await t.db.select().from(placements)).toHaveLength(1);
  });

  it("deletes a manual placement; imported ones and other trainees' cannot be changed or deleted", async () => {
    const trainee = await makeTrainee(t.db);
    const other = await makeTrainee(t.db);
    const trust = await makeTrust(t.db);
    const manual = await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT1", startsOn: "2027-08-04", endsOn: "2028-02-01" });
    const imported = await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT1", startsOn: "2026-08-04", endsOn: "2027-02-01", source: "import" });
    const theirs = await makePlacement(t.db, { traineeId: other.id, trustId: trust.id, grade: "CT1", startsOn: "2027-08-04", endsOn: "2028-02-01" });

    expect(await getOwnPlacement(t.db, trainee.id, theirs.id)).toBeNull();
    expect(await getOwnPlacement(t.db, trainee.id, "not-a-uuid")).toBeNull();
    expect(await savePlacement(t.db, trainee.id, placementInput(trust.id, { startsOn: "2030-01-01", endsOn: "2030-02-01" }), theirs.id)).toMatchObject({ ok: false, status: 404 });
    expect(await deletePlacement(t.db, trainee.id, theirs.id)).toMatchObject({ ok: false, status: 404 });
    expect(await savePlacement(t.db, trainee.id, placementInput(trust.id, { startsOn: "2026-08-04", endsOn: "2027-02-01" }), imported.id)).toEqual({
      ok: false,
      status: 409,
      fieldErrors: {},
      formError: IMPORTED_READ_ONLY,
    });
    expect(await deletePlacement(t.db, trainee.id, imported.id)).toEqual({ ok: false, status: 409, message: IMPORTED_READ_ONLY });

    expect(await deletePlacement(t.db, trainee.id, manual.id)).toEqual({ ok: true });
    const left = await t.db.select({ id: placements.id }).from(placements);
    expect(left.map((p) => p.id).sort()).toEqual([imported.id, theirs.id].sort());
  });

  it("lets only one of two overlapping saves at once through", async () => {
    const trainee = await makeTrainee(t.db);
    const a = await makeTrust(t.db);
    const b = await makeTrust(t.db);
    const results = await Promise.all([
      savePlacement(t.db, trainee.id, placementInput(a.id)),
      savePlacement(t.db, trainee.id, placementInput(b.id, { startsOn: "2027-09-01" })),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await t.db.select().from(placements).where(eq(placements.traineeId, trainee.id))).toHaveLength(1);
    // The profile row was only locked, never changed.
    const [profile] = await t.db.select({ grade: traineeProfiles.grade }).from(traineeProfiles).innerJoin(users, eq(users.id, traineeProfiles.userId)).where(eq(users.id, trainee.id));
    expect(profile?.grade).toBe("FY2");
  });
});
