import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { FormErrorSummary, pageTitle } from "~/components/form-errors";
import { EMPTY_OPPORTUNITY, OpportunityForm } from "~/components/opportunity-form";
import { parseOpportunityForm } from "~/models/opportunities.schema";
import { opportunityFormOptions, saveOpportunity } from "~/models/opportunities.server";
import { failure } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Create an opportunity") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  return json(await opportunityFormOptions(await getDb(), user.trustId));
}

export async function action(args: ActionFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const formData = await args.request.formData();
  const parsed = parseOpportunityForm(formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await saveOpportunity(await getDb(), { trustId: user.trustId, userId: user.id }, parsed.data, undefined, auditContext(args.context));
  if (!result.ok) return invalid(failure(formData, result.fieldErrors, result.formError), result.status === 409 ? 409 : 400);
  return redirect(`/trust/opportunities/${result.id}?done=created`);
}

export default function NewOpportunity() {
  const { sites, objectives } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trust/opportunities">Back to opportunities</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>Create an opportunity</h1>
        <p>It is saved as a draft. You can preview it before you publish it to trainees.</p>
        <OpportunityForm failure={actionData} initial={EMPTY_OPPORTUNITY} sites={sites} objectives={objectives} submitLabel="Save draft" />
      </div>
    </div>
  );
}
