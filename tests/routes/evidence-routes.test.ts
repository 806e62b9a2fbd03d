// The evidence pages and PDFs: the trainee's own completed opportunities only, the reflection
// only when they include it and it is final, and a PDF whose text is the evidence's.
import { PDFParse } from "pdf-parse";
import { describe, expect, it } from "vitest";

import { getEvidence, getEvidenceSummary } from "~/models/evidence/evidence.server";
import * as applicationPage from "~/routes/applications.$id";
import * as pagePdf from "~/routes/trainee.evidence.$id[.]pdf";
import * as page from "~/routes/trainee.evidence.$id";
import * as summaryPdf from "~/routes/trainee.evidence[.]pdf";
import * as summary from "~/routes/trainee.evidence._index";
import { todayInLondon } from "~/utils/dates";

import { callRoute, getRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeEvidence, REFLECTION } from "../helpers/evidence";
import { makeTrainee, makeUser } from "../helpers/factories";
import { renderRoute, textOf } from "../helpers/render";

const t = useTestDatabase();

async function pdfText(res: Response): Promise<{ head: string; text: string }> {
  const bytes = new Uint8Array(await res.arrayBuffer());
  // Read before parsing: PDF.js takes the buffer over (it is detached afterwards).
  const head = new TextDecoder().decode(bytes.subarray(0, 5));
  const parser = new PDFParse({ data: bytes });
  try {
    const { text } = await parser.getText();
    return { head, text: text.replace(/\s+/g, " ") };
  } finally {
    await parser.destroy();
  }
}

async function traineeWithEvidence(options: Parameters<typeof makeEvidence>[1] extends infer I ? Partial<I> : never = {}) {
  const trainee = await makeTrainee(t.db, { name: "Dr Siobhán Ní Bhriain-Wójcik", gmcNumber: "7000123" });
  const evidence = await makeEvidence(t.db, { traineeId: trainee.id, reflection: "final", ...options });
  return { trainee, ...evidence, cookie: await sessionCookieFor(t.db, trainee.id) };
}

const getPage = (id: string, cookie: string, query = "") => callRoute(t.db, page.loader, getRequest(`/trainee/evidence/${id}${query}`, cookie), { id });
const getPdf = (id: string, cookie: string, query = "") => callRoute(t.db, pagePdf.loader, getRequest(`/trainee/evidence/${id}.pdf${query}`, cookie), { id });

describe("the evidence page of one opportunity", () => {
  it("shows the trainee's own completed opportunity, without the reflection unless they include it", async () => {
    const { applicationId, cookie } = await traineeWithEvidence();
    const left = await getPage(applicationId, cookie);
    expect(left.status).toBe(200);
    expect(left.headers.get("Cache-Control")).toBe("no-store");
    const leftBody = await left.text();
    expect(leftBody).toContain("Reduce missed doses of time-critical medicines");
    expect(leftBody).toContain('"reflectionState":"left_out"');
    expect(leftBody).not.toContain(REFLECTION.soWhat);

    const included = await getPage(applicationId, cookie, "?reflection=include");
    const body = await included.text();
    expect(body).toContain('"reflectionState":"included"');
    expect(body).toContain(REFLECTION.soWhat);
  });

  it("answers 404 for another trainee's completed opportunity, page and PDF alike", async () => {
    const { applicationId } = await traineeWithEvidence();
    const other = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, other.id);
    expect((await getPage(applicationId, cookie)).status).toBe(404);
    expect((await getPdf(applicationId, cookie)).status).toBe(404);
  });

  it("answers 403 to staff, even the trust's own lead and DME, and to an administrator", async () => {
    const { applicationId, trustId, leadId } = await traineeWithEvidence();
    const dme = await makeUser(t.db, { role: "dme", trustId });
    const admin = await makeUser(t.db, { role: "admin" });
    for (const id of [leadId, dme.id, admin.id]) {
      const cookie = await sessionCookieFor(t.db, id);
      expect((await getPage(applicationId, cookie)).status).toBe(403);
      expect((await getPdf(applicationId, cookie)).status).toBe(403);
      expect((await callRoute(t.db, summary.loader, getRequest("/trainee/evidence", cookie))).status).toBe(403);
      expect((await callRoute(t.db, summaryPdf.loader, getRequest("/trainee/evidence.pdf", cookie))).status).toBe(403);
    }
  });

  it("answers 404 for an application that is not completed, and for an id that is not one", async () => {
    const trainee = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    for (const status of ["submitted", "offered", "not_completed", "withdrawn", "declined"] as const) {
      const { applicationId } = await makeEvidence(t.db, { traineeId: trainee.id, status });
      expect((await getPage(applicationId, cookie)).status, status).toBe(404);
      expect((await getPdf(applicationId, cookie)).status, status).toBe(404);
    }
    // Approved and still running: nothing to sign off yet.
    const running = await makeEvidence(t.db, { traineeId: trainee.id, status: "approved", endsOn: "2090-03-27" });
    expect((await getPage(running.applicationId, cookie)).status).toBe(404);
    expect((await getPage("not-an-id", cookie)).status).toBe(404);
    expect((await getPdf("not-an-id", cookie)).status).toBe(404);
  });

  it("says an approved opportunity that has ended is waiting for the trust's sign-off, and gives no PDF for it", async () => {
    const trainee = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const { applicationId, trustName } = await makeEvidence(t.db, { traineeId: trainee.id, status: "approved" });
    const html = textOf(await renderRoute(t.db, `/trainee/evidence/${applicationId}`, cookie, { loader: page.loader, Component: page.default }, { id: applicationId }));
    expect(html).toContain(`This opportunity ended on 27 March 2026. It is waiting for ${trustName} to sign it off as completed, for the sponsor: your evidence is ready once it has.`);
    expect((await getPdf(applicationId, cookie)).status).toBe(404);
  });

  it("never includes a draft reflection, and says it must be final first", async () => {
    const { applicationId, cookie } = await traineeWithEvidence({ reflection: "draft" });
    const html = textOf(await renderRoute(t.db, `/trainee/evidence/${applicationId}?reflection=include`, cookie, { loader: page.loader, Component: page.default }, { id: applicationId }));
    expect(html).toContain("Your reflection is still a draft. Once you mark it final you can include it here.");
    expect(html).not.toContain(REFLECTION.soWhat);
    expect(html).not.toContain("Include my reflection");
    const { text } = await pdfText(await getPdf(applicationId, cookie, "?reflection=include"));
    expect(text).not.toContain(REFLECTION.soWhat);
  });

  it("renders the page with the choice, the PDF link, the suggested GPC domains and the sponsor's feedback", async () => {
    const { applicationId, cookie } = await traineeWithEvidence();
    const html = await renderRoute(t.db, `/trainee/evidence/${applicationId}`, cookie, { loader: page.loader, Component: page.default }, { id: applicationId });
    expect(html).toContain(`href="/trainee/evidence/${applicationId}.pdf"`);
    const words = textOf(html);
    expect(words).toContain("Include my reflection");
    expect(words).toContain("Suggested from the type of opportunity");
    expect(words).toContain("Domain 6: Capabilities in patient safety and quality improvement");
    expect(words).toContain("Brought pharmacists and nurses together around the data.");
    expect(words).toContain("Organisational objective it supported Safer medicines on every ward");
    expect(words).toContain("12 January 2026, 9:30am to midday, Pharmacy seminar room");
    const included = await renderRoute(t.db, `/trainee/evidence/${applicationId}?reflection=include`, cookie, { loader: page.loader, Component: page.default }, { id: applicationId });
    expect(included).toContain(`href="/trainee/evidence/${applicationId}.pdf?reflection=include"`);
    expect(textOf(included)).toContain("The domains you mapped this opportunity to in your reflection.");
  });
});

describe("the way to the evidence", () => {
  it("is on the trainee's page of a completed application, not on a lead's nor on an application still waiting for sign-off", async () => {
    const { applicationId, cookie, leadId, trainee } = await traineeWithEvidence();
    const link = `href="/trainee/evidence/${applicationId}"`;
    const own = await renderRoute(t.db, `/applications/${applicationId}`, cookie, { loader: applicationPage.loader, Component: applicationPage.default }, { id: applicationId });
    expect(own).toContain(link);
    expect(textOf(own)).toContain("View the evidence for your e-portfolio");
    const lead = await renderRoute(t.db, `/applications/${applicationId}`, await sessionCookieFor(t.db, leadId), { loader: applicationPage.loader, Component: applicationPage.default }, { id: applicationId });
    expect(lead).not.toContain(link);
    const waiting = await makeEvidence(t.db, { traineeId: trainee.id, status: "approved" });
    const html = await renderRoute(t.db, `/applications/${waiting.applicationId}`, cookie, { loader: applicationPage.loader, Component: applicationPage.default }, { id: waiting.applicationId });
    expect(html).not.toContain(`href="/trainee/evidence/${waiting.applicationId}"`);
  });
});

describe("the evidence PDF", () => {
  it("is a PDF attachment with a safe name whose text is the evidence, names with accents and Ł intact", async () => {
    const { applicationId, cookie } = await traineeWithEvidence({ title: 'Reduce "missed" doses / Łódź' });
    const res = await getPdf(applicationId, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="leadership-evidence-reduce-missed-doses-odz-2026-03-27.pdf"');
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const { head, text } = await pdfText(res);
    expect(head).toBe("%PDF-");
    expect(text).toContain('Reduce "missed" doses / Łódź');
    expect(text).toContain("Dr Siobhán Ní Bhriain-Wójcik, GMC number 7000123");
    expect(text).toContain("Dr Łukasz Wójcik, Chief Pharmacist");
    expect(text).toContain("Domain 5: Capabilities in leadership and team working");
    expect(text).not.toContain(REFLECTION.soWhat);
  });

  it("is a tagged PDF whose text keeps its reading order", async () => {
    const { applicationId, cookie } = await traineeWithEvidence();
    const res = await getPdf(applicationId, cookie);
    const bytes = new TextDecoder("latin1").decode(new Uint8Array(await res.clone().arrayBuffer()));
    expect(bytes).toMatch(/\/MarkInfo/);
    expect(bytes).toMatch(/\/StructTreeRoot/);
    expect(bytes).toMatch(/\/Lang \(en-GB\)/);
    const { text } = await pdfText(res);
    expect(text.indexOf("The opportunity")).toBeLessThan(text.indexOf("Learning outcomes"));
    expect(text.indexOf("Learning outcomes")).toBeLessThan(text.indexOf("GMC Generic Professional Capabilities"));
  });

  it("holds the final reflection only when the trainee includes it", async () => {
    const { applicationId, cookie } = await traineeWithEvidence();
    const { text } = await pdfText(await getPdf(applicationId, cookie, "?reflection=include"));
    expect(text).toContain(REFLECTION.soWhat);
    expect(text).toContain("Domain 1: Professional values and behaviours");
    expect(text).toContain("4 out of 5");
  });
});

describe("the summary of all completed opportunities", () => {
  it("lists the trainee's own completed opportunities with totals, the waiting ones apart, and nobody else's", async () => {
    const { trainee, cookie } = await traineeWithEvidence({ title: "First project" });
    await makeEvidence(t.db, { traineeId: trainee.id, title: "Second project", reflection: null });
    await makeEvidence(t.db, { traineeId: trainee.id, title: "Awaiting sign-off", status: "approved" });
    await makeEvidence(t.db, { traineeId: trainee.id, title: "Not finished", status: "not_completed" });
    const other = await makeTrainee(t.db);
    await makeEvidence(t.db, { traineeId: other.id, title: "Someone else's project" });

    const found = await getEvidenceSummary(t.db, trainee.id, todayInLondon(), { includeReflection: false });
    expect(found!.summary.items.map((e) => e.title).sort()).toEqual(["First project", "Second project"]);
    expect(found!.summary.totals.hoursText).toBe("48 hours");
    expect(found!.waiting.map((w) => w.title)).toEqual(["Awaiting sign-off"]);

    const words = textOf(await renderRoute(t.db, "/trainee/evidence", cookie, { loader: summary.loader, Component: summary.default }));
    expect(words).toContain("Tier 2: workplace change and improvement: 2 opportunities, 48 hours");
    expect(words).toContain("Leadership dimensions covered: 3 of 9");
    expect(words).not.toContain("Someone else's project");

    const res = await callRoute(t.db, summaryPdf.loader, getRequest("/trainee/evidence.pdf", cookie));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="leadership-evidence-summary-${todayInLondon()}.pdf"`);
    const { head, text } = await pdfText(res);
    expect(head).toBe("%PDF-");
    expect(text).toContain("First project");
    expect(text).toContain("Second project");
    expect(text).not.toContain("Awaiting sign-off");
    expect(text).not.toContain("Someone else's project");
  });

  it("uses a reflection's own mapping in the summary only when the trainee chooses to", async () => {
    const { trainee } = await traineeWithEvidence();
    const left = await getEvidenceSummary(t.db, trainee.id, todayInLondon(), { includeReflection: false });
    expect(left!.summary.totals.gpcCovered).not.toContain("Domain 1: Professional values and behaviours");
    const included = await getEvidenceSummary(t.db, trainee.id, todayInLondon(), { includeReflection: true });
    expect(included!.summary.totals.gpcCovered).toContain("Domain 1: Professional values and behaviours");
  });

  it("finds nothing for the evidence of an application through another trainee's id", async () => {
    const { applicationId } = await traineeWithEvidence();
    const other = await makeTrainee(t.db);
    expect(await getEvidence(t.db, other.id, applicationId, todayInLondon(), { includeReflection: true })).toBeNull();
  });
});
