import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Tag } from "~/components/nhsuk/tag";
import { Textarea } from "~/components/nhsuk/textarea";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, MessageSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { GradeText } from "~/components/grade-text";
import { RoundPhaseTag } from "~/components/round-phase-tag";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext, recordViews } from "~/models/audit.server";
import { cancelRound, declineChoice, declineRefusal, getRoundPage, roundVisibleTo } from "~/models/round-admin.server";
import { DeclineChoiceSchema } from "~/models/rounds.schema";
import { formatDate, formatMoment } from "~/utils/dates";
import { failure, parseForm, type FormFailure } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";
import { plural } from "~/utils/plural";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? data.round.name : "Allocation round") }];

const STAFF = ["admin", "trust_lead", "dme"] as const;

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: STAFF });
  const db = await getDb();
  const page = await getRoundPage(db, user, args.params.id ?? "");
  if (!page) throw notFound();
  // A lead or DME sees their trust's applicants (names, ranks, statements): a view of each one's data.
  const shown = page.opportunities.flatMap((o) => o.applicants ?? []).map((a) => a.traineeId);
  if (shown.length) {
    await recordViews(db, auditContext(args.context), { action: "applicants.viewed", targetType: "round", targetId: page.round.id, trustId: user.trustId, traineeIds: shown });
  }
  return json({ ...page, viewerRole: user.role });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "trust_lead"] });
  const roundId = args.params.id ?? "";
  const db = await getDb();
  // A round the viewer cannot see (another trust's) is not found, whatever the form says.
  if (!(await roundVisibleTo(db, user, roundId))) throw notFound();
  const formData = await args.request.formData();
  const intent = formData.get("intent");
  if (intent === "cancel") {
    const result = await cancelRound(db, user, roundId, new Date(), auditContext(args.context));
    if (!result.ok && result.status === 404) throw notFound();
    if (!result.ok) return invalid(failure(formData, {}, result.message), 409);
    return redirect(`/rounds/${roundId}?done=cancelled`);
  }
  if (intent === "decline") {
    const parsed = parseForm(DeclineChoiceSchema, formData);
    if (!parsed.ok) {
      // A choice already declined (or a round no longer open) has no reason box to point at.
      const ids = { traineeId: String(formData.get("traineeId") ?? ""), opportunityId: String(formData.get("opportunityId") ?? "") };
      const refusal = await declineRefusal(db, user, roundId, ids);
      if (refusal) return invalid(failure(formData, {}, refusal.message), 409);
      return invalid(parsed);
    }
    const result = await declineChoice(db, user, roundId, parsed.data, new Date(), auditContext(args.context));
    if (!result.ok && result.status === 404) throw notFound();
    if (!result.ok) return invalid(failure(formData, result.fieldErrors, result.message), 409);
    return redirect(`/rounds/${roundId}?done=declined#opportunity-${parsed.data.opportunityId}`);
  }
  return invalid(failure(formData, {}, "Choose what to do with the round"));
}

const DONE: Record<string, string> = {
  created: "Round created",
  saved: "Changes saved",
  cancelled: "Round cancelled. Everyone with a choice in it has been told.",
  declined: "Choice declined. The trainee has been told why.",
};

export default function RoundPage() {
  const { round, opportunities, can, viewerRole } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const confirmingCancel = params.get("confirm") === "cancel" && can.cancel && !actionData;
  const declineFailure = actionData && actionData.values.intent === "decline" ? actionData : undefined;
  const isFieldFailure = actionData && Object.keys(actionData.fieldErrors).length > 0;
  const cancelQuestion = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // "Cancel round" is a link that disappears as the question appears: without this, focus fell
    // to the page's start and the question was not read out. Without JavaScript the #cancel
    // address does the same.
    if (confirmingCancel) cancelQuestion.current?.focus();
  }, [confirmingCancel]);
  return (
    <>
      <BackLink href="/rounds">Back to allocation rounds</BackLink>
      {ownValue(DONE, done) && !actionData ? <SuccessBanner>{ownValue(DONE, done)}</SuccessBanner> : null}
      {isFieldFailure ? <FormErrorSummary failure={actionData} /> : <MessageSummary message={actionData?.formError} href="#round-actions" />}
      <h1>
        <span className="nhsuk-caption-l">
          <RoundPhaseTag phase={round.phase} /> Allocation round
          {round.trustName ? ` at ${round.trustName}` : " across trusts"}
        </span>
        {round.name}
      </h1>

      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>Opens for choices</SummaryList.Key>
          <SummaryList.Value>{formatMoment(round.opensAt)}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          {round.phase === "allocated" && round.allocatedAt ? (
            <>
              <SummaryList.Key>Closed and allocated</SummaryList.Key>
              <SummaryList.Value>{formatMoment(round.allocatedAt)}</SummaryList.Value>
            </>
          ) : round.phase === "cancelled" && round.cancelledAt ? (
            <>
              <SummaryList.Key>Cancelled</SummaryList.Key>
              <SummaryList.Value>{formatMoment(round.cancelledAt)}, before its closing time of {formatMoment(round.closesAt)}</SummaryList.Value>
            </>
          ) : (
            <>
              <SummaryList.Key>{round.phase === "closing" ? "Closed" : "Closes and allocates"}</SummaryList.Key>
              <SummaryList.Value>{formatMoment(round.closesAt)}</SummaryList.Value>
            </>
          )}
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Choices each trainee may rank</SummaryList.Key>
          <SummaryList.Value>{round.maxChoices}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Lottery seed</SummaryList.Key>
          <SummaryList.Value>
            {round.seed ? (
              <code className="app-break-all">{round.seed}</code>
            ) : round.status === "cancelled" ? (
              "None: the round was cancelled"
            ) : (
              "Drawn at random when the round closes"
            )}
          </SummaryList.Value>
        </SummaryList.Row>
        {round.cancelledAt ? (
          <SummaryList.Row>
            <SummaryList.Key>Cancelled</SummaryList.Key>
            <SummaryList.Value>{formatMoment(round.cancelledAt)}</SummaryList.Value>
          </SummaryList.Row>
        ) : null}
        {round.allocatedAt ? (
          <SummaryList.Row>
            <SummaryList.Key>Allocated</SummaryList.Key>
            <SummaryList.Value>{formatMoment(round.allocatedAt)}</SummaryList.Value>
          </SummaryList.Row>
        ) : null}
      </SummaryList>

      <div className="app-actions" id="round-actions">
        {can.seeAllocation ? (
          <Link to={`/rounds/${round.id}/allocation`} className="nhsuk-button">
            See the allocation
          </Link>
        ) : null}
        {can.close ? (
          <form method="post" action={`/rounds/${round.id}/close`}>
            <Button type="submit">Close and allocate now</Button>
          </form>
        ) : null}
        {can.edit ? (
          <Link to={`/rounds/${round.id}/edit`} className="nhsuk-button nhsuk-button--secondary">
            Change the round
          </Link>
        ) : null}{" "}
        {can.cancel && !confirmingCancel ? (
          <Link to={`/rounds/${round.id}?confirm=cancel#cancel`} className="nhsuk-button nhsuk-button--secondary">
            Cancel round
          </Link>
        ) : null}
      </div>
      {round.phase === "open" && !can.edit && (viewerRole === "admin" || viewerRole === "trust_lead") ? (
        <p className="nhsuk-body-s app-secondary-text">The round is open, so its opportunities and times can no longer be changed.</p>
      ) : null}

      {confirmingCancel ? (
        <WarningCallout id="cancel" ref={cancelQuestion} tabIndex={-1}>
          <WarningCallout.Heading>Cancel this round?</WarningCallout.Heading>
          <p>
            Nobody will be allocated a place in it, and this cannot be undone. Every trainee with a choice in the round, and the trust leads and directors of
            medical education of its trusts, will be told.
          </p>
          <div className="app-actions">
            <Form method="post">
              <Button type="submit" name="intent" value="cancel" warning>
                Yes, cancel round
              </Button>
            </Form>
            <p>
              <Link to={`/rounds/${round.id}`}>No, keep the round</Link>
            </p>
          </div>
        </WarningCallout>
      ) : null}

      <h2>Opportunities in the round</h2>
      {opportunities.length ? (
        <ul className="app-results">
          {opportunities.map((o) => (
            <li className="app-result" key={o.id} id={`opportunity-${o.id}`}>
              <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                <Link to={o.own && viewerRole === "trust_lead" ? `/trust/opportunities/${o.id}` : `/opportunities/${o.id}`}>{o.title}</Link>
              </h3>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
                {o.trustName} · {formatDate(o.startsOn)} to {formatDate(o.endsOn)} · {plural(o.seats, "seat")} ·{" "}
                <strong>
                  {o.chosenBy ? `chosen by ${plural(o.chosenBy, "trainee")}` : "not chosen yet"}
                  {o.declined ? ` (${o.declined} declined)` : ""}
                </strong>
              </p>
              {o.applicants ? <Applicants opportunityId={o.id} applicants={o.applicants} canDecline={can.decline} failure={declineFailure} /> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>This round has no opportunities.</p>
      )}
      {!can.seeApplicants ? (
        <InsetText>
          <p>Each trust's lead sees the trainees who chose their opportunities, and may decline a choice while the round is open.</p>
        </InsetText>
      ) : null}
    </>
  );
}

type Applicant = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["opportunities"][number]["applicants"]>[number];

function Applicants({
  opportunityId,
  applicants,
  canDecline,
  failure,
}: {
  opportunityId: string;
  applicants: Applicant[];
  canDecline: boolean;
  failure: FormFailure | undefined;
}) {
  if (!applicants.length) return <p className="nhsuk-body-s">No trainee has chosen it yet.</p>;
  return (
    <>
      <h4 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2">Trainees who chose it</h4>
      <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
        {applicants.map((a) => {
          const key = `${a.traineeId}-${opportunityId}`;
          // Only the form that was refused carries the field ids the error summary links to.
          const refused = failure?.values.traineeId === a.traineeId && failure.values.opportunityId === opportunityId ? failure : undefined;
          return (
            // Set off by a rule at the left, as the opportunity form's sessions, so each trainee reads as one block under the opportunity.
            <li className="app-session-row" key={key}>
              <h5 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">{a.name}</h5>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
                <GradeText grade={a.grade} selfDeclared={a.gradeSelfDeclared} capital /> · ranked it {ordinal(a.rank)}
                {a.declinedAt ? (
                  <>
                    {" "}
                    · <Tag modifier="red">Declined</Tag>
                  </>
                ) : null}
              </p>
              <p className="app-preserve-lines nhsuk-u-margin-bottom-2">{a.statement}</p>
              {a.declinedAt ? (
                <p className="nhsuk-body-s">
                  <strong>Declined on {formatDate(a.declinedAt)}:</strong> {a.declineReason}
                </p>
              ) : canDecline ? (
                <details className="nhsuk-details nhsuk-u-margin-bottom-0" open={refused ? true : undefined}>
                  <summary className="nhsuk-details__summary">
                    <span className="nhsuk-details__summary-text">Decline this choice</span>
                  </summary>
                  <div className="nhsuk-details__text">
                    <Form method="post" noValidate>
                      <input type="hidden" name="intent" value="decline" />
                      <input type="hidden" name="traineeId" value={a.traineeId} />
                      <input type="hidden" name="opportunityId" value={opportunityId} />
                      <Textarea
                        id={refused ? "reason" : `reason-${key}`}
                        name="reason"
                        label={`Reason for declining ${a.name}'s choice`}
                        hint="The trainee sees it. The choice then drops out of the allocation."
                        rows={2}
                        defaultValue={keptValue(refused, "reason")}
                        error={fieldError(refused, "reason")}
                      />
                      <Button type="submit" secondary small>
                        Decline choice
                      </Button>
                    </Form>
                  </div>
                </details>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th";
  return `${n}${s}`;
}
