import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Tag } from "~/components/nhsuk/tag";

import { requireUser } from "~/auth.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { UUID } from "~/models/accounts.schema";
import { ROLE_LABELS } from "~/models/domain";
import { getUserForAdmin, setUserDisabled } from "~/models/users.server";
import { formatDateTime } from "~/utils/dates";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.user.name ?? "User") }];

async function loadUser(id: string | undefined) {
  if (!id || !UUID.test(id)) throw notFound();
  const user = await getUserForAdmin(await getDb(), id);
  if (!user) throw notFound();
  return user;
}

export async function loader(args: LoaderFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const user = await loadUser(args.params.id);
  return json({ user, isSelf: admin.id === user.id });
}

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const user = await loadUser(args.params.id);
  const intent = (await args.request.formData()).get("intent");
  if (intent !== "disable" && intent !== "enable") return json({ message: "Choose to disable or enable the account" }, { status: 400 });
  const result = await setUserDisabled(await getDb(), user.id, intent === "disable", admin.id);
  if (!result.ok) return json({ message: result.message }, { status: 409 });
  return redirect(`/admin/users/${user.id}?done=${intent}`);
}

export default function AdminUser() {
  const { user, isSelf } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/admin/users">Back to users</BackLink>
        {done && !actionData ? (
          <SuccessBanner>{done === "disable" ? "The account is disabled and signed out everywhere." : "The account is enabled."}</SuccessBanner>
        ) : null}
        <MessageSummary message={actionData?.message} href="#account-status" />
        <h1>
          <span className="nhsuk-caption-l">{ROLE_LABELS[user.role]}</span>
          {user.name}
        </h1>
        <SummaryList>
          <SummaryList.Row>
            <SummaryList.Key>Email address</SummaryList.Key>
            <SummaryList.Value>{user.email}</SummaryList.Value>
          </SummaryList.Row>
          {user.trustName ? (
            <SummaryList.Row>
              <SummaryList.Key>Trust</SummaryList.Key>
              <SummaryList.Value>
                {user.trustName} ({user.trustOds})
              </SummaryList.Value>
            </SummaryList.Row>
          ) : null}
          {user.gmcNumber ? (
            <SummaryList.Row>
              <SummaryList.Key>GMC number</SummaryList.Key>
              <SummaryList.Value>{user.gmcNumber}</SummaryList.Value>
            </SummaryList.Row>
          ) : null}
          {user.grade ? (
            <SummaryList.Row>
              <SummaryList.Key>Grade</SummaryList.Key>
              <SummaryList.Value>{user.grade}</SummaryList.Value>
            </SummaryList.Row>
          ) : null}
          <SummaryList.Row>
            <SummaryList.Key>Account created</SummaryList.Key>
            <SummaryList.Value>{formatDateTime(user.createdAt)}</SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row id="account-status">
            <SummaryList.Key>Status</SummaryList.Key>
            <SummaryList.Value>
              {user.disabledAt ? (
                <>
                  <Tag modifier="grey">Disabled</Tag> since {formatDateTime(user.disabledAt)}
                </>
              ) : user.hasPassword ? (
                <Tag modifier="green">Active</Tag>
              ) : (
                <Tag modifier="yellow">Invited, no password set yet</Tag>
              )}
            </SummaryList.Value>
          </SummaryList.Row>
        </SummaryList>
        {isSelf ? (
          <p>This is your own account: another administrator can disable it.</p>
        ) : (
          <Form method="post">
            {user.disabledAt ? (
              <Button type="submit" name="intent" value="enable">
                Enable account
              </Button>
            ) : (
              <>
                <p>Disabling the account signs this person out everywhere at once. They cannot sign in until it is enabled again.</p>
                <Button type="submit" name="intent" value="disable" warning>
                  Disable account
                </Button>
              </>
            )}
          </Form>
        )}
      </div>
    </div>
  );
}
