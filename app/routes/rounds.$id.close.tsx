// "Close and allocate now" (a button on the round's page posts here): an admin closes the
// round before its closing time. The close itself is closeRound, the same the scheduler runs.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useParams } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { closeRefusal, closeRound } from "~/models/round-close.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("The round could not be closed") }];

const REFUSED = {
  allocated: "This round has already been closed and allocated.",
  cancelled: "This round was cancelled, so it cannot be allocated.",
  notOpenYet: "This round has not opened for choices yet, so there is nothing to allocate. Cancel it or wait until it opens.",
} as const;

/**
 * The page after a refused press runs this loader too: it says why the round cannot be closed
 * (a redirect here took the admin back to the round's page without the reason). Opened for a
 * round that can be closed, there is nothing to say: the button is on the round's page.
 */
export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  const id = args.params.id ?? "";
  const refusal = await closeRefusal(await getDb(), id, new Date());
  if (refusal === "notFound") throw notFound();
  if (refusal === null) throw redirect(`/rounds/${id}`);
  return json({ message: REFUSED[refusal] });
}

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const id = args.params.id ?? "";
  const result = await closeRound(await getDb(), id, { actor: admin, now: new Date(), audit: auditContext(args.context) });
  if (result.ok) return redirect(`/rounds/${id}/allocation?closed=1`);
  if ("notFound" in result) throw notFound();
  const message = "notOpenYet" in result ? REFUSED.notOpenYet : REFUSED[result.status === "cancelled" ? "cancelled" : "allocated"];
  return json({ message }, { status: 409 });
}

export default function CloseRefused() {
  const data = useActionData<typeof action>();
  const { message } = useLoaderData<typeof loader>();
  const { id } = useParams();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <MessageSummary message={data?.message ?? message} href="#what-next" />
        <h1>The round could not be closed</h1>
        <p id="what-next">
          <Link to={`/rounds/${id}`}>Back to the round</Link>
        </p>
      </div>
    </div>
  );
}
