// /reports and its CSV files: who may see which scope, bad parameters, headings and escaping.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applicationEvents, applications, opportunities } from "@db/schema";
import * as csv from "~/routes/reports.$table[.]csv";
import * as reports from "~/routes/reports._index";
import * as printable from "~/routes/reports.print";
import { addDaysIso, todayInLondon, trainingYearOf } from "~/utils/dates";

import { callRoute, getRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();
const today = todayInLondon();
const [yearStart, yearEnd] = trainingYearOf(today);
const year = yearStart.slice(0, 4);

async function setUp() {
  const a = await makeTrust(t.db, { odsCode: "RAA", name: "Alder Hospitals NHS Trust", region: "Midlands" });
  const b = await makeTrust(t.db, { odsCode: "RBB", name: '=HYPERLINK("http://evil.example")', region: "Midlands" });
  const covered = await makeTrainee(t.db, { name: "Dr Covered" });
  const nothing = await makeTrainee(t.db, { name: "Dr Nothing Yet" });
  const elsewhere = await makeTrainee(t.db, { name: "Dr Elsewhere" });
  await makePlacement(t.db, { traineeId: covered.id, trustId: a.id, grade: "ST4", startsOn: yearStart, endsOn: yearEnd });
  await makePlacement(t.db, { traineeId: nothing.id, trustId: a.id, grade: "FY2", startsOn: yearStart, endsOn: yearEnd });
  await makePlacement(t.db, { traineeId: elsewhere.id, trustId: b.id, grade: "CT1", startsOn: yearStart, endsOn: yearEnd });
  const opportunityId = await makeOpportunity(t.db, a.id);
  const startsOn = addDaysIso(yearStart, 40);
  await t.db.update(opportunities).set({ startsOn, endsOn: startsOn, applicationDeadline: startsOn, publishedAt: new Date(`${yearStart}T12:00:00Z`) }).where(eq(opportunities.id, opportunityId));
  const [app] = await t.db.insert(applications).values({ opportunityId, traineeId: covered.id, statement: "Please.", status: "approved" }).returning({ id: applications.id });
  await t.db.insert(applicationEvents).values([
    { applicationId: app!.id, fromStatus: null, toStatus: "submitted", createdAt: new Date(`${yearStart}T10:00:00Z`) },
    { applicationId: app!.id, fromStatus: "submitted", toStatus: "approved", createdAt: new Date(`${yearStart}T11:00:00Z`) },
  ]);
  const admin = await makeUser(t.db, { role: "admin" });
  const dme = await makeUser(t.db, { role: "dme", trustId: a.id });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: a.id });
  return {
    cookies: {
      admin: await sessionCookieFor(t.db, admin.id),
      dme: await sessionCookieFor(t.db, dme.id),
      lead: await sessionCookieFor(t.db, lead.id),
      trainee: await sessionCookieFor(t.db, covered.id),
    },
  };
}

const page = (path: string, cookie?: string) => callRoute(t.db, reports.loader, getRequest(path, cookie));
const file = (table: string, query: string, cookie?: string) => callRoute(t.db, csv.loader, getRequest(`/reports/${table}.csv${query}`, cookie), { table });
const render = (path: string, cookie: string) => renderRoute(t.db, path, cookie, { loader: reports.loader, Component: reports.default });

describe("who may open /reports", () => {
  it("sends anonymous visitors to sign in and refuses trainees (403), on the page and the CSV files", async () => {
    const s = await setUp();
    const anonymous = await page("/reports?scope=england");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toBe(`/sign-in?redirectTo=${encodeURIComponent("/reports?scope=england")}`);
    expect((await page("/reports", s.cookies.trainee)).status).toBe(403);
    expect((await file("coverage-by-trust", "", s.cookies.trainee)).status).toBe(403);
    expect((await file("coverage-by-trust", "")).status).toBe(302);
  });

  it("shows a DME or lead only their own trust, with the region beside it; another trust or a wider scope is not found", async () => {
    const s = await setUp();
    for (const cookie of [s.cookies.dme, s.cookies.lead]) {
      const text = textOf(await render("/reports", cookie));
      expect(text).toContain(`Alder Hospitals NHS Trust, ${year} to ${Number(year) + 1}`);
      expect(text).toContain("Coverage is 50%: 1 of 2 trainees placed have had an approved or completed opportunity this training year.");
      expect(text).toContain("Midlands (the region, for comparison) Trainees placed 3 Trainees covered 1 Coverage 33%");
      expect(text).toContain("Dr Nothing Yet");
      expect(text).not.toContain("Dr Elsewhere");
      expect((await page("/reports?scope=trust%3ARAA", cookie)).status).toBe(200);
      for (const scope of ["trust%3ARBB", "england", "region%3AMidlands", "trust%3AZZZ"]) {
        expect((await page(`/reports?scope=${scope}`, cookie)).status).toBe(404);
        expect((await file("coverage-by-trust", `?scope=${scope}`, cookie)).status).toBe(404);
      }
    }
  });

  it("gives an admin any scope, the count of trainees with nothing yet but not their names", async () => {
    const s = await setUp();
    const text = textOf(await render("/reports?scope=region%3AMidlands", s.cookies.admin));
    expect(text).toContain("Coverage is 33%: 1 of 3 trainees placed");
    expect(text).toContain("2 trainees placed have had no approved or completed opportunity");
    expect(text).not.toContain("Dr Nothing Yet");
    expect((await file("nothing-yet", "?scope=trust%3ARAA", s.cookies.admin)).status).toBe(404);
    expect((await page("/reports?scope=trust%3AZZZ", s.cookies.admin)).status).toBe(404);
    expect((await page("/reports?scope=ics%3ANowhere", s.cookies.admin)).status).toBe(404);
  });
});

describe("charts and equity on the report", () => {
  it("draws the coverage charts on the server with their summaries, and shows the equity tables with small numbers hidden", async () => {
    const s = await setUp();
    const html = await render("/reports?scope=region%3AMidlands", s.cookies.admin);
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(html).not.toContain("<script>alert");
    const text = textOf(html);
    expect(text).toContain("Coverage by grade stage.");
    expect(text).toContain("Coverage month by month");
    expect(text).toContain("Equity: who the opportunities reach");
    // Three trainees placed: every equity group is 1–7, so none of its figures is shown.
    expect(text).toContain("fewer than 8");
    expect(text).not.toContain("Dr Nothing Yet");
  });

  it("downloads each equity table as CSV with the small numbers hidden as words, never as figures", async () => {
    const s = await setUp();
    const res = await file("equity-coverage-ltft", "?scope=region%3AMidlands", s.cookies.admin);
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe('"","Full time","Less than full time","Total"');
    expect(lines.slice(1).join("\n")).toMatch(/fewer than 8|not shown/);
    // Three trainees in all: no count of them is given anywhere in the table.
    expect(lines.slice(1).join("\n")).not.toMatch(/"[1-7]"/);
  });
});

describe("bad parameters", () => {
  it.each(["asAt=2026-02-30", "year=abc", "scope=wales", "stage=senior", "ltft=maybe", `year=${Number(year) + 1}`])("answer %s with 400 and a message, never 500", async (qs) => {
    const s = await setUp();
    expect((await page(`/reports?${qs}`, s.cookies.admin)).status).toBe(400);
    expect((await file("coverage-by-trust", `?${qs}`, s.cookies.admin)).status).toBe(400);
  });

  it("shows the message by the field with the other values kept", async () => {
    const s = await setUp();
    const html = await render("/reports?asAt=2026-02-30&stage=higher", s.cookies.admin);
    expect(textOf(html)).toContain("There is a problem");
    expect(textOf(html)).toContain("The &quot;as at&quot; date must be a real date");
    expect(html).toMatch(/<option value="higher" selected="">/);
  });
});

describe("CSV", () => {
  it("has the stable headings, the scope, year and date in its name, and a trust's formula neutralised", async () => {
    const s = await setUp();
    const response = await file("coverage-by-trust", `?scope=region%3AMidlands&year=${year}&asAt=${today}`, s.cookies.admin);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="coverage-by-trust_region-midlands_${year}-${Number(year) + 1}_as-at-${today}.csv"`);
    const body = await response.text();
    const lines = body.replace(/^\uFEFF/, "").trimEnd().split("\r\n");
    expect(lines[0]).toBe('"ODS code","Trust","Trainees placed","Trainees covered","Coverage %"');
    expect(lines).toContain('"RAA","Alder Hospitals NHS Trust","2","1","50"');
    expect(lines).toContain('"RBB","\'=HYPERLINK(""http://evil.example"")","1","0","0"');
  });

  it("gives the trust's own staff the names of the trainees with nothing yet; an unknown table is not found", async () => {
    const s = await setUp();
    const response = await file("nothing-yet", "", s.cookies.dme);
    expect(response.status).toBe(200);
    const body = (await response.text()).replace(/^\uFEFF/, "");
    expect(body).toBe(`"Trainee","Grade","Placement starts","Placement ends"\r\n"Dr Nothing Yet","FY2","${yearStart}","${yearEnd}"\r\n`);
    expect((await file("everything", "", s.cookies.admin)).status).toBe(404);
  });
});

describe("the printable report", () => {
  it("holds every table of the trust's report without the download links, under the same scope rules", async () => {
    const s = await setUp();
    const html = await renderRoute(t.db, "/reports/print", s.cookies.dme, { loader: printable.loader, Component: printable.default });
    const text = textOf(html);
    expect(text).toContain("Coverage is 50%: 1 of 2 trainees placed");
    for (const title of ["Coverage by trust", "Trainees with nothing yet", "Offer by tier", "Uptake", "Coverage month by month"]) expect(text).toContain(title);
    expect(text).toContain("Dr Nothing Yet");
    expect(html).not.toContain(".csv?");
    expect((await callRoute(t.db, printable.loader, getRequest("/reports/print?scope=trust%3ARBB", s.cookies.dme))).status).toBe(404);
    expect((await callRoute(t.db, printable.loader, getRequest("/reports/print", s.cookies.trainee))).status).toBe(403);
    expect((await callRoute(t.db, printable.loader, getRequest("/reports/print?asAt=nonsense", s.cookies.admin))).status).toBe(400);
  });
});

describe("when the figures were computed", () => {
  it("the page and the printable page say 'computed just now' when computed for the request, and the time and date when read from the report cache", async () => {
    const s = await setUp();
    const path = "/reports?scope=region%3AMidlands&stage=higher";
    const first = textOf(await render(path, s.cookies.admin));
    expect(first).toContain("Figures computed just now.");
    const second = textOf(await render(path, s.cookies.admin));
    expect(second).not.toContain("just now");
    expect(second).toMatch(/Figures computed at (\d{1,2}(:\d{2})?(am|pm)|midday|midnight) on \d{1,2} [A-Z][a-z]+ \d{4}: they are never more than 10 minutes old\./);
    const print = textOf(await renderRoute(t.db, "/reports/print?scope=region%3AMidlands&stage=higher", s.cookies.admin, { loader: printable.loader, Component: printable.default }));
    expect(print).toMatch(/Figures computed at .+ on \d{1,2} [A-Z][a-z]+ \d{4}/);
  });
});
