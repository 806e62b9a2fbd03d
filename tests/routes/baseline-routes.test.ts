// /reports/baseline: only an administrator sees or saves it; bad input is 400 by the field with
// the values kept; a good one is saved and confirmed.
import { describe, expect, it } from "vitest";

import { reportBaselines } from "@db/schema";
import { currentTrainingYear } from "~/models/baselines.server";
import * as baseline from "~/routes/reports.baseline";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const PATH = "/reports/baseline";
const page = { loader: baseline.loader, Component: baseline.default };
type Failure = { fieldErrors: Record<string, string>; values: Record<string, string> };

async function cookies() {
  const trust = await makeTrust(t.db);
  const admin = await makeUser(t.db, { role: "admin" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const trainee = await makeUser(t.db, { role: "trainee" });
  return {
    admin: await sessionCookieFor(t.db, admin.id),
    lead: await sessionCookieFor(t.db, lead.id),
    dme: await sessionCookieFor(t.db, dme.id),
    trainee: await sessionCookieFor(t.db, trainee.id),
  };
}

describe("who may set the baseline", () => {
  it("signed-out visitors go to sign in; trust leads, DMEs and trainees get 403 and write nothing", async () => {
    const c = await cookies();
    expect((await callRoute(t.db, baseline.loader, getRequest(PATH))).status).toBe(302);
    const year = String(currentTrainingYear());
    for (const cookie of [c.lead, c.dme, c.trainee]) {
      expect((await callRoute(t.db, baseline.loader, getRequest(PATH, cookie))).status).toBe(403);
      expect((await callRoute(t.db, baseline.action, formRequest(PATH, { year, baselineOn: `${year}-08-01` }, cookie))).status).toBe(403);
    }
    expect(await t.db.select().from(reportBaselines)).toHaveLength(0);
  });
});

describe("the form", () => {
  it("shows the year select (current year chosen) and the date field, and the baselines recorded", async () => {
    const c = await cookies();
    const year = currentTrainingYear();
    const html = await renderRoute(t.db, PATH, c.admin, page);
    const text = textOf(html);
    expect(text).toContain("Baseline of the reports");
    expect(html).toMatch(new RegExp(`<option value="${year}" selected="">${year} to ${year + 1}</option>`));
    expect(html).toContain(`<option value="${year - 1}">${year - 1} to ${year}</option>`);
    expect(html).toMatch(/<label[^>]*for="baselineOn"[^>]*>Baseline date<\/label>/);
    expect(text).toContain("No baseline has been recorded yet.");
    expect(text).toContain("Save baseline");
  });

  it("saves a good date, confirms it, and the page then lists it", async () => {
    const c = await cookies();
    const year = currentTrainingYear();
    const res = await callRoute(t.db, baseline.action, formRequest(PATH, { year: String(year), baselineOn: `${year}-08-01` }, c.admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, year, baselineOn: `${year}-08-01`, replaced: null, baselines: [{ year, baselineOn: `${year}-08-01` }] });
    const text = textOf(await renderRoute(t.db, PATH, c.admin, page));
    expect(text).toContain(`Training year ${year} to ${year + 1} Baseline date 1 August ${year}`);
  });

  it("a date outside the year is 400 by the date field, with both values kept and nothing written", async () => {
    const c = await cookies();
    const year = currentTrainingYear();
    const res = await callRoute(t.db, baseline.action, formRequest(PATH, { year: String(year), baselineOn: `${year}-07-31` }, c.admin));
    expect(res.status).toBe(400);
    const body = (await res.json()) as Failure;
    expect(body.fieldErrors).toEqual({ baselineOn: `The baseline date must be in the training year, from 1 August ${year} to 31 July ${year + 1}` });
    expect(body.values).toMatchObject({ year: String(year), baselineOn: `${year}-07-31` });
    expect(await t.db.select().from(reportBaselines)).toHaveLength(0);
  });

  it("an empty or impossible date, or a year typed into the request by hand, is 400 by its field, never 500", async () => {
    const c = await cookies();
    const year = String(currentTrainingYear());
    const cases: [Record<string, string>, Record<string, string>][] = [
      [{ year, baselineOn: "" }, { baselineOn: "Enter the baseline date" }],
      [{ year, baselineOn: `${year}-02-30` }, { baselineOn: "The baseline date must be a real date, like 2026-09-01" }],
      [{ year: "twenty", baselineOn: `${year}-08-01` }, { year: "Select a training year" }],
      [{ year: "1999", baselineOn: "1999-08-01" }, { year: "Select a training year from the list" }],
      [{}, { year: "Select a training year", baselineOn: "Enter the baseline date" }],
    ];
    for (const [fields, errors] of cases) {
      const res = await callRoute(t.db, baseline.action, formRequest(PATH, fields, c.admin));
      expect(res.status, JSON.stringify(fields)).toBe(400);
      expect(((await res.json()) as Failure).fieldErrors).toEqual(errors);
    }
    expect(await t.db.select().from(reportBaselines)).toHaveLength(0);
  });
});
