import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { Textarea } from "~/components/nhsuk/textarea";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { STATUS_LABELS } from "~/models/applications.rules";
import { ApplySchema, STATEMENT_MAX, STATEMENT_MIN } from "~/models/applications.schema";
import { canReflect } from "~/models/reflections.rules";
import { applyForOpportunity, confidentialityError, findActiveApplication, needsConfidentiality } from "~/models/applications.server";
import { failure, parseForm, type FormFailure } from "~/utils/forms";
import { UUID } from "~/models/accounts.schema";
import { ordinal } from "~/models/messages";
import { addChoice, choiceStateOnOpportunity } from "~/models/round-choices.server";
import { roundBanner, roundPhase } from "~/models/round-rules";
import { unfinishedRoundOf } from "~/models/rounds.server";
import { invalid } from "~/utils/http.server";
import { OpportunityDetails } from "~/components/opportunity-details";
import { eligibilityFor } from "~/models/eligibility";
import { getTraineeGradeAndSpecialty, listTraineePlacements } from "~/models/homes.server";
import { moveWarning } from "~/models/placement-warnings";
import { isSaved } from "~/models/shortlist.server";
import { ShortlistButton } from "~/components/shortlist";
import { ShortlistMessage } from "~/components/shortlist-messages";
import { getOpportunityForViewer, opportunityVisibleTo } from "~/models/opportunities.server";
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
  const round = await unfinishedRoundOf(db, opportunity.id);
  const phase = round ? roundPhase(round) : null;
  const choice = round && user?.role === "trainee" && phase === "open" ? await choiceStateOnOpportunity(db, user.id, round, opportunity.id, todayInLondon()) : null;
  const [saved, placements] = user?.role === "trainee" ? await Promise.all([isSaved(db, user.id, opportunity.id), listTraineePlacements(db, user.id)]) : [false, []];
  return json({
    round: round ? { id: round.id, name: round.name, banner: roundBanner(round), open: phase === "open", maxChoices: round.maxChoices } : null,
    choice,
    opportunity,
    eligibility,
    signedIn: Boolean(user),
    isTrainee: user?.role === "trainee",
    application,
    // The trainee's way to their reflection, wherever they see the finished opportunity.
    reflectable: application ? canReflect(application.status, opportunity.endsOn, todayInLondon()) : false,
    canApply: user?.role === "trainee" && eligibility.eligible && !application && !round,
    confidential: needsConfidentiality(opportunity.type),
    saved,
    // Told before applying, as the lead and DME are told when they decide (placement-warnings.ts).
    moveWarning: user?.role === "trainee" && !application ? moveWarning(placements, opportunity) : null,
    // Once applied for, the application is the way back to it; a saved one can still be removed.
    canSave: user?.role === "trainee" && opportunity.status === "published" && !application,
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
  const db = await getDb();
  // A draft (or no such opportunity) is not found before anything sent is read, as on the page.
  if (!(await opportunityVisibleTo(db, args.params.id ?? "", null))) throw notFound();
  const formData = await args.request.formData();
  if (formData.get("intent") === "choose") return chooseInRound(args, trainee.id, formData);
  const parsed = parseForm(ApplySchema, formData);
  if (!parsed.ok) {
    // A message by the statement means nothing once applied: the page then shows the application, not the form.
    const opportunityId = args.params.id ?? "";
    if (UUID.test(opportunityId) && (await findActiveApplication(db, trainee.id, opportunityId))) {
      return invalid(failure(formData, {}, "You have already applied for this opportunity"), 409);
    }
    // Nor while the page does not offer the form (the seats have gone, the deadline has passed,
    // a round now allocates it): the answer says why, as the page does.
    const today = todayInLondon();
    const opportunity = await getOpportunityForViewer(db, opportunityId, null);
    if (opportunity) {
      const profile = await getTraineeGradeAndSpecialty(db, trainee.id, today);
      const eligibility = eligibilityFor(opportunity, { role: "trainee", grade: profile?.grade ?? null, specialty: profile?.specialty ?? "" }, today);
      if (!eligibility.eligible) return invalid(failure(formData, {}, eligibility.reason), 409);
      if (await unfinishedRoundOf(db, opportunityId)) return invalid(failure(formData, {}, "Places on this opportunity are allocated in a round: add it to your choices instead"), 409);
    }
    const confidentiality = await confidentialityError(db, args.params.id ?? "", formData.get("confidentiality") === "yes");
    return invalid(confidentiality ? { ...parsed, fieldErrors: { ...parsed.fieldErrors, confidentiality } } : parsed);
  }
  const result = await applyForOpportunity(db, trainee.id, { opportunityId: args.params.id ?? "", ...parsed.data }, todayInLondon(), auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors, result.formError), result.status);
  }
  return redirect(`/applications/${result.applicationId}?applied=1`);
}

/** "Add to my choices": the opportunity's round takes it as the trainee's next choice. */
async function chooseInRound(args: ActionFunctionArgs, traineeId: string, formData: FormData) {
  const db = await getDb();
  const opportunityId = args.params.id ?? "";
  const round = UUID.test(opportunityId) ? await unfinishedRoundOf(db, opportunityId) : null;
  if (!round) return invalid(failure(formData, {}, "This opportunity is not in a round now: apply for it instead"), 409);
  const result = await addChoice(
    db,
    traineeId,
    { roundId: round.id, opportunityId, statement: formData.get("statement") ?? "", confidentiality: formData.get("confidentiality") ?? "" },
    todayInLondon(),
  );
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors, result.formError), result.status);
  }
  return redirect(`/trainee/rounds/${round.id}?done=added`);
}

export default function OpportunityPage() {
  const { opportunity: o, eligibility, signedIn, isTrainee, application, reflectable, canApply, confidential, backHref, round, choice, saved, canSave, moveWarning } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // A refused statement is linked to its box only where the page shows one: a parallel request
  // may have applied, or taken the last seat, between the refusal and this page.
  const statementShown = canApply || choice?.state === "eligible";
  const [params] = useSearchParams();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink asElement={Link} to={backHref}>
          Back to opportunities
        </BackLink>
        <FormErrorSummary failure={statementShown ? actionData : pageLevel(actionData)} />
        <ShortlistMessage outcome={params.get("shortlist")} anchor="#shortlist" />
        <h1>
          <span className="nhsuk-caption-l">{o.trustName}</span>
          {o.title}
        </h1>
        {canSave || saved ? (
          <div className="nhsuk-u-margin-bottom-4" id="shortlist">
            <ShortlistButton opportunityId={o.id} title={o.title} saved={saved} returnTo={`/opportunities/${o.id}`} />
          </div>
        ) : null}
        {moveWarning ? (
          <WarningCallout id="move-warning">
            <WarningCallout.Heading>Before you apply</WarningCallout.Heading>
            <p>{moveWarning}.</p>
            <p>Check with the trust that you can take part for all of it before you apply.</p>
          </WarningCallout>
        ) : null}
        {round ? (
          <RoundPanel round={round} choice={choice} signedIn={signedIn} opportunityId={o.id} />
        ) : application ? null : eligibility.eligible ? (
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
            {reflectable ? (
              <p>
                <Link to={`/applications/${application.id}/reflection`}>Your reflection on this opportunity</Link>
              </p>
            ) : null}
          </div>
        ) : null}
        <OpportunityDetails o={o} />
        {choice?.state === "eligible" ? (
          <Form method="post" noValidate className="nhsuk-u-margin-top-6" id="choose">
            <h2>Add to my choices</h2>
            <p>
              This becomes your {ordinal(choice.nextRank)} choice in the round {round?.name}. You can change the order on your choices page until the round closes.
            </p>
            <input type="hidden" name="intent" value="choose" />
            <StatementFields confidential={confidential} actionData={actionData} />
            <Button type="submit">Add to my choices</Button>
          </Form>
        ) : null}
        {canApply ? (
          <Form method="post" noValidate className="nhsuk-u-margin-top-6" id="apply">
            <h2>Apply for this opportunity</h2>
            <StatementFields confidential={confidential} actionData={actionData} />
            <Button type="submit">Apply</Button>
          </Form>
        ) : null}
      </div>
    </div>
  );
}

/** The statement and, for board seats and patient-safety investigations, the confidentiality box: the same for applying and for a round's choice. */
/** The refusal without links to fields the page does not show. */
function pageLevel(failure: FormFailure | undefined): FormFailure | undefined {
  if (!failure || !Object.keys(failure.fieldErrors).length) return failure;
  return { ...failure, fieldErrors: {}, formError: failure.formError ?? "You cannot apply for this opportunity now: the page shows where it stands." };
}

function StatementFields({ confidential, actionData }: { confidential: boolean; actionData: FormFailure | undefined }) {
  return (
    <>
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
    </>
  );
}

type ChoiceState = Awaited<ReturnType<typeof choiceStateOnOpportunity>>;

/** Instead of "who can apply": the round that allocates the places, and where the trainee stands in it. */
function RoundPanel({ round, choice, signedIn, opportunityId }: { round: { id: string; name: string; banner: string; open: boolean; maxChoices: number }; choice: ChoiceState | null; signedIn: boolean; opportunityId: string }) {
  const choicesLink = <Link to={`/trainee/rounds/${round.id}`}>See and change your choices</Link>;
  return (
    <div className="nhsuk-inset-text" id="round">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>
        <strong>{round.banner}.</strong>
      </p>
      {round.open ? (
        <p>Trainees rank the opportunities they want; when the round closes, places go first to trainees with no opportunity yet this year. Nobody gets a place by applying first.</p>
      ) : null}
      {!signedIn ? (
        <p>
          <Link to={`/sign-in?redirectTo=${encodeURIComponent(`/opportunities/${opportunityId}`)}`}>Sign in</Link> or <Link to="/register">create a trainee account</Link> to add it
          to your choices.
        </p>
      ) : choice?.state === "chosen" ? (
        <p>
          <strong>{choice.declined ? "The trust declined this choice, so it is not part of the allocation." : `This is your ${ordinal(choice.rank)} choice in the round.`}</strong> {choicesLink}
        </p>
      ) : choice?.state === "ineligible" ? (
        <p>You cannot add this opportunity to your choices. {choice.reason}</p>
      ) : choice?.state === "full" ? (
        <p>
          You have {choice.maxChoices} choices, the most this round allows: remove one to add this. {choicesLink}
        </p>
      ) : choice?.state === "eligible" ? (
        <p>
          <a href="#choose">Add it to your choices</a> below.
        </p>
      ) : null}
    </div>
  );
}
