import type { MetaFunction } from "@remix-run/node";

import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Accessibility statement") }];

export default function Accessibility() {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>Accessibility statement for Invitational</h1>
        <p>
          Invitational is built with the NHS.UK design system so that as many people as possible can use it. You should
          be able to:
        </p>
        <ul>
          <li>change colours, contrast levels and fonts using your browser or device settings</li>
          <li>zoom in up to 400% without the text spilling off the screen</li>
          <li>navigate the whole service using just a keyboard</li>
          <li>use the service with JavaScript turned off</li>
          <li>listen to the service using a screen reader</li>
        </ul>
        <h2>Reporting accessibility problems</h2>
        <p>
          If you find a problem that is not listed here, tell your regional administrator, who will pass it to the
          Invitational team. We aim to reply within 5 working days.
        </p>
        <h2>Compliance status</h2>
        <p>
          We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 AA standard. We test each page with
          automated checks and a keyboard before release.
        </p>
      </div>
    </div>
  );
}
