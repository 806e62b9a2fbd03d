import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";

import { requireUser } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { PlacementCard } from "~/components/placement-card";
import { getDb } from "~/db.server";
import { RotationSections } from "~/components/rotation-sections";
import { getTraineeHome, listTraineePlacements } from "~/models/homes.server";
import { rotationSections } from "~/models/search.server";
import { STATUS_LABELS, WHAT_NEXT } from "~/models/applications.rules";
import { listTraineeApplications, upcomingSessions } from "~/models/applications.server";
import type { ApplicationStatus } from "~/models/domain";
import { formatClockTime, formatDate, formatMoment, todayInLondon } from "~/utils/dates";
import { listOpenRoundsForTrainee } from "~/models/round-choices.server";
import { reflectionLinks } from "~/models/reflections.server";
import { notFound } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";
import { getShortlist } from "~/models/shortlist.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Your home") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const today = todayInLondon();
  // Read once: the home's placement cards and the rotation sections both come from them.
  const placements = listTraineePlacements(db, user.id);
  const [home, sections, applications, sessions, rounds, shortlist] = await Promise.all([
    getTraineeHome(db, user.id, today, placements),
    placements.then((list) => rotationSections(db, user.id, today, list)),
    listTraineeApplications(db, user.id),
    upcomingSessions(db, user.id, today),
    listOpenRoundsForTrainee(db, user.id, today),
    getShortlist(db, user.id, today),
  ]);
  if (!home) throw notFound();
  return json({ ...home, sections, applications, sessions, rounds, shortlist, reflections: reflectionLinks(applications, today) });
}

const GROUPS: { heading: string; statuses: ApplicationStatus[] }[] = [
  { heading: "Waiting for a decision", statuses: ["submitted", "offered", "waitlisted"] },
  { heading: "Confirmed", statuses: ["approved"] },
  { heading: "Finished", statuses: ["completed", "not_completed"] },
  { heading: "Closed", statuses: ["declined", "rejected", "withdrawn"] },
];

const STAGE_LABELS = { foundation: "Foundation", core: "Core training", higher: "Higher specialty training" } as const;

export default function TraineeHome() {
  const { profile, current, next, placements, sections, applications, sessions, rounds, shortlist, reflections } = useLoaderData<typeof loader>();
  const groups = GROUPS.map((g) => ({ ...g, items: applications.filter((a) => g.statuses.includes(a.status)) })).filter((g) => g.items.length);
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

      {rounds.length ? (
        <>
          <h2>Rounds open now</h2>
          <p>Rank the ones you want before the round closes: places are allocated then.</p>
          <ul className="app-results">
            {rounds.map((r) => (
              <li className="app-result" key={r.id}>
                <p className="nhsuk-u-margin-bottom-1">
                  <Link to={`/trainee/rounds/${r.id}`}>{r.name}</Link>
                </p>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-secondary-text">
                  Closes {formatMoment(r.closesAt)}. {r.choices ? `You have ${r.choices} of ${r.maxChoices} choices.` : `You have no choices yet: you may rank up to ${r.maxChoices}.`}
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>Your applications</h2>
      {groups.length ? (
        groups.map((g) => (
          <div key={g.heading}>
            <h3>{g.heading}</h3>
            <ul className="app-results">
              {g.items.map((a) => (
                <li className="app-result" key={a.id}>
                  <p className="nhsuk-u-margin-bottom-1">
                    <Link to={`/applications/${a.id}`}>{a.title}</Link> – {a.trustName}
                  </p>
                  <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-secondary-text">
                    {STATUS_LABELS[a.status]}. {WHAT_NEXT[a.status]}
                  </p>
                  {reflections[a.id] ? (
                    <p className="nhsuk-body-s nhsuk-u-margin-top-1 nhsuk-u-margin-bottom-0">
                      <Link to={`/applications/${a.id}/reflection`}>
                        {reflections[a.id] === "final" ? "View your reflection" : reflections[a.id] === "draft" ? "Continue your reflection" : "Write your reflection"}
                        <span className="nhsuk-u-visually-hidden"> on {a.title}</span>
                      </Link>
                      {reflections[a.id] === "draft" ? " (draft)" : ""}
                    </p>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ))
      ) : (
        <p>You have not applied for anything yet.</p>
      )}
      <p>
        <Link to="/trainee/evidence">Your leadership evidence for your e-portfolio</Link>
      </p>

      <p>
        <Link to="/trainee/journey">See your leadership journey and what to do next</Link>
      </p>

      <section id="saved" aria-labelledby="saved-heading">
        <h2 id="saved-heading">Saved for later</h2>
        {/* The list without its buttons, which are on the journey page: the home's first load is held to 100 KB of JavaScript. */}
        {shortlist.saved.length ? (
          <ul>
            {shortlist.saved.map((o) => (
              <li key={o.id}>
                <Link to={`/opportunities/${o.id}`}>{o.title}</Link> – {o.trustName}. <strong>{o.deadline}</strong>
              </li>
            ))}
          </ul>
        ) : (
          <p>You have not saved any opportunities.</p>
        )}
        <p>
          <Link to="/trainee/journey#saved">See and remove your saved opportunities</Link>
        </p>
      </section>

      <h2>Your upcoming sessions</h2>
      {sessions.length ? (
        <ResponsiveTable columns={["Date", "Time", "Opportunity", "Where"]}>
          {sessions.map((s) => (
            <Table.Row key={s.id}>
              <Table.Cell className="app-nowrap">{formatDate(s.date)}</Table.Cell>
              <Table.Cell className="app-nowrap">
                {formatClockTime(s.startsAt)} to {formatClockTime(s.endsAt)}
              </Table.Cell>
              <Table.Cell>
                <Link to={`/applications/${s.applicationId}`}>{s.title}</Link>
              </Table.Cell>
              <Table.Cell>{s.location}</Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No dated sessions in your approved placements are coming up.</p>
      )}
      <p>
        <Link to="/trainee/calendar">Add your sessions to your calendar</Link>
      </p>

      <RotationSections sections={sections} />
      <p>
        <Link to="/opportunities" className="nhsuk-button">
          Find more opportunities
        </Link>
      </p>

      <h2>Your profile</h2>
      <p>
        <Link to="/trainee/profile">Change your profile and placements</Link>
      </p>
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
        <ResponsiveTable caption="Placements, earliest first" columns={["Trust", "Site", "Specialty", "From", "To"]}>
          {placements.map((p) => (
            <Table.Row key={p.id}>
              <Table.Cell>{p.trustName}</Table.Cell>
              <Table.Cell>{p.siteName || "Not recorded"}</Table.Cell>
              <Table.Cell>{p.specialty || "Not recorded"}</Table.Cell>
              <Table.Cell>{formatDate(p.startsOn)}</Table.Cell>
              <Table.Cell>{formatDate(p.endsOn)}</Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No placements are recorded for you yet.</p>
      )}

      <h2>Your data</h2>
      <ul>
        <li>
          {/* A file download, not a page: a plain link, not client-side navigation. */}
          <a href="/trainee/data.json" download>
            Download my data
          </a>{" "}
          (everything Invitational holds about you, as a JSON file)
        </li>
        <li>
          <Link to="/trainee/close-account">Close my account</Link>
        </li>
      </ul>
    </>
  );
}
