import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Select } from "~/components/nhsuk/select";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";
import { TextInput } from "~/components/nhsuk/text-input";
import * as v from "valibot";

import { requireUser } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { Pager } from "~/components/pager";
import { TrustFilter } from "~/components/trust-filter";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { UUID } from "~/models/ids";
import { ROLE_LABELS, ROLES } from "~/models/domain";
import { listTrustOptions } from "~/models/trusts.server";
import {
  cancelInvitation,
  INVITATION_AUDIENCES,
  INVITATION_STATES,
  listInvitations,
  listUsers,
  resendInvitation,
} from "~/models/users.server";
import { INVITATION_DONE_MESSAGES, InvitationsTable } from "~/components/invitations-table";
import { appOrigin } from "~/utils/origin.server";
import { SuccessBanner } from "~/components/success-banner";
import { notFound } from "~/utils/http.server";
import { todayInLondon } from "~/utils/dates";
import { ResponsiveTable } from "~/components/responsive-table";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Users") }];

// Unknown filter values are ignored rather than refused: the query string is the user's to edit.
const pageNumber = v.fallback(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(10000)), 1);
const FilterSchema = v.object({
  q: v.fallback(v.pipe(v.string(), v.trim(), v.maxLength(100)), ""),
  role: v.fallback(v.optional(v.picklist(ROLES)), undefined),
  trustId: v.fallback(v.optional(v.pipe(v.string(), v.regex(UUID))), undefined),
  page: pageNumber,
  who: v.fallback(v.optional(v.picklist(INVITATION_AUDIENCES)), undefined),
  state: v.fallback(v.optional(v.picklist(INVITATION_STATES)), undefined),
  invitationsPage: pageNumber,
});

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  const params = Object.fromEntries(new URL(args.request.url).searchParams);
  const filter = v.parse(FilterSchema, { ...params, page: params.page ?? "1", invitationsPage: params.invitationsPage ?? "1" });
  const db = await getDb();
  const [result, trusts, invitations] = await Promise.all([
    listUsers(db, filter),
    listTrustOptions(db),
    listInvitations(db, { role: "admin" }, { who: filter.who, state: filter.state, page: filter.invitationsPage }, { today: todayInLondon() }),
  ]);
  return json({ ...result, trusts, invitations, filter });
}

export async function action(args: ActionFunctionArgs) {
  requireUser(args, { role: "admin" });
  const form = await args.request.formData();
  const intent = form.get("intent");
  const id = String(form.get("invitationId") ?? "");
  const db = await getDb();
  if (intent === "cancel-invitation") {
    if (!(await cancelInvitation(db, { role: "admin" }, id, todayInLondon(), auditContext(args.context)))) throw notFound();
    return redirect("/admin/users?done=cancelled#invitations");
  }
  if (intent === "resend-invitation") {
    if (!(await resendInvitation(db, { role: "admin" }, id, { origin: appOrigin(args.request), today: todayInLondon(), audit: auditContext(args.context) }))) throw notFound();
    return redirect("/admin/users?done=resent#invitations");
  }
  return json({ message: "Choose an invitation to send again or cancel" }, { status: 400 });
}

export default function AdminUsers() {
  const { users, total, page, pageSize, trusts, invitations, filter } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const query = (changes: Record<string, string | undefined>) => {
    const q = new URLSearchParams();
    const all = { q: filter.q, role: filter.role, trustId: filter.trustId, who: filter.who, state: filter.state, ...changes };
    for (const [k, value] of Object.entries(all)) if (value) q.set(k, value);
    return `?${q}`;
  };
  const pageLink = (p: number) => query({ page: String(p) });
  const invitationsLastPage = Math.max(1, Math.ceil(invitations.total / invitations.pageSize));
  const invitationsPageLink = (p: number) => `${query({ invitationsPage: String(p) })}#invitations`;
  return (
    <>
      {done === "cancelled" || done === "resent" ? <SuccessBanner>{INVITATION_DONE_MESSAGES[done]}</SuccessBanner> : null}
      <h1>Users</h1>
      <p>
        <Link to="/admin/users/invite" className="nhsuk-button">
          Invite a member of staff
        </Link>
      </p>
      <Form method="get" className="nhsuk-u-margin-bottom-5">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="q" name="q" label="Name, email address or GMC number" defaultValue={filter.q} />
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select id="role" name="role" label="Role" defaultValue={filter.role ?? ""}>
              <Select.Option value="">All roles</Select.Option>
              {ROLES.map((r) => (
                <Select.Option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </Select.Option>
              ))}
            </Select>
          </div>
          <div className="nhsuk-grid-column-one-third">
            <TrustFilter trusts={trusts} value={filter.trustId} />
          </div>
        </div>
        <Button type="submit" secondary>
          Filter users
        </Button>
      </Form>

      {total === 0 ? (
        <>
          <h2>No users match</h2>
          <p>
            Check the spelling, or <Link to="/admin/users">clear the filters</Link>.
          </p>
        </>
      ) : (
      <ResponsiveTable caption={plural(total, "user")} columns={["Name", "Email address", "Role", "Trust", "GMC number", "Status"]}>
        {users.map((u) => (
          <Table.Row key={u.id}>
            <Table.Cell>
              <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
            </Table.Cell>
            <Table.Cell>{u.closedAt ? "Removed" : u.email}</Table.Cell>
            <Table.Cell>{ROLE_LABELS[u.role]}</Table.Cell>
            <Table.Cell>{u.trustName ?? "–"}</Table.Cell>
            <Table.Cell>{u.gmcNumber ?? "–"}</Table.Cell>
            <Table.Cell>
              {u.closedAt ? (
                <Tag modifier="grey">Closed by its owner</Tag>
              ) : u.disabledAt ? (
                <Tag modifier="grey">Disabled</Tag>
              ) : u.hasPassword ? (
                <Tag modifier="green">Active</Tag>
              ) : (
                <Tag modifier="yellow">Invited</Tag>
              )}
            </Table.Cell>
          </Table.Row>
        ))}
      </ResponsiveTable>
      )}
      <Pager page={page} lastPage={lastPage} href={pageLink} />

      <h2 id="invitations">Invitations not yet accepted</h2>
      <p>Invitations to staff, and to trainees added by a rotation import. Send one again for a new link and 7 more days; the old link stops working.</p>
      <Form method="get" action="/admin/users#invitations" className="nhsuk-u-margin-bottom-5">
        {filter.q ? <input type="hidden" name="q" value={filter.q} /> : null}
        {filter.role ? <input type="hidden" name="role" value={filter.role} /> : null}
        {filter.trustId ? <input type="hidden" name="trustId" value={filter.trustId} /> : null}
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <Select id="who" name="who" label="Invited as" defaultValue={filter.who ?? ""}>
              <Select.Option value="">Staff and trainees</Select.Option>
              <Select.Option value="staff">Staff</Select.Option>
              <Select.Option value="trainee">Trainees</Select.Option>
            </Select>
          </div>
          <div className="nhsuk-grid-column-one-third">
            <Select id="state" name="state" label="Link" defaultValue={filter.state ?? ""}>
              <Select.Option value="">Waiting or expired</Select.Option>
              <Select.Option value="waiting">Waiting</Select.Option>
              <Select.Option value="expired">Expired</Select.Option>
            </Select>
          </div>
        </div>
        <Button type="submit" secondary>
          Filter invitations
        </Button>
      </Form>
      {invitations.total ? (
        <InvitationsTable
          invitations={invitations.invitations}
          caption={plural(invitations.total, "invitation")}
          traineesOnly={filter.who === "trainee"}
        />
      ) : (
        <p>No invitations match.</p>
      )}
      <Pager page={invitations.page} lastPage={invitationsLastPage} href={invitationsPageLink} />
    </>
  );
}
