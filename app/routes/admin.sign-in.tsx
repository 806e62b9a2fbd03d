// How staff sign in (issue 14): an admin can turn password sign-in off for trust leads, DMEs
// and admins once NHS CIS2 is set up; trainees always keep their passwords.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import * as v from "valibot";

import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Radios } from "~/components/nhsuk/radios";

import { requireUser } from "~/auth.server";
import { getCis2 } from "~/cis2.server";
import { FormErrorSummary, fieldError, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { setStaffPasswordSignIn, staffPasswordSignInAllowed } from "~/models/cis2-accounts.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("How staff sign in") }];

const SettingSchema = v.object({
  staffPasswordSignIn: v.picklist(["on", "off"], "Select whether staff may sign in with a password"),
});

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  const allowed = await staffPasswordSignInAllowed(await getDb());
  return json({ allowed, cis2: getCis2() !== null });
}

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const formData = await args.request.formData();
  const parsed = parseForm(SettingSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await setStaffPasswordSignIn(await getDb(), admin, parsed.data.staffPasswordSignIn === "on", {
    cis2Configured: getCis2() !== null,
    audit: auditContext(args.context),
  });
  if (!result.ok) return invalid(failure(formData, { staffPasswordSignIn: result.message }));
  return json({ ok: true as const, saved: parsed.data.staffPasswordSignIn });
}

export default function StaffSignInSetting() {
  const { allowed, cis2 } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const refusal = data && !data.ok ? data : undefined;
  const chosen = refusal ? refusal.values.staffPasswordSignIn : allowed ? "on" : "off";
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {data?.ok ? (
          <SuccessBanner>
            {data.saved === "on" ? "Staff can sign in with a password or NHS CIS2." : "Staff now sign in with NHS CIS2 only."}
          </SuccessBanner>
        ) : null}
        <FormErrorSummary failure={refusal} />
        <h1>How staff sign in</h1>
        <p>
          Trust leads, directors of medical education and regional administrators can sign in with NHS Care Identity Service 2 (CIS2)
          {cis2 ? "" : " once it is set up for this service"}. Trainees always keep their passwords, and can link NHS CIS2 from their
          profile.
        </p>
        {cis2 ? null : (
          <InsetText>
            <p>NHS CIS2 sign-in is not set up for this service, so staff must keep signing in with a password.</p>
          </InsetText>
        )}
        <Form method="post" noValidate>
          <Radios
            name="staffPasswordSignIn"
            legend="Can staff sign in with a password?"
            hint="Turned off, a member of staff who enters the right password is asked to sign in with NHS CIS2 instead."
            error={fieldError(refusal, "staffPasswordSignIn")}
          >
            <Radios.Item id="staffPasswordSignIn" value="on" defaultChecked={chosen === "on"}>
              Yes, with a password or NHS CIS2
            </Radios.Item>
            <Radios.Item id="staffPasswordSignIn-off" value="off" defaultChecked={chosen === "off"}>
              No, with NHS CIS2 only
            </Radios.Item>
          </Radios>
          <Button type="submit">Save how staff sign in</Button>
        </Form>
        <p>
          <Link to="/admin">Back to the admin home</Link>
        </p>
      </div>
    </div>
  );
}
