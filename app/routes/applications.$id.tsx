import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { plural } from "~/utils/plural";
import { Button } from "~/components/nhsuk/button";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Tag } from "~/components/nhsuk/tag";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { ErrorSummary } from "~/components/nhsuk/error-summary";
import { Textarea } from "~/components/nhsuk/textarea";
import { WarningCallout } from "~/components/nhsuk/warning-callout";
import * as v from "valibot";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { GradeText } from "~/components/grade-text";
import { ReflectionView, SignOffView } from "~/components/reflection-view";
import { SuccessBanner } from "~/components/success-banner";
import { HLM_DIMENSIONS, HLM_LABELS } from "~/models/domain";
import { SIGN_OFF_TEXT_MAX } from "~/models/reflections.rules";
import { reflectionForApplication } from "~/models/reflections.server";
import { APPLICATION_ACTIONS, STATUS_LABELS, TRANSITIONS, WHAT_NEXT, type ApplicationAction } from "~/models/applications.rules";
import { ReasonSchema } from "~/models/applications.schema";
import { applicationInScope, getApplicationForViewer, transitionApplication } from "~/models/applications.server";
import { formatDate, formatDateTime, todayInLondon } from "~/utils/dates";
import { formObject, formValues } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `Application: ${data.application.title}` : "Application") }];

// The trainee who applied, staff of the opportunity's trust and administrators see it; anyone else gets 404.
// A reflection shows only to its trainee, and to the trust's leads and DMEs once shared.
export async function loader(args: LoaderFunctionArgs) {
  const viewer = requireUser(args);
  const db = await getDb();
  const today = todayInLondon();
  const application = await getApplicationForViewer(db, viewer, args.params.id ?? "", today, auditContext(args.context));
  if (!application) throw notFound();
  const reflection = await reflectionForApplication(db, viewer, application, today, auditContext(args.context));
  return json({ application, role: viewer.role, reflection });
}

type ActionData = { message: string; field: string; fieldErrors?: Record<string, string>; values?: Record<string, string | string[]> };

export async function action(args: ActionFunctionArgs) {
  const viewer = requireUser(args, { role: ["trainee", "trust_lead", "dme"] });
  // Scope before the form: another trainee's or another trust's application is not found, whatever was sent.
  if (!(await applicationInScope(await getDb(), viewer, args.params.id ?? ""))) throw notFound();
  const formData = await args.request.formData();
  const intent = String(formData.get("intent") ?? "");
  const db = await getDb();
  // A message points at the reason's box only when the page shows it: for a move it offers now
  // (not after the application was decided, nor another role's move). Otherwise the move itself
  // is what cannot be done.
  const refuseReason = async (message: string) => {
    const application = await getApplicationForViewer(db, viewer, args.params.id ?? "", todayInLondon());
    if (!application) throw notFound();
    if (!application.actions.includes(intent as ApplicationAction)) {
      return json<ActionData>({ message: "The application cannot be changed that way now", field: "actions" }, { status: 409 });
    }
    return json<ActionData>({ message, field: `reason-${intent}` }, { status: 400 });
  };
  if (!APPLICATION_ACTIONS.includes(intent as ApplicationAction)) {
    const application = await getApplicationForViewer(db, viewer, args.params.id ?? "", todayInLondon());
    if (!application) throw notFound();
    // Only the page's buttons send a move: with none on it, nothing can be done to it now.
    if (!application.actions.length && !application.notYet.length) {
      return json<ActionData>({ message: "The application cannot be changed now", field: "actions" }, { status: 409 });
    }
    return json<ActionData>({ message: "Choose what to do with the application", field: "actions" }, { status: 400 });
  }
  const reason = v.safeParse(ReasonSchema, formData.get("reason") ?? "");
  if (!reason.success) return refuseReason(reason.issues[0].message);
  // The sign-off's fields go to the model as typed: it checks them with SignOffSchema.
  const signOff = TRANSITIONS[intent as ApplicationAction].feedback ? formObject(formData, ["observedDimensions"]) : undefined;
  const result = await transitionApplication(db, viewer, args.params.id ?? "", intent as ApplicationAction, { reason: reason.output, today: todayInLondon(), signOff }, auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    if (result.fieldErrors) {
      const first = Object.keys(result.fieldErrors)[0] ?? "actions";
      return json<ActionData>({ message: result.message, field: first, fieldErrors: result.fieldErrors, values: formValues(formData) }, { status: result.status });
    }
    if (result.status === 400) return refuseReason(result.message);
    return json<ActionData>({ message: result.message, field: "actions" }, { status: result.status });
  }
  return redirect(`/applications/${args.params.id}?done=${intent}`);
}

const DONE: Record<string, string> = {
  applied: "Your application has been sent. The trust lead will be in touch through Invitational.",
  offer: "A place is offered. The director of medical education has been asked to approve it.",
  waitlist: "The applicant is on the waiting list. They will be offered a seat automatically if one comes free.",
  decline: "The application is declined and the trainee has been told why.",
  approve: "The placement is approved and confirmed.",
  reject: "The placement is not approved. The trainee and the trust lead have been told why.",
  withdraw: "Your application is withdrawn.",
  complete: "The opportunity is signed off as completed. The trainee can read the sponsor's feedback and write their reflection.",
  not_complete: "The opportunity is recorded as not completed.",
};

export default function ApplicationPage() {
  const { application: a, role, reflection } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const signOffErrors = actionData?.fieldErrors;
  const kept = (name: string) => {
    const value = actionData?.values?.[name];
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
  };
  const [params] = useSearchParams();
  const done = params.get("done") ?? (params.get("applied") ? "applied" : null);
  // Withdrawing cannot be undone (the seat may go to the waiting list): the button asks first.
  const confirmingWithdraw = params.get("confirm") === "withdraw" && a.actions.includes("withdraw");
  const back =
    role === "trainee"
      ? { href: "/trainee", label: "Back to your home" }
      : role === "dme"
        ? { href: "/dme/approvals", label: "Back to placements to approve" }
        : { href: `/trust/opportunities/${a.opportunityId}/applicants`, label: "Back to applicants" };
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={back.href}>{back.label}</BackLink>
        {ownValue(DONE, done) && !actionData ? <SuccessBanner>{ownValue(DONE, done)}</SuccessBanner> : null}
        {signOffErrors ? (
          <ErrorSummary>
            <ErrorSummary.Title>There is a problem</ErrorSummary.Title>
            <ErrorSummary.List>
              {Object.entries(signOffErrors).map(([field, message]) => (
                <ErrorSummary.ListItem key={field} href={`#${field}`}>
                  {message}
                </ErrorSummary.ListItem>
              ))}
            </ErrorSummary.List>
          </ErrorSummary>
        ) : (
          <MessageSummary message={actionData?.message} href={actionData?.field === "actions" && !a.actions.length && !a.notYet.length ? undefined : `#${actionData?.field ?? "actions"}`} />
        )}
        <h1>
          <span className="nhsuk-caption-l">{role === "trainee" ? "Your application" : `Application from ${a.traineeName}`}</span>
          {a.title}
        </h1>
        <SummaryList>
          <SummaryList.Row>
            <SummaryList.Key>Status</SummaryList.Key>
            <SummaryList.Value>
              <Tag modifier="blue">{STATUS_LABELS[a.status]}</Tag>
              {role === "trainee" ? <p className="nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0">{WHAT_NEXT[a.status]}</p> : null}
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Opportunity</SummaryList.Key>
            <SummaryList.Value>
              {a.trustName}, {formatDate(a.startsOn)} to {formatDate(a.endsOn)}
              <br />
              <Link to={`/opportunities/${a.opportunityId}`}>
                View the opportunity<span className="nhsuk-u-visually-hidden">: {a.title}</span>
              </Link>
            </SummaryList.Value>
          </SummaryList.Row>
          {role !== "trainee" ? (
            <>
              <SummaryList.Row>
                <SummaryList.Key>Trainee</SummaryList.Key>
                <SummaryList.Value>
                  {a.traineeName}, <GradeText grade={a.grade} selfDeclared={a.gradeSelfDeclared} />
                  {a.specialty ? `, ${a.specialty}` : ""}{" "}
                  {a.firstTimer ? <Tag modifier="green">First leadership opportunity</Tag> : <Tag modifier="grey">{plural(a.prior, "opportunity", "opportunities")} before</Tag>}
                </SummaryList.Value>
              </SummaryList.Row>
              <SummaryList.Row>
                <SummaryList.Key>Placed during these dates</SummaryList.Key>
                <SummaryList.Value>
                  {a.placements.length ? (
                    <ul className="nhsuk-list">
                      {a.placements.map((p) => (
                        <li key={`${p.trustId}-${p.startsOn}`}>
                          {p.trustName}
                          {p.siteName ? `, ${p.siteName}` : ""} ({formatDate(p.startsOn)} to {formatDate(p.endsOn)})
                          {p.placementType !== "In Post" ? ` – ${p.placementType}` : ""}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    "No placement recorded"
                  )}
                </SummaryList.Value>
              </SummaryList.Row>
            </>
          ) : null}
          <SummaryList.Row>
            <SummaryList.Key>Applied</SummaryList.Key>
            <SummaryList.Value>{formatDateTime(a.createdAt)}</SummaryList.Value>
          </SummaryList.Row>
          {a.confidentialityAcceptedAt ? (
            <SummaryList.Row>
              <SummaryList.Key>Confidentiality</SummaryList.Key>
              <SummaryList.Value>Accepted on {formatDateTime(a.confidentialityAcceptedAt)}</SummaryList.Value>
            </SummaryList.Row>
          ) : null}
        </SummaryList>

        {role === "trainee" && a.status === "completed" ? (
          <p>
            <Link to={`/trainee/evidence/${a.id}`}>View the evidence for your e-portfolio</Link>
          </p>
        ) : null}

        {a.warning ? (
          <WarningCallout>
            <WarningCallout.Heading>Check the trainee's placement</WarningCallout.Heading>
            <p>{a.warning}.</p>
          </WarningCallout>
        ) : null}

        {a.signOff ? <SignOffView s={a.signOff} /> : null}

        {reflection?.kind === "own" && (reflection.open || reflection.state !== "none") ? (
          <section aria-labelledby="your-reflection">
            <h2 id="your-reflection">Your reflection</h2>
            <p>
              {reflection.state === "none"
                ? "Reflect on what happened, what you learned and what you will do next. It is private to you unless you choose to share it."
                : reflection.state === "draft"
                  ? "You have a draft reflection. You can change it until you mark it as final."
                  : reflection.shared
                    ? `Your reflection is final and shared with ${a.trustName}.`
                    : "Your reflection is final. Only you can see it."}
            </p>
            <p>
              <Link to={`/applications/${a.id}/reflection`} className={reflection.state === "final" ? "nhsuk-button nhsuk-button--secondary" : "nhsuk-button"}>
                {reflection.state === "none" ? "Write your reflection" : reflection.state === "draft" ? "Continue your reflection" : "View your reflection"}
              </Link>
            </p>
          </section>
        ) : null}

        {reflection?.kind === "shared" ? (
          <>
            <p className="nhsuk-u-margin-bottom-2">
              <Tag modifier="green">Shared with {a.trustName}</Tag>
            </p>
            <p className="app-secondary-text">
              The trainee shared their reflection with the trust's leadership leads, who sign off for the sponsor, and its directors of medical education. Nobody else sees it.
            </p>
            <ReflectionView r={reflection.reflection} />
          </>
        ) : null}

        <h2>Statement</h2>
        <p className="app-preserve-lines">{a.statement}</p>

        {a.actions.length || a.notYet.length ? (
          <div id="actions">
            {a.actions.length ? <h2>What do you want to do?</h2> : null}
            {a.notYet.length ? (
              <div className="nhsuk-inset-text">
                <span className="nhsuk-u-visually-hidden">Information: </span>
                {a.notYet.map((reason) => (
                  <p key={reason}>{reason}.</p>
                ))}
              </div>
            ) : null}
            {a.actions.map((act) => {
              const rule = TRANSITIONS[act];
              if (act === "withdraw" && !confirmingWithdraw && actionData?.field !== "reason-withdraw") {
                return (
                  <p key={act}>
                    <Link to={`/applications/${a.id}?confirm=withdraw#actions`} className="nhsuk-button nhsuk-button--secondary">
                      {rule.label}
                    </Link>
                  </p>
                );
              }
              if (act === "withdraw") {
                return (
                  <WarningCallout key={act}>
                    <WarningCallout.Heading>Withdraw your application?</WarningCallout.Heading>
                    <p>
                      {a.status === "offered" || a.status === "approved"
                        ? "Your place goes to the next person on the waiting list."
                        : "The trust will no longer consider you for this opportunity."}{" "}
                      You can apply again while applications are open.
                    </p>
                    <Form method="post">
                      <input type="hidden" name="intent" value="withdraw" />
                      <Textarea
                        id="reason-withdraw"
                        name="reason"
                        rows={3}
                        label={rule.reasonLabel ?? "Reason"}
                        hint="The trust will see this"
                        error={actionData?.field === "reason-withdraw" ? actionData.message : undefined}
                      />
                      <Button type="submit" warning>
                        Yes, withdraw application
                      </Button>
                    </Form>
                    <p className="nhsuk-u-margin-bottom-0">
                      <Link to={`/applications/${a.id}`}>No, keep my application</Link>
                    </p>
                  </WarningCallout>
                );
              }
              return (
                <Form method="post" key={act} className="nhsuk-u-margin-bottom-4" noValidate={rule.feedback ? true : undefined}>
                  <input type="hidden" name="intent" value={act} />
                  {/* Beside the sign-off's own form, the other outcome needs a heading of its own. */}
                  {act === "not_complete" && a.actions.includes("complete") ? <h3>If the opportunity was not completed</h3> : null}
                  {rule.feedback ? (
                    <>
                      <h3>The sponsor's feedback</h3>
                      <p>The trainee sees this on their application and can add it to their portfolio.</p>
                      <Checkboxes
                        name="observedDimensions"
                        legend="Which Healthcare Leadership Model dimensions did the sponsor observe?"
                        legendProps={{ size: "s" }}
                        hint={`Select at least one. This opportunity was designed to develop: ${a.hlmDimensions.map((d) => HLM_LABELS[d]).join(", ") || "no dimensions listed"}.`}
                        error={signOffErrors?.observedDimensions}
                        small
                      >
                        {HLM_DIMENSIONS.map((d, i) => (
                          <Checkboxes.Item key={d} id={i === 0 ? "observedDimensions" : `observedDimensions-${d}`} value={d} defaultChecked={kept("observedDimensions").includes(d)}>
                            {HLM_LABELS[d]}
                          </Checkboxes.Item>
                        ))}
                      </Checkboxes>
                      <Textarea
                        id="strengths"
                        name="strengths"
                        rows={4}
                        label="Strengths"
                        hint={`What the trainee did well, as the sponsor saw it. Up to ${SIGN_OFF_TEXT_MAX.toLocaleString("en-GB")} characters.`}
                        defaultValue={kept("strengths")[0] ?? ""}
                        error={signOffErrors?.strengths}
                      />
                      <Textarea
                        id="nextStep"
                        name="nextStep"
                        rows={3}
                        label="One suggested next step"
                        hint={`One thing the trainee could do next to keep developing. Up to ${SIGN_OFF_TEXT_MAX.toLocaleString("en-GB")} characters.`}
                        defaultValue={kept("nextStep")[0] ?? ""}
                        error={signOffErrors?.nextStep}
                      />
                    </>
                  ) : null}
                  {rule.reason !== "none" ? (
                    <Textarea
                      id={`reason-${act}`}
                      name="reason"
                      rows={3}
                      label={rule.reasonLabel ?? "Reason"}
                      hint="The trainee will see this"
                      error={actionData?.field === `reason-${act}` ? actionData.message : undefined}
                    />
                  ) : null}
                  <Button type="submit" secondary={act === "waitlist"} warning={act === "decline" || act === "reject" || act === "not_complete"}>
                    {rule.label}
                  </Button>
                </Form>
              );
            })}
          </div>
        ) : null}

        <h2>History</h2>
        <ol className="app-timeline">
          {a.events.map((e) => (
            <li key={e.id}>
              <p className="nhsuk-u-margin-bottom-1">
                <strong>{STATUS_LABELS[e.toStatus]}</strong> – {formatDateTime(e.createdAt)}
              </p>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-1 app-secondary-text">
                {e.actorName ? `by ${e.actorName}` : "by Invitational, automatically"}
              </p>
              {e.reason ? <p className="nhsuk-body-s">{e.reason}</p> : null}
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
