import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { TextInput } from "~/components/nhsuk/text-input";

import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { ForgottenPasswordSchema } from "~/models/accounts.schema";
import { requestPasswordReset } from "~/models/password-resets.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Reset your password") }];

export async function loader({ request }: LoaderFunctionArgs) {
  return json({ sent: new URL(request.url).searchParams.get("sent") === "1" });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const parsed = parseForm(ForgottenPasswordSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await requestPasswordReset(await getDb(), { email: parsed.data.email, ip: context.clientIp, origin: appOrigin(request) });
  if (!result.ok) return invalid(failure(formData, { email: result.message }), 429);
  // Not awaited: the answer comes as soon for an address with no account as for one with an
  // account, whose link is still being written. It never rejects.
  void result.sending;
  // The address is not put in the URL: addresses stay out of logs and browser history.
  return redirect("/forgot-password?sent=1");
}

export default function ForgottenPassword() {
  const { sent } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (sent) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>Check your email</h1>
          <p>If an account uses the email address you gave, we have sent it a link to reset the password.</p>
          <p>The link works once, for 1 hour. If nothing arrives in a few minutes, check your spam or junk folder.</p>
          <InsetText>
            <p>
              If you were invited to Invitational and have not set a password yet, use the link in your invitation email
              instead. An expired invitation link lets you ask for a new one.
            </p>
          </InsetText>
          <p>
            <Link to="/sign-in">Back to sign in</Link>
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <FormErrorSummary failure={actionData} />
        <h1>Reset your password</h1>
        <p>Enter the email address you sign in with. We will email you a link to choose a new password.</p>
        <Form method="post" noValidate>
          <TextInput
            id="email"
            name="email"
            type="email"
            label="Email address"
            autoComplete="email"
            spellCheck={false}
            defaultValue={keptValue(actionData, "email")}
            error={fieldError(actionData, "email")}
          />
          <Button type="submit">Send me a reset link</Button>
        </Form>
        <p>
          <Link to="/sign-in">Back to sign in</Link>
        </p>
      </div>
    </div>
  );
}
