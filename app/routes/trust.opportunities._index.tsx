import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";
import * as v from "valibot";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { pageTitle } from "~/utils/page-title";
import { StatusTag } from "~/components/status-tag";
import { OPPORTUNITY_STATUSES, OPPORTUNITY_TYPE_LABELS } from "~/models/domain";
import { countTrustOpportunitiesByStatus, listTrustOpportunities } from "~/models/opportunities.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { ResponsiveTable } from "~/components/responsive-table";

export const meta: MetaFunction = () => [{ title: pageTitle("Your trust's opportunities") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const status = v.parse(v.fallback(v.optional(v.picklist(OPPORTUNITY_STATUSES)), undefined), new URL(args.request.url).searchParams.get("status") ?? undefined);
  const db = await getDb();
  const [opportunities, counts] = await Promise.all([listTrustOpportunities(db, user.trustId, status), countTrustOpportunitiesByStatus(db, user.trustId)]);
  return json({ opportunities, counts, status: status ?? null, today: todayInLondon() });
}

const FILTER_LABELS = { draft: "Drafts", published: "Published", closed: "Closed", archived: "Archived" } as const;
const EMPTY_WORDS = { draft: "draft", published: "published", closed: "closed", archived: "archived" } as const;

export default function TrustOpportunities() {
  const { opportunities, counts, status, today } = useLoaderData<typeof loader>();
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  return (
    <>
      <h1>Your trust's opportunities</h1>
      <p>
        <Link to="/trust/opportunities/new" className="nhsuk-button">
          Create an opportunity
        </Link>
      </p>
      <nav aria-label="Filter by status">
        <ul className="nhsuk-list app-facts">
          <li>{status ? <Link to="/trust/opportunities">All ({total})</Link> : <strong>All ({total})</strong>}</li>
          {OPPORTUNITY_STATUSES.map((s) => (
            <li key={s}>
              {status === s ? (
                <strong>
                  {FILTER_LABELS[s]} ({counts[s] ?? 0})
                </strong>
              ) : (
                <Link to={`/trust/opportunities?status=${s}`}>
                  {FILTER_LABELS[s]} ({counts[s] ?? 0})
                </Link>
              )}
            </li>
          ))}
        </ul>
      </nav>
      {opportunities.length ? (
        <ResponsiveTable columns={["Opportunity", "Status", { label: "Seats filled", numeric: true }, { label: "Applications waiting", numeric: true }, "Deadline"]}>
          {opportunities.map((o) => (
            <Table.Row key={o.id}>
              <Table.Cell>
                <Link to={`/trust/opportunities/${o.id}`}>{o.title}</Link>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-secondary-text">{OPPORTUNITY_TYPE_LABELS[o.type]}</p>
              </Table.Cell>
              <Table.Cell>
                <StatusTag status={o.status} />
                {o.status === "published" && o.applicationDeadline < today ? (
                  <>
                    {" "}
                    <Tag modifier="orange">Deadline passed</Tag>
                  </>
                ) : null}
              </Table.Cell>
              <Table.Cell format="numeric">
                {/* "2 of 4", as the applicants page says it: a screen reader reads "2 / 4" as "2 slash 4". */}
                {o.seatsTaken} of {o.seats}
              </Table.Cell>
              <Table.Cell format="numeric">{o.applicationsWaiting ? <Tag modifier="yellow">{o.applicationsWaiting}</Tag> : 0}</Table.Cell>
              <Table.Cell className="app-nowrap">{formatDate(o.applicationDeadline)}</Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>{status ? `No ${EMPTY_WORDS[status as keyof typeof EMPTY_WORDS]} opportunities.` : "Your trust has not created any opportunities yet."}</p>
      )}
    </>
  );
}
