// The link at the end of every optional e-mail: works without signing in, because the token
// is signed for one account and one kind (email-preferences.server.ts). Looking at the page
// changes nothing (mail scanners follow links); the button, or a mail client's one-click POST
// (RFC 8058, List-Unsubscribe-Post), turns that kind of e-mail off.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";

import { pageTitle } from "~/components/form-errors";
import { Button } from "~/components/nhsuk/button";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { EMAIL_KIND_LABELS } from "~/models/email-kinds";
import { optOut, unsubscribeState } from "~/models/email-preferences.server";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Stop e-mails") }, { name: "robots", content: "noindex" }];

async function stateOf(token: string | undefined) {
  const state = token ? await unsubscribeState(await getDb(), token) : null;
  // A forged, altered or stale link is a page that does not exist, never an error.
  if (!state) throw notFound("This link to stop e-mails is not valid");
  return state;
}

export async function loader({ params }: LoaderFunctionArgs) {
  const state = await stateOf(params.token);
  return json({ label: EMAIL_KIND_LABELS[state.kind].label, off: state.off });
}

export async function action({ params, context }: ActionFunctionArgs) {
  const state = await stateOf(params.token);
  await optOut(await getDb(), state.userId, state.kind, auditContext(context));
  return json({ stopped: true as const });
}

export default function Unsubscribe() {
  const { label, off } = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const kind = label.toLowerCase();
  if (done?.stopped || off) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>You will no longer get e-mails about {kind}</h1>
          <p>You will still see them in your notifications when you sign in to Invitational.</p>
          <p>
            To turn them on again, or to change other kinds of e-mail, go to your <Link to="/account/notifications">notification settings</Link> (you need to sign in).
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>Stop e-mails about {kind}?</h1>
        <p>You will still see them in your notifications when you sign in. Other kinds of e-mail are not changed.</p>
        <Form method="post">
          <Button type="submit">Stop these e-mails</Button>
        </Form>
      </div>
    </div>
  );
}
