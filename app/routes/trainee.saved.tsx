// The shortlist's buttons post here from any page ("Save for later", "Remove from saved"); the
// answer goes back to that page with ?shortlist=<outcome>.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import type { ShortlistOutcome } from "~/components/shortlist-messages";
import { UUID } from "~/models/accounts.schema";
import { removeSaved, saveForLater } from "~/models/shortlist.server";
import { notFound } from "~/utils/http.server";
import { safeRedirect } from "~/utils/redirect";

export function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "trainee" });
  return redirect("/trainee/journey#saved");
}

function back(to: string, outcome: ShortlistOutcome, hash = ""): Response {
  const url = new URL(to, "http://invitational.invalid");
  url.searchParams.set("shortlist", outcome);
  return redirect(`${url.pathname}${url.search}${hash}`, 303);
}

export async function action(args: ActionFunctionArgs) {
  const trainee = requireUser(args, { role: "trainee" });
  const form = await args.request.formData();
  const intent = form.get("intent");
  const opportunityId = String(form.get("opportunityId") ?? "");
  const returnTo = safeRedirect(form.get("returnTo"), "/trainee/journey");
  if ((intent !== "save" && intent !== "remove") || !UUID.test(opportunityId)) {
    return new Response("Use the Save for later or Remove from saved button on an opportunity", { status: 400 });
  }
  const db = await getDb();
  if (intent === "remove") {
    await removeSaved(db, trainee.id, opportunityId);
    return back(returnTo, "removed");
  }
  const result = await saveForLater(db, trainee.id, opportunityId);
  if (!result.ok) {
    if (result.reason === "not_found") throw notFound();
    // A full shortlist is answered beside it, where one can be removed; a closed opportunity on its own page.
    if (result.reason === "full") return back("/trainee/journey", "full", "#saved");
    return back(`/opportunities/${opportunityId}`, "closed");
  }
  return back(returnTo, "saved");
}
