// Charts are drawn on the server as SVG: what a screen reader, a phone and a person who cannot
// tell the colours apart get from them, and that a name typed by a person stays text.
import { parseHTML } from "linkedom";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { Chart } from "~/components/chart";
import { barChartSvg, CHART_COLOURS, lineChartSvg } from "~/utils/charts.server";

const svgOf = (markup: string) => parseHTML(`<!DOCTYPE html><html><body>${markup}</body></html>`).document.querySelector("svg")!;

const coverageByTrust = {
  title: "Coverage by trust",
  description: "Share of trainees placed at each trust who have had an approved or completed opportunity this year.",
  unit: "%" as const,
  bars: [
    { label: "Manchester University NHS Foundation Trust", value: 63, note: "41 of 65" },
    { label: "Salford Royal", value: 41.5 },
    { label: "Bolton", value: 0 },
  ],
};

const monthly = {
  title: "Coverage month by month",
  description: "Coverage at the end of each month of 2026 to 2027 and of 2025 to 2026, with the baseline.",
  unit: "%" as const,
  series: [
    { name: "2026 to 2027", points: [{ month: "2026-08", value: 12 }, { month: "2026-09", value: 30 }, { month: "2026-10", value: 47 }] },
    { name: "2025 to 2026", points: [{ month: "2025-08", value: 5 }, { month: "2025-09", value: 18 }, { month: "2025-10", value: 26 }, { month: "2026-07", value: 71 }] },
  ],
  rules: [{ label: "Baseline", value: 22 }],
};

/** WCAG relative luminance contrast of a #rrggbb colour against white. */
function contrastWithWhite(hex: string) {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return 1.05 / (luminance + 0.05);
}

describe("bar chart", () => {
  it("is an image named by its title and described by its description, for screen readers", () => {
    const svg = svgOf(barChartSvg(coverageByTrust));
    expect(svg.getAttribute("role")).toBe("img");
    const title = svg.querySelector("title")!;
    const desc = svg.querySelector("desc")!;
    expect(title.textContent).toBe("Coverage by trust");
    expect(desc.textContent).toBe(coverageByTrust.description);
    expect(svg.getAttribute("aria-labelledby")).toBe(title.getAttribute("id"));
    expect(svg.getAttribute("aria-describedby")).toBe(desc.getAttribute("id"));
    // the title and description come first, where assistive technology looks for them
    expect(svg.firstElementChild).toBe(title);
  });

  it("Plot's aria-label on its mark groups broke axe's aria-prohibited-attr inside role=img: no element in either chart carries one", () => {
    for (const svg of [svgOf(barChartSvg(coverageByTrust)), svgOf(lineChartSvg(monthly))]) {
      expect(svg.querySelectorAll("[aria-label], [aria-description]").length).toBe(0);
    }
  });

  it("writes each row's name and value as text, so colour is not the only way to read it", () => {
    const texts = Array.from(svgOf(barChartSvg(coverageByTrust)).querySelectorAll("text")).map((t) => t.textContent);
    for (const label of ["Manchester University NHS Foundation Trust", "Salford Royal", "Bolton", "63% (41 of 65)", "41.5%", "0%"]) {
      expect(texts).toContain(label);
    }
  });

  it("scales to its container: a viewBox, 100% wide, no fixed height", () => {
    const svg = svgOf(barChartSvg(coverageByTrust));
    expect(svg.getAttribute("viewBox")).toMatch(/^0 0 420 \d+$/);
    expect(svg.getAttribute("width")).toBe("100%");
    expect(svg.hasAttribute("height")).toBe(false);
  });

  it("counts are written as whole numbers with thousands separators", () => {
    const markup = barChartSvg({ title: "Applications", description: "By stage", unit: "count", bars: [{ label: "Foundation", value: 1234 }, { label: "Core", value: 20 }] });
    expect(markup).toContain(">1,234</text>");
    expect(markup).toContain(">20</text>");
  });

  it("escapes a label holding <script>: it is shown as text and no element is made of it", () => {
    const markup = barChartSvg({ ...coverageByTrust, title: "A <b>bold</b> title", bars: [{ label: "<script>alert(1)</script>", value: 50, note: "\"><img src=x onerror=alert(1)>" }] });
    expect(markup).not.toMatch(/<script/i);
    expect(markup).not.toMatch(/<img/i);
    expect(markup).not.toContain("<b>");
    expect(markup).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    const svg = svgOf(markup);
    expect(svg.querySelectorAll("script, img, b").length).toBe(0);
    expect(svg.querySelector("title")!.textContent).toBe("A <b>bold</b> title");
  });

  it("draws the same SVG for the same figures (so pages can be compared and cached)", () => {
    expect(barChartSvg(coverageByTrust)).toBe(barChartSvg(structuredClone(coverageByTrust)));
  });

  it("has no script and no event handler attributes", () => {
    const markup = barChartSvg(coverageByTrust) + lineChartSvg(monthly);
    expect(markup).not.toMatch(/<script/i);
    expect(markup).not.toMatch(/\son[a-z]+=/i);
  });
});

describe("line chart", () => {
  it("names every line at its end with its last value, and each point has a tooltip with month and value", () => {
    const svg = svgOf(lineChartSvg(monthly));
    const texts = Array.from(svg.querySelectorAll("text")).map((t) => t.textContent);
    expect(texts).toContain("2026 to 2027: 47%");
    expect(texts).toContain("2025 to 2026: 71%");
    expect(texts).toContain("Baseline: 22%");
    const tips = Array.from(svg.querySelectorAll("title")).map((t) => t.textContent);
    expect(tips).toContain("2026 to 2027, October 2026: 47%");
    expect(tips).toContain("2025 to 2026, July 2026: 71%");
    expect(svg.getAttribute("role")).toBe("img");
    expect(svg.querySelector("desc")!.textContent).toBe(monthly.description);
  });

  it("tells the lines apart by dash pattern as well as colour", () => {
    const svg = svgOf(lineChartSvg(monthly));
    const lines = Array.from(svg.querySelectorAll('g[data-mark="line"]'));
    expect(lines).toHaveLength(2);
    const looks = lines.map((g) => `${g.getAttribute("stroke")} ${g.getAttribute("stroke-dasharray") ?? "solid"}`);
    expect(new Set(looks.map((l) => l.split(" ").slice(1).join(" "))).size).toBe(2);
    expect(new Set(looks.map((l) => l.split(" ")[0])).size).toBe(2);
  });

  it("puts this year and last year on the same August-to-July axis", () => {
    const svg = svgOf(lineChartSvg(monthly));
    const [thisYear, lastYear] = Array.from(svg.querySelectorAll('g[data-mark="line"] path')).map((p) => p.getAttribute("d")!);
    // both lines start at August, the first point of the training year
    expect(thisYear!.match(/^M([\d.]+)/)![1]).toBe(lastYear!.match(/^M([\d.]+)/)![1]);
  });

  it("refuses a month that is not YYYY-MM rather than drawing it in the wrong place", () => {
    expect(() => lineChartSvg({ ...monthly, series: [{ name: "x", points: [{ month: "2026-13", value: 1 }] }] })).toThrow(/YYYY-MM/);
  });

  it("is deterministic", () => {
    expect(lineChartSvg(monthly)).toBe(lineChartSvg(structuredClone(monthly)));
  });
});

describe("colours", () => {
  it("every colour a chart uses has at least 3:1 contrast against white", () => {
    const markup = barChartSvg(coverageByTrust) + lineChartSvg(monthly);
    const used = new Set(Array.from(markup.matchAll(/(?:fill|stroke)="(#[0-9a-f]{6})"/gi), (m) => m[1]!.toLowerCase()));
    expect(used.size).toBeGreaterThan(1);
    for (const colour of [...used, ...CHART_COLOURS]) expect(contrastWithWhite(colour), colour).toBeGreaterThanOrEqual(3);
  });
});

describe("<Chart>", () => {
  it("shows the chart in a figure whose caption is the text summary, and escapes the caption", () => {
    const svg = barChartSvg(coverageByTrust);
    const html = renderToStaticMarkup(createElement(Chart, { svg, caption: "Coverage rose from 41% at the baseline to 63% now <script>" }));
    expect(html.startsWith('<figure class="app-chart"><figcaption class="app-chart__caption">Coverage rose from 41% at the baseline to 63% now &lt;script&gt;</figcaption>')).toBe(true);
    expect(html).toContain(svg);
    expect(html.endsWith("</figure>")).toBe(true);
  });
});
