import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

/**
 * Charts drawn on the server as SVG strings, so the reports need no client JavaScript.
 * Observable Plot builds the SVG; linkedom is the document it builds it in (Plot only needs
 * createElementNS, attributes and text nodes). Text goes in through text nodes and attributes,
 * which the serialiser escapes, so a trust's or a series' name cannot become markup.
 *
 * The viewBox is narrow (420 units) and the text large (14 units) so that, drawn at the width
 * of a phone (about 340 px of content at 375 px), the text is still about 11.5 px; the SVG is
 * 100% wide and keeps its proportions.
 */

export type ChartUnit = "%" | "count";

/**
 * An SVG string made by this module. The brand lets <Chart> accept only these (it puts the
 * string into the page as markup), never a string built elsewhere from people's input.
 */
export type ChartSvg = string & { readonly __chartSvg: unique symbol };

export type BarChartInput = {
  title: string;
  description: string;
  bars: { label: string; value: number; note?: string }[];
  unit: ChartUnit;
};

export type LineChartInput = {
  title: string;
  description: string;
  /** Months as "YYYY-MM"; series of different training years are drawn over the same August-to-July axis. */
  series: { name: string; points: { month: string; value: number }[] }[];
  unit: ChartUnit;
  /** Horizontal reference lines, e.g. the baseline's coverage, each labelled on the chart. */
  rules?: { label: string; value: number }[];
};

const WIDTH = 420;
const FONT_SIZE = 14;

/**
 * NHS.UK colours (service manual, "Colours"), each at least 3:1 against white: NHS blue
 * #005eb8 (6.1:1), dark grey #425563 (7.6:1), green #007f3b (5.4:1), purple #330072 (13:1),
 * dark pink #7c2855 (9.2:1). Colour is never the only signal: lines also differ by dash and
 * marker, and each carries its name at its end.
 */
export const CHART_COLOURS = ["#005eb8", "#425563", "#007f3b", "#330072", "#7c2855"] as const;
const DASHES = ["none", "8 4", "2 3", "12 3 2 3", "4 4"] as const;
const SYMBOLS = ["circle", "square", "triangle", "diamond", "cross"] as const;
const RULE_COLOUR = "#212b32"; // NHS black, 15.4:1
/** A white outline behind labels that sit over lines, so they stay legible where they cross. */
const HALO = { stroke: "white", strokeWidth: 4, paintOrder: "stroke" } as const;

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** The training year runs August to July. */
const TRAINING_YEAR_MONTHS = [...MONTH_NAMES.slice(7), ...MONTH_NAMES.slice(0, 7)];

function formatValue(value: number, unit: ChartUnit): string {
  if (unit === "%") return `${Math.round(value * 10) / 10}%`;
  return Math.round(value).toLocaleString("en-GB");
}

const LONG_MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** The month's index (0 = January) and year; a month that is not YYYY-MM is a programming error. */
function parseMonth(month: string): { index: number; year: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  const index = m ? Number(m[2]) - 1 : NaN;
  if (!m || !(index >= 0 && index < 12)) throw new Error(`A chart month is YYYY-MM: ${JSON.stringify(month)}`);
  return { index, year: m[1]! };
}

const monthName = (month: string) => MONTH_NAMES[parseMonth(month).index]!;

function longMonth(month: string): string {
  const { index, year } = parseMonth(month);
  return `${LONG_MONTH_NAMES[index]} ${year}`;
}

/** Approximate width of a label in viewBox units, to leave room for it (no font metrics on the server). */
const textWidth = (text: string) => Math.ceil(text.length * FONT_SIZE * 0.6);

/** A new document per chart: charts drawn for parallel requests share nothing. */
function newDocument() {
  return parseHTML("<!DOCTYPE html><html lang=\"en\"><body></body></html>").document;
}

/** A stable id from the title, so a page with two charts names each one's title and description apart. */
function idFor(title: string): string {
  let hash = 5381;
  for (let i = 0; i < title.length; i++) hash = ((hash * 33) ^ title.charCodeAt(i)) >>> 0;
  return `chart-${hash.toString(36)}`;
}

function finish(document: ReturnType<typeof newDocument>, svg: Element, title: string, description: string): ChartSvg {
  const id = idFor(`${title}\n${description}`);
  // Plot writes its own aria-label/aria-description; role="img" with a <title> and <desc>
  // named by aria-labelledby/-describedby is what screen readers announce most reliably.
  svg.removeAttribute("aria-label");
  svg.removeAttribute("aria-description");
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  svg.setAttribute("role", "img");
  svg.setAttribute("width", "100%");
  svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
  svg.setAttribute("aria-labelledby", `${id}-title`);
  svg.setAttribute("aria-describedby", `${id}-desc`);
  svg.setAttribute("class", "app-chart__svg");
  const titleElement = document.createElementNS("http://www.w3.org/2000/svg", "title");
  titleElement.setAttribute("id", `${id}-title`);
  titleElement.textContent = title;
  const descElement = document.createElementNS("http://www.w3.org/2000/svg", "desc");
  descElement.setAttribute("id", `${id}-desc`);
  descElement.textContent = description;
  svg.insertBefore(descElement, svg.firstChild);
  svg.insertBefore(titleElement, svg.firstChild);
  // Plot's own <style> only sets display and max-width; the app's stylesheet does that.
  for (const style of Array.from(svg.querySelectorAll("style"))) style.remove();
  // Plot labels its mark groups ("bar", "line"): inside role="img" those are presentational, and
  // an aria-label on an element with no role is not allowed (axe: aria-prohibited-attr).
  // The mark's kind stays as data-mark, for the stylesheet and the tests.
  for (const labelled of Array.from(svg.querySelectorAll("[aria-label], [aria-description]"))) {
    const mark = labelled.getAttribute("aria-label");
    if (mark) labelled.setAttribute("data-mark", mark);
    labelled.removeAttribute("aria-label");
    labelled.removeAttribute("aria-description");
  }
  return svg.outerHTML as ChartSvg;
}

/**
 * Horizontal bars, one per row (coverage by trust, by stage…): the row's name on its own line
 * above its bar, so long trust names fit a phone (a name longer than the chart is cut with an
 * ellipsis and kept whole in its tooltip and in the table beside the chart), and the value (and
 * note) written after the bar.
 */
export function barChartSvg({ title, description, bars, unit }: BarChartInput): ChartSvg {
  const document = newDocument();
  const rows = bars.map((bar, index) => ({
    key: String(index),
    label: bar.label,
    value: Math.max(0, bar.value),
    text: bar.note ? `${formatValue(bar.value, unit)} (${bar.note})` : formatValue(bar.value, unit),
  }));
  const max = unit === "%" ? 100 : Math.max(1, ...rows.map((r) => r.value));
  const step = 46;
  const barHeight = 18;
  const marginRight = Math.min(180, Math.max(48, ...rows.map((r) => textWidth(r.text) + 8)));
  const svg = Plot.plot({
    document: document as unknown as Document,
    width: WIDTH,
    height: Math.max(1, rows.length) * step + 36,
    marginTop: 26,
    marginLeft: 14,
    marginRight,
    marginBottom: 34,
    style: { fontSize: `${FONT_SIZE}px` },
    x: { domain: [0, max], label: null, ticks: 4, tickFormat: (d: number) => formatValue(d, unit), grid: true },
    y: { domain: rows.map((r) => r.key), axis: null, paddingInner: 1 - barHeight / step, paddingOuter: 0.1, align: 1 },
    marks: [
      Plot.barX(rows, { x: "value", y: "key", fill: CHART_COLOURS[0] }),
      Plot.ruleX([0], { stroke: RULE_COLOUR }),
      Plot.text(rows, { x: 0, y: "key", text: "label", textAnchor: "start", dy: -(barHeight / 2 + 9), fill: RULE_COLOUR, lineWidth: (WIDTH - 20) / FONT_SIZE, textOverflow: "ellipsis-end" }),
      Plot.text(rows, { x: "value", y: "key", text: "text", textAnchor: "start", dx: 4, fill: RULE_COLOUR, fontWeight: "bold" }),
    ],
  }) as unknown as Element;
  return finish(document, svg, title, description);
}

/**
 * Monthly values across a training year (August to July), one line per series (this year,
 * last year), each told apart by colour, dash pattern and marker and named at its last point;
 * each point has a tooltip title with its month and value; rules (the baseline) are dark,
 * dotted lines labelled at the left.
 */
export function lineChartSvg({ title, description, series, unit, rules = [] }: LineChartInput): ChartSvg {
  const document = newDocument();
  const points = series.flatMap((s, index) =>
    s.points.map((p) => ({
      series: s.name,
      index,
      x: monthName(p.month),
      value: p.value,
      tip: `${s.name}, ${longMonth(p.month)}: ${formatValue(p.value, unit)}`,
    })),
  );
  const ends = series
    .map((s, index) => {
      const last = s.points[s.points.length - 1];
      return last ? { x: monthName(last.month), value: last.value, index, text: `${s.name}: ${formatValue(last.value, unit)}` } : null;
    })
    .filter((e): e is NonNullable<typeof e> => e !== null);
  const values = [...points.map((p) => p.value), ...rules.map((r) => r.value)];
  const yDomain: [number, number] = unit === "%" ? [0, 100] : [0, Math.max(1, ...values)];
  const marginRight = Math.min(150, Math.max(16, ...ends.map((e) => textWidth(e.text) + 10)));
  const svg = Plot.plot({
    document: document as unknown as Document,
    width: WIDTH,
    height: 300,
    marginTop: 24,
    marginLeft: 50,
    marginRight,
    marginBottom: 34,
    style: { fontSize: `${FONT_SIZE}px` },
    x: { type: "point", domain: TRAINING_YEAR_MONTHS, label: null, tickFormat: (m: string, i: number) => (i % 2 === 0 ? m : "") },
    y: { domain: yDomain, label: unit === "%" ? "Coverage (%)" : "Number", ticks: 5, tickFormat: (d: number) => formatValue(d, unit), grid: true, nice: unit !== "%" },
    marks: [
      ...rules.flatMap((rule) => [
        Plot.ruleY([rule.value], { stroke: RULE_COLOUR, strokeDasharray: "1 3", strokeWidth: 2 }),
        Plot.text([rule], { x: () => TRAINING_YEAR_MONTHS[0], y: "value", text: (r: { label: string; value: number }) => `${r.label}: ${formatValue(r.value, unit)}`, textAnchor: "start", dy: -8, fill: RULE_COLOUR, ...HALO }),
      ]),
      ...series.map((s, index) =>
        Plot.line(
          points.filter((p) => p.index === index),
          { x: "x", y: "value", stroke: CHART_COLOURS[index % CHART_COLOURS.length], strokeWidth: 2.5, strokeDasharray: DASHES[index % DASHES.length] },
        ),
      ),
      ...series.map((s, index) =>
        Plot.dot(
          points.filter((p) => p.index === index),
          { x: "x", y: "value", symbol: SYMBOLS[index % SYMBOLS.length], fill: CHART_COLOURS[index % CHART_COLOURS.length], r: 3.5, title: "tip" },
        ),
      ),
      ...series.map((s, index) =>
        Plot.text(
          ends.filter((e) => e.index === index),
          { x: "x", y: "value", text: "text", textAnchor: "start", dx: 8, fill: CHART_COLOURS[index % CHART_COLOURS.length], fontWeight: "bold", ...HALO },
        ),
      ),
    ],
  }) as unknown as Element;
  return finish(document, svg, title, description);
}
