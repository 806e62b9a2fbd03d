import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Tag } from "~/components/nhsuk/tag";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { GradeText } from "~/components/grade-text";
import { pageTitle } from "~/utils/page-title";
import { STATUS_LABELS } from "~/models/applications.rules";
import { listApplicants } from "~/models/applications.server";
import { formatDate, formatDateTime, todayInLondon } from "~/utils/dates";
import { plural } from "~/utils/plural";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `Applicants: ${data.opportunity.title}` : "Applicants") }];

export async function loader(args: LoaderFunctionArgs) {
  const lead = requireStaff(args, "trust_lead");
  const result = await listApplicants(await getDb(), lead.trustId, args.params.id ?? "", todayInLondon(), auditContext(args.context));
  if (!result) throw notFound();
  return json(result);
}

export default function Applicants() {
  const { opportunity: o, applicants } = useLoaderData<typeof loader>();
  return (
    <>
      <BackLink href={`/trust/opportunities/${o.id}`}>Back to the opportunity</BackLink>
      <h1>
        <span className="nhsuk-caption-l">Applicants</span>
        {o.title}
      </h1>
      <p>
        {o.seatsTaken} of {plural(o.seats, "seat")} filled. First-timers are listed first: the service aims to give everyone a first leadership
        opportunity before anyone gets a second.
      </p>
      {applicants.length ? (
        <ul className="app-results">
          {applicants.map((a) => (
            <li className="app-result" key={a.id}>
              {/* The heading is the applicant's name alone, so a list of headings reads as a list of people. */}
              <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                <Link to={`/applications/${a.id}`}>{a.name}</Link>
              </h2>
              <p className="nhsuk-u-margin-bottom-2">
                {a.firstTimer ? <Tag modifier="green">First leadership opportunity</Tag> : <Tag modifier="grey">{plural(a.prior, "opportunity", "opportunities")} before</Tag>}
              </p>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
                <GradeText grade={a.grade} selfDeclared={a.gradeSelfDeclared} capital />
                {a.specialty ? `, ${a.specialty}` : ""} · applied {formatDateTime(a.createdAt)} · <strong>{STATUS_LABELS[a.status]}</strong>
              </p>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
                Placed during the opportunity:{" "}
                {a.placements.length
                  ? a.placements.map((p) => `${p.trustName} (${formatDate(p.startsOn)} to ${formatDate(p.endsOn)})`).join("; ")
                  : "no placement recorded"}
              </p>
              <p className="app-preserve-lines nhsuk-u-margin-bottom-2">{a.statement}</p>
              {a.actions.length ? (
                <p className="nhsuk-u-margin-bottom-0">
                  <Link to={`/applications/${a.id}#actions`}>Decide on {a.name}'s application</Link>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>Nobody has applied yet.</p>
      )}
    </>
  );
}
