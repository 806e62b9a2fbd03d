import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { pageTitle } from "~/components/form-errors";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { InsetText } from "~/components/nhsuk/inset-text";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { EMAIL_KIND_LABELS } from "~/models/email-kinds";
import { listEmailPreferences, saveEmailPreferences } from "~/models/email-preferences.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Notification settings") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const db = await getDb();
  return json({ kinds: await listEmailPreferences(db, user) });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args);
  const form = await args.request.formData();
  // Unticked boxes send nothing: every kind of the role not ticked is off. Values that are no
  // kind of this role are ignored, so nothing a person can type reaches the table.
  const on = form.getAll("email").filter((v): v is string => typeof v === "string");
  await saveEmailPreferences(await getDb(), user, on, auditContext(args.context));
  return redirect("/account/notifications?saved=1");
}

export default function NotificationSettings() {
  const { kinds } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {params.get("saved") === "1" ? <SuccessBanner>Your notification settings are saved.</SuccessBanner> : null}
        <h1>Notification settings</h1>
        <p>
          Everything Invitational tells you appears in your <Link to="/notifications">notifications</Link>, at the top of every
          page. That cannot be turned off, so you never miss an application or a placement.
        </p>
        {kinds.length === 0 ? (
          <p>Your account is not sent any e-mails you can turn off: only invitations and password resets, which you asked for.</p>
        ) : (
          <Form method="post" noValidate>
            <Checkboxes
              name="email"
              id="email"
              legend="Which would you also like by e-mail?"
              legendProps={{ size: "m" }}
              hint="Untick a kind to stop its e-mails. Password resets and invitations are always sent."
            >
              {kinds.map((k) => (
                <Checkboxes.Item key={k.kind} id={`email-${k.kind}`} value={k.kind} defaultChecked={k.email} hint={EMAIL_KIND_LABELS[k.kind].hint}>
                  {EMAIL_KIND_LABELS[k.kind].label}
                </Checkboxes.Item>
              ))}
            </Checkboxes>
            <Button type="submit">Save notification settings</Button>
          </Form>
        )}
        <InsetText>
          <p>Every e-mail you can turn off has a link at its end that turns off that kind of e-mail without signing in.</p>
        </InsetText>
      </div>
    </div>
  );
}
