// The DME approves several offered placements at once. Each is its own transitionApplication
// (its own transaction, lock and event, exactly as the single "Approve placement"), so one that
// cannot be approved (withdrawn meanwhile, another trust's, ended) leaves the others approved,
// and the summary says which and why.
import { and, eq, inArray } from "drizzle-orm";

import type { Db } from "@db/client";
import { applications, opportunities, users } from "@db/schema";

import type { SessionUser } from "~/auth.server";

import { UUID } from "./ids";
import { transitionApplication } from "./applications.server";
import type { AuditContext } from "./audit.server";

/** Placements one press may approve: the queue's page holds them all for any real trust. */
export const MAX_BULK_APPROVALS = 100;

export interface BulkApprovalSummary {
  approved: { id: string; name: string; title: string }[];
  /** Approved already (the form sent twice, or another DME got there first): nothing to do. */
  already: { id: string; name: string; title: string }[];
  refused: { id: string; name: string; title: string; reason: string }[];
  /** Ids that are no application at the DME's trust (unknown, mistyped, another trust's). */
  notFound: number;
}

export async function approvePlacements(db: Db, dme: Pick<SessionUser, "id" | "role"> & { trustId: string }, ids: readonly string[], today: string, audit?: AuditContext): Promise<BulkApprovalSummary> {
  const unique = [...new Set(ids)];
  const wellFormed = unique.filter((id) => UUID.test(id));
  // Who and what each one is, for the summary: only the DME's own trust's applications are named.
  const labels = wellFormed.length
    ? await db
        .select({ id: applications.id, name: users.name, title: opportunities.title })
        .from(applications)
        .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
        .innerJoin(users, eq(users.id, applications.traineeId))
        .where(and(inArray(applications.id, wellFormed), eq(opportunities.trustId, dme.trustId)))
    : [];
  const label = new Map(labels.map((l) => [l.id, l]));
  const summary: BulkApprovalSummary = { approved: [], already: [], refused: [], notFound: unique.length - wellFormed.length };
  for (const id of wellFormed) {
    const named = label.get(id);
    if (!named) {
      summary.notFound++;
      continue;
    }
    const result = await transitionApplication(db, dme, id, "approve", { today }, audit);
    if (result.ok) (result.unchanged ? summary.already : summary.approved).push(named);
    else if (result.status === 404) summary.notFound++;
    else summary.refused.push({ ...named, reason: result.message });
  }
  return summary;
}
