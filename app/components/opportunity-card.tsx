import { Link } from "@remix-run/react";
import { Tag } from "~/components/nhsuk/tag";

import { OPPORTUNITY_TYPE_LABELS, type OpportunityType } from "~/models/domain";
import { formatDate } from "~/utils/dates";
import { plural } from "~/utils/plural";

export interface OpportunityCardData {
  id: string;
  title: string;
  summary: string;
  type: OpportunityType;
  tier: number;
  trustName: string;
  siteName: string | null;
  startsOn: string;
  endsOn: string;
  applicationDeadline: string;
  hoursPerWeek: string;
  seatsLeft: number;
  seats: number;
  ltftFriendly: boolean;
}

export function OpportunityCard({ opportunity: o, headingLevel = "h3" }: { opportunity: OpportunityCardData; headingLevel?: "h2" | "h3" }) {
  const Heading = headingLevel;
  return (
    <li className="app-result">
      <Heading className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
        <Link to={`/opportunities/${o.id}`}>{o.title}</Link>
      </Heading>
      <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
        {OPPORTUNITY_TYPE_LABELS[o.type]} · {o.trustName}
        {o.siteName ? `, ${o.siteName}` : ""}
      </p>
      <p className="nhsuk-u-margin-bottom-2">{o.summary}</p>
      <ul className="app-facts nhsuk-body-s">
        <li>
          {formatDate(o.startsOn)} to {formatDate(o.endsOn)}
        </li>
        <li>{Number(o.hoursPerWeek)} hours a week</li>
        <li>Apply by {formatDate(o.applicationDeadline)}</li>
        <li>{o.seatsLeft > 0 ? `${o.seatsLeft} of ${plural(o.seats, "seat")} left` : "All seats taken: waiting list"}</li>
      </ul>
      <p className="nhsuk-u-margin-bottom-0">
        <Tag modifier="blue">Tier {o.tier}</Tag> {o.ltftFriendly ? <Tag modifier="aqua-green">LTFT friendly</Tag> : null}
      </p>
    </li>
  );
}

export function OpportunityList({ items, headingLevel }: { items: OpportunityCardData[]; headingLevel?: "h2" | "h3" }) {
  return (
    <ul className="app-results">
      {items.map((o) => (
        <OpportunityCard key={o.id} opportunity={o} headingLevel={headingLevel} />
      ))}
    </ul>
  );
}
