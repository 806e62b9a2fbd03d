import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";

import { requireStaff } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";
import { getDmeHome } from "~/models/homes.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";

export const meta: MetaFunction = () => [{ title: pageTitle("Trainees at your trust") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "dme");
  const home = await getDmeHome(await getDb(), user.trustId, todayInLondon());
  if (!home) throw notFound();
  return json(home);
}

function Pattern({ wte }: { wte: string }) {
  return Number(wte) < 1 ? <Tag modifier="aqua-green">Less than full time ({Math.round(Number(wte) * 100)}%)</Tag> : <>Full time</>;
}

export default function DmeHome() {
  const { trust, placedNow, startingNext } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Director of medical education, {trust.name}</span>
        Trainees at your trust
      </h1>

      <p>
        <Link to="/dme/approvals" className="nhsuk-button">
          Placements to approve
        </Link>{" "}
        <Link to="/imports" className="nhsuk-button nhsuk-button--secondary">
          Import rotations
        </Link>
      </p>
      <h2>
        Placed here now <span className="nhsuk-caption-m">{placedNow.length} trainees</span>
      </h2>
      {placedNow.length ? (
        <ResponsiveTable columns={["Trainee", "Grade", "Specialty", "Site", "Until", "Working pattern"]}>
          {placedNow.map((t) => (
            <Table.Row key={t.placementId}>
              <Table.Cell>{t.name}</Table.Cell>
              <Table.Cell>{t.grade}</Table.Cell>
              <Table.Cell>{t.specialty || "Not recorded"}</Table.Cell>
              <Table.Cell>{t.siteName || "Not recorded"}</Table.Cell>
              <Table.Cell className="app-nowrap">{formatDate(t.endsOn)}</Table.Cell>
              <Table.Cell>
                <Pattern wte={t.wte} />
              </Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No trainees are placed at {trust.name} today.</p>
      )}

      <h2>
        Starting in the next rotation <span className="nhsuk-caption-m">{startingNext.length} trainees</span>
      </h2>
      {startingNext.length ? (
        <ResponsiveTable columns={["Trainee", "Grade", "Specialty", "Starts", "Placed now at", "Working pattern"]}>
          {startingNext.map((t) => (
            <Table.Row key={t.placementId}>
              <Table.Cell>{t.name}</Table.Cell>
              <Table.Cell>{t.grade}</Table.Cell>
              <Table.Cell>{t.specialty || "Not recorded"}</Table.Cell>
              <Table.Cell className="app-nowrap">{formatDate(t.startsOn)}</Table.Cell>
              <Table.Cell>{t.comingFrom ?? "Not placed"}</Table.Cell>
              <Table.Cell>
                <Pattern wte={t.wte} />
              </Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No trainees are due to start at {trust.name} in the next six months.</p>
      )}
    </>
  );
}
