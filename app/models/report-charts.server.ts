// The report's charts, drawn on the server from the figures the tables show (no client-side
// charting): coverage by grade stage, by region (England) or trust (a region or ICS), and the
// month-by-month coverage against last year and the baseline. Each has a one-line summary.
import { barChartSvg, lineChartSvg, type ChartSvg } from "~/utils/charts.server";
import { formatDate } from "~/utils/dates";

import { trainingYearLabel, type CoverageRow, type Report, type SeriesPoint } from "./measures";

export interface ReportChart {
  id: string;
  svg: ChartSvg;
  caption: string;
}

const percent = (covered: number, placed: number) => Math.round((1000 * covered) / placed) / 10;

function coverageBars(rows: readonly CoverageRow[]) {
  return rows.filter((r) => r.placed > 0).map((r) => ({ label: r.label, value: percent(r.covered, r.placed), note: `${r.covered} of ${r.placed}` }));
}

function highestAndLowest(rows: { label: string; value: number }[]): string {
  if (rows.length < 2) return "";
  const sorted = [...rows].sort((a, b) => b.value - a.value);
  const top = sorted[0]!;
  const bottom = sorted[sorted.length - 1]!;
  return top.value === bottom.value ? ` Every one is at ${top.value}%.` : ` Highest: ${top.label} (${top.value}%). Lowest: ${bottom.label} (${bottom.value}%).`;
}

function monthPoints(points: readonly SeriesPoint[], shiftYears = 0) {
  return points
    .filter((p) => p.placed > 0)
    .map((p) => ({ month: `${Number(p.asAt.slice(0, 4)) + shiftYears}-${p.asAt.slice(5, 7)}`, value: percent(p.covered, p.placed) }));
}

export function reportCharts(report: Report): ReportChart[] {
  const charts: ReportChart[] = [];
  const stage = coverageBars(report.coverage.stage);
  if (stage.length) {
    charts.push({
      id: "chart-coverage-by-stage",
      svg: barChartSvg({ title: "Coverage by grade stage", description: stage.map((b) => `${b.label}: ${b.value}% (${b.note})`).join("; "), bars: stage, unit: "%" }),
      caption: `Coverage by grade stage.${highestAndLowest(stage)}`,
    });
  }
  const kind = report.query.scope.kind;
  const places = kind === "england" ? coverageBars(report.coverage.region) : kind === "trust" ? [] : coverageBars(report.coverage.trust);
  if (places.length > 1) {
    const what = kind === "england" ? "region" : "trust";
    charts.push({
      id: `chart-coverage-by-${what}`,
      svg: barChartSvg({ title: `Coverage by ${what}`, description: places.map((b) => `${b.label}: ${b.value}% (${b.note})`).join("; "), bars: places, unit: "%" }),
      caption: `Coverage by ${what}.${highestAndLowest(places)}`,
    });
  }
  const current = monthPoints(report.series.current);
  if (current.length) {
    const year = report.query.year;
    // Last year's months drawn over this year's August-to-July axis.
    const previous = monthPoints(report.series.previous, 1);
    const b = report.series.baseline;
    const rules = b && b.placed > 0 ? [{ label: `Baseline, ${formatDate(b.asAt)}`, value: percent(b.covered, b.placed) }] : [];
    const last = current[current.length - 1]!;
    const lastYear = previous.find((p) => p.month === last.month);
    const caption = [
      `Coverage month by month: ${last.value}% at the latest month end shown`,
      lastYear ? `, against ${lastYear.value}% a year before` : "",
      rules[0] ? `; ${rules[0].value}% at the baseline (${formatDate(b!.asAt)})` : "",
      ".",
    ].join("");
    charts.push({
      id: "chart-monthly-coverage",
      svg: lineChartSvg({
        title: "Coverage month by month",
        description: caption,
        series: [
          { name: trainingYearLabel(year), points: current },
          ...(previous.length ? [{ name: trainingYearLabel(year - 1), points: previous }] : []),
        ],
        unit: "%",
        rules,
      }),
      caption,
    });
  }
  return charts;
}
