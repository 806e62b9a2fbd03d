import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { homePathFor } from "~/auth.server";
import { ActionLink } from "~/components/nhsuk/action-link";
import { Card } from "~/components/nhsuk/card";
import { InsetText } from "~/components/nhsuk/inset-text";

import { pageTitle } from "~/utils/page-title";
import { SuccessBanner } from "~/components/success-banner";

export const meta: MetaFunction = () => [
  { title: pageTitle("Leadership learning in the NHS workplace") },
  {
    name: "description",
    content:
      "Invitational helps NHS trusts offer doctors in postgraduate training real leadership experience at work: quality improvement projects, shadowing, board seats, buddying and more.",
  },
];

// A near-static page on purpose: it is also the benchmark's baseline for the framework's own render cost.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const closed = new URL(request.url).searchParams.get("closed") === "1";
  return json({ home: context.user ? homePathFor(context.user.role) : null, closed });
}

export default function Index() {
  const { home, closed } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          {closed ? <SuccessBanner>Your account is closed and your personal details have been removed.</SuccessBanner> : null}
          <h1>Leadership learning in the NHS workplace</h1>
          <p className="nhsuk-lede-text">
            Invitational makes NHS workplaces invitational to leadership learning. Trusts offer structured experiences at
            work; doctors in postgraduate training apply for them wherever their rotation takes them.
          </p>
          <InsetText>
            <p>
              Most leadership is learned at work: about 70% from tasks, 20% from other people and 10% from courses. Every
              trainee should get a floor, not a ceiling.
            </p>
          </InsetText>
          {home ? (
            <ActionLink href={home}>Go to your home page</ActionLink>
          ) : (
            <>
              <ActionLink href="/register">Create a trainee account</ActionLink>
              <p>
                Already have an account? <Link to="/sign-in">Sign in</Link>
              </p>
            </>
          )}
          <p>
            <Link to="/opportunities">Browse open opportunities</Link> without an account.
          </p>
        </div>
      </div>

      <h2>What trusts offer</h2>
      <Card.Group>
        {[
          ["Quality improvement projects", "Multiprofessional projects aligned to the trust's organisational objectives."],
          ["Structured shadowing", "Time with senior leaders, planned around dated sessions."],
          ["Board and senior team seats", "Observe how decisions are made at the top of the organisation."],
          ["Buddying with managers", "Learn how services are run from the people who run them."],
          ["Chief resident roles", "A sustained step-up role over at least three months."],
          ["Patient safety investigations", "Take part in a structured investigation and its learning."],
        ].map(([title, text]) => (
          <Card.GroupItem width="one-third" key={title}>
            <Card>
              <Card.Heading headingLevel="h3" className="nhsuk-heading-s">
                {title}
              </Card.Heading>
              <Card.Description>{text}</Card.Description>
            </Card>
          </Card.GroupItem>
        ))}
      </Card.Group>

      <h2>Who it is for</h2>
      <ul>
        <li>
          <strong>Doctors in postgraduate training</strong> find opportunities at their current and next trust, apply,
          and keep a record of what they learned.
        </li>
        <li>
          <strong>Trust learning and development leads</strong> post opportunities and choose applicants.
        </li>
        <li>
          <strong>Directors of medical education</strong> approve placements for trainees at their trust.
        </li>
        <li>
          <strong>Regional teams</strong> see that every trainee gets something, not that everyone must do everything.
        </li>
      </ul>
    </>
  );
}
