// "Download the round": its allocation's input and result, as scripts/allocate.ts reads and
// prints them, so anyone can run the same code on the input and compare the result byte for byte.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { getRoundAllocation, roundDownloadJson } from "~/models/round-close.server";
import { notFound } from "~/utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const viewer = requireUser(args, { role: ["admin", "trust_lead"] });
  const round = await getRoundAllocation(await getDb(), viewer, args.params.id ?? "");
  if (!round?.record || round.status !== "allocated") throw notFound();
  return new Response(roundDownloadJson(round.record), {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="round-${round.id}.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
