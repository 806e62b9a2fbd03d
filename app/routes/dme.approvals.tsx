import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Tag } from "~/components/nhsuk/tag";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { GradeText } from "~/components/grade-text";
import { pageTitle } from "~/utils/page-title";
import { listApprovalQueue } from "~/models/applications.server";
import { formatDate, formatDateTime, todayInLondon } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: pageTitle("Placements to approve") }];

export async function loader(args: LoaderFunctionArgs) {
  const dme = requireStaff(args, "dme");
  return json({ queue: await listApprovalQueue(await getDb(), dme.trustId, todayInLondon()) });
}

export default function Approvals() {
  const { queue } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Placements to approve</h1>
      <p>Places your trust's leads have offered, oldest first. Approving confirms the placement.</p>
      {queue.length ? (
        <ul className="app-results">
          {queue.map((q) => (
            <li className="app-result" key={q.id}>
              <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                <Link to={`/applications/${q.id}`}>
                  {q.name}: {q.title}
                </Link>
              </h2>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
                <GradeText grade={q.grade} selfDeclared={q.gradeSelfDeclared} capital /> · {formatDate(q.startsOn)} to {formatDate(q.endsOn)} · offered {formatDateTime(q.updatedAt)}{" "}
                {q.firstTimer ? <Tag modifier="green">First leadership opportunity</Tag> : null}
              </p>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-2">
                Placed: {q.placements.length ? q.placements.map((p) => `${p.trustName} (${formatDate(p.startsOn)} to ${formatDate(p.endsOn)})`).join("; ") : "no placement recorded"}
              </p>
              {q.warning ? (
                <p className="nhsuk-u-margin-bottom-0">
                  <Tag modifier="orange">Check placement</Tag> {q.warning}.
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>There are no placements waiting for your approval.</p>
      )}
    </>
  );
}
