import { Link } from "@remix-run/react";

import type { RoundPhase } from "~/models/round-rules";
import { plural } from "~/utils/plural";

import { RoundPhaseTag, roundTimesText } from "./round-phase-tag";

/** "Allocation rounds" on a staff home: the rounds not finished yet, the soonest to close first. */
export function UnfinishedRounds({
  rounds,
  canCreate,
}: {
  rounds: { id: string; name: string; phase: RoundPhase; opensAt: string; closesAt: string; trainees: number }[];
  canCreate: boolean;
}) {
  return (
    <>
      <h2>Allocation rounds</h2>
      {rounds.length ? (
        <ul className="nhsuk-list">
          {rounds.map((r) => (
            <li key={r.id}>
              <Link to={`/rounds/${r.id}`}>{r.name}</Link> <RoundPhaseTag phase={r.phase} />
              <br />
              <span className="nhsuk-body-s app-secondary-text">
                {roundTimesText(r)} · {plural(r.trainees, "trainee")} with choices
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>No round is open or about to open.</p>
      )}
      <p>
        <Link to="/rounds">All allocation rounds</Link>
        {canCreate ? (
          <>
            {" · "}
            <Link to="/rounds/new">Create a round</Link>
          </>
        ) : null}
      </p>
    </>
  );
}
