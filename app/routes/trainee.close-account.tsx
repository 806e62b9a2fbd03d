import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { TextInput } from "~/components/nhsuk/text-input";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { endSession, requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, pageTitle, usePasswordReset } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { isOpenApplication, STATUS_LABELS } from "~/models/applications.rules";
import { listTraineeApplications } from "~/models/applications.server";
import { closeTraineeAccount } from "~/models/data-rights.server";
import { CloseAccountSchema } from "~/models/profile.schema";
import { todayInLondon } from "~/utils/dates";
import { plural } from "~/utils/plural";
import { failure, parseForm } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Close your account") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const all = await listTraineeApplications(await getDb(), user.id);
  const today = todayInLondon();
  const open = all
    .filter((a) => isOpenApplication(a.status, a.endsOn, today))
    .map((a) => ({ id: a.id, title: a.title, trustName: a.trustName, status: a.status }));
  return json({ open });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const formData = await args.request.formData();
  const parsed = parseForm(CloseAccountSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const db = await getDb();
  const result = await closeTraineeAccount(db, user, {
    password: parsed.data.password,
    ip: args.context.clientIp,
    today: todayInLondon(),
  }, auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors), result.status);
  }
  // Every session ended in the closing transaction; this blanks the cookie in this browser.
  const cookie = await endSession(db, args.context.sessionId);
  return redirect("/?closed=1", { headers: { "Set-Cookie": cookie } });
}

export default function CloseAccount() {
  const { open } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const passwordRef = usePasswordReset(actionData);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trainee/profile#close-account">Back to your profile</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>
          <span className="nhsuk-caption-l">Your profile</span>
          Close your account
        </h1>
        <p>
          Before you close it, you may want to <a href="/trainee/data.json">download a copy of your data</a>.
        </p>
        <WarningCallout>
          <WarningCallout.Heading>You cannot undo this</WarningCallout.Heading>
          <p>When you close your account:</p>
          <ul>
            <li>
              {open.length
                ? `your ${open.length === 1 ? "open application is" : `${plural(open.length, "open application")} are`} withdrawn, and any place you hold is offered to the next person on the waiting list`
                : "you have no open applications to withdraw"}
            </li>
            <li>your name, email address, GMC number, specialty, programme and equality answers are removed</li>
            <li>what you wrote in your applications is deleted, and so are your notifications</li>
            <li>you are signed out on every device and cannot sign in again</li>
          </ul>
        </WarningCallout>
        {open.length ? (
          <>
            <h2>Applications that will be withdrawn</h2>
            <ul>
              {open.map((a) => (
                <li key={a.id}>
                  <Link to={`/applications/${a.id}`}>{a.title}</Link>, {a.trustName} ({STATUS_LABELS[a.status].toLowerCase()})
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h2>What is kept</h2>
        <p>
          So that regional teams can count who has had leadership opportunities, we keep your grade, region, working
          pattern, the trusts and dates of your placements, and the status and dates of your applications. None of it
          says who you are.
        </p>
        <Form method="post" noValidate>
          <TextInput
            id="password"
            name="password"
            type="password"
            label="Your password"
            hint="To check it is you"
            autoComplete="current-password"
            ref={passwordRef}
            error={fieldError(actionData, "password")}
          />
          <Button type="submit" warning>
            Close my account
          </Button>
        </Form>
      </div>
    </div>
  );
}
