// The journey page's parts: where the trainee stands on the tiers, the dimensions × focuses grid,
// what is suggested next, and what they have done by training year.
import { Link } from "@remix-run/react";
import { Tag } from "~/components/nhsuk/tag";

import { FOCUS_LABELS, FOCUSES, HLM_LABELS, TIER_LABELS, type Focus, type HlmDimension, type Tier } from "~/models/domain";
import type { Coverage, GridCell, JourneyStep, TierState, TrainingYear } from "~/models/journey";
import { STATUS_LABELS } from "~/models/applications.rules";
import type { Suggestion } from "~/models/suggestions";
import { deadlineWords } from "~/models/shortlist";
import { formatDate } from "~/utils/dates";

const TIER_STATE: Record<TierState, { label: string; colour: "green" | "blue" | "yellow" | "grey" }> = {
  done: { label: "Done", colour: "green" },
  in_progress: { label: "In progress", colour: "blue" },
  next: { label: "Next", colour: "yellow" },
  not_yet: { label: "Not yet", colour: "grey" },
};

export function TierStanding({ tiers }: { tiers: { tier: Tier; state: TierState; count: number }[] }) {
  return (
    <ol className="app-tiers">
      {tiers.map((t) => (
        <li key={t.tier} className={`app-tiers__tier app-tiers__tier--${t.state}`}>
          <p className="nhsuk-u-margin-bottom-1">
            <strong>{TIER_LABELS[t.tier]}</strong>
          </p>
          <p className="nhsuk-u-margin-bottom-0">
            <Tag modifier={TIER_STATE[t.state].colour}>{TIER_STATE[t.state].label}</Tag>{" "}
            <span className="nhsuk-body-s app-secondary-text">
              {t.count ? `${t.count} ${t.count === 1 ? "opportunity" : "opportunities"}` : t.state === "next" ? "Look for one below" : ""}
            </span>
          </p>
        </li>
      ))}
    </ol>
  );
}

const COVERAGE: Record<Coverage, string> = {
  done: "Done",
  confirmed: "Confirmed",
  none: "Not yet",
};

function CoverageMark({ cell }: { cell: GridCell }) {
  if (cell.coverage === "none") {
    // A quiet dash to the eye, so the covered cells stand out; the words for a screen reader.
    return (
      <>
        <span className="app-secondary-text" aria-hidden="true">
          –
        </span>
        <span className="nhsuk-u-visually-hidden">Not yet</span>
      </>
    );
  }
  return (
    <span title={cell.titles.join("; ")}>
      <Tag modifier={cell.coverage === "done" ? "green" : "blue"}>{COVERAGE[cell.coverage]}</Tag>
    </span>
  );
}

/**
 * A real table (dimension rows, focus columns) on a wider screen; on a phone, where five columns
 * of long names do not fit, the same facts as a list per focus. CSS shows one of them, and the
 * hidden one is hidden from screen readers too (display: none).
 */
export function CoverageGrid({ grid }: { grid: { dimension: HlmDimension; cells: GridCell[] }[] }) {
  const byFocus = (focus: Focus) => grid.map((row) => row.cells.find((c) => c.focus === focus)!);
  return (
    <>
      <div className="app-coverage-table">
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Healthcare Leadership Model dimensions you have covered, at each focus</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th scope="col" className="nhsuk-table__header">
                Dimension
              </th>
              {FOCUSES.map((f) => (
                <th scope="col" className="nhsuk-table__header" key={f}>
                  {FOCUS_LABELS[f]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {grid.map((row) => (
              <tr className="nhsuk-table__row" key={row.dimension}>
                <th scope="row" className="nhsuk-table__header app-coverage-table__dimension">
                  {HLM_LABELS[row.dimension]}
                </th>
                {row.cells.map((cell) => (
                  <td className="nhsuk-table__cell" key={cell.focus}>
                    <CoverageMark cell={cell} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="app-coverage-list">
        {FOCUSES.map((focus) => {
          const cells = byFocus(focus);
          const have = cells.filter((c) => c.coverage !== "none");
          const missing = cells.filter((c) => c.coverage === "none");
          return (
            <div key={focus} className="app-coverage-list__focus">
              <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-2">
                {FOCUS_LABELS[focus]}: {have.length} of {cells.length} dimensions
              </h3>
              {have.length ? (
                <ul className="nhsuk-list nhsuk-u-margin-bottom-2">
                  {have.map((c) => (
                    <li key={c.dimension}>
                      {HLM_LABELS[c.dimension]} <Tag modifier={c.coverage === "done" ? "green" : "blue"}>{COVERAGE[c.coverage]}</Tag>
                    </li>
                  ))}
                </ul>
              ) : null}
              {missing.length ? <p className="nhsuk-body-s app-secondary-text">Not yet: {missing.map((c) => HLM_LABELS[c.dimension]).join(", ")}</p> : null}
            </div>
          );
        })}
      </div>
    </>
  );
}

const AT_LABEL = {
  current: "At your trust now",
  next: "At your next trust",
} as const;

export function SuggestedNext({ suggested, today }: { suggested: { suggestions: Suggestion[]; none: string | null }; today: string }) {
  if (!suggested.suggestions.length) {
    return (
      <div className="nhsuk-inset-text">
        <span className="nhsuk-u-visually-hidden">Information: </span>
        <p>{suggested.none}</p>
        <p>
          <Link to="/opportunities?eligible=mine">Search opportunities open to your grade</Link>
        </p>
      </div>
    );
  }
  return (
    <ul className="app-results">
      {suggested.suggestions.map((s) => (
        <li className="app-result" key={s.id}>
          <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
            <Link to={`/opportunities/${s.id}`}>{s.title}</Link>
          </h3>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
            {AT_LABEL[s.at]}: {s.trustName}. {formatDate(s.startsOn)} to {formatDate(s.endsOn)}.{" "}
            {deadlineWords(
              {
                status: "published",
                applicationDeadline: s.applicationDeadline,
              },
              today
            )}
            .
          </p>
          <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
            <strong>Why we suggest it</strong>
          </p>
          <ul className="nhsuk-list nhsuk-list--bullet nhsuk-body-s nhsuk-u-margin-bottom-2">
            {s.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p className="nhsuk-u-margin-bottom-0">
            <Tag modifier="blue">Tier {s.tier}</Tag> <Tag modifier="white">{FOCUS_LABELS[s.focus]}</Tag>
          </p>
        </li>
      ))}
    </ul>
  );
}

export function JourneyYears({ years }: { years: TrainingYear<JourneyStep>[] }) {
  if (!years.length) {
    return (
      <p>
        You have no confirmed or completed opportunities yet. When a trust's director of medical education approves your place, it appears here with its tier, focus and leadership
        dimensions.
      </p>
    );
  }
  return (
    <>
      {years.map((y) => (
        <section key={y.startsOn} aria-labelledby={`year-${y.startsOn}`}>
          <h3 id={`year-${y.startsOn}`}>
            Training year {y.startsOn.slice(0, 4)} to {y.endsOn.slice(0, 4)}
            <span className="nhsuk-caption-m">
              {formatDate(y.startsOn)} to {formatDate(y.endsOn)}
            </span>
          </h3>
          <ul className="app-results">
            {y.steps.map((s) => (
              <li className="app-result" key={s.applicationId}>
                <p className="nhsuk-u-margin-bottom-1">
                  <Link to={`/applications/${s.applicationId}`}>{s.title}</Link> – {s.trustName}
                </p>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
                  {formatDate(s.startsOn)} to {formatDate(s.endsOn)}. {STATUS_LABELS[s.status]}.
                </p>
                <p className="nhsuk-u-margin-bottom-0">
                  <Tag modifier="blue">Tier {s.tier}</Tag> <Tag modifier="white">{FOCUS_LABELS[s.focus]}</Tag>{" "}
                  {s.hlmDimensions.map((d) => (
                    <span key={d}>
                      <Tag modifier="grey">{HLM_LABELS[d]}</Tag>{" "}
                    </span>
                  ))}
                </p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
