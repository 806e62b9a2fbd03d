// The invalid rows of an import as CSV, with the line, column and reason of each.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { invalidRowsCsvFor, requireImporter } from "~/models/rotation-import.server";
import { notFound } from "~/utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const importer = requireImporter(args);
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
