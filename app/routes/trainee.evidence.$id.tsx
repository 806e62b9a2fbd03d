// The evidence of one of the trainee's completed opportunities, to print or download as a PDF
// for their e-portfolio. Their own applications only (another trainee's is 404, staff get
// 403); the reflection is in it only when they choose (?reflection=include) and it is final.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { EvidenceDocument } from "~/components/evidence-document";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Radios } from "~/components/nhsuk/radios";
import { getDb } from "~/db.server";
import { includesReflection, INCLUDE_REFLECTION_PARAM } from "~/models/evidence/evidence";
import { getEvidence } from "~/models/evidence/evidence.server";
import evidenceStyles from "~/styles/evidence.css";
import { formatDate, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/page-title";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: evidenceStyles }];

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.kind === "evidence" ? `Leadership evidence: ${data.evidence.title}` : data?.kind === "waiting" ? `Waiting for sign-off: ${data.title}` : "Leadership evidence") },
];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const includeReflection = includesReflection(new URL(args.request.url).searchParams);
  const today = todayInLondon();
  const found = await getEvidence(await getDb(), user.id, args.params.id ?? "", today, { includeReflection });
  if (!found) throw notFound();
  return json({ ...found, today }, { headers: { "Cache-Control": "no-store" } });
}

export default function EvidencePage() {
  const data = useLoaderData<typeof loader>();
  if (data.kind === "waiting") {
    return (
      <EvidenceFrame title={data.title}>
        <InsetText>
          <p>{data.message}</p>
        </InsetText>
        <p>
          <Link to={`/applications/${data.applicationId}`}>View your application</Link>
        </p>
      </EvidenceFrame>
    );
  }
  const e = data.evidence;
  const included = e.reflectionState === "included";
  const pdf = `/trainee/evidence/${e.applicationId}.pdf${included ? `?${INCLUDE_REFLECTION_PARAM}=include` : ""}`;
  return (
    <EvidenceFrame title={e.title}>
      <div className="app-evidence-meta">
        <p className="nhsuk-u-margin-bottom-1">
          <strong>{e.traineeName}</strong>
          {e.gmcNumber ? `, GMC number ${e.gmcNumber}` : ""}
        </p>
        <p className="app-secondary-text">{e.signedOff}.</p>
      </div>

      <div className="app-evidence-tools">
        <h2 className="nhsuk-heading-s">Use this evidence in your e-portfolio</h2>
        <p>Download it as a PDF to upload to Horus, Kaizen or ISCP, or print this page from your browser: it prints without the menu and buttons.</p>
        {e.reflectionState === "draft" ? <p>Your reflection is still a draft. Once you mark it final you can include it here.</p> : null}
        {e.reflectionState === "none" ? <p>You have not written a reflection on this opportunity. Once you write one and mark it final you can include it here.</p> : null}
        {e.reflectionState === "included" || e.reflectionState === "left_out" ? (
          <Form method="get" className="nhsuk-u-margin-bottom-4">
            <Radios name={INCLUDE_REFLECTION_PARAM} id="reflection" legend="Your reflection" legendProps={{ size: "s" }} hint="Your reflection is private to you: it is part of the evidence only if you include it">
              <Radios.Item id="reflection-include" value="include" defaultChecked={included}>
                Include my reflection
              </Radios.Item>
              <Radios.Item id="reflection-leave-out" value="leave-out" defaultChecked={!included}>
                Leave my reflection out
              </Radios.Item>
            </Radios>
            <Button type="submit" secondary>
              Update the evidence
            </Button>
          </Form>
        ) : null}
        <p>
          {/* A file, not a page: a plain link, not client-side navigation. */}
          <Button href={pdf} download>
            Download as PDF
          </Button>
        </p>
      </div>

      <EvidenceDocument evidence={e} />

      <p className="nhsuk-body-s app-secondary-text">
        Produced by Invitational on {formatDate(data.today)}. Reference {e.applicationId}.
      </p>
    </EvidenceFrame>
  );
}

/** The page around the evidence, and around the word that it is waiting for sign-off. */
function EvidenceFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trainee/evidence">Back to your leadership evidence</BackLink>
        <h1>
          <span className="nhsuk-caption-l">Leadership evidence</span>
          {title}
        </h1>
        {children}
      </div>
    </div>
  );
}
