import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Table } from "~/components/nhsuk/table";

import { requireUser } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";
import { listTrusts } from "~/models/trusts.server";
import { ResponsiveTable } from "~/components/responsive-table";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Trusts") }];

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  return json({ trusts: await listTrusts(await getDb()) });
}

export default function AdminTrusts() {
  const { trusts } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Trusts</h1>
      <p>
        <Link to="/admin/trusts/new" className="nhsuk-button">
          Add a trust
        </Link>
      </p>
      <ResponsiveTable caption={`${plural(trusts.length, "trust")}, by region`} columns={["Trust", "ODS code", "Region", "Integrated care system", { label: "Sites", numeric: true }, { label: "Staff", numeric: true }]}>
        {trusts.map((t) => (
          <Table.Row key={t.id}>
            <Table.Cell>
              <Link to={`/admin/trusts/${t.id}`}>{t.name}</Link>
            </Table.Cell>
            <Table.Cell>{t.odsCode}</Table.Cell>
            <Table.Cell>{t.region}</Table.Cell>
            <Table.Cell>{t.integratedCareSystem}</Table.Cell>
            <Table.Cell format="numeric">{t.sites}</Table.Cell>
            <Table.Cell format="numeric">{t.staff}</Table.Cell>
          </Table.Row>
        ))}
      </ResponsiveTable>
    </>
  );
}
