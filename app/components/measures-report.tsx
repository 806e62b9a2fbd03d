// The figures of a measures-of-progress report: each table with its definition, for the report
// page and its printable version (no download links there).
import { Link } from "@remix-run/react";

import { Chart } from "~/components/chart";
import { EquitySection } from "~/components/equity-section";
import { Table } from "~/components/nhsuk/table";
import { ResponsiveTable } from "~/components/responsive-table";
import {
  coverageSummary,
  DEFINITIONS,
  formatCount,
  formatPercent,
  reportSearch,
  reportTables,
  trainingYearLabel,
  type Report,
  type ReportTable,
} from "~/models/measures";
import type { ReportChart } from "~/models/report-charts.server";
import { formatClockTime, formatDate, londonDateAndTime } from "~/utils/dates";

export function FigureTable({ table, search }: { table: ReportTable; search: string | null }) {
  const columns = table.headings.map((h, i) => (table.numeric.includes(i) ? { label: h, numeric: true as const } : h));
  return (
    <section aria-labelledby={`${table.name}-heading`} className="nhsuk-u-margin-bottom-6">
      <h3 id={`${table.name}-heading`}>{table.title}</h3>
      <p className="nhsuk-body-s">{table.definition}</p>
      {table.rows.length ? (
        <ResponsiveTable columns={columns}>
          {table.rows.map((row, r) => (
            <Table.Row key={r}>
              {row.map((cell, i) => (
                <Table.Cell key={i} format={table.numeric.includes(i) ? "numeric" : undefined}>
                  {cell === "" ? "–" : cell}
                </Table.Cell>
              ))}
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>None in this scope.</p>
      )}
      {search !== null ? (
        <p>
          <a href={`/reports/${table.name}.csv?${search}`} download>
            Download {table.title.charAt(0).toLowerCase() + table.title.slice(1)} (CSV)
          </a>
        </p>
      ) : null}
    </section>
  );
}

/** "Figures computed at 12:40pm on 1 December 2026", or "just now" when they were computed for this page. */
export function computedNote(report: Pick<Report, "computedAt" | "computedLive">): string {
  if (report.computedLive) return "Figures computed just now.";
  const [day, time] = londonDateAndTime(new Date(report.computedAt));
  return `Figures computed at ${formatClockTime(time)} on ${formatDate(day)}: they are never more than 10 minutes old.`;
}

/** The report's title, the one-line summary and when and as at when it was worked out. */
export function ReportHeading({ report }: { report: Report }) {
  const q = report.query;
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Measures of progress</span>
        {report.scopeName}, {trainingYearLabel(q.year)}
      </h1>
      <p className="nhsuk-lede-text">{coverageSummary(report)}</p>
      <p>
        As at {formatDate(q.asAt)}. {DEFINITIONS.year} {DEFINITIONS.asAt} {computedNote(report)}
      </p>
    </>
  );
}

/** Every figure of the report; `printable` leaves out the download links. */
export function ReportBody({ report, charts = [], printable = false }: { report: Report; charts?: readonly ReportChart[]; printable?: boolean }) {
  const chart = (id: string) => {
    const c = charts.find((x) => x.id === id);
    return c ? <Chart key={c.id} svg={c.svg} caption={c.caption} /> : null;
  };
  const search = printable ? null : reportSearch(report.query);
  const tables = reportTables(report);
  const section = (names: string[]) =>
    names
      .map((n) => tables.find((t) => t.name === n))
      .filter((t): t is ReportTable => Boolean(t))
      .map((t) => <FigureTable key={t.name} table={t} search={search} />);
  const { placed, covered } = report.overall;
  return (
    <>
      <h2 id="coverage">Coverage</h2>
      <p>
        {DEFINITIONS.placed} {DEFINITIONS.covered} {DEFINITIONS.coverage}
      </p>
      <ResponsiveTable columns={["Scope", { label: "Trainees placed", numeric: true }, { label: "Trainees covered", numeric: true }, { label: "Coverage", numeric: true }]} caption="Coverage">
        <Table.Row>
          <Table.Cell>{report.scopeName}</Table.Cell>
          <Table.Cell format="numeric">{formatCount(placed)}</Table.Cell>
          <Table.Cell format="numeric">{formatCount(covered)}</Table.Cell>
          <Table.Cell format="numeric">{formatPercent(covered, placed)}</Table.Cell>
        </Table.Row>
        {report.comparison ? (
          <Table.Row>
            <Table.Cell>{report.comparison.label} (the region, for comparison)</Table.Cell>
            <Table.Cell format="numeric">{formatCount(report.comparison.placed)}</Table.Cell>
            <Table.Cell format="numeric">{formatCount(report.comparison.covered)}</Table.Cell>
            <Table.Cell format="numeric">{formatPercent(report.comparison.covered, report.comparison.placed)}</Table.Cell>
          </Table.Row>
        ) : null}
        {report.series.baseline ? (
          <Table.Row>
            <Table.Cell>At the baseline, {formatDate(report.series.baseline.asAt)}</Table.Cell>
            <Table.Cell format="numeric">{formatCount(report.series.baseline.placed)}</Table.Cell>
            <Table.Cell format="numeric">{formatCount(report.series.baseline.covered)}</Table.Cell>
            <Table.Cell format="numeric">{formatPercent(report.series.baseline.covered, report.series.baseline.placed)}</Table.Cell>
          </Table.Row>
        ) : null}
      </ResponsiveTable>

      <h2 id="nothing-yet">Trainees with nothing yet</h2>
      <p>
        {formatCount(report.nothingYet.count)} {report.nothingYet.count === 1 ? "trainee placed has" : "trainees placed have"} had no approved or completed opportunity this training year. {DEFINITIONS.nothingYet}
      </p>
      {report.nothingYet.suggestionsHref ? (
        <p>
          <Link to={report.nothingYet.suggestionsHref}>Opportunities at the trust to suggest to them</Link>
        </p>
      ) : null}
      {section(["nothing-yet"])}

      <div className="app-charts">
        {chart("chart-coverage-by-region")}
        {chart("chart-coverage-by-trust")}
        {chart("chart-coverage-by-stage")}
      </div>
      {section(["coverage-by-trust", "coverage-by-ics", "coverage-by-region", "coverage-by-stage", "coverage-by-specialty", "coverage-by-ltft"])}

      <h2 id="offer">Offer</h2>
      {section(["offer-by-type", "offer-by-tier", "offer-by-focus", "offer-by-dimension"])}

      <h2 id="uptake">Uptake</h2>
      {section(["uptake", "decision-days", "first-timers", "opportunities-had"])}

      <h2 id="spread">Spread of the offer</h2>
      {section(["spread"])}

      <h2 id="evaluation">Evaluation</h2>
      <p>How trainees rated the opportunities they took part in, from their final reflections. A reflection is the trainee's own: only its rating and whether they would recommend the opportunity are counted here, never its words.</p>
      {section(["evaluation"])}

      <EquitySection report={report.equity} />
      {search !== null ? (
        <ul className="nhsuk-list">
          {tables
            .filter((t) => t.name.startsWith("equity-"))
            .map((t) => (
              <li key={t.name}>
                <a href={`/reports/${t.name}.csv?${search}`} download>
                  Download {t.title.charAt(0).toLowerCase() + t.title.slice(1)} (CSV)
                </a>
              </li>
            ))}
        </ul>
      ) : null}

      <h2 id="monthly">Month by month</h2>
      {chart("chart-monthly-coverage")}
      {report.series.baseline ? (
        <p>
          At the baseline ({formatDate(report.series.baseline.asAt)}) coverage was {formatPercent(report.series.baseline.covered, report.series.baseline.placed)}.
        </p>
      ) : (
        <p>No baseline date is recorded for this training year.</p>
      )}
      {section(["monthly-coverage"])}
    </>
  );
}
