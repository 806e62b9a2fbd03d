import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Table } from "~/components/nhsuk/table";

import { requireUser } from "~/auth.server";
import { Pager } from "~/components/pager";
import { ResponsiveTable } from "~/components/responsive-table";
import { RoundPhaseTag, roundTimesText } from "~/components/round-phase-tag";
import { getDb } from "~/db.server";
import { listRounds } from "~/models/round-admin.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Allocation rounds") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "trust_lead", "dme"] });
  const pageParam = Number(new URL(args.request.url).searchParams.get("page") ?? "1");
  const list = await listRounds(await getDb(), user, { page: Number.isFinite(pageParam) ? pageParam : 1 });
  return json({ ...list, role: user.role });
}

export default function Rounds() {
  const { rounds, page, lastPage, total, role } = useLoaderData<typeof loader>();
  const canCreate = role === "admin" || role === "trust_lead";
  return (
    <>
      <h1>Allocation rounds</h1>
      <p>
        In a round, trainees rank the opportunities in it until it closes; then the places are allocated so that as many trainees as possible get a first
        leadership opportunity before anyone gets a second.
        {role === "admin" ? "" : " You see your trust's rounds and the rounds across trusts that include your trust's opportunities."}
      </p>
      {canCreate ? (
        <p>
          <Link to="/rounds/new" className="nhsuk-button">
            Create a round
          </Link>
        </p>
      ) : null}
      {rounds.length ? (
        <>
          <ResponsiveTable
            columns={["Round", "Status", "Dates", { label: role === "admin" ? "Opportunities" : "Your opportunities", numeric: true }, { label: role === "admin" ? "Trainees with choices" : "Trainees who chose them", numeric: true }]}
            caption={`${total} ${total === 1 ? "round" : "rounds"}${lastPage > 1 ? `, page ${page} of ${lastPage}` : ""}`}
          >
            {rounds.map((r) => (
              <Table.Row key={r.id}>
                <Table.Cell>
                  <Link to={`/rounds/${r.id}`}>{r.name}</Link>
                  {r.trustName ? null : <span className="nhsuk-body-s app-secondary-text"> (across trusts)</span>}
                </Table.Cell>
                <Table.Cell>
                  <RoundPhaseTag phase={r.phase} />
                </Table.Cell>
                <Table.Cell>{roundTimesText(r)}</Table.Cell>
                <Table.Cell format="numeric">{r.opportunities}</Table.Cell>
                <Table.Cell format="numeric">{r.trainees}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
          <Pager page={page} lastPage={lastPage} href={(p) => `/rounds?page=${p}`} />
        </>
      ) : (
        <p>There are no allocation rounds yet.</p>
      )}
    </>
  );
}
