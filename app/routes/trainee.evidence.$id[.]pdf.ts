// The evidence of one completed opportunity as a PDF to upload to an e-portfolio: the same
// evidence, scope and reflection choice (?reflection=include) as the page beside it.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { evidenceFileName, includesReflection } from "~/models/evidence/evidence";
import { evidencePdf } from "~/models/evidence/evidence-pdf.server";
import { getEvidence } from "~/models/evidence/evidence.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pdfResponse } from "~/utils/pdf-response.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const includeReflection = includesReflection(new URL(args.request.url).searchParams);
  const today = todayInLondon();
  const found = await getEvidence(await getDb(), user.id, args.params.id ?? "", today, { includeReflection });
  // Waiting for sign-off is not evidence yet: its page says so; there is no document to give.
  if (!found || found.kind !== "evidence") throw notFound();
  return pdfResponse(await evidencePdf(found.evidence, today), evidenceFileName(found.evidence.title, found.evidence.endsOn));
}
