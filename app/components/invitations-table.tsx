import { Form } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";

import type { Role } from "~/models/domain";
import { ROLE_LABELS } from "~/models/domain";
import { formatDateTime } from "~/utils/dates";

import { ResponsiveTable } from "./responsive-table";

export interface InvitationRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  trustName: string | null;
  expiresAt: string;
  expired: boolean;
}

/**
 * Invitations not yet accepted, each with buttons to send it again or cancel it (posted to this
 * page). A list of trainees only (the DME's) leaves out the role and trust: every row would say
 * "Trainee" and "–" (a trainee's invitation belongs to no trust).
 */
export function InvitationsTable({ invitations, caption, traineesOnly = false }: { invitations: InvitationRow[]; caption?: string; traineesOnly?: boolean }) {
  const columns = traineesOnly ? ["Name", "Email address", "Link", "Action"] : ["Name", "Email address", "Role", "Trust", "Link", "Action"];
  return (
    <ResponsiveTable caption={caption} columns={columns}>
      {invitations.map((i) => (
        <Table.Row key={i.id}>
          <Table.Cell>{i.name || "–"}</Table.Cell>
          <Table.Cell>{i.email}</Table.Cell>
          {traineesOnly ? null : (
            <>
              <Table.Cell>{ROLE_LABELS[i.role]}</Table.Cell>
              <Table.Cell>{i.trustName ?? "–"}</Table.Cell>
            </>
          )}
          <Table.Cell>
            {i.expired ? <Tag modifier="red">Expired</Tag> : <Tag modifier="yellow">Waiting</Tag>}{" "}
            <span className="app-nowrap">
              {i.expired ? "on" : "until"} {formatDateTime(i.expiresAt)}
            </span>
          </Table.Cell>
          <Table.Cell>
            <Form method="post">
              <input type="hidden" name="invitationId" value={i.id} />
              <Button type="submit" name="intent" value="resend-invitation" secondary small className="nhsuk-u-margin-bottom-2">
                Send again<span className="nhsuk-u-visually-hidden"> to {i.email}</span>
              </Button>{" "}
              <Button type="submit" name="intent" value="cancel-invitation" warning small className="nhsuk-u-margin-bottom-0">
                Cancel invitation<span className="nhsuk-u-visually-hidden"> for {i.email}</span>
              </Button>
            </Form>
          </Table.Cell>
        </Table.Row>
      ))}
    </ResponsiveTable>
  );
}

export const INVITATION_DONE_MESSAGES = {
  resent: "The invitation is sent again with a new link, for 7 days. The old link no longer works.",
  cancelled: "The invitation is cancelled: its link no longer works.",
} as const;
