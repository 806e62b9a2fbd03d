import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { OpportunityDetails } from "~/components/opportunity-details";
import { StatusTag } from "~/components/status-tag";
import { SuccessBanner } from "~/components/success-banner";
import { listApplicants } from "~/models/applications.server";
import { UUID } from "~/models/ids";
import { allowedActions, changeOpportunityStatus, duplicateOpportunity, getTrustOpportunity, type StatusAction } from "~/models/opportunities.server";
import { opportunityRatings } from "~/models/reflections.server";
import { RATINGS_SHOWN_FROM } from "~/models/reflections.rules";
import { todayInLondon } from "~/utils/dates";
import { pluralWord } from "~/utils/plural";
import { notFound } from "~/utils/http.server";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data?.opportunity.title ?? "Opportunity") }];

/**
 * The applications the waiting list just offered a seat, from the address. Their ids, not
 * names, travel in the redirect (addresses stay free of personal data); the page looks the
 * names up among this opportunity's own applicants, so an id from elsewhere names nobody.
 */
function offeredIds(value: string | null): string[] {
  return (value ?? "")
    .split(",")
    .filter((id) => UUID.test(id))
    .slice(0, 50); // an opportunity has at most 50 seats
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const db = await getDb();
  const opportunity = await getTrustOpportunity(db, user.trustId, args.params.id ?? "");
  if (!opportunity) throw notFound();
  const ids = offeredIds(new URL(args.request.url).searchParams.get("offered"));
  const offered = ids.length
    ? ((await listApplicants(db, user.trustId, opportunity.id, todayInLondon()))?.applicants ?? []).filter((a) => ids.includes(a.id)).map((a) => a.name)
    : [];
  return json({ opportunity, actions: allowedActions(opportunity.status), offered, ratings: await opportunityRatings(db, opportunity.id) });
}

const NAMES = new Intl.ListFormat("en-GB", { type: "conjunction" });

const ACTIONS: StatusAction[] = ["publish", "close", "reopen", "archive"];
const DONE: Record<string, string> = {
  publish: "The opportunity is published: trainees can find it and apply.",
  close: "The opportunity is closed to new applications.",
  reopen: "The opportunity is open to applications again.",
  archive: "The opportunity is archived.",
  duplicate: "This is a copy, saved as a draft. Change the dates before you publish it.",
  saved: "Your changes are saved.",
  created: "The opportunity is saved as a draft. Check the preview, then publish it.",
};

export async function action(args: ActionFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const id = args.params.id ?? "";
  const db = await getDb();
  if (!(await getTrustOpportunity(db, user.trustId, id))) throw notFound();
  const intent = String((await args.request.formData()).get("intent") ?? "");
  if (intent === "duplicate") {
    const copy = await duplicateOpportunity(db, { trustId: user.trustId, userId: user.id }, id, auditContext(args.context));
    if (!copy) throw notFound();
    return redirect(`/trust/opportunities/${copy}?done=duplicate`);
  }
  if (!ACTIONS.includes(intent as StatusAction)) return json({ message: "Choose what to do with the opportunity" }, { status: 400 });
  const result = await changeOpportunityStatus(db, user.trustId, id, intent as StatusAction, todayInLondon(), auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return json({ message: result.message }, { status: 409 });
  }
  return redirect(`/trust/opportunities/${id}?done=${intent}${result.promoted.length ? `&offered=${result.promoted.join(",")}` : ""}`);
}

const BUTTONS: Record<StatusAction, string> = {
  publish: "Publish opportunity",
  close: "Close to applications",
  reopen: "Reopen to applications",
  archive: "Archive opportunity",
};

export default function ManageOpportunity() {
  const { opportunity: o, actions, offered, ratings } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done") ?? (params.get("saved") ? "saved" : null);
  // Archiving cannot be undone: the button leads to a question first (a link, so it works without JavaScript).
  const confirmingArchive = params.get("confirm") === "archive" && actions.includes("archive") && !actionData;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trust/opportunities">Back to opportunities</BackLink>
        {ownValue(DONE, done) && !actionData ? (
          <SuccessBanner>
            {ownValue(DONE, done)}
            {offered.length
              ? ` ${NAMES.format(offered)} ${pluralWord(offered.length, "was", "were")} offered a seat from the waiting list. The director of medical education has been asked to approve.`
              : ""}
          </SuccessBanner>
        ) : null}
        <MessageSummary message={actionData?.message} href="#manage" />
        <h1>
          <span className="nhsuk-caption-l">
            <StatusTag status={o.status} /> {o.trustName}
          </span>
          {o.title}
        </h1>
        {o.status === "draft" ? (
          <InsetText>
            <p>This is a preview: trainees will see the opportunity like this once you publish it.</p>
          </InsetText>
        ) : null}
        {o.status !== "draft" ? (
          <p>
            <Link to={`/trust/opportunities/${o.id}/applicants`} className="nhsuk-button">
              See applicants
            </Link>
          </p>
        ) : null}
        {confirmingArchive ? (
          <WarningCallout>
            <WarningCallout.Heading>Archive this opportunity?</WarningCallout.Heading>
            <p>An archived opportunity cannot be edited, published or reopened. Its applications and their history are kept.</p>
            <div className="app-actions">
              <Form method="post">
                <Button type="submit" name="intent" value="archive" warning>
                  Yes, archive opportunity
                </Button>
              </Form>
              <p>
                <Link to={`/trust/opportunities/${o.id}`}>No, keep it</Link>
              </p>
            </div>
          </WarningCallout>
        ) : null}
        <div className="app-actions" id="manage">
          {o.status !== "archived" ? (
            <Link to={`/trust/opportunities/${o.id}/edit`} className="nhsuk-button nhsuk-button--secondary">
              Edit opportunity
            </Link>
          ) : null}{" "}
          {actions.map((a) =>
            a === "archive" ? (
              <Link key={a} to={`/trust/opportunities/${o.id}?confirm=archive`} className="nhsuk-button nhsuk-button--secondary">
                {BUTTONS[a]}
              </Link>
            ) : (
            <Form method="post" key={a}>
              <Button type="submit" name="intent" value={a} secondary={a !== "publish"}>
                {BUTTONS[a]}
              </Button>
            </Form>
            ),
          )}
          <Form method="post">
            <Button type="submit" name="intent" value="duplicate" secondary>
              Duplicate opportunity
            </Button>
          </Form>
        </div>
        {o.status !== "draft" ? (
          <section aria-labelledby="ratings-heading" className="nhsuk-u-margin-bottom-5">
            <h2 id="ratings-heading">Trainees' ratings</h2>
            {ratings.shown ? (
              <p className="nhsuk-body-l nhsuk-u-margin-bottom-2">
                <strong>{ratings.mean.toFixed(1)}</strong> out of 5 from {ratings.rated} trainees · {ratings.recommend} would recommend it
              </p>
            ) : null}
            <p className="app-secondary-text">
              {ratings.shown ? "From the final reflections of the trainees who took part. " : ratings.rated ? "Not enough trainees have rated it yet. " : "No trainee has rated it yet. "}
              Ratings are shown once {RATINGS_SHOWN_FROM} or more trainees have rated an opportunity, so that no one trainee's rating can be read off.
            </p>
          </section>
        ) : null}
        <OpportunityDetails o={o} />
        {o.status === "published" || o.status === "closed" ? (
          <p>
            <Link to={`/opportunities/${o.id}`}>See the page trainees see</Link>
          </p>
        ) : null}
      </div>
    </div>
  );
}
