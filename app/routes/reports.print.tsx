// The whole report on one page to print or save as a PDF: the same figures, scope rules and
// parameters as /reports, without the filters and download links.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { ReportBody, ReportHeading } from "~/components/measures-report";
import { getDb } from "~/db.server";
import { reportSearch } from "~/models/measures";
import { reportCharts, type ReportChart } from "~/models/report-charts.server";
import { openReport } from "~/models/measures.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Measures of progress (printable)") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "dme", "trust_lead"] });
  const url = new URL(args.request.url);
  const opened = await openReport(await getDb(), { role: user.role, trustId: user.trustId ?? null }, url.searchParams, todayInLondon());
  if (!opened.ok && opened.status === 404) throw notFound();
  if (!opened.ok) return json({ ok: false as const, messages: Object.values(opened.fieldErrors), search: url.search }, { status: 400 });
  return json({ ok: true as const, report: opened.report, charts: reportCharts(opened.report) });
}

export default function PrintableReport() {
  const data = useLoaderData<typeof loader>();
  if (!data.ok) {
    return (
      <>
        <h1>Measures of progress</h1>
        <p>These figures cannot be shown:</p>
        <ul>
          {data.messages.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
        <p>
          <Link to={`/reports${data.search}`}>Correct the choices on the report</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <ReportHeading report={data.report} />
      <p className="nhsuk-u-print-hide">
        Print this page from your browser, or <Link to={`/reports?${reportSearch(data.report.query)}`}>go back to the report</Link>.
      </p>
      <ReportBody report={data.report} charts={data.charts as ReportChart[]} printable />
    </>
  );
}
