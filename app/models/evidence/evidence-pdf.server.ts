// The evidence as a PDF a trainee uploads to their e-portfolio (Horus, Kaizen and ISCP take
// documents), drawn by pdfkit from the same Evidence the page shows. Text is set in Noto Sans,
// embedded from its npm package: pdfkit's built-in Helvetica has only the WinAnsi letters, so a
// name such as "Łukasz Wójcik" came out as nonsense, while Noto covers Latin Extended, Greek
// and Cyrillic.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";

import { formatDate } from "~/utils/dates";
import { plural } from "~/utils/plural";

import { hasFeedback, type Evidence, type EvidenceSummary } from "./evidence";

const require = createRequire(import.meta.url);

/**
 * Each font parsed once per process, not once per PDF: parsing the two TTFs took about 0.6 s of
 * every 0.7 s download; given the parsed font (pdfkit 0.20 takes fontkit's Font; @types/pdfkit
 * 0.17 predates that, hence the cast), a PDF takes tens of milliseconds.
 */
let fonts: { regular: fontkit.Font; bold: fontkit.Font } | undefined;
function notoSans() {
  const load = (file: string) => fontkit.create(readFileSync(require.resolve(`@expo-google-fonts/noto-sans/${file}`))) as fontkit.Font;
  fonts ??= { regular: load("400Regular/NotoSans_400Regular.ttf"), bold: load("700Bold/NotoSans_700Bold.ttf") };
  return fonts;
}

// NHS identity colours (the NHS.UK service manual's palette).
const NHS_BLUE = "#005eb8";
const TEXT = "#212b32";
const SECONDARY = "#4c6272";
const GREY_LINE = "#d8dde0";

const MARGIN = 50;
const BAND = 46;
const KEY_WIDTH = 150;

type Doc = InstanceType<typeof PDFDocument>;
type Struct = PDFKit.PDFStructureElement;

// A tagged PDF (headings, paragraphs, lists and tables a screen reader can follow): each block
// is a structure element under the document's root; rules, the band and the footer are artifacts.
const roots = new WeakMap<Doc, Struct>();

function tag(doc: Doc, type: string, draw: () => void, parent: Struct = roots.get(doc)!) {
  parent.add(doc.struct(type, {}, draw));
}

function artifact(doc: Doc, draw: () => void) {
  doc.markContent("Artifact", { type: "Layout" });
  draw();
  doc.endMarkedContent();
}

function rule(doc: Doc, y: number, width: number) {
  artifact(doc, () => doc.moveTo(MARGIN, y).lineTo(MARGIN + contentWidth(doc), y).lineWidth(width).strokeColor(GREY_LINE).stroke());
}

function newDocument(title: string, author: string): Doc {
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN + BAND, bottom: MARGIN + 20, left: MARGIN, right: MARGIN },
    bufferPages: true,
    pdfVersion: "1.7",
    tagged: true,
    lang: "en-GB",
    displayTitle: true,
    info: { Title: title, Author: author, Subject: "Leadership evidence", Creator: "Invitational", Producer: "Invitational" },
  });
  const root = doc.struct("Document");
  doc.addStructure(root);
  roots.set(doc, root);
  const { regular, bold } = notoSans();
  doc.registerFont("Body", regular as unknown as Buffer);
  doc.registerFont("Bold", bold as unknown as Buffer);
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
  tag(doc, "H2", () => doc.fillColor(TEXT).text(text, MARGIN, doc.y, { width: contentWidth(doc) }));
  const y = doc.y + 2;
  rule(doc, y, 0.75);
  doc.y = y + 6;
  doc.font("Body").fontSize(10.5);
}

function paragraph(doc: Doc, text: string, options: { color?: string; size?: number; bold?: boolean } = {}) {
  doc.font(options.bold ? "Bold" : "Body").fontSize(options.size ?? 10.5).fillColor(options.color ?? TEXT);
  tag(doc, "P", () => doc.text(text, MARGIN, doc.y, { width: contentWidth(doc), paragraphGap: 4 }));
  doc.font("Body").fontSize(10.5).fillColor(TEXT);
}

function bullets(doc: Doc, items: string[]) {
  doc.font("Body").fontSize(10.5).fillColor(TEXT);
  const list = doc.struct("L");
  roots.get(doc)!.add(list);
  for (const item of items) {
    keepTogether(doc, doc.heightOfString(item, { width: contentWidth(doc) - 14 }));
    const y = doc.y;
    const li = doc.struct("LI");
    list.add(li);
    tag(doc, "Lbl", () => doc.text("•", MARGIN, y, { width: 10 }), li);
    tag(doc, "LBody", () => doc.text(item, MARGIN + 14, y, { width: contentWidth(doc) - 14, paragraphGap: 2 }), li);
    li.end();
  }
  list.end();
}

/**
 * A summary list: each key on the left with its value (one line or several) beside it, tagged
 * as a table of row headers and cells.
 */
function table(doc: Doc, rows: [string, string | string[]][]) {
  const t = doc.struct("Table");
  roots.get(doc)!.add(t);
  for (const [key, value] of rows) {
    const lines = Array.isArray(value) ? value : [value];
    const valueWidth = contentWidth(doc) - KEY_WIDTH - 10;
    doc.font("Body").fontSize(10.5);
    const valueHeight = lines.reduce((h, l) => h + doc.heightOfString(l, { width: valueWidth }) + 2, 0);
    doc.font("Bold").fontSize(10.5);
    const keyHeight = doc.heightOfString(key, { width: KEY_WIDTH });
    const height = Math.max(valueHeight, keyHeight);
    keepTogether(doc, height + 8);
    const top = doc.y;
    const tr = doc.struct("TR");
    t.add(tr);
    tag(doc, "TH", () => doc.fillColor(TEXT).text(key, MARGIN, top, { width: KEY_WIDTH }), tr);
    doc.font("Body");
    tag(
      doc,
      "TD",
      () => {
        let y = top;
        for (const line of lines) {
          doc.text(line, MARGIN + KEY_WIDTH + 10, y, { width: valueWidth });
          y = doc.y + 2;
        }
      },
      tr,
    );
    tr.end();
    const end = top + height + 4;
    rule(doc, end, 0.5);
    doc.y = end + 5;
  }
  t.end();
}

/** The blue band with the service's name on every page, and the footer with page numbers. */
function decoratePages(doc: Doc, footer: string[]) {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing in the margins must not start another page.
    const margins = { ...doc.page.margins };
    doc.page.margins = { top: 0, bottom: 0, left: 0, right: 0 };
    doc.markContent("Artifact", { type: "Pagination" });
    doc.rect(0, 0, doc.page.width, BAND).fill(NHS_BLUE);
    doc.font("Bold").fontSize(14).fillColor("#ffffff").text("Invitational", MARGIN, 15, { lineBreak: false });
    doc.font("Body").fontSize(10).text("Leadership learning in the NHS", MARGIN, 18, { width: doc.page.width - 2 * MARGIN, align: "right", lineBreak: false });
    const y = doc.page.height - MARGIN + 2;
    doc.moveTo(MARGIN, y - 8).lineTo(doc.page.width - MARGIN, y - 8).lineWidth(0.5).strokeColor(GREY_LINE).stroke();
    doc.font("Body").fontSize(8.5).fillColor(SECONDARY);
    footer.forEach((line, n) => doc.text(line, MARGIN, y + n * 11, { width: doc.page.width - 2 * MARGIN - 80, lineBreak: false, ellipsis: true }));
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, doc.page.width - MARGIN - 80, y, { width: 80, align: "right", lineBreak: false });
    doc.endMarkedContent();
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
  roots.get(doc)!.end();
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
  doc.font("Bold").fontSize(20).fillColor(TEXT);
  tag(doc, "H1", () => doc.text(title, MARGIN, doc.y, { width: contentWidth(doc) }));
  doc.moveDown(0.3);
  paragraph(doc, trainee, { size: 11 });
}

type Rows = [string, string | string[]][];
const present = (rows: (Rows[number] | null | false | "")[]): Rows => rows.filter((r): r is Rows[number] => Boolean(r));

/** The evidence of one completed opportunity. */
export async function evidencePdf(e: Evidence, producedOn: string): Promise<Buffer> {
  const doc = newDocument(`Leadership evidence: ${e.title}`, e.traineeName);
  titleBlock(doc, "Leadership evidence", e.title, traineeLine(e));
  paragraph(doc, e.signedOff, { color: SECONDARY });

  heading(doc, "The opportunity");
  table(
    doc,
    present([
      ["Type", e.typeLabel],
      ["Tier", e.tierLabel],
      ["Focus", e.focusLabel],
      ["Trust", e.siteName ? [e.trustName, e.siteName] : e.trustName],
      ["Sponsor", e.sponsor],
      ["Dates", e.dates],
      ["Total hours", e.hoursText],
      e.sessions.length > 0 && ["Dated sessions", e.sessions.map((s) => `${s.date}, ${s.time}, ${s.location}`)],
      e.objective !== null && ["Organisational objective it supported", e.objective.description ? [e.objective.title, e.objective.description] : e.objective.title],
    ]),
  );

  heading(doc, "Learning outcomes", 20 * Math.min(e.learningOutcomes.length, 3));
  bullets(doc, e.learningOutcomes);

  heading(doc, "The sponsor's feedback at sign-off");
  if (hasFeedback(e)) {
    table(
      doc,
      present([
        e.feedback.observed.length > 0 && ["Dimensions observed", e.feedback.observed.join(", ")],
        e.feedback.strengths && ["Strengths", e.feedback.strengths],
        e.feedback.nextStep && ["Suggested next step", e.feedback.nextStep],
        e.feedback.text && ["Feedback", e.feedback.text],
      ]),
    );
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
  table(
    doc,
    e.dimensions.map((d) => [d.label, d.sources.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("; ")]),
  );

  if (e.reflection) {
    heading(doc, "The trainee's reflection");
    for (const [key, text] of [
      ["What happened?", e.reflection.whatHappened],
      ["So what? What I learned", e.reflection.soWhat],
      ["Now what? What I will do next", e.reflection.nowWhat],
    ] as const) {
      if (!text) continue;
      keepTogether(doc, 40);
      doc.font("Bold").fontSize(11).fillColor(TEXT);
      tag(doc, "H3", () => doc.text(key, MARGIN, doc.y, { width: contentWidth(doc), paragraphGap: 2 }));
      paragraph(doc, text);
      doc.moveDown(0.3);
    }
    table(
      doc,
      present([e.reflection.rating !== null && ["Rating of the opportunity", e.reflection.rating], e.reflection.wouldRecommend !== null && ["Would recommend it", e.reflection.wouldRecommend]]),
    );
  }

  decoratePages(doc, [`${traineeLine(e)}. Produced by Invitational on ${formatDate(producedOn)}`, `Reference ${e.applicationId}`]);
  return finish(doc);
}

/** Every completed opportunity on one page (more if there are many), with the totals. */
export async function evidenceSummaryPdf(s: EvidenceSummary, producedOn: string): Promise<Buffer> {
  const doc = newDocument("Leadership evidence summary", s.traineeName);
  titleBlock(doc, "Leadership evidence", "Summary of completed leadership opportunities", traineeLine(s));

  heading(doc, "Totals");
  table(doc, [
    ["Opportunities completed", String(s.totals.opportunities)],
    ["Total hours", s.totals.hoursText],
    ["By tier", s.totals.byTier.map((t) => `${t.label}: ${plural(t.opportunities, "opportunity", "opportunities")}, ${t.hoursText}`)],
    [
      "Leadership dimensions covered",
      `${s.totals.dimensionsCovered} of 9: ${
        s.totals.dimensions
          .filter((d) => d.covered)
          .map((d) => d.label)
          .join(", ") || "none yet"
      }`,
    ],
    ["GMC capabilities evidenced", s.totals.gpcCovered.length ? s.totals.gpcCovered : "None yet"],
  ]);

  heading(doc, "Completed opportunities");
  if (!s.items.length) paragraph(doc, "No opportunity has been signed off as completed yet.");
  for (const e of s.items) {
    const facts = `${e.trustName}. ${e.dates}. ${e.hoursText}. ${e.tierLabel}. Focus: ${e.focusLabel}.`;
    const mapped = `GMC: ${e.gpc.domains.map((d) => d.label.split(":")[0]).join(", ")}${e.gpc.suggested ? " (suggested)" : ""}. HLM: ${e.dimensions.map((d) => d.label).join(", ")}.`;
    doc.font("Body").fontSize(9.5);
    const height = doc.heightOfString(facts, { width: contentWidth(doc) }) + doc.heightOfString(mapped, { width: contentWidth(doc) }) + 30;
    keepTogether(doc, height);
    doc.font("Bold").fontSize(10.5).fillColor(TEXT);
    tag(doc, "H3", () => doc.text(e.title, MARGIN, doc.y, { width: contentWidth(doc), paragraphGap: 2 }));
    paragraph(doc, facts, { size: 9.5 });
    paragraph(doc, mapped, { size: 9.5, color: SECONDARY });
    doc.moveDown(0.4);
  }

  decoratePages(doc, [`${traineeLine(s)}. Produced by Invitational on ${formatDate(producedOn)}`]);
  return finish(doc);
}
