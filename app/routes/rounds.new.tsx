import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, pageTitle } from "~/components/form-errors";
import { EMPTY_ROUND, OpportunityFilter, RoundForm } from "~/components/round-form";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { createRound, pickerFilters, roundFormOptions } from "~/models/round-admin.server";
import { roundFormSchema } from "~/models/rounds.schema";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Create an allocation round") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "trust_lead"] });
  const filters = pickerFilters(new URL(args.request.url).searchParams);
  const scope = { trustId: user.role === "admin" ? null : user.trustId };
  const picker = await roundFormOptions(await getDb(), scope, filters, []);
  return json({ ...picker, filters, forAdmin: user.role === "admin" });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "trust_lead"] });
  const formData = await args.request.formData();
  const parsed = parseForm(roundFormSchema(new Date()), formData, { arrayFields: ["opportunityIds"] });
  if (!parsed.ok) return invalid(parsed);
  const result = await createRound(await getDb(), user, parsed.data, new Date(), auditContext(args.context));
  if (!result.ok) return invalid(failure(formData, result.fieldErrors, result.message), result.status === 409 ? 409 : 400);
  return redirect(`/rounds/${result.id}?done=created`);
}

export default function NewRound() {
  const { options, filtered, more, heldElsewhere, places, filters, forAdmin } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/rounds">Back to allocation rounds</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>Create an allocation round</h1>
        <p>
          While the round is open, trainees rank the opportunities in it instead of applying first come, first served. When it closes, the places are
          allocated so that as many trainees as possible get a first leadership opportunity before anyone gets a second.
        </p>
        {forAdmin && places ? <OpportunityFilter places={places} filters={filters} /> : null}
        <RoundForm failure={actionData} initial={EMPTY_ROUND} options={options} filtered={filtered} more={more} heldElsewhere={heldElsewhere} forAdmin={forAdmin} submitLabel="Create round" />
      </div>
    </div>
  );
}
