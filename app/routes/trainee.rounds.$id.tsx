import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import * as v from "valibot";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Card } from "~/components/nhsuk/card";
import { InsetText } from "~/components/nhsuk/inset-text";
import { NotificationBanner } from "~/components/nhsuk/notification-banner";
import { Tag } from "~/components/nhsuk/tag";
import { Textarea } from "~/components/nhsuk/textarea";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { STATEMENT_MAX, STATEMENT_MIN } from "~/models/applications.schema";
import { ordinal } from "~/models/messages";
import { STATUS_LABELS, WHAT_NEXT } from "~/models/applications.rules";
import { listChoices, moveChoice, removeChoice, saveStatement, type ChoiceResult } from "~/models/round-choices.server";
import { ROUND_PHASE_LABELS } from "~/models/round-rules";
import { roundExists } from "~/models/rounds.server";
import { formatDate, formatMoment, todayInLondon } from "~/utils/dates";
import { failure, formObject } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `Your choices: ${data.round.name}` : "Your choices") }];

// What the confirmation after a change says happened; the page adds what is saved now.
const DONE = { added: "Choice added", up: "Choice moved up", down: "Choice moved down", removed: "Choice removed", statement: "Statement saved" } as const;
type Done = keyof typeof DONE;

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const page = await listChoices(db, user.id, args.params.id ?? "", todayInLondon());
  if (!page) throw notFound();
  const done = new URL(args.request.url).searchParams.get("done");
  return json({ ...page, done: ownValue(DONE, done) ? (done as Done) : null });
}

const IntentSchema = v.object({
  intent: v.picklist(["up", "down", "remove", "statement"]),
  opportunityId: v.string(),
});

export async function action(args: ActionFunctionArgs) {
  const trainee = requireUser(args, { role: "trainee" });
  // No such round is not found, as on the page, before the form is read.
  if (!(await roundExists(await getDb(), args.params.id ?? ""))) throw notFound();
  const formData = await args.request.formData();
  const fields = formObject(formData);
  const parsed = v.safeParse(IntentSchema, fields);
  // Only a hand-made form gets here: the page's buttons always send both.
  if (!parsed.success) return invalid(failure(formData, {}, "Use the buttons by a choice to move it, remove it or change its statement"), 400);
  const db = await getDb();
  const roundId = args.params.id ?? "";
  const { intent, opportunityId } = parsed.output;
  let result: ChoiceResult;
  if (intent === "up" || intent === "down") result = await moveChoice(db, trainee.id, { roundId, opportunityId, direction: intent });
  else if (intent === "remove") result = await removeChoice(db, trainee.id, { roundId, opportunityId });
  else result = await saveStatement(db, trainee.id, { roundId, opportunityId, statement: fields.statement });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    // A choice's statement field is named by its opportunity, so the summary links to the right one.
    const fieldErrors = Object.fromEntries(Object.entries(result.fieldErrors).map(([k, m]) => [k === "statement" ? `statement-${opportunityId}` : k, m]));
    return invalid(failure(formData, fieldErrors, result.formError), result.status);
  }
  const done: Done = intent === "remove" ? "removed" : intent;
  return redirect(`/trainee/rounds/${roundId}?done=${done}`);
}

export default function TraineeRoundPage() {
  const { round, choices, counted, others, outcome, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const open = round.phase === "open";
  const saved = choices.filter((c) => !c.declined);
  const eligible = others.filter((o) => o.eligible);
  const ineligible = others.filter((o) => !o.eligible);
  const full = counted >= round.maxChoices;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink asElement={Link} to="/trainee">
          Back to your home
        </BackLink>
        {done && !actionData && params.get("done") ? (
          <NotificationBanner success>
            <NotificationBanner.Title>Success</NotificationBanner.Title>
            <NotificationBanner.Heading>{DONE[done]}</NotificationBanner.Heading>
            <p>{saved.length ? `Your choices are saved: ${saved.map((c, i) => `${i + 1}. ${c.title}`).join(", ")}.` : "You have no choices in this round now."}</p>
          </NotificationBanner>
        ) : null}
        <FormErrorSummary failure={actionData} />
        <h1>
          <span className="nhsuk-caption-l">Allocation round</span>
          {round.name}
        </h1>
        <ul className="app-facts">
          <li>
            <Tag modifier={open ? "green" : round.phase === "cancelled" ? "red" : "grey"}>{ROUND_PHASE_LABELS[round.phase]}</Tag>
          </li>
          <li>
            {round.phase === "allocated" && round.allocatedAt
              ? `Allocated ${formatMoment(round.allocatedAt)}`
              : `${round.phase === "upcoming" ? `Opens ${formatMoment(round.opensAt)}, closes ` : round.phase === "open" ? "Closes " : "Closed "}${formatMoment(round.closesAt)}`}
          </li>
          <li>
            <strong>
              {counted} of {round.maxChoices} choices
            </strong>
          </li>
        </ul>

        {round.phase === "cancelled" ? (
          <WarningCallout>
            <WarningCallout.Heading>This round was cancelled</WarningCallout.Heading>
            <p>Nobody will be allocated a place in it, and your choices no longer count. Its opportunities may take applications again.</p>
          </WarningCallout>
        ) : round.phase === "closing" ? (
          <InsetText>
            <p>The round closed on {formatMoment(round.closesAt)}. Places are being allocated: you will be told the outcome here and by email.</p>
          </InsetText>
        ) : round.phase === "upcoming" ? (
          <InsetText>
            <p>You can add choices from {formatMoment(round.opensAt)}.</p>
          </InsetText>
        ) : open ? (
          <p>
            Rank the opportunities you want, your favourite first. When the round closes, places are allocated so that as many trainees as possible get one, trainees with
            no opportunity yet this year first. You can change your choices until {formatMoment(round.closesAt)}.
          </p>
        ) : null}

        {outcome ? (
          <Card className={outcome.kind === "placed" ? "nhsuk-card--feature" : undefined} id="outcome">
            <h2 className="nhsuk-card__heading">{outcome.kind === "placed" ? "You have a place" : outcome.kind === "waitlisted" ? "You are on the waiting list" : "The outcome"}</h2>
            <p className="nhsuk-card__description">{outcome.sentence}</p>
            {outcome.kind === "placed" && outcome.application ? (
              <p className="nhsuk-card__description">
                {outcome.application.status === "offered" || outcome.application.status === "approved"
                  ? WHAT_NEXT[outcome.application.status]
                  : `Your application is now: ${STATUS_LABELS[outcome.application.status].toLowerCase()}.`}{" "}
                <Link to={`/applications/${outcome.application.id}`}>See your application</Link>
              </p>
            ) : null}
            {outcome.kind === "waitlisted" && outcome.applications.length ? (
              <ul className="nhsuk-list nhsuk-list--bullet">
                {outcome.applications.map((a) => (
                  <li key={a.id}>
                    <Link to={`/applications/${a.id}`}>{a.title}</Link>
                    {a.waitlistPosition ? `: number ${a.waitlistPosition} on the waiting list` : null}
                  </li>
                ))}
              </ul>
            ) : null}
          </Card>
        ) : null}

        <h2>Your choices</h2>
        {choices.length ? (
          <ol className="nhsuk-list" aria-label="Your choices, first choice first">
            {choices.map((c, i) => {
              const statementId = `statement-${c.opportunityId}`;
              const failed = keptValue(actionData, "opportunityId") === c.opportunityId ? actionData : undefined;
              const rankShown = choices.slice(0, i + 1).filter((x) => !x.declined).length;
              return (
                <li key={c.opportunityId} id={`choice-${c.opportunityId}`}>
                  <Card className="nhsuk-u-margin-bottom-4">
                    <span className="nhsuk-caption-m">{c.declined ? "Declined by the trust" : `${ordinal(rankShown)} choice`}</span>
                    <h3 className="nhsuk-card__heading nhsuk-heading-m">
                      <Link to={`/opportunities/${c.opportunityId}`}>{c.title}</Link>
                    </h3>
                    <ul className="app-facts app-secondary-text">
                      <li>{c.trustName}</li>
                      <li>
                        {formatDate(c.startsOn)} to {formatDate(c.endsOn)}
                      </li>
                      <li>
                        {c.seats} {c.seats === 1 ? "seat" : "seats"}
                      </li>
                    </ul>
                    {c.declined ? (
                      <>
                        <p className="nhsuk-u-margin-bottom-2">
                          <strong>The trust declined this choice:</strong> {c.declineReason}
                        </p>
                        <p>It is not part of the allocation and does not count towards your {round.maxChoices} choices.</p>
                      </>
                    ) : (
                      <>
                        <h4 className="nhsuk-heading-xs nhsuk-u-margin-bottom-1">Your statement</h4>
                        <p className="app-preserve-lines">{c.statement}</p>
                      </>
                    )}
                    {open && !c.declined ? (
                      // A native details element: opens without JavaScript, and is open when its statement was refused.
                      <details className="nhsuk-details" open={Boolean(failed?.fieldErrors[statementId])}>
                        <summary className="nhsuk-details__summary">
                          <span className="nhsuk-details__summary-text">
                            Change your statement<span className="nhsuk-u-visually-hidden"> for {c.title}</span>
                          </span>
                        </summary>
                        <div className="nhsuk-details__text">
                          <Form method="post" noValidate>
                            <input type="hidden" name="intent" value="statement" />
                            <input type="hidden" name="opportunityId" value={c.opportunityId} />
                            <Textarea
                              id={statementId}
                              name="statement"
                              label={
                                <>
                                  Your statement<span className="nhsuk-u-visually-hidden"> for {c.title}</span>
                                </>
                              }
                              hint={`Why you want this opportunity and what you hope to learn: between ${STATEMENT_MIN} and ${STATEMENT_MAX.toLocaleString("en-GB")} characters`}
                              rows={5}
                              maxLength={STATEMENT_MAX}
                              defaultValue={failed ? keptValue(failed, "statement") : c.statement}
                              error={fieldError(failed, statementId)}
                            />
                            <Button type="submit" className="nhsuk-u-margin-bottom-0">
                              Save statement<span className="nhsuk-u-visually-hidden"> for {c.title}</span>
                            </Button>
                          </Form>
                        </div>
                      </details>
                    ) : null}
                    {open ? (
                      <div className="app-actions">
                        {!c.declined && rankShown > 1 ? <ChoiceButton intent="up" opportunityId={c.opportunityId} title={c.title} label="Move up" /> : null}
                        {!c.declined && rankShown < saved.length ? <ChoiceButton intent="down" opportunityId={c.opportunityId} title={c.title} label="Move down" /> : null}
                        <ChoiceButton intent="remove" opportunityId={c.opportunityId} title={c.title} label="Remove" />
                      </div>
                    ) : null}
                  </Card>
                </li>
              );
            })}
          </ol>
        ) : (
          <p>You have no choices in this round{open ? " yet. Add one from the opportunities below." : "."}</p>
        )}

        {open ? (
          <>
            <h2>Opportunities you can add</h2>
            {full ? (
              <InsetText>
                <p>
                  You have {round.maxChoices} choices, the most this round allows. Remove one to add another.
                </p>
              </InsetText>
            ) : null}
            {eligible.length ? (
              <ul className="app-results">
                {eligible.map((o) => (
                  <li className="app-result" key={o.id}>
                    <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                      <Link to={`/opportunities/${o.id}`}>{o.title}</Link>
                    </h3>
                    <ul className="app-facts app-secondary-text">
                      <li>{o.trustName}</li>
                      <li>
                        {formatDate(o.startsOn)} to {formatDate(o.endsOn)}
                      </li>
                      <li>
                        {o.seats} {o.seats === 1 ? "seat" : "seats"}
                      </li>
                    </ul>
                    {full ? null : (
                      <p className="nhsuk-u-margin-bottom-0">
                        <Link to={`/opportunities/${o.id}#choose`}>
                          Write your statement and add it<span className="nhsuk-u-visually-hidden"> ({o.title})</span>
                        </Link>
                      </p>
                    )}
                  </li>
                ))}
              </ul>
            ) : (
              <p>There are no more opportunities in this round that you can add.</p>
            )}
            {ineligible.length ? (
              <>
                <h2>Opportunities you cannot add</h2>
                <ul className="app-results">
                  {ineligible.map((o) => (
                    <li className="app-result" key={o.id}>
                      <p className="nhsuk-u-margin-bottom-1">
                        <Link to={`/opportunities/${o.id}`}>{o.title}</Link> – {o.trustName}
                      </p>
                      <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-secondary-text">{o.reason}</p>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
          </>
        ) : null}
      </div>
    </div>
  );
}

/** A plain form button, so the choices can be ordered without JavaScript; its name says which choice. */
function ChoiceButton({ intent, opportunityId, title, label }: { intent: string; opportunityId: string; title: string; label: string }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="opportunityId" value={opportunityId} />
      <Button type="submit" secondary small className="nhsuk-u-margin-bottom-2">
        {label}
        <span className="nhsuk-u-visually-hidden"> {title}</span>
      </Button>
    </Form>
  );
}
