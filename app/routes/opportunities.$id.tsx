import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { Textarea } from "~/components/nhsuk/textarea";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { STATUS_LABELS } from "~/models/applications.rules";
import { ApplySchema, STATEMENT_MAX, STATEMENT_MIN } from "~/models/applications.schema";
import { applyForOpportunity, confidentialityError, findActiveApplication, needsConfidentiality } from "~/models/applications.server";
import { failure, parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";
import { OpportunityDetails } from "~/components/opportunity-details";
import { eligibilityFor } from "~/models/eligibility";
import { getTraineeGradeAndSpecialty } from "~/models/homes.server";
import { getOpportunityForViewer } from "~/models/opportunities.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { safeRedirect } from "~/utils/redirect";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.opportunity.title ?? "Opportunity") },
  ...(data ? [{ name: "description", content: data.opportunity.summary }] : []),
];

// Open to everyone for published and closed opportunities; drafts only to their own trust.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const db = await getDb();
  const user = context.user;
  const staffTrust = user && (user.role === "trust_lead" || user.role === "dme") ? user.trustId : null;
  const opportunity = await getOpportunityForViewer(db, params.id ?? "", staffTrust);
  if (!opportunity) throw notFound();
  const profile = user?.role === "trainee" ? await getTraineeGradeAndSpecialty(db, user.id, todayInLondon()) : null;
  const eligibility = eligibilityFor(
    opportunity,
    user ? { role: user.role, grade: profile?.grade ?? null, specialty: profile?.specialty ?? "" } : null,
    todayInLondon(),
  );
  const application = user?.role === "trainee" ? await findActiveApplication(db, user.id, opportunity.id) : null;
  return json({
    opportunity,
    eligibility,
    signedIn: Boolean(user),
    isTrainee: user?.role === "trainee",
    application,
    canApply: user?.role === "trainee" && eligibility.eligible && !application,
    confidential: needsConfidentiality(opportunity.type),
    backHref: searchCameFrom(request),
  });
}

/** Back to the search (words, filters, page) the viewer came from, when they came from one. */
function searchCameFrom(request: Request): string {
  const from = safeRedirect(request.headers.get("referer"), "/opportunities", { origin: new URL(request.url).origin });
  return from === "/opportunities" || from.startsWith("/opportunities?") ? from.replace(/#.*$/, "") : "/opportunities";
}

export async function action(args: ActionFunctionArgs) {
  const trainee = requireUser(args, { role: "trainee" });
  const formData = await args.request.formData();
  const parsed = parseForm(ApplySchema, formData);
  const db = await getDb();
  if (!parsed.ok) {
    const confidentiality = await confidentialityError(db, args.params.id ?? "", formData.get("confidentiality") === "yes");
    return invalid(confidentiality ? { ...parsed, fieldErrors: { ...parsed.fieldErrors, confidentiality } } : parsed);
  }
  const result = await applyForOpportunity(db, trainee.id, { opportunityId: args.params.id ?? "", ...parsed.data }, todayInLondon());
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors, result.formError), result.status);
  }
  return redirect(`/applications/${result.applicationId}?applied=1`);
}

export default function OpportunityPage() {
  const { opportunity: o, eligibility, signedIn, isTrainee, application, canApply, confidential, backHref } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink asElement={Link} to={backHref}>
          Back to opportunities
        </BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>
          <span className="nhsuk-caption-l">{o.trustName}</span>
          {o.title}
        </h1>
        {application ? null : eligibility.eligible ? (
          <div className="nhsuk-inset-text" id="eligibility">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>{eligibility.reason}</p>
          </div>
        ) : !signedIn ? (
          <div className="nhsuk-inset-text" id="eligibility">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>{eligibility.reason}</p>
            <p>
              <Link to={`/sign-in?redirectTo=${encodeURIComponent(`/opportunities/${o.id}`)}`}>Sign in</Link> or{" "}
              <Link to="/register">create a trainee account</Link>.
            </p>
          </div>
        ) : (
          <WarningCallout id="eligibility">
            <WarningCallout.Heading>Who can apply</WarningCallout.Heading>
            <p>{eligibility.reason}</p>
            {isTrainee ? (
              <p>
                <Link to="/opportunities?eligible=mine">See opportunities open to your grade</Link>
              </p>
            ) : null}
          </WarningCallout>
        )}
        {application ? (
          <div className="nhsuk-inset-text">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>
              You applied for this opportunity: {STATUS_LABELS[application.status].toLowerCase()}.{" "}
              <Link to={`/applications/${application.id}`}>See your application</Link>
            </p>
          </div>
        ) : null}
        <OpportunityDetails o={o} />
        {canApply ? (
          <Form method="post" noValidate className="nhsuk-u-margin-top-6" id="apply">
            <h2>Apply for this opportunity</h2>
            <Textarea
              id="statement"
              name="statement"
              label="Why do you want this opportunity, and what do you hope to learn?"
              hint={`Between ${STATEMENT_MIN} and ${STATEMENT_MAX.toLocaleString("en-GB")} characters. The trust lead reads this when choosing applicants`}
              rows={8}
              maxLength={STATEMENT_MAX}
              defaultValue={keptValue(actionData, "statement")}
              error={fieldError(actionData, "statement")}
            />
            {confidential ? (
              <Checkboxes name="confidentiality" legend="Confidentiality" error={fieldError(actionData, "confidentiality")}>
                <Checkboxes.Item id="confidentiality" value="yes" defaultChecked={keptValue(actionData, "confidentiality") === "yes"}>
                  I will keep confidential what I see and hear, including information about patients and staff
                </Checkboxes.Item>
              </Checkboxes>
            ) : null}
            <Button type="submit">Apply</Button>
          </Form>
        ) : null}
      </div>
    </div>
  );
}
