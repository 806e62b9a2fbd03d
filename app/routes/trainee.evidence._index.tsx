// The one-page summary of every opportunity the trainee has completed, with the totals a
// portfolio review asks for, each linking to its evidence page and PDF.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Radios } from "~/components/nhsuk/radios";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";
import { ResponsiveTable } from "~/components/responsive-table";
import { getDb } from "~/db.server";
import { includesReflection, INCLUDE_REFLECTION_PARAM } from "~/models/evidence/evidence";
import { getEvidenceSummary } from "~/models/evidence/evidence.server";
import evidenceStyles from "~/styles/evidence.css";
import { formatDate, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/page-title";
import { plural } from "~/utils/plural";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: evidenceStyles }];

export const meta: MetaFunction = () => [{ title: pageTitle("Your leadership evidence") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const includeReflection = includesReflection(new URL(args.request.url).searchParams);
  const today = todayInLondon();
  const found = await getEvidenceSummary(await getDb(), user.id, today, { includeReflection });
  if (!found) throw notFound();
  return json({ ...found, includeReflection, today }, { headers: { "Cache-Control": "no-store" } });
}

export default function EvidenceSummaryPage() {
  const { summary: s, waiting, includeReflection, today } = useLoaderData<typeof loader>();
  const query = includeReflection ? `?${INCLUDE_REFLECTION_PARAM}=include` : "";
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trainee">Back to your home</BackLink>
        <h1>
          <span className="nhsuk-caption-l">Leadership evidence</span>
          Your leadership evidence
        </h1>
        <p className="app-evidence-meta">
          <strong>{s.traineeName}</strong>
          {s.gmcNumber ? `, GMC number ${s.gmcNumber}` : ""}
        </p>

        {s.items.length ? (
          <div className="app-evidence-tools">
            <h2 className="nhsuk-heading-s">Use this summary in your e-portfolio</h2>
            <p>Download it as a PDF to upload to Horus, Kaizen or ISCP, or print this page from your browser. Each opportunity has its own evidence page and PDF too.</p>
            <Form method="get" className="nhsuk-u-margin-bottom-4">
              <Radios
                name={INCLUDE_REFLECTION_PARAM}
                id="reflection"
                legend="Your reflections"
                legendProps={{ size: "s" }}
                hint="Only the GMC domains and leadership dimensions you chose in each final reflection, never its words. Left out, the domains are the ones each type of opportunity usually evidences."
              >
                <Radios.Item id="reflection-include" value="include" defaultChecked={includeReflection}>
                  Use the domains and dimensions from my final reflections
                </Radios.Item>
                <Radios.Item id="reflection-leave-out" value="leave-out" defaultChecked={!includeReflection}>
                  Leave my reflections out
                </Radios.Item>
              </Radios>
              <Button type="submit" secondary>
                Update the summary
              </Button>
            </Form>
            <p>
              <Button href={`/trainee/evidence.pdf${query}`} download>
                Download the summary as PDF
              </Button>
            </p>
          </div>
        ) : null}

        <h2>Totals</h2>
        <SummaryList className="app-evidence-totals">
          <SummaryList.Row>
            <SummaryList.Key>Opportunities completed</SummaryList.Key>
            <SummaryList.Value>{s.totals.opportunities}</SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>Total hours</SummaryList.Key>
            <SummaryList.Value>{s.totals.hoursText}</SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>By tier</SummaryList.Key>
            <SummaryList.Value>
              <ul className="nhsuk-list">
                {s.totals.byTier.map((t) => (
                  <li key={t.tier}>
                    {t.label}: {plural(t.opportunities, "opportunity", "opportunities")}, {t.hoursText}
                  </li>
                ))}
              </ul>
            </SummaryList.Value>
          </SummaryList.Row>
          <SummaryList.Row>
            <SummaryList.Key>GMC capabilities evidenced</SummaryList.Key>
            <SummaryList.Value>
              {s.totals.gpcCovered.length ? (
                <ul className="nhsuk-list">
                  {s.totals.gpcCovered.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              ) : (
                "None yet"
              )}
            </SummaryList.Value>
          </SummaryList.Row>
        </SummaryList>

        <h2>Leadership dimensions covered: {s.totals.dimensionsCovered} of 9</h2>
        <ul className="nhsuk-list">
          {s.totals.dimensions.map((d) => (
            <li key={d.label}>
              {d.label} {d.covered ? <Tag modifier="green">Covered</Tag> : <Tag modifier="grey">Not yet</Tag>}
            </li>
          ))}
        </ul>

        <h2>Completed opportunities</h2>
        {s.items.length ? (
          <ul className="app-results">
            {s.items.map((e) => (
              <li className="app-result" key={e.applicationId}>
                <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">
                  <Link to={`/trainee/evidence/${e.applicationId}${query}`}>{e.title}</Link>
                </h3>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
                  {e.trustName}. {e.dates}. {e.hoursText}. {e.tierLabel}. Focus: {e.focusLabel}.
                </p>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-1 app-secondary-text">
                  GMC: {e.gpc.domains.map((d) => d.label.split(":")[0]).join(", ")}
                  {e.gpc.suggested ? " (suggested)" : ""}. Leadership dimensions: {e.dimensions.map((d) => d.label).join(", ")}.
                </p>
                <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-evidence-screen-only">
                  <a href={`/trainee/evidence/${e.applicationId}.pdf${query}`} download>
                    Download the evidence as PDF<span className="nhsuk-u-visually-hidden">: {e.title}</span>
                  </a>
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p>No opportunity has been signed off as completed yet. Your evidence appears here once a trust signs off an opportunity you completed.</p>
        )}

        {waiting.length ? (
          <div className="app-evidence-screen-only">
            <h2>Waiting for the trust's sign-off</h2>
            <ResponsiveTable columns={["Opportunity", "Trust", "Ended"]}>
              {waiting.map((w) => (
                <Table.Row key={w.applicationId}>
                  <Table.Cell>
                    <Link to={`/trainee/evidence/${w.applicationId}`}>{w.title}</Link>
                  </Table.Cell>
                  <Table.Cell>{w.trustName}</Table.Cell>
                  <Table.Cell className="app-nowrap">{formatDate(w.endsOn)}</Table.Cell>
                </Table.Row>
              ))}
            </ResponsiveTable>
          </div>
        ) : null}

        <p className="nhsuk-body-s app-secondary-text">Produced by Invitational on {formatDate(today)}.</p>
      </div>
    </div>
  );
}
