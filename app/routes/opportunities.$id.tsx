import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BackLink, WarningCallout } from "nhsuk-react-components";

import { getDb } from "~/db.server";
import { pageTitle } from "~/components/form-errors";
import { OpportunityDetails } from "~/components/opportunity-details";
import { eligibilityFor } from "~/models/eligibility";
import { getTraineeGradeAndSpecialty } from "~/models/homes.server";
import { getOpportunityForViewer } from "~/models/opportunities.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.opportunity.title ?? "Opportunity") },
  ...(data ? [{ name: "description", content: data.opportunity.summary }] : []),
];

// Open to everyone for published and closed opportunities; drafts only to their own trust.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const db = await getDb();
  const user = context.user;
  const staffTrust = user && (user.role === "trust_lead" || user.role === "dme") ? user.trustId : null;
  const opportunity = await getOpportunityForViewer(db, params.id ?? "", staffTrust);
  if (!opportunity) throw notFound();
  const profile = user?.role === "trainee" ? await getTraineeGradeAndSpecialty(db, user.id) : null;
  const eligibility = eligibilityFor(
    opportunity,
    user ? { role: user.role, grade: profile?.grade ?? null, specialty: profile?.specialty ?? "" } : null,
    todayInLondon(),
  );
  return json({ opportunity, eligibility, signedIn: Boolean(user) });
}

export default function OpportunityPage() {
  const { opportunity: o, eligibility, signedIn } = useLoaderData<typeof loader>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/opportunities">Back to opportunities</BackLink>
        <h1>
          <span className="nhsuk-caption-l">{o.trustName}</span>
          {o.title}
        </h1>
        {eligibility.eligible ? (
          <div className="nhsuk-inset-text" id="eligibility">
            <span className="nhsuk-u-visually-hidden">Information: </span>
            <p>{eligibility.reason}</p>
          </div>
        ) : (
          <WarningCallout id="eligibility">
            <WarningCallout.Heading>Who can apply</WarningCallout.Heading>
            <p>{eligibility.reason}</p>
            {!signedIn ? (
              <p>
                <Link to={`/sign-in?redirectTo=${encodeURIComponent(`/opportunities/${o.id}`)}`}>Sign in</Link> or{" "}
                <Link to="/register">create a trainee account</Link>.
              </p>
            ) : null}
          </WarningCallout>
        )}
        <OpportunityDetails o={o} />
      </div>
    </div>
  );
}
