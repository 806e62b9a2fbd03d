import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { NotificationBanner } from "~/components/nhsuk/notification-banner";
import { Tag } from "~/components/nhsuk/tag";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { FormErrorSummary, keptValues } from "~/components/form-errors";
import { GradeText } from "~/components/grade-text";
import { pageTitle } from "~/utils/page-title";
import { listApprovalQueue } from "~/models/applications.server";
import { approvePlacements, MAX_BULK_APPROVALS, type BulkApprovalSummary } from "~/models/bulk-approval.server";
import { formatDate, formatDateTime, todayInLondon } from "~/utils/dates";
import { failure, type FormFailure } from "~/utils/forms";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Placements to approve") }];

export async function loader(args: LoaderFunctionArgs) {
  const dme = requireStaff(args, "dme");
  return json({ queue: await listApprovalQueue(await getDb(), dme.trustId, todayInLondon(), auditContext(args.context)) });
}

type ActionData = { summary: BulkApprovalSummary; failure?: undefined } | { failure: FormFailure; summary?: undefined };

export async function action(args: ActionFunctionArgs) {
  const dme = requireStaff(args, "dme");
  const form = await args.request.formData();
  const ids = form.getAll("applicationIds").filter((x): x is string => typeof x === "string" && x !== "");
  if (!ids.length) return json<ActionData>({ failure: failure(form, { applicationIds: "Select at least one placement to approve" }) }, { status: 400 });
  if (ids.length > MAX_BULK_APPROVALS) {
    return json<ActionData>({ failure: failure(form, { applicationIds: `Select at most ${MAX_BULK_APPROVALS} placements at a time` }) }, { status: 400 });
  }
  // Each one is approved in its own transaction; the page then shows what was and was not.
  return json<ActionData>({ summary: await approvePlacements(await getDb(), dme, ids, todayInLondon(), auditContext(args.context)) });
}

function Summary({ summary }: { summary: BulkApprovalSummary }) {
  const couldNot = summary.refused.length + summary.notFound;
  return (
    <>
      {summary.approved.length || summary.already.length ? (
        <NotificationBanner success>
          <NotificationBanner.Title>Placements approved</NotificationBanner.Title>
          <NotificationBanner.Heading>
            {summary.approved.length ? `${plural(summary.approved.length, "placement")} approved` : "No new placements approved"}
            {summary.already.length ? `; ${plural(summary.already.length, "was", "were")} approved already` : ""}
          </NotificationBanner.Heading>
          {summary.approved.length ? (
            <ul className="nhsuk-list nhsuk-list--bullet nhsuk-u-margin-bottom-0">
              {summary.approved.map((a) => (
                <li key={a.id}>
                  Approved: {a.name}, {a.title}
                </li>
              ))}
            </ul>
          ) : null}
        </NotificationBanner>
      ) : null}
      {couldNot ? (
        <div className="nhsuk-warning-callout" id="could-not">
          <h2 className="nhsuk-warning-callout__label">
            <span role="text">
              <span className="nhsuk-u-visually-hidden">Important: </span>
              {`${plural(couldNot, "placement")} could not be approved`}
            </span>
          </h2>
          <ul>
            {summary.refused.map((r) => (
              <li key={r.id}>
                {r.name}, {r.title}: {r.reason}.
              </li>
            ))}
            {summary.notFound ? <li>{`${plural(summary.notFound, "placement was", "placements were")} not found at your trust.`}</li> : null}
          </ul>
        </div>
      ) : null}
    </>
  );
}

export default function Approvals() {
  const { queue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const error = actionData?.failure?.fieldErrors.applicationIds;
  const kept = keptValues(actionData?.failure, "applicationIds");
  return (
    <>
      <FormErrorSummary failure={actionData?.failure} />
      {actionData?.summary ? <Summary summary={actionData.summary} /> : null}
      <h1>Placements to approve</h1>
      <p>Places your trust's leads have offered, oldest first. Approving confirms the placement; the trainee and the trust lead are told.</p>
      {queue.length ? (
        <Form method="post">
          <Checkboxes
            name="applicationIds"
            id="applicationIds"
            legend={`${plural(queue.length, "placement")} waiting for your approval`}
            legendProps={{ size: "m" }}
            hint="Select the placements to approve. Each is approved on its own: one that cannot be approved does not stop the others."
            error={error}
          >
            {queue.map((q) => (
              <Checkboxes.Item
                key={q.id}
                id={`approve-${q.id}`}
                value={q.id}
                defaultChecked={kept.includes(q.id)}
                hint={
                  <>
                    <span className="nhsuk-u-display-block">
                      <GradeText grade={q.grade} selfDeclared={q.gradeSelfDeclared} capital /> · {formatDate(q.startsOn)} to {formatDate(q.endsOn)} · offered{" "}
                      {formatDateTime(q.updatedAt)} {q.firstTimer ? <Tag modifier="green">First leadership opportunity</Tag> : null}
                    </span>
                    <span className="nhsuk-u-display-block">
                      Placed:{" "}
                      {q.placements.length ? q.placements.map((p) => `${p.trustName} (${formatDate(p.startsOn)} to ${formatDate(p.endsOn)})`).join("; ") : "no placement recorded"}
                    </span>
                    {q.warning ? (
                      <span className="nhsuk-u-display-block">
                        <Tag modifier="orange">Check placement</Tag> {q.warning}.
                      </span>
                    ) : null}
                    <span className="nhsuk-u-display-block">
                      <Link to={`/applications/${q.id}`}>
                        See the application<span className="nhsuk-u-visually-hidden">{` of ${q.name} for ${q.title}`}</span>
                      </Link>
                    </span>
                  </>
                }
              >
                <strong>{q.name}</strong>: {q.title}
              </Checkboxes.Item>
            ))}
          </Checkboxes>
          <Button>Approve selected placements</Button>
        </Form>
      ) : (
        <p>There are no placements waiting for your approval.</p>
      )}
    </>
  );
}
