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
import { getDb } from "~/db.server";
import { UUID } from "~/models/ids";
import { ROLE_LABELS, ROLES } from "~/models/domain";
import { listTrustOptions } from "~/models/trusts.server";
import { cancelStaffInvitation, listPendingInvitations, listUsers } from "~/models/users.server";
import { SuccessBanner } from "~/components/success-banner";
import { notFound } from "~/utils/http.server";
import { formatDateTime } from "~/utils/dates";
import { ResponsiveTable } from "~/components/responsive-table";

export const meta: MetaFunction = () => [{ title: pageTitle("Users") }];

// Unknown filter values are ignored rather than refused: the query string is the user's to edit.
const FilterSchema = v.object({
  q: v.fallback(v.pipe(v.string(), v.trim(), v.maxLength(100)), ""),
  role: v.fallback(v.optional(v.picklist(ROLES)), undefined),
  trustId: v.fallback(v.optional(v.pipe(v.string(), v.regex(UUID))), undefined),
  page: v.fallback(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(10000)), 1),
});

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  const params = Object.fromEntries(new URL(args.request.url).searchParams);
  const filter = v.parse(FilterSchema, { ...params, page: params.page ?? "1" });
  const db = await getDb();
  const [result, trusts, invitations] = await Promise.all([
    listUsers(db, filter),
    listTrustOptions(db),
    listPendingInvitations(db),
  ]);
  return json({ ...result, trusts, invitations, filter });
}

export async function action(args: ActionFunctionArgs) {
  requireUser(args, { role: "admin" });
  const form = await args.request.formData();
  if (form.get("intent") !== "cancel-invitation") return json({ message: "Choose an invitation to cancel" }, { status: 400 });
  if (!(await cancelStaffInvitation(await getDb(), String(form.get("invitationId") ?? "")))) throw notFound();
  return redirect("/admin/users?cancelled=1#invitations");
}

export default function AdminUsers() {
  const { users, total, page, pageSize, trusts, invitations, filter } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const pageLink = (p: number) => {
    const q = new URLSearchParams();
    if (filter.q) q.set("q", filter.q);
    if (filter.role) q.set("role", filter.role);
    if (filter.trustId) q.set("trustId", filter.trustId);
    q.set("page", String(p));
    return `?${q}`;
  };
  return (
    <>
      {params.get("cancelled") ? <SuccessBanner>The invitation is cancelled: its link no longer works.</SuccessBanner> : null}
      <h1>Users</h1>
      <p>
        <Link to="/admin/users/invite" className="nhsuk-button">
          Invite a member of staff
        </Link>
      </p>
      <Form method="get" className="nhsuk-u-margin-bottom-5">
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-one-third">
            <TextInput id="q" name="q" label="Name or email address" defaultValue={filter.q} />
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
            <Select id="trustId" name="trustId" label="Trust" defaultValue={filter.trustId ?? ""}>
              <Select.Option value="">All trusts</Select.Option>
              {trusts.map((t) => (
                <Select.Option key={t.id} value={t.id}>
                  {t.name}
                </Select.Option>
              ))}
            </Select>
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
      <ResponsiveTable caption={`${total} ${total === 1 ? "user" : "users"}`} columns={["Name", "Email address", "Role", "Trust", "Status"]}>
        {users.map((u) => (
          <Table.Row key={u.id}>
            <Table.Cell>
              <Link to={`/admin/users/${u.id}`}>{u.name}</Link>
            </Table.Cell>
            <Table.Cell>{u.email}</Table.Cell>
            <Table.Cell>{ROLE_LABELS[u.role]}</Table.Cell>
            <Table.Cell>{u.trustName ?? "–"}</Table.Cell>
            <Table.Cell>
              {u.disabledAt ? (
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

      <h2 id="invitations">Invitations waiting to be accepted</h2>
      {invitations.length ? (
        <ResponsiveTable columns={["Name", "Email address", "Role", "Trust", "Expires", "Action"]}>
          {invitations.map((i) => (
            <Table.Row key={i.id}>
              <Table.Cell>{i.name}</Table.Cell>
              <Table.Cell>{i.email}</Table.Cell>
              <Table.Cell>{ROLE_LABELS[i.role]}</Table.Cell>
              <Table.Cell>{i.trustName ?? "–"}</Table.Cell>
              <Table.Cell>{formatDateTime(i.expiresAt)}</Table.Cell>
              <Table.Cell>
                <Form method="post">
                  <input type="hidden" name="invitationId" value={i.id} />
                  <Button type="submit" name="intent" value="cancel-invitation" secondary className="nhsuk-u-margin-bottom-0">
                    Cancel invitation<span className="nhsuk-u-visually-hidden"> for {i.email}</span>
                  </Button>
                </Form>
              </Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No invitations are waiting.</p>
      )}
    </>
  );
}
