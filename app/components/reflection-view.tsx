// A reflection and a sponsor's sign-off as read (not edited): on the trainee's reflection page
// once it is final, and on the application page for the trust's staff it was shared with.
import { SummaryList } from "~/components/nhsuk/summary-list";

import { HLM_LABELS, type HlmDimension } from "~/models/domain";
import { RATING_LABELS } from "~/models/reflections.rules";
import { formatDate } from "~/utils/dates";

/** Who a shared reflection reaches: the opportunity's trust, as the trainee is told before sharing. */
export function sharedWithWords(trustName: string): string {
  return `${trustName}'s leadership leads, who sign off the opportunity for the sponsor, and its directors of medical education`;
}

export interface ReflectionShown {
  whatHappened: string;
  soWhat: string;
  nowWhat: string;
  hlmDimensions: HlmDimension[];
  /** The GMC domains' words, from the loader. */
  gpcDomainLabels: string[];
  rating: number | null;
  wouldRecommend: boolean | null;
  finalisedAt: string | null;
}

function List({ items }: { items: string[] }) {
  if (!items.length) return <>None chosen</>;
  return (
    <ul className="nhsuk-list nhsuk-list--bullet nhsuk-u-margin-bottom-0">
      {items.map((i) => (
        <li key={i}>{i}</li>
      ))}
    </ul>
  );
}

export function ReflectionView({ r, headingLevel = 2 }: { r: ReflectionShown; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? "h2" : "h3";
  const Sub = headingLevel === 2 ? "h3" : "h4";
  return (
    <section aria-labelledby="reflection-heading">
      <H id="reflection-heading">Reflection</H>
      {r.finalisedAt ? <p className="app-secondary-text">Made final on {formatDate(r.finalisedAt)}.</p> : null}
      <Sub>What happened?</Sub>
      <p className="app-preserve-lines">{r.whatHappened || "Not written"}</p>
      <Sub>So what: what did you learn?</Sub>
      <p className="app-preserve-lines">{r.soWhat || "Not written"}</p>
      <Sub>Now what: what will you do next?</Sub>
      <p className="app-preserve-lines">{r.nowWhat || "Not written"}</p>
      <SummaryList>
        <SummaryList.Row>
          <SummaryList.Key>Leadership dimensions practised</SummaryList.Key>
          <SummaryList.Value>
            <List items={r.hlmDimensions.map((d) => HLM_LABELS[d])} />
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>GMC domains evidenced</SummaryList.Key>
          <SummaryList.Value>
            <List items={r.gpcDomainLabels} />
          </SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Rating of the opportunity</SummaryList.Key>
          <SummaryList.Value>{r.rating ? RATING_LABELS[r.rating as 1 | 2 | 3 | 4 | 5] : "Not rated"}</SummaryList.Value>
        </SummaryList.Row>
        <SummaryList.Row>
          <SummaryList.Key>Would recommend it</SummaryList.Key>
          <SummaryList.Value>{r.wouldRecommend === null ? "Not answered" : r.wouldRecommend ? "Yes" : "No"}</SummaryList.Value>
        </SummaryList.Row>
      </SummaryList>
    </section>
  );
}

export interface SignOffShown {
  outcome: "completed" | "not_completed";
  sponsorFeedback: string;
  observedDimensions: HlmDimension[];
  strengths: string;
  nextStep: string;
  createdAt: string;
}

/** The sponsor's feedback given at sign-off; sign-offs made before it was structured show their free text. */
export function SignOffView({ s }: { s: SignOffShown }) {
  if (s.outcome === "not_completed") return null;
  const structured = s.observedDimensions.length > 0 || s.strengths !== "" || s.nextStep !== "";
  return (
    <section aria-labelledby="sign-off-heading">
      <h2 id="sign-off-heading">The sponsor's feedback</h2>
      <p className="app-secondary-text">Given when the opportunity was signed off as completed, on {formatDate(s.createdAt)}.</p>
      {structured ? (
        <SummaryList>
          <SummaryList.Row>
            <SummaryList.Key>Leadership dimensions observed</SummaryList.Key>
            <SummaryList.Value>
              <List items={s.observedDimensions.map((d) => HLM_LABELS[d])} />
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Strengths</SummaryList.Key>
            <SummaryList.Value>
              <span className="app-preserve-lines">{s.strengths}</span>
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Suggested next step</SummaryList.Key>
            <SummaryList.Value>
              <span className="app-preserve-lines">{s.nextStep}</span>
            </SummaryList.Value>
          </SummaryList.Row>
        </SummaryList>
      ) : s.sponsorFeedback ? (
        <p className="app-preserve-lines">{s.sponsorFeedback}</p>
      ) : (
        <p>No feedback was given.</p>
      )}
    </section>
  );
}
