import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Table } from "~/components/nhsuk/table";

import { homePathFor, requireStaff } from "~/auth.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { Pager } from "~/components/pager";
import { ResponsiveTable } from "~/components/responsive-table";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { NUDGE_SUGGESTIONS } from "~/models/nudge-rules";
import { auditContext, recordViews } from "~/models/audit.server";
import { getTrustName, listNothingYet, nothingYetTraineeName, sendNudges } from "~/models/nudges.server";
import { formatDate, trainingYearOf, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Trainees at your trust with nothing yet this year") }];

/** A page number from the address: anything else (missing, "abc", "-1") is page 1. */
function pageParam(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/** A count from the address (the summary after sending); anything else is none. */
function countParam(value: string | null): number | null {
  if (value === null || !/^\d{1,6}$/.test(value)) return null;
  return Number(value);
}

// A trust's DME and trust lead nudge their own trust's trainees. An administrator has no trust
// to nudge from (the limit is one nudge a month across trusts, sent by the trainee's trust) and
// sees who has nothing yet in the reports: 403, like a trainee.
export async function loader(args: LoaderFunctionArgs) {
  const staff = requireStaff(args, ["dme", "trust_lead"]);
  const db = await getDb();
  const url = new URL(args.request.url);
  const page = pageParam(url.searchParams.get("page"));
  const today = todayInLondon();
  const [trustName, list] = await Promise.all([getTrustName(db, staff.trustId), listNothingYet(db, staff.trustId, today, page)]);
  if (!trustName) throw notFound();
  const lastPage = Math.max(1, Math.ceil(list.total / list.pageSize));
  if (page > lastPage) throw redirect(lastPage > 1 ? `/nothing-yet?page=${lastPage}` : "/nothing-yet");
  // The list names trainees: each one shown is a view of their data.
  await recordViews(db, auditContext(args.context), {
    action: "trainees.viewed",
    targetType: "trust",
    targetId: staff.trustId,
    trustId: staff.trustId,
    traineeIds: list.trainees.map((t) => t.traineeId),
    details: { list: "nothing_yet" },
  });
  const nudgedId = url.searchParams.get("trainee");
  const nudgedName = nudgedId ? await nothingYetTraineeName(db, staff.trustId, nudgedId, today) : null;
  return json({ trustName, role: staff.role, home: homePathFor(staff.role), list, lastPage, nudgedName, year: trainingYearOf(today) });
}

export async function action(args: ActionFunctionArgs) {
  const staff = requireStaff(args, ["dme", "trust_lead"]);
  const form = await args.request.formData();
  const intent = String(form.get("intent") ?? "");
  const db = await getDb();
  const today = todayInLondon();
  if (intent === "nudge-one") {
    const traineeId = String(form.get("traineeId") ?? "").trim();
    if (!traineeId || traineeId.length > 100) return json({ message: "Choose a trainee to nudge" }, { status: 400 });
    const result = await sendNudges(db, staff, [traineeId], today, auditContext(args.context));
    const outcome = result.outcomes[0]!;
    // Another trust's trainee, an unknown one, or one no longer listed (offered a place since): not found here.
    if (outcome.outcome === "not_listed") throw notFound();
    if (outcome.outcome === "recent") {
      const name = await nothingYetTraineeName(db, staff.trustId, traineeId, today);
      return json(
        { message: `${name ?? "This trainee"} was nudged in the last month, so cannot be nudged again until ${formatDate(outcome.nudgeableFrom)}` },
        { status: 409 },
      );
    }
    return redirect(`/nothing-yet?nudged=1&trainee=${encodeURIComponent(traineeId)}`);
  }
  if (intent === "nudge-all") {
    const result = await sendNudges(db, staff, "all", today, auditContext(args.context));
    const q = new URLSearchParams({ nudged: String(result.sent), recent: String(result.recent) });
    if (result.left) q.set("left", String(result.left));
    return redirect(`/nothing-yet?${q}`);
  }
  return json({ message: "Choose whom to nudge" }, { status: 400 });
}

function SentSummary({ nudgedName }: { nudgedName: string | null }) {
  const [params] = useSearchParams();
  const nudged = countParam(params.get("nudged"));
  if (nudged === null) return null;
  const recent = countParam(params.get("recent")) ?? 0;
  const left = countParam(params.get("left")) ?? 0;
  if (nudgedName && nudged === 1 && !params.has("recent")) return <SuccessBanner>Nudge sent to {nudgedName}</SuccessBanner>;
  const parts = [`${plural(nudged, "trainee")} nudged`];
  if (recent) parts.push(`${plural(recent, "trainee was", "trainees were")} nudged in the last month, so ${recent === 1 ? "was" : "were"} not nudged again`);
  const text = parts.join("; ") + (left ? `. ${plural(left, "more trainee", "more trainees")} can be nudged: send to all again.` : "");
  return <SuccessBanner title={nudged ? "Success" : "Nothing sent"}>{text}</SuccessBanner>;
}

export default function NothingYet() {
  const { trustName, role, home, list, lastPage, nudgedName, year } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const listed = list.total;
  return (
    <>
      <BackLink href={home}>{role === "dme" ? "Back to trainees at your trust" : "Back to your trust"}</BackLink>
      <SentSummary nudgedName={nudgedName} />
      <MessageSummary message={actionData?.message} href="#trainees" />
      <h1>
        <span className="nhsuk-caption-l">{trustName}</span>
        Trainees at your trust with nothing yet this year
      </h1>
      <p>
        Trainees placed at {trustName} today who have not been offered, approved for or completed a leadership opportunity starting in this
        training year ({formatDate(year[0])} to {formatDate(year[1])}).
      </p>
      <p>
        A nudge sends the trainee a message in Invitational and an email suggesting up to {NUDGE_SUGGESTIONS} opportunities at {trustName} that they
        can apply for now.
      </p>
      <InsetText>
        <p>Each trainee gets at most one nudge a month, from any trust, so they are not sent several at once.</p>
      </InsetText>

      {listed ? (
        <>
          {list.nudgeable ? (
            <Form method="post" className="nhsuk-u-margin-bottom-5">
              <input type="hidden" name="intent" value="nudge-all" />
              <Button className="nhsuk-u-margin-bottom-2">{listed === 1 ? "Send a nudge to the 1 trainee listed" : `Send a nudge to all ${plural(listed, "trainee")}`}</Button>
              {list.nudgeable < listed ? (
                <p className="nhsuk-body-s app-secondary-text">
                  {plural(listed - list.nudgeable, "of them was", "of them were")} nudged in the last month and will not be nudged again yet.
                </p>
              ) : null}
            </Form>
          ) : (
            <p>Every trainee listed was nudged in the last month.</p>
          )}
          <div id="trainees" tabIndex={-1}>
            <ResponsiveTable columns={["Trainee", "Grade", "Placement ends", "Last nudged", "Nudge"]} caption={plural(listed, "trainee")}>
              {list.trainees.map((t) => (
                <Table.Row key={t.traineeId}>
                  <Table.Cell>{t.name}</Table.Cell>
                  <Table.Cell>{t.grade}</Table.Cell>
                  <Table.Cell className="app-nowrap">{formatDate(t.endsOn)}</Table.Cell>
                  <Table.Cell>
                    {t.lastNudgedAt ? (
                      <>
                        {formatDate(new Date(t.lastNudgedAt))}
                        {t.lastNudgedBy && t.lastNudgedBy !== trustName ? <span className="app-secondary-text"> by {t.lastNudgedBy}</span> : null}
                      </>
                    ) : (
                      "Never"
                    )}
                  </Table.Cell>
                  <Table.Cell>
                    {t.nudgeableFrom ? (
                      <span className="nhsuk-body-s">Can be nudged again from {formatDate(t.nudgeableFrom)}</span>
                    ) : (
                      <Form method="post">
                        <input type="hidden" name="intent" value="nudge-one" />
                        <input type="hidden" name="traineeId" value={t.traineeId} />
                        <Button secondary small className="nhsuk-u-margin-bottom-0">
                          Send a nudge<span className="nhsuk-u-visually-hidden"> to {t.name}</span>
                        </Button>
                      </Form>
                    )}
                  </Table.Cell>
                </Table.Row>
              ))}
            </ResponsiveTable>
          </div>
          <Pager label="Pages of trainees with nothing yet" page={list.page} lastPage={lastPage} href={(p) => (p > 1 ? `/nothing-yet?page=${p}` : "/nothing-yet")} />
        </>
      ) : (
        <p id="trainees">
          Every trainee placed at {trustName} today has a leadership opportunity this training year. <Link to="/reports">See the trust's measures of progress</Link>
        </p>
      )}
    </>
  );
}
