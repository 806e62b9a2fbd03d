// Each table of the measures of progress as CSV: the same parameters and the same scope rules
// as the page, stable headings, cells safe to open in a spreadsheet.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { csvFileName, REPORT_TABLE_NAMES, reportTables, tableCsv } from "~/models/measures";
import { openReport } from "~/models/measures.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "dme", "trust_lead"] });
  const name = args.params.table ?? "";
  if (!(REPORT_TABLE_NAMES as readonly string[]).includes(name)) throw notFound();
  const params = new URL(args.request.url).searchParams;
  const opened = await openReport(await getDb(), { role: user.role, trustId: user.trustId ?? null }, params, todayInLondon());
  if (!opened.ok) {
    if (opened.status === 404) throw notFound();
    const messages = Object.values(opened.fieldErrors).join("\n");
    return new Response(`These figures cannot be given:\n${messages}\n`, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  // The list of names is only in a trust's own staff's report.
  const table = reportTables(opened.report).find((t) => t.name === name);
  if (!table) throw notFound();
  return new Response(tableCsv(table), {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${csvFileName(name, opened.report.query)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
