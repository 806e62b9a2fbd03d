import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";

import { createUserSession, homePathFor } from "~/auth.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle, usePasswordReset } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { RegisterTraineeSchema } from "~/models/accounts.schema";
import { GRADES } from "~/models/domain";
import { MIN_PASSWORD_LENGTH } from "~/models/passwords";
import { registerTrainee } from "~/models/users.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Create a trainee account") }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.user) throw redirect(homePathFor(context.user.role));
  return json({});
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (context.user) throw redirect(homePathFor(context.user.role));
  const formData = await request.formData();
  const parsed = parseForm(RegisterTraineeSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const db = await getDb();
  const result = await registerTrainee(db, parsed.data, auditContext(context));
  if (!result.ok) return invalid(failure(formData, result.fieldErrors), result.status === 409 ? 409 : 400);
  const cookie = await createUserSession(db, result.userId);
  return redirect("/trainee", { headers: { "Set-Cookie": cookie } });
}

export default function Register() {
  const actionData = useActionData<typeof action>();
  const passwordRef = usePasswordReset(actionData);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <FormErrorSummary failure={actionData} />
        <h1>Create a trainee account</h1>
        <p>
          For doctors in postgraduate training in England. You can then find leadership opportunities at the trusts you
          rotate through, and apply for them.
        </p>
        <Form method="post" noValidate>
          <TextInput
            id="name"
            name="name"
            label="Full name"
            autoComplete="name"
            spellCheck={false}
            defaultValue={keptValue(actionData, "name")}
            error={fieldError(actionData, "name")}
          />
          <TextInput
            id="email"
            name="email"
            type="email"
            label="Email address"
            hint="Use an email address you will keep when you move trust, for example your NHSmail address"
            autoComplete="email"
            spellCheck={false}
            defaultValue={keptValue(actionData, "email")}
            error={fieldError(actionData, "email")}
          />
          <TextInput
            id="gmcNumber"
            name="gmcNumber"
            label="GMC number"
            hint="7 digits, for example 1234567"
            inputMode="numeric"
            width={10}
            spellCheck={false}
            defaultValue={keptValue(actionData, "gmcNumber")}
            error={fieldError(actionData, "gmcNumber")}
          />
          <Select
            id="grade"
            name="grade"
            label="Grade"
            defaultValue={keptValue(actionData, "grade")}
            error={fieldError(actionData, "grade")}
          >
            <Select.Option value="">Select your grade</Select.Option>
            {GRADES.map((g) => (
              <Select.Option key={g} value={g}>
                {g}
              </Select.Option>
            ))}
          </Select>
          <TextInput
            id="password"
            name="password"
            type="password"
            label="Create a password"
            hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words together are easy to remember and hard to guess`}
            autoComplete="new-password"
            ref={passwordRef}
            error={fieldError(actionData, "password")}
          />
          <Button type="submit">Create account</Button>
        </Form>
        <p>
          Already have an account? <Link to="/sign-in">Sign in</Link>
        </p>
      </div>
    </div>
  );
}
