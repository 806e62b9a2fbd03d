import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { FormErrorSummary, pageTitle } from "~/components/form-errors";
import { OpportunityForm, type OpportunityFormValues } from "~/components/opportunity-form";
import { parseOpportunityForm } from "~/models/opportunities.schema";
import { getTrustOpportunity, opportunityFormOptions, saveOpportunity } from "~/models/opportunities.server";
import { failure } from "~/utils/forms";
import { todayInLondon } from "~/utils/dates";
import { invalid, notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Edit opportunity") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const db = await getDb();
  const o = await getTrustOpportunity(db, user.trustId, args.params.id ?? "");
  if (!o || o.status === "archived") throw notFound();
  const initial: OpportunityFormValues = {
    type: o.type,
    title: o.title,
    summary: o.summary,
    description: o.description,
    siteId: o.siteId ?? "",
    objectiveId: o.objectiveId ?? "",
    sponsorName: o.sponsorName,
    sponsorRole: o.sponsorRole,
    startsOn: o.startsOn,
    endsOn: o.endsOn,
    applicationDeadline: o.applicationDeadline,
    totalHours: String(Number(o.totalHours)),
    hoursPerWeek: String(Number(o.hoursPerWeek)),
    seats: String(o.seats),
    eligibleGrades: o.eligibleGrades,
    specialties: o.specialties.join("\n"),
    ltftFriendly: o.ltftFriendly,
    multiprofessional: o.multiprofessional,
    tier: String(o.tier),
    focus: o.focus,
    hlmDimensions: o.hlmDimensions,
    learningOutcomes: o.learningOutcomes.join("\n"),
    sessions: o.sessions,
  };
  return json({ id: o.id, title: o.title, initial, ...(await opportunityFormOptions(db, user.trustId, o.objectiveId)) });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  // Another trust's (or an archived) opportunity is not found before the form is read, as on the page.
  const existing = await getTrustOpportunity(await getDb(), user.trustId, args.params.id ?? "");
  if (!existing || existing.status === "archived") throw notFound();
  const formData = await args.request.formData();
  const parsed = parseOpportunityForm(formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await saveOpportunity(await getDb(), { trustId: user.trustId, userId: user.id }, parsed.data, { id: args.params.id ?? "", today: todayInLondon() }, auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors, result.formError), result.status === 409 ? 409 : 400);
  }
  return redirect(`/trust/opportunities/${result.id}?saved=1${result.promoted.length ? `&offered=${result.promoted.join(",")}` : ""}`);
}

export default function EditOpportunity() {
  const { id, title, initial, sites, objectives } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/trust/opportunities/${id}`}>Back to the opportunity</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>
          <span className="nhsuk-caption-l">Edit opportunity</span>
          {title}
        </h1>
        <OpportunityForm failure={actionData} initial={initial} sites={sites} objectives={objectives} submitLabel="Save changes" />
      </div>
    </div>
  );
}
