import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";

import { FOCUS_LABELS, FOCUSES, HLM_LABELS, OPPORTUNITY_TYPE_LABELS, TIER_LABELS, type Focus, type HlmDimension, type OpportunityType, type Tier } from "~/models/domain";
import { describeGrades } from "~/models/eligibility";
import type { Grade } from "~/models/domain";
import { formatClockTime, formatDate } from "~/utils/dates";

import { RichText } from "./rich-text";
import { ResponsiveTable } from "./responsive-table";
import { plural } from "~/utils/plural";

export interface OpportunityDetailView {
  type: OpportunityType;
  summary: string;
  description: string;
  trustName: string;
  trustOds: string;
  siteName: string | null;
  objectiveTitle: string | null;
  objectiveDescription: string | null;
  sponsorName: string;
  sponsorRole: string;
  startsOn: string;
  endsOn: string;
  applicationDeadline: string;
  totalHours: string;
  hoursPerWeek: string;
  seats: number;
  seatsLeft: number;
  eligibleGrades: Grade[];
  specialties: string[];
  ltftFriendly: boolean;
  multiprofessional: boolean;
  tier: number;
  focus: Focus;
  hlmDimensions: HlmDimension[];
  learningOutcomes: string[];
  sessions: { id: string; date: string; startsAt: string; endsAt: string; location: string }[];
}

function hours(n: string): string {
  const value = Number(n);
  return plural(value, "hour");
}

export function OpportunityDetails({ o }: { o: OpportunityDetailView }) {
  return (
    <>
      <p className="nhsuk-lede-text">{o.summary}</p>
      <RichText text={o.description} />

      {o.objectiveTitle ? (
        <div className="nhsuk-inset-text">
          <span className="nhsuk-u-visually-hidden">Information: </span>
          <p>
            <strong>Supports the trust's objective:</strong> {o.objectiveTitle}
          </p>
          {o.objectiveDescription ? <p>{o.objectiveDescription}</p> : null}
        </div>
      ) : null}

      <h2>What you will learn</h2>
      <ul>
        {o.learningOutcomes.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>

      <h2>Details</h2>
      <SummaryList>
        {[
          ["Type", OPPORTUNITY_TYPE_LABELS[o.type]],
          ["Trust", `${o.trustName} (${o.trustOds})`],
          ["Site", o.siteName ?? "Across the trust"],
          ["Sponsor", `${o.sponsorName}, ${o.sponsorRole}`],
          ["Dates", o.startsOn === o.endsOn ? formatDate(o.startsOn) : `${formatDate(o.startsOn)} to ${formatDate(o.endsOn)}`],
          ["Time commitment", `${hours(o.totalHours)} in total, about ${hours(o.hoursPerWeek)} a week`],
          ["Application deadline", formatDate(o.applicationDeadline)],
          ["Seats", `${o.seatsLeft} of ${o.seats} left`],
          ["Open to", describeGrades(o.eligibleGrades)],
          ["Specialties", o.specialties.length ? o.specialties.join(", ") : "All specialties"],
          ["Less than full time", o.ltftFriendly ? "Suits trainees working less than full time" : "Not arranged for less than full time working"],
          ["Team", o.multiprofessional ? "Works in a multiprofessional team" : "Not specified"],
          ["Tier", TIER_LABELS[o.tier as Tier]],
          ["Focus", FOCUS_LABELS[o.focus] ?? FOCUSES[0]],
        ].map(([k, v]) => (
          <SummaryList.Row key={k}>
            <SummaryList.Key>{k}</SummaryList.Key>
            <SummaryList.Value>{v}</SummaryList.Value>
          </SummaryList.Row>
        ))}
        <SummaryList.Row>
          <SummaryList.Key>Healthcare Leadership Model</SummaryList.Key>
          <SummaryList.Value>
            {o.hlmDimensions.map((d) => (
              <span key={d}>
                <Tag modifier="white">{HLM_LABELS[d]}</Tag>{" "}
              </span>
            ))}
          </SummaryList.Value>
        </SummaryList.Row>
      </SummaryList>

      {o.sessions.length ? (
        <>
          <h2>Dated sessions</h2>
          <ResponsiveTable columns={["Date", "Time", "Where"]}>
            {o.sessions.map((s) => (
              <Table.Row key={s.id}>
                <Table.Cell className="app-nowrap">{formatDate(s.date)}</Table.Cell>
                <Table.Cell className="app-nowrap">
                  {formatClockTime(s.startsAt)} to {formatClockTime(s.endsAt)}
                </Table.Cell>
                <Table.Cell>{s.location}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        </>
      ) : null}
    </>
  );
}
