// The evidence of one completed opportunity as a page (app/models/evidence/evidence.ts builds it;
// evidence-pdf.server.ts writes the same structure as the PDF).
import { SummaryList } from "~/components/nhsuk/summary-list";
import type { Evidence } from "~/models/evidence/evidence";
import { hasFeedback } from "~/models/evidence/evidence";

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function Row({ k, children }: { k: string; children: React.ReactNode }) {
  return (
    <SummaryList.Row>
      <SummaryList.Key>{k}</SummaryList.Key>
      <SummaryList.Value>{children}</SummaryList.Value>
    </SummaryList.Row>
  );
}

export function EvidenceDocument({ evidence: e }: { evidence: Evidence }) {
  return (
    <>
      <h2>The opportunity</h2>
      <SummaryList>
        <Row k="Type">{e.typeLabel}</Row>
        <Row k="Tier">{e.tierLabel}</Row>
        <Row k="Focus">{e.focusLabel}</Row>
        <Row k="Trust">
          {e.trustName}
          {e.siteName ? (
            <>
              <br />
              {e.siteName}
            </>
          ) : null}
        </Row>
        <Row k="Sponsor">{e.sponsor}</Row>
        <Row k="Dates">{e.dates}</Row>
        <Row k="Total hours">{e.hoursText}</Row>
        {e.sessions.length ? (
          <Row k="Dated sessions">
            <ul className="nhsuk-list">
              {e.sessions.map((s) => (
                <li key={`${s.date}-${s.time}`}>
                  {s.date}, {s.time}, {s.location}
                </li>
              ))}
            </ul>
          </Row>
        ) : null}
        {e.objective ? (
          <Row k="Organisational objective it supported">
            {e.objective.title}
            {e.objective.description ? <p className="nhsuk-body-s nhsuk-u-margin-top-1 nhsuk-u-margin-bottom-0 app-secondary-text">{e.objective.description}</p> : null}
          </Row>
        ) : null}
      </SummaryList>

      <h2>Learning outcomes</h2>
      <ul>
        {e.learningOutcomes.map((o) => (
          <li key={o}>{o}</li>
        ))}
      </ul>

      <h2>The sponsor's feedback at sign-off</h2>
      {hasFeedback(e) ? (
        <SummaryList>
          {e.feedback.observed.length ? <Row k="Dimensions observed">{e.feedback.observed.join(", ")}</Row> : null}
          {e.feedback.strengths ? (
            <Row k="Strengths">
              <span className="app-preserve-lines">{e.feedback.strengths}</span>
            </Row>
          ) : null}
          {e.feedback.nextStep ? (
            <Row k="Suggested next step">
              <span className="app-preserve-lines">{e.feedback.nextStep}</span>
            </Row>
          ) : null}
          {e.feedback.text ? (
            <Row k="Feedback">
              <span className="app-preserve-lines">{e.feedback.text}</span>
            </Row>
          ) : null}
        </SummaryList>
      ) : (
        <p>The sponsor gave no written feedback at sign-off.</p>
      )}

      <h2>GMC Generic Professional Capabilities</h2>
      <p className="app-secondary-text">
        {e.gpc.suggested
          ? "Suggested from the type of opportunity: the domains this kind of opportunity usually evidences."
          : "The domains you mapped this opportunity to in your reflection."}
      </p>
      <ul>
        {e.gpc.domains.map((d) => (
          <li key={d.domain}>{d.label}</li>
        ))}
      </ul>

      <h2>Healthcare Leadership Model dimensions</h2>
      <SummaryList>
        {e.dimensions.map((d) => (
          <Row key={d.dimension} k={d.label}>
            {d.sources.map(capitalised).join("; ")}
          </Row>
        ))}
      </SummaryList>

      {e.reflection ? (
        <>
          <h2>Your reflection</h2>
          {e.reflection.whatHappened ? (
            <>
              <h3>What happened?</h3>
              <p className="app-preserve-lines">{e.reflection.whatHappened}</p>
            </>
          ) : null}
          {e.reflection.soWhat ? (
            <>
              <h3>So what? What I learned</h3>
              <p className="app-preserve-lines">{e.reflection.soWhat}</p>
            </>
          ) : null}
          {e.reflection.nowWhat ? (
            <>
              <h3>Now what? What I will do next</h3>
              <p className="app-preserve-lines">{e.reflection.nowWhat}</p>
            </>
          ) : null}
          <SummaryList>
            {e.reflection.rating ? <Row k="Rating of the opportunity">{e.reflection.rating}</Row> : null}
            {e.reflection.wouldRecommend ? <Row k="Would recommend it">{e.reflection.wouldRecommend}</Row> : null}
          </SummaryList>
        </>
      ) : null}
    </>
  );
}
