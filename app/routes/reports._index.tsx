// The measures of progress (issue 11): coverage, offer, uptake and spread for a scope, as at a
// date. Every filter is in the address, so a report can be shared and works without JavaScript.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { FormErrorSummary } from "~/components/form-errors";
import { Button } from "~/components/nhsuk/button";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";
import { ReportBody, ReportHeading } from "~/components/measures-report";
import { getDb } from "~/db.server";
import { STAGES } from "~/models/domain";
import { reportSearch, STAGE_LABELS } from "~/models/measures";
import { openReport } from "~/models/measures.server";
import { reportCharts, type ReportChart } from "~/models/report-charts.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Measures of progress") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "dme", "trust_lead"] });
  const params = new URL(args.request.url).searchParams;
  const opened = await openReport(await getDb(), { role: user.role, trustId: user.trustId ?? null }, params, todayInLondon());
  if (!opened.ok && opened.status === 404) throw notFound();
  return json({ ...opened, role: user.role, charts: opened.ok ? reportCharts(opened.report) : [] }, { status: opened.ok ? 200 : 400 });
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
  const search = reportSearch(report.query);
  return (
    <>
      <ReportHeading report={report} />
      <Filters data={data} />

      <ul className="nhsuk-list">
        <li>
          <Link to={`/reports/print?${search}`}>Printable version of the whole report</Link>
        </li>
        {data.role === "admin" ? (
          <li>
            <Link to="/reports/baseline">Record the baseline date of a training year</Link>
          </li>
        ) : null}
      </ul>
      <ReportBody report={report} charts={data.charts as ReportChart[]} />
    </>
  );
}
