import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { TrustSchema } from "~/models/accounts.schema";
import { getAdminOverview, getDmeHome, getTraineeHome, getTrustHome } from "~/models/homes.server";
import { createTrust, listTrusts, updateTrust } from "~/models/trusts.server";
import * as v from "valibot";
import { invitations, sites, trusts } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();

const input = (overrides: Record<string, string> = {}) =>
  v.parse(TrustSchema, {
    odsCode: "RXQ",
    name: "Buckinghamshire Healthcare NHS Trust",
    region: "South East",
    integratedCareSystem: "Buckinghamshire, Oxfordshire and Berkshire West",
    sites: "Stoke Mandeville Hospital\nWycombe Hospital",
    ...overrides,
  });

describe("trusts", () => {
  it("creates a trust with its sites", async () => {
    const result = await createTrust(t.db, input());
    expect(result.ok).toBe(true);
    const list = await listTrusts(t.db);
    expect(list).toEqual([expect.objectContaining({ odsCode: "RXQ", sites: 2, staff: 0 })]);
  });

  it("refuses a second trust with the same ODS code, writing nothing", async () => {
    await createTrust(t.db, input());
    const result = await createTrust(t.db, input({ name: "Another Trust", sites: "Somewhere" }));
    expect(result).toEqual({ ok: false, status: 409, fieldErrors: { odsCode: "A trust with this ODS code already exists" } });
    const [n] = await t.db.select({ n: count() }).from(sites);
    expect(n!.n).toBe(2);
  });

  it("adds and removes sites on edit", async () => {
    const created = await createTrust(t.db, input());
    if (!created.ok) throw new Error("setup");
    const result = await updateTrust(t.db, created.trustId, input({ sites: "Stoke Mandeville Hospital\nAmersham Hospital" }));
    expect(result.ok).toBe(true);
    const names = (await t.db.select({ name: sites.name }).from(sites)).map((s) => s.name).sort();
    expect(names).toEqual(["Amersham Hospital", "Stoke Mandeville Hospital"]);
  });

  it("keeps a site that a placement uses, and changes nothing else in that edit", async () => {
    const trust = await makeTrust(t.db, { siteNames: ["Kept Hospital", "Busy Hospital"] });
    const trainee = await makeTrainee(t.db);
    const busy = trust.sites.find((s) => s.name === "Busy Hospital")!;
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, siteId: busy.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    const result = await updateTrust(t.db, trust.id, input({ odsCode: trust.odsCode, name: "Renamed", sites: "Kept Hospital" }));
    expect(result).toMatchObject({ ok: false, status: 409, fieldErrors: { sites: expect.stringContaining("Busy Hospital") } });
    const [row] = await t.db.select().from(trusts).where(eq(trusts.id, trust.id));
    expect(row!.name).toBe(trust.name);
  });

  it("refuses a rename onto another trust's ODS code", async () => {
    const a = await makeTrust(t.db);
    const b = await makeTrust(t.db);
    const result = await updateTrust(t.db, b.id, input({ odsCode: a.odsCode, sites: "" }));
    expect(result).toMatchObject({ ok: false, status: 409, fieldErrors: { odsCode: expect.any(String) } });
  });
});

describe("role homes", () => {
  const today = "2026-11-25";

  it("shows a trainee the current and next placement", async () => {
    const here = await makeTrust(t.db);
    const there = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db, { grade: "ST3" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: here.id, grade: "ST3", startsOn: "2026-02-04", endsOn: "2026-08-04" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: here.id, grade: "ST3", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: there.id, grade: "ST3", startsOn: "2027-02-03", endsOn: "2027-08-03" });
    const home = await getTraineeHome(t.db, trainee.id, today);
    expect(home?.profile.stage).toBe("higher");
    expect(home?.current).toMatchObject({ trustId: here.id, startsOn: "2026-08-05" });
    expect(home?.next).toMatchObject({ trustId: there.id, startsOn: "2027-02-03" });
    expect(home?.placements).toHaveLength(3);
  });

  it("shows a trust lead the trust's staff and no other trust's", async () => {
    const mine = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    await makeUser(t.db, { role: "trust_lead", trustId: mine.id, name: "Mine" });
    await makeUser(t.db, { role: "dme", trustId: other.id, name: "Theirs" });
    const home = await getTrustHome(t.db, mine.id);
    expect(home?.staff.map((s) => s.name)).toEqual(["Mine"]);
    expect(home?.trust.sites).toHaveLength(2);
  });

  it("shows a DME who is placed at the trust now and who starts next, with where they come from", async () => {
    const mine = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    const now = await makeTrainee(t.db, { name: "Dr Now" });
    const arriving = await makeTrainee(t.db, { name: "Dr Arriving" });
    const elsewhere = await makeTrainee(t.db, { name: "Dr Elsewhere" });
    const onLeave = await makeTrainee(t.db, { name: "Dr On Leave" });
    await makePlacement(t.db, { traineeId: now.id, trustId: mine.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    await makePlacement(t.db, { traineeId: arriving.id, trustId: other.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    await makePlacement(t.db, { traineeId: arriving.id, trustId: mine.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });
    await makePlacement(t.db, { traineeId: elsewhere.id, trustId: other.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    await makePlacement(t.db, { traineeId: onLeave.id, trustId: mine.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02", placementType: "Parental Leave" });
    const home = await getDmeHome(t.db, mine.id, today);
    expect(home?.placedNow.trainees.map((p) => p.name)).toEqual(["Dr Now"]);
    expect(home?.startingNext.trainees).toEqual([expect.objectContaining({ name: "Dr Arriving", comingFrom: other.name, startsOn: "2027-02-03" })]);
  });

  it("gives the administrator counts and the trusts nobody manages", async () => {
    const managed = await makeTrust(t.db);
    const unmanaged = await makeTrust(t.db);
    await makeUser(t.db, { role: "trust_lead", trustId: managed.id });
    const trainee = await makeTrainee(t.db);
    const soon = new Date(Date.now() + 86_400_000);
    // A staff invitation counts; the one that came with a trainee's imported placement does not (the users page lists staff's only).
    await t.db.insert(invitations).values([
      { email: "new.lead@example.nhs.uk", role: "trust_lead", trustId: managed.id, tokenHash: "a".repeat(64), expiresAt: soon },
      { email: trainee.email, role: "trainee", tokenHash: "b".repeat(64), expiresAt: soon, userId: trainee.id },
    ]);
    const overview = await getAdminOverview(t.db);
    expect(overview.counts).toMatchObject({ trusts: 2, trainees: 1, trustLeads: 1, dmes: 0, pendingInvitations: 1 });
    expect(overview.trustsWithoutStaff.map((x) => x.id)).toEqual([unmanaged.id]);
  });
});
