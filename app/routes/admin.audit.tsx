import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Table } from "~/components/nhsuk/table";
import { TextInput } from "~/components/nhsuk/text-input";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { Pager } from "~/components/pager";
import { TrustFilter } from "~/components/trust-filter";
import { ResponsiveTable } from "~/components/responsive-table";
import { getDb } from "~/db.server";
import { readAuditSearch } from "~/models/audit.schema";
import { searchAuditEvents } from "~/models/audit.server";
import { AUDIT_ACTION_LABELS, type AuditAction } from "~/models/audit-actions";
import { ROLE_LABELS } from "~/models/domain";
import { listTrustOptions } from "~/models/trusts.server";
import { formatDateTime } from "~/utils/dates";
import type { FormFailure } from "~/utils/forms";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Audit trail") }];

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  const { filters, fieldErrors, values } = readAuditSearch(new URL(args.request.url).searchParams);
  // A date that is no day is refused beside its field (400); the rest of the search still runs.
  const failure: FormFailure | null = Object.keys(fieldErrors).length ? { ok: false, fieldErrors, values } : null;
  const db = await getDb();
  const [result, trusts] = await Promise.all([searchAuditEvents(db, filters), listTrustOptions(db)]);
  return json({ ...result, trusts, filters, failure }, { status: failure ? 400 : 200 });
}

const TARGET_WORDS: Record<string, string> = {
  opportunity: "Opportunity",
  objective: "Objective",
  application: "Application",
  round: "Allocation round",
  import: "Rotation import",
  invitation: "Invitation",
  user: "Account",
  trust: "Trust",
  placement: "Placement",
  reflection: "Reflection",
};

/** Where an admin can open the row the event was about, when it has a page they may see. */
function targetHref(type: string, id: string | null): string | null {
  if (!id) return null;
  if (type === "application") return `/applications/${id}`;
  if (type === "round") return `/rounds/${id}`;
  if (type === "import") return `/imports/${id}`;
  if (type === "user") return `/admin/users/${id}`;
  if (type === "trust") return `/admin/trusts/${id}`;
  return null;
}

export default function AuditTrail() {
  const { events, total, page, pageSize, trusts, filters, failure } = useLoaderData<typeof loader>();
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  // Uncontrolled fields: a new address must give a new form, or old values would stay on screen.
  const { search } = useLocation();
  const pageLink = (p: number) => {
    const q = new URLSearchParams();
    for (const [k, value] of Object.entries({ person: filters.person, trainee: filters.trainee, trustId: filters.trustId, from: filters.from, to: filters.to })) {
      if (value) q.set(k, value);
    }
    q.set("page", String(p));
    return `?${q}`;
  };
  return (
    <>
      <FormErrorSummary failure={failure} />
      <h1>Audit trail</h1>
      <p>
        Every change made in Invitational, and every time a member of staff opened a trainee&rsquo;s personal data, newest first.
        The trail holds who did it, when, what it was about and the request&rsquo;s reference; it cannot be changed or deleted.
      </p>
      <Form method="get" key={search} className="nhsuk-u-margin-bottom-5">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-half">
            <TextInput id="person" name="person" label="Who did it" hint="Part of a member of staff's email address or name" defaultValue={keptValue(failure, "person", filters.person)} />
          </div>
          <div className="nhsuk-grid-column-one-half">
            <TextInput id="trainee" name="trainee" label="Trainee" hint="Part of the trainee's email address" defaultValue={keptValue(failure, "trainee", filters.trainee)} />
          </div>
        </div>
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TrustFilter trusts={trusts} value={filters.trustId} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="from" name="from" type="date" label="From" defaultValue={keptValue(failure, "from", filters.from ?? "")} error={fieldError(failure, "from")} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="to" name="to" type="date" label="To" defaultValue={keptValue(failure, "to", filters.to ?? "")} error={fieldError(failure, "to")} />
          </div>
        </div>
        <Button type="submit" secondary>
          Search the audit trail
        </Button>
      </Form>

      {total === 0 ? (
        <>
          <h2>Nothing in the audit trail matches</h2>
          <p>
            Check the spelling or the dates, or <Link to="/admin/audit">clear the search</Link>.
          </p>
        </>
      ) : (
        <ResponsiveTable caption={plural(total, "event")} columns={["When", "Who", "What", "About", "Trainee", "Trust", "Reference"]}>
          {events.map((e) => {
            const href = targetHref(e.targetType, e.targetId);
            const label = TARGET_WORDS[e.targetType] ?? e.targetType;
            return (
              <Table.Row key={e.id}>
                <Table.Cell>{formatDateTime(e.at)}</Table.Cell>
                <Table.Cell>
                  {e.actorName ? (
                    <>
                      {e.actorName}
                      <br />
                      <span className="nhsuk-body-s">{e.actorRole ? ROLE_LABELS[e.actorRole] : ""}</span>
                    </>
                  ) : (
                    "Invitational"
                  )}
                </Table.Cell>
                <Table.Cell>{AUDIT_ACTION_LABELS[e.action as AuditAction] ?? e.action}</Table.Cell>
                <Table.Cell>{href ? <Link to={href}>{label}</Link> : label}</Table.Cell>
                <Table.Cell>{e.traineeId ? <Link to={`/admin/users/${e.traineeId}`}>{e.traineeName ?? "A trainee"}</Link> : "–"}</Table.Cell>
                <Table.Cell>{e.trustName ?? "–"}</Table.Cell>
                <Table.Cell>
                  <code className="app-break-all">{e.requestId ?? "–"}</code>
                </Table.Cell>
              </Table.Row>
            );
          })}
        </ResponsiveTable>
      )}
      <Pager page={page} lastPage={lastPage} href={pageLink} label="Audit trail pages" />
    </>
  );
}
