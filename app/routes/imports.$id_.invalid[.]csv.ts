// The invalid rows of an import as CSV, with the line, column and reason of each.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { importerFrom, IMPORTER_ROLES, invalidRowsCsvFor } from "~/models/rotation-import.server";
import { notFound } from "~/utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const file = await invalidRowsCsvFor(await getDb(), importer, args.params.id ?? "");
  if (!file) throw notFound();
  return new Response(file.csv, {
    status: 200,
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${file.fileName}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
