import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, pageTitle } from "~/components/form-errors";
import { TrustForm } from "~/components/trust-form";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { TrustSchema } from "~/models/accounts.schema";
import { createTrust } from "~/models/trusts.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Add a trust") }];

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  return json({});
}

export async function action(args: ActionFunctionArgs) {
  requireUser(args, { role: "admin" });
  const formData = await args.request.formData();
  const parsed = parseForm(TrustSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await createTrust(await getDb(), parsed.data, auditContext(args.context));
  if (!result.ok) return invalid(failure(formData, result.fieldErrors), result.status === 409 ? 409 : 400);
  return redirect(`/admin/trusts/${result.trustId}?saved=1`);
}

export default function NewTrust() {
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/admin/trusts">Back to trusts</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>Add a trust</h1>
        <TrustForm
          failure={actionData}
          initial={{ odsCode: "", name: "", region: "", integratedCareSystem: "", sites: "" }}
          submitLabel="Add trust"
        />
      </div>
    </div>
  );
}
