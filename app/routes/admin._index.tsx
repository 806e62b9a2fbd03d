import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Card } from "~/components/nhsuk/card";

import { requireUser } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";
import { getAdminOverview } from "~/models/homes.server";
import { listUnfinishedRounds } from "~/models/round-admin.server";
import { UnfinishedRounds } from "~/components/unfinished-rounds";

export const meta: MetaFunction = () => [{ title: pageTitle("Regional overview") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "admin" });
  const db = await getDb();
  const [overview, rounds] = await Promise.all([getAdminOverview(db), listUnfinishedRounds(db, user)]);
  return json({ ...overview, rounds });
}

export default function AdminHome() {
  const { counts, trustsWithoutStaff, rounds } = useLoaderData<typeof loader>();
  const figures = [
    { label: "Trusts", value: counts.trusts, href: "/admin/trusts" },
    { label: "Trainees", value: counts.trainees, href: "/admin/users?role=trainee" },
    { label: "Trust leads", value: counts.trustLeads, href: "/admin/users?role=trust_lead" },
    { label: "Directors of medical education", value: counts.dmes, href: "/admin/users?role=dme" },
    { label: "Staff invitations waiting", value: counts.pendingInvitations, href: "/admin/users?who=staff&state=waiting#invitations" },
  ];
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Regional administrator</span>
        Overview
      </h1>
      <Card.Group>
        {figures.map((f) => (
          <Card.GroupItem width="one-quarter" key={f.label}>
            <Card clickable>
              <Card.Heading headingLevel="h2" className="nhsuk-heading-s">
                <Card.Link href={f.href}>{f.label}</Card.Link>
              </Card.Heading>
              <Card.Description>
                <span className="app-count">{f.value}</span>
              </Card.Description>
            </Card>
          </Card.GroupItem>
        ))}
      </Card.Group>
      <p>
        <Link to="/admin/users/invite" className="nhsuk-button">
          Invite a member of staff
        </Link>{" "}
        <Link to="/imports" className="nhsuk-button nhsuk-button--secondary">
          Import rotations
        </Link>{" "}
        <Link to="/reports" className="nhsuk-button nhsuk-button--secondary">
          See the measures of progress
        </Link>{" "}
        <Link to="/admin/audit" className="nhsuk-button nhsuk-button--secondary">
          Search the audit trail
        </Link>
      </p>
      <UnfinishedRounds rounds={rounds} canCreate />
      <h2>Trusts with no one to manage them</h2>
      {trustsWithoutStaff.length ? (
        <>
          <p>These trusts have no active trust lead or director of medical education yet.</p>
          <ul>
            {trustsWithoutStaff.map((t) => (
              <li key={t.id}>
                <Link to={`/admin/trusts/${t.id}`}>{t.name}</Link> ({t.odsCode})
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>Every trust has at least one active member of staff.</p>
      )}
      <h2>Sign-in</h2>
      <p>
        <Link to="/admin/sign-in">Choose how staff sign in</Link> (a password, or NHS CIS2 only)
      </p>
      <h2>Your account</h2>
      <p>
        <Link to="/account/password">Change your password</Link>
      </p>
    </>
  );
}
