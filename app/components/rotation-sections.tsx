import { Link } from "@remix-run/react";

import { formatDate } from "~/utils/dates";

import { OPPORTUNITY_TYPE_LABELS } from "~/models/domain";

import { plural } from "~/utils/plural";
import type { OpportunityType } from "~/models/domain";

/** One line of a section: its trust is the section's own, named in its heading. */
export interface SectionItem {
  id: string;
  title: string;
  type: OpportunityType;
  startsOn: string;
  endsOn: string;
  applicationDeadline: string;
  seats: number;
  seatsLeft: number;
}

/**
 * One line or two an opportunity: the sections lead the page, so they stay short (on a
 * phone the full cards of three sections came before the search). The full card is one
 * click away, and the same opportunities appear as cards in the results below.
 */
function SectionList({ items }: { items: SectionItem[] }) {
  return (
    <ul className="nhsuk-list nhsuk-list--border app-section-list">
      {items.map((o) => (
        <li key={o.id}>
          <Link to={`/opportunities/${o.id}`} className="nhsuk-u-font-weight-bold">
            {o.title}
          </Link>
          <span className="nhsuk-body-s app-secondary-text app-section-list__facts">
            {OPPORTUNITY_TYPE_LABELS[o.type]} · {formatDate(o.startsOn)} to {formatDate(o.endsOn)} · Apply by {formatDate(o.applicationDeadline)} ·{" "}
            {o.seatsLeft > 0 ? `${o.seatsLeft} of ${plural(o.seats, "seat")} left` : "waiting list"}
          </span>
        </li>
      ))}
    </ul>
  );
}

interface Sections {
  current: { trustName: string; trustOds: string; endsOn: string; opportunities: SectionItem[] } | null;
  next: { trustName: string; trustOds: string; startsOn: string; opportunities: SectionItem[] } | null;
  system: { name: string; opportunities: SectionItem[] } | null;
}

/** What a trainee sees first: their trust now, their next trust, and their system. */
export function RotationSections({ sections }: { sections: Sections }) {
  const { current, next, system } = sections;
  return (
    <div className="nhsuk-u-margin-bottom-6">
      <h2>At your trust now</h2>
      {current ? (
        <>
          <p className="app-secondary-text">
            {current.trustName}, while you are there until {formatDate(current.endsOn)}.
          </p>
          {current.opportunities.length ? (
            <SectionList items={current.opportunities} />
          ) : (
            <p>No open opportunities at {current.trustName} fit your time there.</p>
          )}
          <p>
            <Link to={`/opportunities?trust=${current.trustOds}`}>Every opportunity at {current.trustName}</Link>
          </p>
        </>
      ) : (
        <p>You have no placement recorded for today.</p>
      )}
      <h2>At your next trust</h2>
      {next ? (
        <>
          <p className="app-secondary-text">
            {next.trustName}, from {formatDate(next.startsOn)}.
          </p>
          {next.opportunities.length ? (
            <SectionList items={next.opportunities} />
          ) : (
            <p>No open opportunities at {next.trustName} fit your time there yet.</p>
          )}
          <p>
            <Link to={`/opportunities?trust=${next.trustOds}`}>Every opportunity at {next.trustName}</Link>
          </p>
        </>
      ) : (
        <p>Your next placement is not recorded yet.</p>
      )}
      {system ? (
        <>
          <h2>Across your system</h2>
          <p className="app-secondary-text">Other trusts in {system.name}.</p>
          {system.opportunities.length ? (
            <SectionList items={system.opportunities} />
          ) : (
            <p>No open opportunities at other trusts in {system.name}.</p>
          )}
          <p>
            <Link to={`/opportunities?ics=${encodeURIComponent(system.name)}`}>Every opportunity in {system.name}</Link>
          </p>
        </>
      ) : null}
    </div>
  );
}
