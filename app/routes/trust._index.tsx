import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";

import { requireStaff } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";
import { ROLE_LABELS } from "~/models/domain";
import { getTrustHome } from "~/models/homes.server";
import { listUnfinishedRounds } from "~/models/round-admin.server";
import { notFound } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";
import { UnfinishedRounds } from "~/components/unfinished-rounds";
import { TrustToDoList } from "~/components/trust-todo-list";
import { getTrustToDo } from "~/models/trust-todo.server";
import { todayInLondon } from "~/utils/dates";

export const meta: MetaFunction = () => [{ title: pageTitle("Your trust") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const db = await getDb();
  const [home, todo] = await Promise.all([getTrustHome(db, user.trustId), getTrustToDo(db, user.trustId, todayInLondon())]);
  if (!home) throw notFound();
  return json({ ...home, todo, rounds: await listUnfinishedRounds(db, user) });
}

export default function TrustHome() {
  const { trust, staff, placementsOnRecord, rounds, todo } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Trust lead</span>
        {trust.name}
      </h1>
      <p>
        <Link to="/reports">See how the trust is doing: coverage, offer and uptake, and the trainees with nothing yet</Link>
      </p>
      <p>
        <Link to="/nothing-yet">Trainees at your trust with nothing yet this year: send them a nudge</Link>
      </p>
      <TrustToDoList todo={todo} />
      <h2>About the trust</h2>
      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>ODS code</SummaryList.Key>
          <SummaryList.Value>{trust.odsCode}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>NHS England region</SummaryList.Key>
          <SummaryList.Value>{trust.region}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Integrated care system</SummaryList.Key>
          <SummaryList.Value>{trust.integratedCareSystem}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Trainee placements on record</SummaryList.Key>
          <SummaryList.Value>{placementsOnRecord}</SummaryList.Value>
        </SummaryList.Row>
      </SummaryList>

      <ul className="nhsuk-list app-facts nhsuk-u-margin-bottom-6">
        <li>
          <Link to="/trust/opportunities" className="nhsuk-button nhsuk-u-margin-bottom-0">
            Manage opportunities
          </Link>
        </li>
        <li>
          <Link to="/trust/objectives" className="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0">
            Organisational objectives
          </Link>
        </li>
      </ul>

      <UnfinishedRounds rounds={rounds} canCreate />

      <h2>Sites</h2>
      {trust.sites.length ? (
        <ul>
          {trust.sites.map((s) => (
            <li key={s.id}>{s.name}</li>
          ))}
        </ul>
      ) : (
        <p>No sites are recorded for this trust. Ask your regional administrator to add them.</p>
      )}

      <h2>Staff using Invitational</h2>
      <ResponsiveTable columns={["Name", "Role", "Email address"]}>
        {staff.map((s) => (
          <Table.Row key={s.id}>
            <Table.Cell>
              {s.name} {s.disabledAt ? <Tag modifier="grey">Disabled</Tag> : null}
            </Table.Cell>
            <Table.Cell>{ROLE_LABELS[s.role]}</Table.Cell>
            <Table.Cell>{s.email}</Table.Cell>
          </Table.Row>
        ))}
      </ResponsiveTable>
      <h2>Your account</h2>
      <p>
        <Link to="/account/password">Change your password</Link>
      </p>
    </>
  );
}
