// The one-page summary of every completed opportunity as a PDF, the same as /trainee/evidence.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { includesReflection } from "~/models/evidence/evidence";
import { evidenceSummaryPdf } from "~/models/evidence/evidence-pdf.server";
import { getEvidenceSummary } from "~/models/evidence/evidence.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const includeReflection = includesReflection(new URL(args.request.url).searchParams);
  const today = todayInLondon();
  const found = await getEvidenceSummary(await getDb(), user.id, today, { includeReflection });
  if (!found) throw notFound();
  return pdfResponse(await evidenceSummaryPdf(found.summary, today), `leadership-evidence-summary-${today}.pdf`);
}
