import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Radios } from "~/components/nhsuk/radios";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { InviteStaffSchema } from "~/models/accounts.schema";
import { ROLE_LABELS } from "~/models/domain";
import { listTrustOptions } from "~/models/trusts.server";
import { inviteStaff } from "~/models/users.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Invite a member of staff") }];

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  return json({ trusts: await listTrustOptions(await getDb()) });
}

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const formData = await args.request.formData();
  const parsed = parseForm(InviteStaffSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await inviteStaff(await getDb(), parsed.data, { invitedBy: admin.id, baseUrl: appOrigin(args.request), audit: auditContext(args.context) });
  if (!result.ok) return invalid(failure(formData, result.fieldErrors), result.status === 409 ? 409 : 400);
  return json({ ok: true as const, link: result.link, email: parsed.data.email, name: parsed.data.name });
}

const STAFF_ROLES = ["trust_lead", "dme", "admin"] as const;

export default function InviteStaff() {
  const { trusts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failed = actionData && !actionData.ok ? actionData : undefined;
  if (actionData?.ok) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <title>Invitation sent – Invitational</title>
          <h1>Invitation sent</h1>
          <SuccessBanner>{actionData.name} has been invited</SuccessBanner>
          <p>
            We have sent an email to <strong>{actionData.email}</strong> with a link to set a password. The link works
            once and expires in 7 days.
          </p>
          <InsetText>
            <p>If the email does not arrive, send them this link yourself:</p>
            <p className="nhsuk-u-font-size-16 app-break-all">
              {actionData.link}
            </p>
          </InsetText>
          <p>
            <a href="/admin/users/invite">Invite someone else</a>
          </p>
          <p>
            <a href="/admin/users">Back to users</a>
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/admin/users">Back to users</BackLink>
        <FormErrorSummary failure={failed} />
        <h1>Invite a member of staff</h1>
        <p>Trainees create their own accounts. Staff join only through an invitation.</p>
        <Form method="post" noValidate>
          <TextInput id="name" name="name" label="Full name" defaultValue={keptValue(failed, "name")} error={fieldError(failed, "name")} />
          <TextInput
            id="email"
            name="email"
            type="email"
            label="Email address"
            spellCheck={false}
            defaultValue={keptValue(failed, "email")}
            error={fieldError(failed, "email")}
          />
          <Radios name="role" legend="Role" error={fieldError(failed, "role")}>
            {STAFF_ROLES.map((r) => (
              <Radios.Item key={r} id={r === "trust_lead" ? "role" : `role-${r}`} value={r} defaultChecked={keptValue(failed, "role") === r}>
                {ROLE_LABELS[r]}
              </Radios.Item>
            ))}
          </Radios>
          <Select
            id="trustId"
            name="trustId"
            label="Trust"
            hint="Trust leads and directors of medical education work for one trust. Leave empty for a regional administrator"
            defaultValue={keptValue(failed, "trustId")}
            error={fieldError(failed, "trustId")}
          >
            <Select.Option value="">Select a trust</Select.Option>
            {trusts.map((t) => (
              <Select.Option key={t.id} value={t.id}>
                {t.name} ({t.odsCode})
              </Select.Option>
            ))}
          </Select>
          <Button type="submit">Send invitation</Button>
        </Form>
      </div>
    </div>
  );
}
