import { Card } from "~/components/nhsuk/card";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Tag } from "~/components/nhsuk/tag";

import { formatDate } from "~/utils/dates";

export interface PlacementView {
  trustName: string;
  trustOds: string;
  siteName: string;
  specialty: string;
  grade: string;
  startsOn: string;
  endsOn: string;
  wte: string;
  placementType: string;
  source: string;
}

export function PlacementCard({ heading, placement, empty }: { heading: string; placement: PlacementView | null; empty: string }) {
  return (
    <Card>
      <Card.Heading headingLevel="h2" className="nhsuk-heading-m">
        {heading}
      </Card.Heading>
      {placement ? (
        <SummaryList noBorder>
          <SummaryList.Row>
            <SummaryList.Key>Trust</SummaryList.Key>
            <SummaryList.Value>
              {placement.trustName} ({placement.trustOds})
            </SummaryList.Value>
          </SummaryList.Row>
          {placement.siteName ? (
            <SummaryList.Row>
              <SummaryList.Key>Site</SummaryList.Key>
              <SummaryList.Value>{placement.siteName}</SummaryList.Value>
            </SummaryList.Row>
          ) : null}
          <SummaryList.Row>
            <SummaryList.Key>Specialty</SummaryList.Key>
            <SummaryList.Value>
              {placement.specialty || "Not recorded"} ({placement.grade})
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Dates</SummaryList.Key>
            <SummaryList.Value>
              {formatDate(placement.startsOn)} to {formatDate(placement.endsOn)}
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Working pattern</SummaryList.Key>
            <SummaryList.Value>
              {Number(placement.wte) < 1 ? `Less than full time (${Number(placement.wte).toFixed(1)} WTE)` : "Full time"}
              {placement.placementType !== "In Post" ? (
                <>
                  {" "}
                  <Tag modifier="grey">{placement.placementType}</Tag>
                </>
              ) : null}
            </SummaryList.Value>
          </SummaryList.Row>
        </SummaryList>
      ) : (
        <Card.Description>{empty}</Card.Description>
      )}
    </Card>
  );
}
