import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SummaryList, Table } from "nhsuk-react-components";

import { requireUser } from "~/auth.server";
import { pageTitle } from "~/components/form-errors";
import { PlacementCard } from "~/components/placement-card";
import { getDb } from "~/db.server";
import { RotationSections } from "~/components/rotation-sections";
import { getTraineeHome } from "~/models/homes.server";
import { rotationSections } from "~/models/search.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Your placements") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const today = todayInLondon();
  const [home, sections] = await Promise.all([getTraineeHome(db, user.id, today), rotationSections(db, user.id, today)]);
  if (!home) throw notFound();
  return json({ ...home, sections });
}

const STAGE_LABELS = { foundation: "Foundation", core: "Core training", higher: "Higher specialty training" } as const;

export default function TraineeHome() {
  const { profile, current, next, placements, sections } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Trainee</span>
        {profile.name}
      </h1>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <PlacementCard
            heading="Where you are now"
            placement={current}
            empty="You have no placement recorded for today. Your placements come from your deanery's training-information system."
          />
          <PlacementCard
            heading={next ? `Your next placement, from ${formatDate(next.startsOn)}` : "Your next placement"}
            placement={next}
            empty="Your next placement has not been recorded yet."
          />
        </div>
      </div>

      <RotationSections sections={sections} />
      <p>
        <Link to="/opportunities" className="nhsuk-button">
          Find more opportunities
        </Link>
      </p>

      <h2>Your profile</h2>
      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>GMC number</SummaryList.Key>
          <SummaryList.Value>{profile.gmcNumber}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Grade</SummaryList.Key>
          <SummaryList.Value>
            {profile.grade} ({STAGE_LABELS[profile.stage]})
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Specialty</SummaryList.Key>
          <SummaryList.Value>{profile.specialty || "Not recorded"}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Programme</SummaryList.Key>
          <SummaryList.Value>{profile.programme || "Not recorded"}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Region</SummaryList.Key>
          <SummaryList.Value>{profile.region ?? "Not recorded"}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Working pattern</SummaryList.Key>
          <SummaryList.Value>{profile.ltft ? "Less than full time" : "Full time"}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Email address</SummaryList.Key>
          <SummaryList.Value>{profile.email}</SummaryList.Value>
        </SummaryList.Row>
      </SummaryList>

      <h2>All your placements</h2>
      {placements.length ? (
        <Table responsive caption="Placements, earliest first">
          <Table.Head>
            <Table.Row>
              <Table.Cell>Trust</Table.Cell>
              <Table.Cell>Site</Table.Cell>
              <Table.Cell>Specialty</Table.Cell>
              <Table.Cell>From</Table.Cell>
              <Table.Cell>To</Table.Cell>
            </Table.Row>
          </Table.Head>
          <Table.Body>
            {placements.map((p) => (
              <Table.Row key={p.id}>
                <Table.Cell>{p.trustName}</Table.Cell>
                <Table.Cell>{p.siteName || "Not recorded"}</Table.Cell>
                <Table.Cell>{p.specialty || "Not recorded"}</Table.Cell>
                <Table.Cell>{formatDate(p.startsOn)}</Table.Cell>
                <Table.Cell>{formatDate(p.endsOn)}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      ) : (
        <p>No placements are recorded for you yet.</p>
      )}
    </>
  );
}
