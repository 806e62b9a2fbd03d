// The audit of a round's allocation: its seed, its counts, how first come, first served and
// deferred acceptance would have done on the same choices, and the download to reproduce it.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { pageTitle } from "~/components/form-errors";
import { BackLink } from "~/components/nhsuk/back-link";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { ResponsiveTable } from "~/components/responsive-table";
import { SuccessBanner } from "~/components/success-banner";
import { ordinal } from "~/models/messages";
import { getRoundAllocation } from "~/models/round-close.server";
import { formatMoment } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { plural } from "~/utils/plural";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `Allocation: ${data.name}` : "Allocation") }];

export async function loader(args: LoaderFunctionArgs) {
  const viewer = requireUser(args, { role: ["admin", "trust_lead"] });
  const round = await getRoundAllocation(await getDb(), viewer, args.params.id ?? "");
  if (!round?.record || round.status !== "allocated") throw notFound();
  const r = round.record;
  // Figures only: the record's thousands of ids stay on the server (they are in the download).
  return json({
    id: round.id,
    name: round.name,
    seed: round.seed ?? r.input.seed,
    allocatedAt: round.allocatedAt,
    closedByItself: round.closedByItself,
    trainees: r.trainees,
    firstTimers: r.firstTimers,
    seats: r.input.opportunities.reduce((n, o) => n + o.seats, 0),
    summary: r.result.summary,
    unplaced: r.result.unplaced.length,
    byRank: r.byRank,
    comparison: r.comparison,
  });
}

export default function RoundAllocation() {
  const d = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const rows = [
    { name: "This allocation", s: d.summary },
    { name: "First come, first served (by when each choice was saved)", s: d.comparison.firstComeFirstServed },
    { name: "Deferred acceptance with the same lottery", s: d.comparison.deferredAcceptance },
    { name: "Deferred acceptance, first-timers first", s: d.comparison.floorFirstDeferredAcceptance },
  ];
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-full">
        <BackLink href={`/rounds/${d.id}`}>Back to the round</BackLink>
        {params.get("closed") ? (
          <SuccessBanner>
            The round is closed and allocated. The offers are waiting for each trust&apos;s director of medical education to approve, and every trainee,
            trust lead and DME in the round has been told.
          </SuccessBanner>
        ) : null}
        <h1>
          <span className="nhsuk-caption-l">Allocation</span>
          {d.name}
        </h1>
        <SummaryList>
          <SummaryList.Row>
            <SummaryList.Key>Closed</SummaryList.Key>
            <SummaryList.Value>
              {formatMoment(d.allocatedAt)}
              {d.closedByItself ? ", at its closing time" : ", by an administrator"}
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Lottery seed</SummaryList.Key>
            <SummaryList.Value>
              <code>{d.seed}</code>
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Trainees with choices</SummaryList.Key>
            <SummaryList.Value>
              {d.trainees}, {plural(d.firstTimers, "first-timer")} among them (no opportunity yet this training year)
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Seats free at the close</SummaryList.Key>
            <SummaryList.Value>{d.seats}</SummaryList.Value>
          </SummaryList.Row>
        </SummaryList>

        <h2>What the allocation gave</h2>
        <ResponsiveTable columns={["Outcome", { label: "Trainees", numeric: true }]} caption="Trainees by outcome">
          <Table.Row>
            <Table.Cell>First-timers placed</Table.Cell>
            <Table.Cell format="numeric">
              {d.summary.firstTimersPlaced} of {d.firstTimers}
            </Table.Cell>
          </Table.Row>
          <Table.Row>
            <Table.Cell>Placed</Table.Cell>
            <Table.Cell format="numeric">{d.summary.placed}</Table.Cell>
          </Table.Row>
          {d.byRank.map((n, i) => (
            <Table.Row key={i}>
              <Table.Cell>Placed on their {ordinal(i + 1)} choice</Table.Cell>
              <Table.Cell format="numeric">{n}</Table.Cell>
            </Table.Row>
          ))}
          <Table.Row>
            <Table.Cell>Not placed (on the waiting lists of their choices)</Table.Cell>
            <Table.Cell format="numeric">{d.unplaced}</Table.Cell>
          </Table.Row>
        </ResponsiveTable>

        <h2>The same choices, allocated other ways</h2>
        <ResponsiveTable
          columns={["Way of allocating", { label: "First-timers placed", numeric: true }, { label: "Trainees placed", numeric: true }, { label: "Sum of the ranks placed", numeric: true }]}
          caption="This allocation beside other ways of allocating the same round"
        >
          {rows.map((row) => (
            <Table.Row key={row.name}>
              <Table.Cell>{row.name}</Table.Cell>
              <Table.Cell format="numeric">{row.s.firstTimersPlaced}</Table.Cell>
              <Table.Cell format="numeric">{row.s.placed}</Table.Cell>
              <Table.Cell format="numeric">{row.s.rankSum}</Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
        <p>The most trainees any allocation of these choices could place: {d.comparison.maxPlaced}.</p>

        <h2>How the round allocates</h2>
        <p>Every trainee gets at most one place, never on an opportunity they did not choose, and no opportunity gets more trainees than its free seats. Among all the allocations that keep to that, the round picks the one that:</p>
        <ol>
          <li>places as many first-timers as possible: trainees with no offered, approved or completed opportunity yet this training year (1 August to 31 July);</li>
          <li>then places as many trainees as possible;</li>
          <li>then gives trainees choices as high on their lists as possible (the lowest sum of the ranks of the places given, 1 for a first choice);</li>
          <li>and, between allocations equally good on all three, draws a lottery from the seed above, recorded so that anyone can repeat it.</li>
        </ol>
        <p>Trainees not placed are on the waiting list of each of their choices in an order drawn from the same lottery, first-timers first, so a seat that comes free goes down that list.</p>

        <h2>Check it yourself</h2>
        <p>
          The download holds the round&apos;s input (the seed, each opportunity&apos;s free seats, each trainee&apos;s count of placements this year and ranked choices, by id only)
          and its result. Running <code>npx tsx scripts/allocate.ts</code> on the input gives the same result, byte for byte.
        </p>
        <p>
          <a href={`/rounds/${d.id}/download.json`} download>
            Download the round
          </a>
        </p>
      </div>
    </div>
  );
}
