import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applications, placements, sessions, traineeProfiles, users } from "@db/schema";
import { resolveSession, sessionCookieName } from "~/auth.server";
import { WRONG_PASSWORD } from "~/models/data-rights.server";
import { IMPORTED_READ_ONLY, SAME_START_MESSAGE } from "~/models/profile.server";
import * as closeAccount from "~/routes/trainee.close-account";
import * as download from "~/routes/trainee.data[.]json";
import * as editPlacement from "~/routes/trainee.placements.$id";
import * as newPlacement from "~/routes/trainee.placements.new";
import * as profilePage from "~/routes/trainee.profile";
import type { FormFailure } from "~/utils/forms";

import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();

async function signedInTrainee(overrides: Parameters<typeof makeTrainee>[1] = {}) {
  const trainee = await makeTrainee(t.db, overrides);
  return { trainee, cookie: await sessionCookieFor(t.db, trainee.id) };
}

function placementFields(trustId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    trustId,
    siteId: "",
    specialty: "General Surgery",
    grade: "CT1",
    startsOn: "2027-08-04",
    endsOn: "2028-02-01",
    wte: "1.0",
    placementType: "In Post",
    intent: "save",
    ...overrides,
  };
}

describe("who may use these pages", () => {
  it("is trainees only: 403 for staff and admins, sign in for nobody", async () => {
    const trust = await makeTrust(t.db);
    const pages = [
      { path: "/trainee/profile", mod: profilePage, params: {} },
      { path: "/trainee/placements/new", mod: newPlacement, params: {} },
      { path: "/trainee/close-account", mod: closeAccount, params: {} },
    ];
    for (const role of ["trust_lead", "dme", "admin"] as const) {
      const staff = await makeUser(t.db, { role, trustId: role === "admin" ? null : trust.id });
      const cookie = await sessionCookieFor(t.db, staff.id);
      for (const p of pages) {
        expect((await callRoute(t.db, p.mod.loader, getRequest(p.path, cookie), p.params)).status, `${role} ${p.path}`).toBe(403);
        expect((await callRoute(t.db, p.mod.action, formRequest(p.path, {}, cookie), p.params)).status, `${role} POST ${p.path}`).toBe(403);
      }
      expect((await callRoute(t.db, download.loader, getRequest("/trainee/data.json", cookie))).status).toBe(403);
      const id = "6f1b1a52-3c1e-4d1b-9a55-2a4f6f0d8c11";
      expect((await callRoute(t.db, editPlacement.loader, getRequest(`/trainee/placements/${id}`, cookie), { id })).status).toBe(403);
    }
    const anonymous = await callRoute(t.db, download.loader, getRequest("/trainee/data.json"));
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe("/sign-in?redirectTo=%2Ftrainee%2Fdata.json");
  });
});

describe("/trainee/profile", () => {
  it("shows the profile and placements, imported ones marked", async () => {
    const { trainee, cookie } = await signedInTrainee({ name: "Dr Ada Lovelace" });
    const trust = await makeTrust(t.db);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01", source: "import" });
    const res = await callRoute(t.db, profilePage.loader, getRequest("/trainee/profile", cookie));
    expect(res.status).toBe(200);
    const data = (await res.json()) as { profile: { name: string }; placements: { source: string }[] };
    expect(data.profile.name).toBe("Dr Ada Lovelace");
    expect(data.placements.map((p) => p.source)).toEqual(["import"]);
  });

  it("keeps the values and answers 400 with a message next to each field", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const res = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { name: "", grade: "CT1", specialty: "Urology", programme: "", ltft: "maybe" }, cookie));
    expect(res.status).toBe(400);
    const body = (await res.json()) as FormFailure;
    expect(body.fieldErrors).toEqual({ name: "Enter your full name", ltft: "Select whether you work full time or less than full time" });
    expect(body.values).toMatchObject({ grade: "CT1", specialty: "Urology" });
    const [row] = await t.db.select({ grade: traineeProfiles.grade }).from(traineeProfiles).where(eq(traineeProfiles.userId, trainee.id));
    expect(row?.grade).toBe("FY2");
  });

  it("saves and comes back with a confirmation", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const res = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { name: "Dr Ada Lovelace", grade: "CT1", specialty: "Urology", programme: "Core Surgery", ltft: "yes" }, cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/trainee/profile?done=profile");
    const [row] = await t.db.select({ name: users.name, grade: traineeProfiles.grade, ltft: traineeProfiles.ltft }).from(users).innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id)).where(eq(users.id, trainee.id));
    expect(row).toEqual({ name: "Dr Ada Lovelace", grade: "CT1", ltft: true });
  });
});

describe("adding, changing and deleting placements", () => {
  it("adds a manual placement and refuses overlapping dates and a second placement starting the same day", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const trust = await makeTrust(t.db);
    const form = (await (await callRoute(t.db, newPlacement.loader, getRequest("/trainee/placements/new", cookie))).json()) as { trusts: { id: string }[]; initial: { grade: string } };
    expect(form.trusts.map((x) => x.id)).toEqual([trust.id]);
    expect(form.initial.grade).toBe("FY2");

    const added = await callRoute(t.db, newPlacement.action, formRequest("/trainee/placements/new", placementFields(trust.id, { siteId: trust.sites[0]!.id }), cookie));
    expect(added.status).toBe(302);
    expect(added.headers.get("Location")).toBe("/trainee/profile?done=added#placements");

    const overlapping = await callRoute(t.db, newPlacement.action, formRequest("/trainee/placements/new", placementFields(trust.id, { startsOn: "2027-09-01" }), cookie));
    expect(overlapping.status).toBe(409);
    const overlapBody = (await overlapping.json()) as FormFailure;
    expect(overlapBody.fieldErrors.startsOn).toMatch(/^These dates overlap your placement at /);
    expect(overlapBody.values).toMatchObject({ startsOn: "2027-09-01", trustId: trust.id });

    const sameStart = await callRoute(t.db, newPlacement.action, formRequest("/trainee/placements/new", placementFields(trust.id, { placementType: "OOPE" }), cookie));
    expect(sameStart.status).toBe(409);
    expect(((await sameStart.json()) as FormFailure).fieldErrors).toEqual({ startsOn: SAME_START_MESSAGE });

    const backwards = await callRoute(t.db, newPlacement.action, formRequest("/trainee/placements/new", placementFields(trust.id, { startsOn: "2030-01-02", endsOn: "2030-01-01" }), cookie));
    expect(backwards.status).toBe(400);
    expect(((await backwards.json()) as FormFailure).fieldErrors).toEqual({ endsOn: "The end date must be the same as or after the start date" });
    expect(await t.db.select().from(placements).where(eq(placements.traineeId, trainee.id))).toHaveLength(1);
  });

  it("the placement form's options are unbounded: the page carries the chosen trust's sites only, with what was typed", async () => {
    const { cookie } = await signedInTrainee();
    const chosen = await makeTrust(t.db, { siteNames: ["Chosen General", "Chosen Community"] });
    const other = await makeTrust(t.db, { siteNames: ["Other Infirmary"] });
    type Form = { trusts: { id: string }[]; sites: { name: string }[]; sitesFor: string | null; initial: Record<string, string> };
    const plain = (await (await callRoute(t.db, newPlacement.loader, getRequest("/trainee/placements/new", cookie))).json()) as Form;
    expect(plain.trusts).toHaveLength(2);
    expect(plain.sites).toEqual([]);
    // "Show the trust's sites" without JavaScript: the form comes back by GET with its values.
    const shown = (await (
      await callRoute(t.db, newPlacement.loader, getRequest(`/trainee/placements/new?trustId=${chosen.id}&specialty=Renal+Medicine&startsOn=2027-08-04`, cookie))
    ).json()) as Form;
    expect(shown.sites.map((x) => x.name)).toEqual(["Chosen Community", "Chosen General"]);
    expect(shown.sitesFor).toBe(chosen.id);
    expect(shown.initial).toMatchObject({ trustId: chosen.id, specialty: "Renal Medicine", startsOn: "2027-08-04" });
    expect(JSON.stringify(shown)).not.toContain("Other Infirmary");
    // A refused form comes back with the sites of the trust it was sent with.
    const refused = await callRoute(t.db, newPlacement.action, formRequest("/trainee/placements/new", placementFields(other.id, { endsOn: "" }), cookie));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ sitesFor: other.id, sites: [{ name: "Other Infirmary" }] });
  });

  it("changes and deletes the trainee's own manual placement", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const trust = await makeTrust(t.db);
    const p = await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT1", startsOn: "2027-08-04", endsOn: "2028-02-01" });
    const path = `/trainee/placements/${p.id}`;
    const page = await callRoute(t.db, editPlacement.loader, getRequest(path, cookie), { id: p.id });
    expect(page.status).toBe(200);

    const saved = await callRoute(t.db, editPlacement.action, formRequest(path, placementFields(trust.id, { endsOn: "2028-08-01", wte: "0.6" }), cookie), { id: p.id });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe("/trainee/profile?done=saved#placements");
    expect((await t.db.select().from(placements).where(eq(placements.id, p.id)))[0]).toMatchObject({ endsOn: "2028-08-01", wte: "0.60" });

    const deleted = await callRoute(t.db, editPlacement.action, formRequest(path, { intent: "delete" }, cookie), { id: p.id });
    expect(deleted.status).toBe(302);
    expect(deleted.headers.get("Location")).toBe("/trainee/profile?done=deleted#placements");
    expect(await t.db.select().from(placements).where(eq(placements.id, p.id))).toHaveLength(0);
  });

  it("answers 404 for another trainee's placement and 409 for an imported one", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const other = await makeTrainee(t.db);
    const trust = await makeTrust(t.db);
    const theirs = await makePlacement(t.db, { traineeId: other.id, trustId: trust.id, grade: "CT1", startsOn: "2027-08-04", endsOn: "2028-02-01" });
    const imported = await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "CT1", startsOn: "2026-08-04", endsOn: "2027-02-01", source: "import" });

    for (const id of [theirs.id, "not-an-id"]) {
      const path = `/trainee/placements/${id}`;
      expect((await callRoute(t.db, editPlacement.loader, getRequest(path, cookie), { id })).status).toBe(404);
      expect((await callRoute(t.db, editPlacement.action, formRequest(path, placementFields(trust.id), cookie), { id })).status).toBe(404);
      expect((await callRoute(t.db, editPlacement.action, formRequest(path, { intent: "delete" }, cookie), { id })).status).toBe(404);
    }
    expect(await t.db.select().from(placements).where(eq(placements.id, theirs.id))).toHaveLength(1);

    const path = `/trainee/placements/${imported.id}`;
    const view = await callRoute(t.db, editPlacement.loader, getRequest(path, cookie), { id: imported.id });
    expect(((await view.json()) as { placement: { source: string } }).placement.source).toBe("import");
    const save = await callRoute(t.db, editPlacement.action, formRequest(path, placementFields(trust.id, { startsOn: "2026-08-04", endsOn: "2027-03-01" }), cookie), { id: imported.id });
    expect(save.status).toBe(409);
    expect(((await save.json()) as FormFailure).formError).toBe(IMPORTED_READ_ONLY);
    const del = await callRoute(t.db, editPlacement.action, formRequest(path, { intent: "delete" }, cookie), { id: imported.id });
    expect(del.status).toBe(409);
    expect((await t.db.select().from(placements).where(eq(placements.id, imported.id)))[0]?.endsOn).toBe("2027-02-01");
  });
});

describe("/trainee/data.json", () => {
  it("downloads the trainee's own data as an attachment that is not cached", async () => {
    const { trainee, cookie } = await signedInTrainee({ name: "Dr Ada Lovelace" });
    const other = await makeTrainee(t.db, { name: "Dr Someone Else" });
    const trust = await makeTrust(t.db);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01" });
    await makePlacement(t.db, { traineeId: other.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01", specialty: "Someone's specialty" });
    const res = await callRoute(t.db, download.loader, getRequest("/trainee/data.json", cookie));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Disposition")).toMatch(/^attachment; filename="invitational-my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    const text = await res.text();
    const data = JSON.parse(text) as { profile: { name: string; gmcNumber: string }; placements: { trustName: string }[] };
    expect(data.profile).toMatchObject({ name: "Dr Ada Lovelace", gmcNumber: trainee.profile.gmcNumber });
    expect(data.placements).toHaveLength(1);
    expect(text).not.toContain("Someone");
  });
});

describe("/trainee/close-account", () => {
  it("lists the applications that will be withdrawn", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const trust = await makeTrust(t.db);
    const opp = await makeOpportunity(t.db, trust.id, { title: "Shadow the Chief Executive" });
    await t.db.insert(applications).values({ opportunityId: opp, traineeId: trainee.id, statement: "Please.", status: "waitlisted" });
    const data = (await (await callRoute(t.db, closeAccount.loader, getRequest("/trainee/close-account", cookie))).json()) as { open: { title: string; status: string }[] };
    expect(data.open).toEqual([expect.objectContaining({ title: "Shadow the Chief Executive", status: "waitlisted" })]);
  });

  it("refuses a wrong or missing password with 400 and changes nothing", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const wrong = await callRoute(t.db, closeAccount.action, formRequest("/trainee/close-account", { password: "not my password" }, cookie));
    expect(wrong.status).toBe(400);
    const body = (await wrong.json()) as FormFailure;
    expect(body.fieldErrors).toEqual({ password: WRONG_PASSWORD });
    expect(body.values).not.toHaveProperty("password");
    const empty = await callRoute(t.db, closeAccount.action, formRequest("/trainee/close-account", { password: "" }, cookie));
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as FormFailure).fieldErrors).toEqual({ password: "Enter your password" });
    const [row] = await t.db.select({ disabledAt: users.disabledAt, name: users.name }).from(users).where(eq(users.id, trainee.id));
    expect(row).toEqual({ disabledAt: null, name: trainee.name });
    expect((await resolveSession(t.db, cookie)).user?.id).toBe(trainee.id);
  });

  it("closes the account, ends every session, blanks the cookie and goes to the home page", async () => {
    const { trainee, cookie } = await signedInTrainee();
    const elsewhere = await sessionCookieFor(t.db, trainee.id);
    const res = await callRoute(t.db, closeAccount.action, formRequest("/trainee/close-account", { password: TEST_PASSWORD }, cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/?closed=1");
    const setCookie = res.headers.get("Set-Cookie") ?? "";
    expect(setCookie.startsWith(`${sessionCookieName()}=;`)).toBe(true);
    expect(setCookie).toMatch(/Max-Age=0/);
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, trainee.id))).toHaveLength(0);
    expect((await resolveSession(t.db, elsewhere)).user).toBeNull();
    const [row] = await t.db.select({ name: users.name, gmc: traineeProfiles.gmcNumber }).from(users).innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id)).where(eq(users.id, trainee.id));
    expect(row).toEqual({ name: "Closed account", gmc: null });
  });
});
