import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Tag } from "~/components/nhsuk/tag";
import { TextInput } from "~/components/nhsuk/text-input";

import { requireUser } from "~/auth.server";
import { getCis2LinkStatus, unlinkCis2ByAdmin } from "~/cis2-link.server";
import { FormErrorSummary, MessageSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { INVITATION_DONE_MESSAGES } from "~/components/invitations-table";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext, type AuditContext } from "~/models/audit.server";
import { CorrectEmailSchema, UUID } from "~/models/accounts.schema";
import { ROLE_LABELS } from "~/models/domain";
import { cancelInvitation, correctTraineeEmail, getUserForAdmin, resendInvitation, setUserDisabled, traineeInvitationFor } from "~/models/users.server";
import { formatDateTime, todayInLondon } from "~/utils/dates";
import { failure, parseForm } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";
import { appOrigin } from "~/utils/origin.server";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.user.name ?? "User") }];

async function loadUser(id: string | undefined, audit?: AuditContext) {
  if (!id || !UUID.test(id)) throw notFound();
  const user = await getUserForAdmin(await getDb(), id, audit);
  if (!user) throw notFound();
  return user;
}

/** A trainee imported from a rotation file who has not set a password: the invitation is their way in. */
const awaitsInvitation = (user: { role: string; hasPassword: boolean; disabledAt: unknown; closedAt: unknown }) =>
  user.role === "trainee" && !user.hasPassword && !user.disabledAt && !user.closedAt;

export async function loader(args: LoaderFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  // The page shows the account's details: opening a trainee's is recorded.
  const user = await loadUser(args.params.id, auditContext(args.context));
  const invitation = awaitsInvitation(user) ? await traineeInvitationFor(await getDb(), user.id) : null;
  const cis2 = await getCis2LinkStatus(await getDb(), user.id);
  return json({ user, isSelf: admin.id === user.id, awaitsInvitation: awaitsInvitation(user), invitation, cis2, now: new Date().toISOString() });
}

const DONE_MESSAGES: Record<string, string> = {
  disable: "The account is disabled and signed out everywhere.",
  enable: "The account is enabled.",
  ...INVITATION_DONE_MESSAGES,
  corrected: "The email address is corrected and a new invitation is on its way to it. Any earlier link no longer works.",
  "cis2-unlinked": "NHS CIS2 is unlinked from the account, and the sessions made with it are ended.",
};

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const user = await loadUser(args.params.id);
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  const db = await getDb();
  const invitationId = String(formData.get("invitationId") ?? "");
  if (intent === "resend-invitation") {
    if (!(await resendInvitation(db, { role: "admin" }, invitationId, { origin: appOrigin(args.request), today: todayInLondon(), audit: auditContext(args.context) }))) throw notFound();
    return redirect(`/admin/users/${user.id}?done=resent`);
  }
  if (intent === "cancel-invitation") {
    if (!(await cancelInvitation(db, { role: "admin" }, invitationId, todayInLondon(), auditContext(args.context)))) throw notFound();
    return redirect(`/admin/users/${user.id}?done=cancelled`);
  }
  if (intent === "correct-email") {
    const parsed = parseForm(CorrectEmailSchema, formData);
    if (!parsed.ok) return invalid(parsed);
    const result = await correctTraineeEmail(db, user.id, parsed.data.email, { invitedBy: admin.id, origin: appOrigin(args.request), audit: auditContext(args.context) });
    if (!result.ok) {
      if (result.status === 404) throw notFound();
      return invalid(failure(formData, result.fieldErrors, result.formError), result.status);
    }
    return redirect(`/admin/users/${user.id}?done=corrected`);
  }
  if (intent === "cis2-unlink") {
    const result = await unlinkCis2ByAdmin(db, admin, user.id, auditContext(args.context));
    if (result.ok) return redirect(`/admin/users/${user.id}?done=cis2-unlinked`);
    if (result.status === 404) throw notFound();
    return json({ message: "formError" in result ? result.formError : "NHS CIS2 could not be unlinked", href: "#cis2" }, { status: 409 });
  }
  if (intent !== "disable" && intent !== "enable") return json({ message: "Choose to disable or enable the account" }, { status: 400 });
  const result = await setUserDisabled(db, user.id, intent === "disable", admin.id, auditContext(args.context));
  if (!result.ok) return json({ message: result.message }, { status: 409 });
  return redirect(`/admin/users/${user.id}?done=${intent}`);
}

export default function AdminUser() {
  const { user, isSelf, awaitsInvitation, invitation, cis2, now } = useLoaderData<typeof loader>();
  const data = useActionData<typeof action>();
  const actionData = data && "message" in data ? data : undefined;
  const formFailure = data && "fieldErrors" in data ? data : undefined;
  const [params] = useSearchParams();
  const done = params.get("done");
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/admin/users">Back to users</BackLink>
        {ownValue(DONE_MESSAGES, done) && !data ? <SuccessBanner>{ownValue(DONE_MESSAGES, done)}</SuccessBanner> : null}
        <MessageSummary message={actionData?.message} href={
            actionData && "href" in actionData && typeof actionData.href === "string"
              ? // The NHS CIS2 row, unless a parallel unlink has taken it away: then the page's content.
                cis2?.linkedAt || cis2?.configured
                ? actionData.href
                : undefined
              : "#account-status"
          }
        />
        <FormErrorSummary failure={formFailure} />
        <h1>
          <span className="nhsuk-caption-l">{ROLE_LABELS[user.role]}</span>
          {user.name}
        </h1>
        <SummaryList>
          <SummaryList.Row>
            <SummaryList.Key>Email address</SummaryList.Key>
            {/* A closed account keeps a placeholder address only so the column stays unique: it is nobody's. */}
            <SummaryList.Value>{user.closedAt ? "Removed when the account was closed" : user.email}</SummaryList.Value>
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
          {cis2?.linkedAt || cis2?.configured ? (
            <SummaryList.Row id="cis2">
              <SummaryList.Key>NHS CIS2</SummaryList.Key>
              <SummaryList.Value>
                {cis2.linkedAt
                  ? `Linked on ${formatDateTime(cis2.linkedAt)}${cis2.lastSignInAt ? `; last signed in with it on ${formatDateTime(cis2.lastSignInAt)}` : ""}`
                  : "Not linked"}
              </SummaryList.Value>
            </SummaryList.Row>
          ) : null}
          <SummaryList.Row id="account-status">
            <SummaryList.Key>Status</SummaryList.Key>
            <SummaryList.Value>
              {user.closedAt ? (
                <>
                  <Tag modifier="grey">Closed by its owner</Tag> on {formatDateTime(user.closedAt)}
                </>
              ) : user.disabledAt ? (
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
        {awaitsInvitation ? (
          <>
            <h2 id="invitation">Invitation</h2>
            {invitation ? (
              <>
                <p>
                  {new Date(invitation.expiresAt) <= new Date(now)
                    ? `The invitation to set a password expired on ${formatDateTime(invitation.expiresAt)}.`
                    : `An invitation to set a password is waiting until ${formatDateTime(invitation.expiresAt)}.`}{" "}
                  Sending it again gives a new link for 7 days; the old link stops working.
                </p>
                <Form method="post">
                  <input type="hidden" name="invitationId" value={invitation.id} />
                  <Button type="submit" name="intent" value="resend-invitation" secondary>
                    Send the invitation again
                  </Button>{" "}
                  <Button type="submit" name="intent" value="cancel-invitation" warning>
                    Cancel the invitation
                  </Button>
                </Form>
              </>
            ) : (
              <p>No invitation is waiting: its link no longer works. Correct the email address below to invite this trainee again.</p>
            )}
            <Form method="post" noValidate>
              <TextInput
                id="email"
                name="email"
                type="email"
                label="Correct the email address"
                hint="If the rotation file had it wrong. The trainee has not set a password yet, so a new invitation goes to the corrected address."
                spellCheck={false}
                defaultValue={keptValue(formFailure, "email", user.email)}
                error={fieldError(formFailure, "email")}
              />
              <Button type="submit" name="intent" value="correct-email">
                Save email address and send a new invitation
              </Button>
            </Form>
          </>
        ) : null}
        {cis2?.linkedAt ? (
          <>
            <h2 id="cis2-link">NHS CIS2</h2>
            {isSelf && !cis2.hasPassword ? (
              <p>You sign in only with NHS CIS2, so you cannot unlink it from your own account: another administrator can.</p>
            ) : (
              <Form method="post">
                <p>
                  Unlinking NHS CIS2 ends the sessions made with it.{" "}
                  {cis2.hasPassword
                    ? "The account can still sign in with its password."
                    : "The account has no password: once NHS CIS2 is unlinked, this person cannot sign in."}
                </p>
                <Button type="submit" name="intent" value="cis2-unlink" warning>
                  Unlink NHS CIS2
                </Button>
              </Form>
            )}
          </>
        ) : null}
        {user.closedAt ? (
          <p>The trainee closed this account: their personal details were removed, and it cannot be enabled again.</p>
        ) : isSelf ? (
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
