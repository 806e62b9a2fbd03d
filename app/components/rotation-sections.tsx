import { Link } from "@remix-run/react";

import { formatDate } from "~/utils/dates";

import { OpportunityList, type OpportunityCardData } from "./opportunity-card";

interface Sections {
  current: { trustName: string; trustOds: string; endsOn: string; opportunities: OpportunityCardData[] } | null;
  next: { trustName: string; trustOds: string; startsOn: string; opportunities: OpportunityCardData[] } | null;
  system: { name: string; opportunities: OpportunityCardData[] } | null;
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
            <OpportunityList items={current.opportunities} />
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
            <OpportunityList items={next.opportunities} />
          ) : (
            <p>No open opportunities at {next.trustName} fit your time there yet.</p>
          )}
        </>
      ) : (
        <p>Your next placement is not recorded yet.</p>
      )}
      {system ? (
        <>
          <h2>Across your system</h2>
          <p className="app-secondary-text">Other trusts in {system.name}.</p>
          {system.opportunities.length ? (
            <OpportunityList items={system.opportunities} />
          ) : (
            <p>No open opportunities at other trusts in {system.name}.</p>
          )}
        </>
      ) : null}
    </div>
  );
}
