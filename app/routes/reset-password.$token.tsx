import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";

import { createUserSession } from "~/auth.server";
import { FormErrorSummary, fieldError, pageTitle, usePasswordReset } from "~/components/form-errors";
import { NewPasswordInput } from "~/components/new-password-input";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { ResetPasswordSchema } from "~/models/accounts.schema";
import { findPasswordReset, RESET_LINK_MESSAGES, resetPassword } from "~/models/password-resets.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Choose a new password") }];

const STATUS = { unknown: 404, used: 409, expired: 410 } as const;

export async function loader({ params }: LoaderFunctionArgs) {
  const lookup = await findPasswordReset(await getDb(), params.token ?? "");
  if (!lookup.ok) return json({ problem: RESET_LINK_MESSAGES[lookup.reason] }, { status: STATUS[lookup.reason] });
  return json({ problem: null });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const db = await getDb();
  // A link that does not work answers as its page does (404, 409 or 410), whatever was typed.
  const lookup = await findPasswordReset(db, params.token ?? "");
  const formData = await request.formData();
  if (!lookup.ok) return json(failure(formData, {}, RESET_LINK_MESSAGES[lookup.reason]), { status: STATUS[lookup.reason] });
  const parsed = parseForm(ResetPasswordSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await resetPassword(db, params.token ?? "", parsed.data.password, auditContext(context));
  if (!result.ok) return json(failure(formData, {}, RESET_LINK_MESSAGES[result.reason]), { status: result.status });
  // Every session ended with the reset; this browser gets a fresh one, and the same page a
  // change of password ends on, which says so and leads home.
  const cookie = await createUserSession(db, result.userId);
  return redirect("/account/password?changed=1", { headers: { "Set-Cookie": cookie } });
}

export default function ResetPassword() {
  const { problem } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const passwordRef = usePasswordReset(actionData);
  if (problem) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>You cannot use this link</h1>
          <p>{problem}.</p>
          <p>
            <Link to="/forgot-password">Ask for a new link to reset your password</Link>
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <FormErrorSummary failure={actionData} />
        <h1>Choose a new password</h1>
        <p>You will be signed out on every device, then signed in here with your new password.</p>
        <Form method="post" noValidate>
          <NewPasswordInput name="password" label="New password" ref={passwordRef} error={fieldError(actionData, "password")} />
          <Button type="submit">Save new password</Button>
        </Form>
      </div>
    </div>
  );
}
