import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { TrustForm } from "~/components/trust-form";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { TrustSchema, UUID } from "~/models/accounts.schema";
import { getTrust, updateTrust } from "~/models/trusts.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.trust.name ?? "Trust") }];

async function loadTrust(id: string | undefined) {
  if (!id || !UUID.test(id)) throw notFound();
  const trust = await getTrust(await getDb(), id);
  if (!trust) throw notFound();
  return trust;
}

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  return json({ trust: await loadTrust(args.params.id) });
}

export async function action(args: ActionFunctionArgs) {
  requireUser(args, { role: "admin" });
  const trust = await loadTrust(args.params.id);
  const formData = await args.request.formData();
  const parsed = parseForm(TrustSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await updateTrust(await getDb(), trust.id, parsed.data, auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors), result.status === 409 ? 409 : 400);
  }
  return redirect(`/admin/trusts/${trust.id}?saved=1`);
}

export default function EditTrust() {
  const { trust } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/admin/trusts">Back to trusts</BackLink>
        {params.get("saved") && !actionData ? <SuccessBanner>The trust's details are saved.</SuccessBanner> : null}
        <FormErrorSummary failure={actionData} />
        <h1>
          <span className="nhsuk-caption-l">
            {trust.name} ({trust.odsCode})
          </span>
          Edit trust details
        </h1>
        <TrustForm
          failure={actionData}
          initial={{
            odsCode: trust.odsCode,
            name: trust.name,
            region: trust.region,
            integratedCareSystem: trust.integratedCareSystem,
            sites: trust.sites.map((s) => s.name).join("\n"),
          }}
          submitLabel="Save changes"
        />
      </div>
    </div>
  );
}
