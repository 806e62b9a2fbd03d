import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { TextInput } from "~/components/nhsuk/text-input";

import { createUserSession, homePathFor } from "~/auth.server";
import { FormErrorSummary, MessageSummary, fieldError, keptValue, pageTitle, usePasswordReset } from "~/components/form-errors";
import { NewPasswordInput } from "~/components/new-password-input";
import { getCis2 } from "~/cis2.server";
import { Cis2Button } from "~/components/cis2-button";
import { getDb } from "~/db.server";
import { CIS2_INVITATION_ROLES, STAFF_PASSWORD_OFF_MESSAGE, staffPasswordSignInAllowed } from "~/models/cis2-accounts.server";
import type { Db } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { AcceptInvitationSchema } from "~/models/accounts.schema";
import { ROLE_LABELS } from "~/models/domain";
import { acceptInvitation, findInvitation, INVITATION_MESSAGES, NEW_LINK_SENT, sendNewInvitationLink } from "~/models/users.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Accept your invitation") }];

const STATUS = { unknown: 404, used: 409, expired: 410 } as const;

/**
 * How this invitation may be accepted: staff may use NHS CIS2 where it is configured; a
 * password only while the admin has not turned password sign-in off for staff.
 */
async function acceptMethods(db: Db, invitation: { role: (typeof CIS2_INVITATION_ROLES)[number] | "trainee"; userId: string | null }) {
  const staff = CIS2_INVITATION_ROLES.includes(invitation.role) && !invitation.userId;
  const cis2 = staff && getCis2() !== null;
  const password = !cis2 || (await staffPasswordSignInAllowed(db));
  return { cis2, password };
}

export async function loader({ params }: LoaderFunctionArgs) {
  const db = await getDb();
  const lookup = await findInvitation(db, params.token ?? "");
  if (!lookup.ok) {
    const status = STATUS[lookup.reason];
    return json(
      { invitation: null, problem: INVITATION_MESSAGES[lookup.reason], canAskAgain: lookup.reason === "expired", methods: null },
      { status },
    );
  }
  const { email, name, role, trustName } = lookup.invitation;
  const methods = await acceptMethods(db, lookup.invitation);
  return json({ invitation: { email, name, roleLabel: ROLE_LABELS[role], trustName }, problem: null, canAskAgain: false, methods });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  if (formData.get("intent") === "new-link") {
    const result = await sendNewInvitationLink(await getDb(), params.token ?? "", {
      ip: context.clientIp,
      origin: appOrigin(request),
      audit: auditContext(context),
    });
    // The address is never shown: whoever holds an old link learns nothing from it.
    if (!result.ok) return json({ newLink: { sent: false, message: result.message } }, { status: result.status });
    return json({ newLink: { sent: true, message: NEW_LINK_SENT } });
  }
  const db = await getDb();
  // A link that does not work answers as its page does (404, 409 or 410), whatever was typed.
  const lookup = await findInvitation(db, params.token ?? "");
  if (!lookup.ok) return json(failure(formData, {}, INVITATION_MESSAGES[lookup.reason]), { status: STATUS[lookup.reason] });
  if (!(await acceptMethods(db, lookup.invitation)).password)
    return json(failure(formData, {}, STAFF_PASSWORD_OFF_MESSAGE), { status: 403 });
  const parsed = parseForm(AcceptInvitationSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await acceptInvitation(db, params.token ?? "", parsed.data, new Date(), auditContext(context));
  if (!result.ok) {
    return json(failure(formData, {}, result.message), { status: result.status });
  }
  const cookie = await createUserSession(db, result.userId);
  return redirect(homePathFor(result.role), { headers: { "Set-Cookie": cookie } });
}

export default function AcceptInvitation() {
  const { invitation, problem, canAskAgain, methods } = useLoaderData<typeof loader>();
  const { token } = useParams();
  const data = useActionData<typeof action>();
  const newLink = data && "newLink" in data ? data.newLink : null;
  const actionData = data && !("newLink" in data) ? data : undefined;
  const passwordRef = usePasswordReset(actionData);
  if (newLink?.sent) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>Check your email</h1>
          <p>{newLink.message}</p>
          <p>This link no longer works. If nothing arrives in a few minutes, check your spam or junk folder.</p>
        </div>
      </div>
    );
  }
  if (!invitation) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <MessageSummary message={newLink?.message} href="#new-link" />
          <h1>You cannot use this invitation</h1>
          <p>{problem}.</p>
          {canAskAgain ? (
            <Form method="post" id="new-link">
              <Button type="submit" name="intent" value="new-link">
                Send me a new link
              </Button>
            </Form>
          ) : null}
        </div>
      </div>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <FormErrorSummary failure={actionData} />
        <h1>Set up your Invitational account</h1>
        <InsetText>
          <p>
            You have been invited as a {invitation.roleLabel.toLowerCase()}
            {invitation.trustName ? ` at ${invitation.trustName}` : ""}. You will sign in with <strong>{invitation.email}</strong>.
          </p>
        </InsetText>
        {methods?.cis2 ? (
          <>
            <p>
              You can accept with the NHS Care Identity Service 2 (CIS2) identity you use for other NHS systems: the email address on it
              must be {invitation.email}.
            </p>
            <Cis2Button purpose="invitation" token={token} label="Accept with NHS CIS2" id="cis2-accept" />
            {methods.password ? (
              <>
                <p className="nhsuk-body-l" aria-hidden="true">
                  or
                </p>
                <h2 className="nhsuk-heading-m">Create a password</h2>
              </>
            ) : null}
          </>
        ) : null}
        {methods?.password ? (
          <Form method="post" noValidate>
            <TextInput
              id="name"
              name="name"
              label="Full name"
              autoComplete="name"
              defaultValue={keptValue(actionData, "name", invitation.name)}
              error={fieldError(actionData, "name")}
            />
            <NewPasswordInput name="password" label="Create a password" ref={passwordRef} error={fieldError(actionData, "password")} />
            <Button type="submit">Create account</Button>
          </Form>
        ) : null}
      </div>
    </div>
  );
}
