// The measures of progress (issue 11): coverage, offer, uptake and spread for a scope, as at a
// date. Every filter is in the address, so a report can be shared and works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { FormErrorSummary } from "~/components/form-errors";
import { Button } from "~/components/nhsuk/button";
import { Select } from "~/components/nhsuk/select";
import { Table } from "~/components/nhsuk/table";
import { TextInput } from "~/components/nhsuk/text-input";
import { ResponsiveTable } from "~/components/responsive-table";
import { getDb } from "~/db.server";
import { STAGES } from "~/models/domain";
import {
  coverageSummary,
  DEFINITIONS,
  formatCount,
  formatPercent,
  reportSearch,
  reportTables,
  STAGE_LABELS,
  trainingYearLabel,
  type ReportTable,
} from "~/models/measures";
import { openReport } from "~/models/measures.server";
import { formatDate, formatDateTime, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Measures of progress") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "dme", "trust_lead"] });
  const params = new URL(args.request.url).searchParams;
  const opened = await openReport(await getDb(), { role: user.role, trustId: user.trustId ?? null }, params, todayInLondon());
  if (!opened.ok && opened.status === 404) throw notFound();
  return json({ ...opened, role: user.role }, { status: opened.ok ? 200 : 400 });
}

const FIELD_LABELS: Record<string, string> = { scope: "Scope", year: "Training year", asAt: "As at", stage: "Grade stage", specialty: "Specialty", ltft: "Working pattern" };

function Filters({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const values = data.values;
  const errors = data.ok ? {} : data.fieldErrors;
  const query = data.ok ? data.report.query : null;
  const scope = values.scope ?? (query ? undefined : "england");
  const groups = ["England", "Regions", "Integrated care systems", "Trusts"] as const;
  return (
    <Form method="get" aria-labelledby="filters-heading" className="app-filters">
      <h2 id="filters-heading" className="nhsuk-heading-m">
        Choose what to show
      </h2>
      {data.options.scopes.length ? (
        <Select id="scope" name="scope" label="Scope" defaultValue={scope ?? (query ? scopeValue(query.scope) : "england")} error={errors.scope}>
          {groups.map((g) => (
            <optgroup key={g} label={g}>
              {data.options.scopes
                .filter((s) => s.group === g)
                .map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label}
                  </option>
                ))}
            </optgroup>
          ))}
        </Select>
      ) : null}
      <TextInput id="year" name="year" label="Training year" hint="Its first year: 2026 for August 2026 to July 2027" inputMode="numeric" width={4} defaultValue={values.year ?? (query ? String(query.year) : "")} error={errors.year} />
      <TextInput id="asAt" name="asAt" type="date" label="As at" hint="The figures as they stood at the end of this day" defaultValue={values.asAt ?? query?.asAt ?? ""} error={errors.asAt} />
      <Select id="stage" name="stage" label="Grade stage" defaultValue={values.stage ?? ""} error={errors.stage}>
        <option value="">All stages</option>
        {STAGES.map((s) => (
          <option key={s} value={s}>
            {STAGE_LABELS[s]}
          </option>
        ))}
      </Select>
      <TextInput id="specialty" name="specialty" label="Specialty" hint="As written on the placement, for example Foundation" defaultValue={values.specialty ?? ""} error={errors.specialty} />
      <Select id="ltft" name="ltft" label="Working pattern" defaultValue={values.ltft ?? ""} error={errors.ltft}>
        <option value="">Full time and less than full time</option>
        <option value="yes">Less than full time</option>
        <option value="no">Full time</option>
      </Select>
      <Button type="submit">Show the report</Button>
    </Form>
  );
}

function scopeValue(scope: { kind: string; region?: string; ics?: string; odsCode?: string }): string {
  if (scope.kind === "region") return `region:${scope.region}`;
  if (scope.kind === "ics") return `ics:${scope.ics}`;
  if (scope.kind === "trust") return `trust:${scope.odsCode}`;
  return "england";
}

function FigureTable({ table, search }: { table: ReportTable; search: string }) {
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
      <p>
        <a href={`/reports/${table.name}.csv?${search}`} download>
          Download {table.title.charAt(0).toLowerCase() + table.title.slice(1)} (CSV)
        </a>
      </p>
    </section>
  );
}

export default function Reports() {
  const data = useLoaderData<typeof loader>();
  if (!data.ok) {
    return (
      <>
        <FormErrorSummary failure={{ ok: false, fieldErrors: data.fieldErrors, values: data.values }} labels={FIELD_LABELS} />
        <h1>Measures of progress</h1>
        <p>These figures cannot be shown: correct the choices below.</p>
        <Filters data={data} />
      </>
    );
  }
  const { report } = data;
  const q = report.query;
  const search = reportSearch(q);
  const tables = reportTables(report);
  const byName = (name: string) => tables.find((t) => t.name === name);
  const section = (names: string[]) => names.map((n) => byName(n)).filter((t): t is ReportTable => Boolean(t)).map((t) => <FigureTable key={t.name} table={t} search={search} />);
  const { placed, covered } = report.overall;
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Measures of progress</span>
        {report.scopeName}, {trainingYearLabel(q.year)}
      </h1>
      <p className="nhsuk-lede-text">{coverageSummary(report)}</p>
      <p>
        As at {formatDate(q.asAt)}. {DEFINITIONS.year} {DEFINITIONS.asAt} Worked out at {formatDateTime(report.computedAt)}.
      </p>
      <Filters data={data} />

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

      {section(["coverage-by-trust", "coverage-by-ics", "coverage-by-region", "coverage-by-stage", "coverage-by-specialty", "coverage-by-ltft"])}

      <h2 id="offer">Offer</h2>
      {section(["offer-by-type", "offer-by-tier", "offer-by-focus", "offer-by-dimension"])}

      <h2 id="uptake">Uptake</h2>
      {section(["uptake", "decision-days", "first-timers", "opportunities-had"])}

      <h2 id="spread">Spread of the offer</h2>
      {section(["spread"])}

      <h2 id="monthly">Month by month</h2>
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
