import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { TextInput } from "~/components/nhsuk/text-input";

import { createUserSession, homePathFor, requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, pageTitle, usePasswordReset } from "~/components/form-errors";
import { NewPasswordInput } from "~/components/new-password-input";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { ChangePasswordSchema } from "~/models/accounts.schema";
import { changeOwnPassword } from "~/models/users.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Change your password") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  return json({ changed: new URL(args.request.url).searchParams.get("changed") === "1", home: homePathFor(user.role) });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args);
  const formData = await args.request.formData();
  const parsed = parseForm(ChangePasswordSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const db = await getDb();
  const result = await changeOwnPassword(db, user, { ...parsed.data, ip: args.context.clientIp }, auditContext(args.context));
  if (!result.ok) return invalid(failure(formData, result.fieldErrors), result.status);
  // Every session of the account ended with the change; this browser gets a fresh one.
  const cookie = await createUserSession(db, user.id);
  return redirect("/account/password?changed=1", { headers: { "Set-Cookie": cookie } });
}

export default function ChangePassword() {
  const { changed, home } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const currentRef = usePasswordReset(actionData);
  const newRef = usePasswordReset(actionData);
  if (changed && !actionData) {
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>Your password is changed</h1>
          <p>You have been signed out on every other device. Sign in there again with your new password.</p>
          <p>
            <Link to={home}>Go to your home page</Link>
          </p>
        </div>
      </div>
    );
  }
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <FormErrorSummary failure={actionData} />
        <h1>Change your password</h1>
        <p>When you change it, you are signed out on every other device.</p>
        <Form method="post" noValidate>
          <TextInput
            id="currentPassword"
            name="currentPassword"
            type="password"
            label="Current password"
            autoComplete="current-password"
            ref={currentRef}
            error={fieldError(actionData, "currentPassword")}
          />
          <NewPasswordInput name="newPassword" label="New password" ref={newRef} error={fieldError(actionData, "newPassword")} />
          <Button type="submit">Change password</Button>
        </Form>
        <p>
          If you have forgotten your current password, <Link to="/forgot-password">reset it by email</Link>.
        </p>
      </div>
    </div>
  );
}
