import type { MetaFunction } from "@remix-run/node";

import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Privacy") }];

export default function Privacy() {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>How Invitational uses your information</h1>
        <h2>What we hold</h2>
        <p>
          For trainees: your name, email address, GMC number, grade, specialty, programme, working pattern, your
          placements, the opportunities you apply for and what you write about them. For staff: your name, email
          address, role and trust.
        </p>
        <h2>Who can see it</h2>
        <ul>
          <li>You can see everything we hold about you.</li>
          <li>
            Staff at a trust see the trainees placed at their trust and the applications made to their trust's
            opportunities, and nothing about other trusts.
          </li>
          <li>Regional administrators manage trusts and accounts and see reports.</li>
        </ul>
        <h2>How we protect it</h2>
        <p>
          Passwords are stored only as one-way hashes. Sessions end after 12 hours without use and after 7 days in any
          case. Pages with personal information are never stored by your browser's cache. Service logs do not contain
          personal information.
        </p>
      </div>
    </div>
  );
}
