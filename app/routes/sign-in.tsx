import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { TextInput } from "~/components/nhsuk/text-input";
import { createUserSession, FAILED_SIGN_IN_WINDOW_MINUTES, homePathFor, signIn } from "~/auth.server";
import { getCis2 } from "~/cis2.server";
import { Cis2Button } from "~/components/cis2-button";
import { FormErrorSummary, fieldError, keptValue, pageTitle, usePasswordReset } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { SignInSchema } from "~/models/accounts.schema";
import { STAFF_PASSWORD_OFF_MESSAGE, STAFF_ROLES, staffPasswordSignInAllowed } from "~/models/cis2-accounts.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";
import { safeRedirect } from "~/utils/redirect";

export const meta: MetaFunction<typeof loader, Record<string, unknown>> = () => [{ title: pageTitle("Sign in") }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = new URL(request.url).searchParams.get("redirectTo") ?? "";
  if (context.user) throw redirect(safeRedirect(redirectTo, homePathFor(context.user.role)));
  return json({ redirectTo, cis2: getCis2() !== null });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await request.formData();
  const parsed = parseForm(SignInSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const db = await getDb();
  const result = await signIn(db, { email: parsed.data.email, password: parsed.data.password, ip: context.clientIp });
  if (!result.ok) {
    // One message for unknown e-mail and wrong password: the form does not reveal who has an account.
    return json(
      { ...failure(formData, { email: result.message }), throttled: result.status === 429, waitMinutes: FAILED_SIGN_IN_WINDOW_MINUTES },
      { status: result.status },
    );
  }
  // Checked after the password, so the refusal tells only the account's holder that it is staff.
  if (STAFF_ROLES.includes(result.role) && getCis2() && !(await staffPasswordSignInAllowed(db))) {
    return json({ ...failure(formData, { email: STAFF_PASSWORD_OFF_MESSAGE }), throttled: false, waitMinutes: 0 }, { status: 403 });
  }
  const cookie = await createUserSession(db, result.userId);
  return redirect(safeRedirect(parsed.data.redirectTo, homePathFor(result.role)), { headers: { "Set-Cookie": cookie } });
}

export default function SignIn() {
  const { redirectTo, cis2 } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const passwordRef = usePasswordReset(actionData);
  // The number comes with the 429 answer: auth.server is not in the browser's bundle.
  const waitMinutes = actionData && "waitMinutes" in actionData ? Number(actionData.waitMinutes) : null;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <FormErrorSummary failure={actionData} />
        <h1>Sign in to Invitational</h1>
        {waitMinutes ? (
          <InsetText>
            <p>
              To protect your account, signing in pauses after 10 wrong passwords in {waitMinutes} minutes. You can{" "}
              <Link to="/forgot-password">reset your password</Link> by email and then sign in straight away, or wait {waitMinutes} minutes
              and try again.
            </p>
          </InsetText>
        ) : null}
        {cis2 ? (
          <>
            <p>NHS staff can sign in with their NHS Care Identity Service 2 (CIS2) smartcard or authenticator app.</p>
            <Cis2Button purpose="sign_in" label="Sign in with NHS CIS2" redirectTo={redirectTo} />
            <p className="nhsuk-body-l" aria-hidden="true">
              or
            </p>
            <h2 className="nhsuk-heading-m">Sign in with your email address and password</h2>
          </>
        ) : null}
        <Form method="post" noValidate>
          <input type="hidden" name="redirectTo" value={redirectTo} />
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
          <TextInput
            id="password"
            name="password"
            type="password"
            label="Password"
            autoComplete="current-password"
            ref={passwordRef}
            error={fieldError(actionData, "password")}
          />
          <Button type="submit">Sign in</Button>
        </Form>
        <p>
          <Link to="/forgot-password">Forgotten your password?</Link>
        </p>
        <h2 className="nhsuk-heading-m">If you do not have an account</h2>
        <p>
          Doctors in postgraduate training can <Link to="/register">create a trainee account</Link>.
        </p>
        <p>Trust leads, directors of medical education and regional teams join through an invitation from their regional administrator.</p>
      </div>
    </div>
  );
}
