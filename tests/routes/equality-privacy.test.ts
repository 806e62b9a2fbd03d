// The voluntary equality answers on /trainee/profile: saved, changed and taken back by the
// trainee; refused by the field when not one of the answers; and never in what a staff page
// loads (the DME's home and approvals, the applicants list, an application, admin users,
// a rotation import's preview) — only anonymous totals may use them.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { traineeProfiles } from "@db/schema";
import { applyForOpportunity, transitionApplication } from "~/models/applications.server";
import { createImportPreview, readRotationUpload } from "~/models/rotation-import.server";
import * as adminUser from "~/routes/admin.users.$id";
import * as adminUsers from "~/routes/admin.users._index";
import * as application from "~/routes/applications.$id";
import * as dmeApprovals from "~/routes/dme.approvals";
import * as dmeHome from "~/routes/dme._index";
import * as importPreview from "~/routes/imports.$id";
import * as applicants from "~/routes/trust.opportunities.$id.applicants";
import * as profilePage from "~/routes/trainee.profile";
import { todayInLondon, addDaysIso } from "~/utils/dates";
import type { FormFailure } from "~/utils/forms";

import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { csvOf, importRow, uploadRequest } from "../fixtures/rotation-import";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const today = todayInLondon();

async function answersOf(userId: string) {
  const [row] = await t.db
    .select({ sex: traineeProfiles.sex, ethnicGroup: traineeProfiles.ethnicGroup, disability: traineeProfiles.disability })
    .from(traineeProfiles)
    .where(eq(traineeProfiles.userId, userId));
  return row;
}

const equalityForm = (fields: Record<string, string>) => ({ intent: "equality", ...fields });

describe("equality information on /trainee/profile", () => {
  it("saves the answers, shows them chosen, and Not answered (or nothing chosen) takes an answer back", async () => {
    const trainee = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const saved = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", equalityForm({ sex: "female", ethnicGroup: "mixed", disability: "prefer_not_to_say" }), cookie));
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe("/trainee/profile?done=equality#equality");
    expect(await answersOf(trainee.id)).toEqual({ sex: "female", ethnicGroup: "mixed", disability: "prefer_not_to_say" });

    const page = (await (await callRoute(t.db, profilePage.loader, getRequest("/trainee/profile", cookie))).json()) as { equality: unknown };
    expect(page.equality).toEqual({ sex: "female", ethnicGroup: "mixed", disability: "prefer_not_to_say" });

    // "Not answered" sends an empty value; a question left untouched sends nothing: both clear it.
    await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", equalityForm({ sex: "", ethnicGroup: "mixed" }), cookie));
    expect(await answersOf(trainee.id)).toEqual({ sex: null, ethnicGroup: "mixed", disability: null });
  });

  it("the page explains the questions and shows each answer chosen, Not answered where none is held", async () => {
    const trainee = await makeTrainee(t.db);
    await t.db.update(traineeProfiles).set({ ethnicGroup: "asian" }).where(eq(traineeProfiles.userId, trainee.id));
    const html = await renderRoute(t.db, "/trainee/profile", await sessionCookieFor(t.db, trainee.id), { loader: profilePage.loader, Component: profilePage.default });
    const text = textOf(html);
    expect(text).toContain("Equality information (optional)");
    expect(text).toContain("used only in anonymous totals that show whether opportunities reach everyone fairly; they are never shown to staff by name");
    expect(text).toContain("You can change or remove your answers at any time");
    expect(html).toMatch(/<input[^>]*id="ethnicGroup" name="ethnicGroup" type="radio" checked="" value="asian"/);
    expect(html).toMatch(/<input[^>]*id="sex-not-answered"[^>]*checked=""/);
    expect(html).toMatch(/<input[^>]*id="disability-not-answered"[^>]*checked=""/);
    expect(text).toContain("Save equality information");
  });

  it("saving the profile leaves the equality answers as they are", async () => {
    const trainee = await makeTrainee(t.db);
    await t.db.update(traineeProfiles).set({ sex: "male", ethnicGroup: "black", disability: "no" }).where(eq(traineeProfiles.userId, trainee.id));
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const res = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { name: "Dr New Name", grade: "CT1", specialty: "", programme: "", ltft: "no" }, cookie));
    expect(res.status).toBe(302);
    expect(await answersOf(trainee.id)).toEqual({ sex: "male", ethnicGroup: "black", disability: "no" });
  });

  it("refuses an answer that is not one of the question's with 400 by the field, keeps the others and saves nothing", async () => {
    const trainee = await makeTrainee(t.db);
    await t.db.update(traineeProfiles).set({ sex: "male" }).where(eq(traineeProfiles.userId, trainee.id));
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const res = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", equalityForm({ sex: "female", ethnicGroup: "martian", disability: "yes" }), cookie));
    expect(res.status).toBe(400);
    const body = (await res.json()) as FormFailure;
    expect(body.fieldErrors).toEqual({ ethnicGroup: "Select your ethnic group, Prefer not to say or Not answered" });
    expect(body.values).toMatchObject({ sex: "female", disability: "yes" });
    expect(await answersOf(trainee.id)).toEqual({ sex: "male", ethnicGroup: null, disability: null });
  });

  it("is the trainee's own: staff cannot post it", async () => {
    const trust = await makeTrust(t.db);
    const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
    const res = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", equalityForm({ sex: "female" }), await sessionCookieFor(t.db, dme.id)));
    expect(res.status).toBe(403);
  });
});

describe("staff pages never load a trainee's equality answers", () => {
  it("the DME home and approvals, the applicants list, an application, admin users and an import preview hold no sex, ethnic group or disability", async () => {
    const trust = await makeTrust(t.db, { odsCode: "RRK" });
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
    const admin = await makeUser(t.db, { role: "admin" });
    const trainee = await makeTrainee(t.db, { gmcNumber: "7000001", email: "ada.lovelace@example.nhs.uk", name: "Ada Lovelace" });
    await t.db.update(traineeProfiles).set({ sex: "female", ethnicGroup: "mixed", disability: "prefer_not_to_say" }).where(eq(traineeProfiles.userId, trainee.id));
    await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: addDaysIso(today, -30), endsOn: addDaysIso(today, 150) });
    const opportunity = await makeOpportunity(t.db, trust.id, { title: "Shadow the board" });
    const applied = await applyForOpportunity(t.db, trainee.id, { opportunityId: opportunity, statement: "I would like to learn how the board decides, and why.", confidentiality: true }, today);
    if (!applied.ok) throw new Error(JSON.stringify(applied));
    await transitionApplication(t.db, { id: lead.id, role: "trust_lead", trustId: trust.id }, applied.applicationId, "offer", { today });
    const upload = await readRotationUpload(uploadRequest(csvOf([importRow({ Grade: "CT1", Specialty1: "Cardiology", "Date From": addDaysIso(today, -30), "Date To": addDaysIso(today, 150) })])));
    if (!upload.ok) throw new Error(upload.message);
    const preview = await createImportPreview(t.db, { id: admin.id, role: "admin", trustId: null }, upload);

    const staffCookie = { lead: await sessionCookieFor(t.db, lead.id), dme: await sessionCookieFor(t.db, dme.id), admin: await sessionCookieFor(t.db, admin.id) };
    const pages: { mod: { loader: Parameters<typeof callRoute>[1] }; path: string; cookie: string; params: Record<string, string> }[] = [
      { mod: dmeHome, path: "/dme", cookie: staffCookie.dme, params: {} },
      { mod: dmeApprovals, path: "/dme/approvals", cookie: staffCookie.dme, params: {} },
      { mod: applicants, path: `/trust/opportunities/${opportunity}/applicants`, cookie: staffCookie.lead, params: { id: opportunity } },
      { mod: application, path: `/applications/${applied.applicationId}`, cookie: staffCookie.dme, params: { id: applied.applicationId } },
      { mod: application, path: `/applications/${applied.applicationId}`, cookie: staffCookie.lead, params: { id: applied.applicationId } },
      { mod: adminUsers, path: `/admin/users?q=7000001`, cookie: staffCookie.admin, params: {} },
      { mod: adminUser, path: `/admin/users/${trainee.id}`, cookie: staffCookie.admin, params: { id: trainee.id } },
      { mod: importPreview, path: `/imports/${preview.id}`, cookie: staffCookie.admin, params: { id: preview.id } },
    ];
    for (const p of pages) {
      const res = await callRoute(t.db, p.mod.loader, getRequest(p.path, p.cookie), p.params);
      expect(res.status, p.path).toBe(200);
      const text = await res.text();
      // The page is about this trainee (so the test would see the answers if they were loaded)…
      expect(text, p.path).toMatch(/Ada Lovelace|7000001/);
      // …and holds none of the columns, codes or labels.
      for (const never of ['"sex"', '"ethnicGroup"', '"ethnic_group"', '"disability"', "female", "Female", "mixed", "Mixed or Multiple", "prefer_not_to_say", "Prefer not to say"]) {
        expect(text, `${p.path} holds ${never}`).not.toContain(never);
      }
    }
  });
});
