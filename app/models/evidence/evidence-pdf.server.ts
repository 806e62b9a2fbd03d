// The evidence as a PDF a trainee uploads to their e-portfolio (Horus, Kaizen and ISCP take
// documents), drawn by pdfkit from the same Evidence the page shows. Text is set in Noto Sans,
// embedded from its npm package: pdfkit's built-in Helvetica has only the WinAnsi letters, so a
// name such as "Łukasz Wójcik" came out as nonsense, while Noto covers Latin Extended, Greek
// and Cyrillic.
import { createRequire } from "node:module";

import PDFDocument from "pdfkit";

import { formatDate } from "~/utils/dates";
import { plural } from "~/utils/plural";

import { hasFeedback, type Evidence, type EvidenceSummary } from "./evidence";

const require = createRequire(import.meta.url);
const FONT_REGULAR = require.resolve("@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf");
const FONT_BOLD = require.resolve("@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf");

// NHS identity colours (the NHS.UK service manual's palette).
const NHS_BLUE = "#005eb8";
const TEXT = "#212b32";
const SECONDARY = "#4c6272";
const GREY_LINE = "#d8dde0";

const MARGIN = 50;
const BAND = 46;
const KEY_WIDTH = 150;

type Doc = InstanceType<typeof PDFDocument>;

function newDocument(title: string, author: string): Doc {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN + BAND, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    pdfVersion: "1.7",
    lang: "en-GB",
    displayTitle: true,
    info: { Title: title, Author: author, Subject: "Leadership evidence", Creator: "Invitational", Producer: "Invitational" },
  });
  doc.registerFont("Body", FONT_REGULAR);
  doc.registerFont("Bold", FONT_BOLD);
  doc.font("Body").fontSize(10.5).fillColor(TEXT);
  return doc;
}

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function bottom(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page when the next block of this height would not fit on this one. */
function keepTogether(doc: Doc, height: number) {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

/** A section's heading, kept on one page with the start of what follows (`next`: its height, about). */
function heading(doc: Doc, text: string, next = 40) {
  doc.font("Bold").fontSize(13);
  keepTogether(doc, doc.heightOfString(text, { width: contentWidth(doc) }) + next);
  doc.moveDown(0.8);
  doc.fillColor(TEXT).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  const y = doc.y + 2;
  doc.moveTo(MARGIN, y).lineTo(MARGIN + contentWidth(doc), y).lineWidth(0.75).strokeColor(GREY_LINE).stroke();
  doc.y = y + 6;
  doc.font("Body").fontSize(10.5);
}

function paragraph(doc: Doc, text: string, options: { color?: string; size?: number; bold?: boolean } = {}) {
  doc.font(options.bold ? "Bold" : "Body").fontSize(options.size ?? 10.5).fillColor(options.color ?? TEXT);
  doc.text(text, MARGIN, doc.y, { width: contentWidth(doc), paragraphGap: 4 });
  doc.font("Body").fontSize(10.5).fillColor(TEXT);
}

function bullets(doc: Doc, items: string[]) {
  doc.font("Body").fontSize(10.5).fillColor(TEXT);
  for (const item of items) {
    keepTogether(doc, doc.heightOfString(item, { width: contentWidth(doc) - 14 }));
    const y = doc.y;
    doc.text("•", MARGIN, y, { width: 10 });
    doc.text(item, MARGIN + 14, y, { width: contentWidth(doc) - 14, paragraphGap: 2 });
  }
}

/** A row of a summary list: the key on the left, its value (one line or several) beside it. */
function row(doc: Doc, key: string, value: string | string[]) {
  const lines = Array.isArray(value) ? value : [value];
  const valueWidth = contentWidth(doc) - KEY_WIDTH - 10;
  doc.font("Body").fontSize(10.5);
  const valueHeight = lines.reduce((h, l) => h + doc.heightOfString(l, { width: valueWidth }) + 2, 0);
  doc.font("Bold").fontSize(10.5);
  const keyHeight = doc.heightOfString(key, { width: KEY_WIDTH });
  const height = Math.max(valueHeight, keyHeight);
  keepTogether(doc, height + 8);
  const top = doc.y;
  doc.fillColor(TEXT).text(key, MARGIN, top, { width: KEY_WIDTH });
  doc.font("Body");
  let y = top;
  for (const line of lines) {
    doc.text(line, MARGIN + KEY_WIDTH + 10, y, { width: valueWidth });
    y = doc.y + 2;
  }
  const end = top + height + 4;
  doc.moveTo(MARGIN, end).lineTo(MARGIN + contentWidth(doc), end).lineWidth(0.5).strokeColor(GREY_LINE).stroke();
  doc.y = end + 5;
}

/** The blue band with the service's name on every page, and the footer with page numbers. */
function decoratePages(doc: Doc, footer: string[]) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the margins must not start another page.
    const margins = { ...doc.page.margins };
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    doc.rect(0, 0, doc.page.width, BAND).fill(NHS_BLUE);
    doc.font("Bold").fontSize(14).fillColor("#ffffff").text("Invitational", MARGIN, 15, { lineBreak: false });
    doc.font("Body").fontSize(10).text("Leadership learning in the NHS", MARGIN, 18, { width: doc.page.width - 2 * MARGIN, align: "right", lineBreak: false });
    const y = doc.page.height - MARGIN + 2;
    doc.moveTo(MARGIN, y - 8).lineTo(doc.page.width - MARGIN, y - 8).lineWidth(0.5).strokeColor(GREY_LINE).stroke();
    doc.font("Body").fontSize(8.5).fillColor(SECONDARY);
    footer.forEach((line, n) => doc.text(line, MARGIN, y + n * 11, { width: doc.page.width - 2 * MARGIN - 80, lineBreak: false, ellipsis: true }));
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, doc.page.width - MARGIN - 80, y, { width: 80, align: "right", lineBreak: false });
    doc.page.margins = margins;
  }
}

async function finish(doc: Doc): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", () => resolve());
    doc.on("error", reject);
  });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

function traineeLine(e: { traineeName: string; gmcNumber: string | null }): string {
  return e.gmcNumber ? `${e.traineeName}, GMC number ${e.gmcNumber}` : e.traineeName;
}

function titleBlock(doc: Doc, caption: string, title: string, trainee: string) {
  doc.y = MARGIN + BAND;
  paragraph(doc, caption, { color: SECONDARY, size: 11 });
  doc.font("Bold").fontSize(20).fillColor(TEXT).text(title, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3);
  paragraph(doc, trainee, { size: 11 });
}

/** The evidence of one completed opportunity. */
export async function evidencePdf(e: Evidence, producedOn: string): Promise<Buffer> {
  const doc = newDocument(`Leadership evidence: ${e.title}`, e.traineeName);
  titleBlock(doc, "Leadership evidence", e.title, traineeLine(e));
  paragraph(doc, e.signedOff, { color: SECONDARY });

  heading(doc, "The opportunity");
  row(doc, "Type", e.typeLabel);
  row(doc, "Tier", e.tierLabel);
  row(doc, "Focus", e.focusLabel);
  row(doc, "Trust", e.siteName ? [e.trustName, e.siteName] : e.trustName);
  row(doc, "Sponsor", e.sponsor);
  row(doc, "Dates", e.dates);
  row(doc, "Total hours", e.hoursText);
  if (e.sessions.length) row(doc, "Dated sessions", e.sessions.map((s) => `${s.date}, ${s.time}, ${s.location}`));
  if (e.objective) row(doc, "Organisational objective it supported", e.objective.description ? [e.objective.title, e.objective.description] : e.objective.title);

  heading(doc, "Learning outcomes", 20 * Math.min(e.learningOutcomes.length, 3));
  bullets(doc, e.learningOutcomes);

  heading(doc, "The sponsor's feedback at sign-off");
  if (hasFeedback(e)) {
    if (e.feedback.observed.length) row(doc, "Dimensions observed", e.feedback.observed.join(", "));
    if (e.feedback.strengths) row(doc, "Strengths", e.feedback.strengths);
    if (e.feedback.nextStep) row(doc, "Suggested next step", e.feedback.nextStep);
    if (e.feedback.text) row(doc, "Feedback", e.feedback.text);
  } else {
    paragraph(doc, "The sponsor gave no written feedback at sign-off.");
  }

  heading(doc, "GMC Generic Professional Capabilities", 50 + 20 * e.gpc.domains.length);
  paragraph(
    doc,
    e.gpc.suggested
      ? "Suggested from the type of opportunity: the domains this kind of opportunity usually evidences."
      : "The domains the trainee mapped this opportunity to in their reflection.",
    { color: SECONDARY },
  );
  bullets(doc, e.gpc.domains.map((d) => d.label));

  heading(doc, "Healthcare Leadership Model dimensions");
  for (const d of e.dimensions) row(doc, d.label, d.sources.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("; "));

  if (e.reflection) {
    heading(doc, "The trainee's reflection");
    for (const [key, text] of [
      ["What happened?", e.reflection.whatHappened],
      ["So what? What I learned", e.reflection.soWhat],
      ["Now what? What I will do next", e.reflection.nowWhat],
    ] as const) {
      if (!text) continue;
      doc.font("Bold").fontSize(10.5);
      keepTogether(doc, 40);
      paragraph(doc, key, { bold: true });
      paragraph(doc, text);
      doc.moveDown(0.3);
    }
    if (e.reflection.rating) row(doc, "Rating of the opportunity", e.reflection.rating);
    if (e.reflection.wouldRecommend) row(doc, "Would recommend it", e.reflection.wouldRecommend);
  }

  decoratePages(doc, [`${traineeLine(e)}. Produced by Invitational on ${formatDate(producedOn)}`, `Reference ${e.applicationId}`]);
  return finish(doc);
}

/** Every completed opportunity on one page (more if there are many), with the totals. */
export async function evidenceSummaryPdf(s: EvidenceSummary, producedOn: string): Promise<Buffer> {
  const doc = newDocument("Leadership evidence summary", s.traineeName);
  titleBlock(doc, "Leadership evidence", "Summary of completed leadership opportunities", traineeLine(s));

  heading(doc, "Totals");
  row(doc, "Opportunities completed", String(s.totals.opportunities));
  row(doc, "Total hours", s.totals.hoursText);
  row(
    doc,
    "By tier",
    s.totals.byTier.map((t) => `${t.label}: ${plural(t.opportunities, "opportunity", "opportunities")}, ${t.hoursText}`),
  );
  row(
    doc,
    "Leadership dimensions covered",
    `${s.totals.dimensionsCovered} of 9: ${s.totals.dimensions.filter((d) => d.covered).map((d) => d.label).join(", ") || "none yet"}`,
  );
  row(doc, "GMC capabilities evidenced", s.totals.gpcCovered.length ? s.totals.gpcCovered : "None yet");

  heading(doc, "Completed opportunities");
  if (!s.items.length) paragraph(doc, "No opportunity has been signed off as completed yet.");
  for (const e of s.items) {
    const facts = `${e.trustName}. ${e.dates}. ${e.hoursText}. ${e.tierLabel}. Focus: ${e.focusLabel}.`;
    const mapped = `GMC: ${e.gpc.domains.map((d) => d.label.split(":")[0]).join(", ")}${e.gpc.suggested ? " (suggested)" : ""}. HLM: ${e.dimensions.map((d) => d.label).join(", ")}.`;
    doc.font("Body").fontSize(9.5);
    const height = doc.heightOfString(facts, { width: contentWidth(doc) }) + doc.heightOfString(mapped, { width: contentWidth(doc) }) + 30;
    keepTogether(doc, height);
    paragraph(doc, e.title, { bold: true });
    paragraph(doc, facts, { size: 9.5 });
    paragraph(doc, mapped, { size: 9.5, color: SECONDARY });
    doc.moveDown(0.4);
  }

  decoratePages(doc, [`${traineeLine(s)}. Produced by Invitational on ${formatDate(producedOn)}`]);
  return finish(doc);
}
