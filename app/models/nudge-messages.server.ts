// The facts a nudge's words are composed from, read when the notification is shown or the
// e-mail sent: its trust, its sender's role and the suggested opportunities (by the ids the
// message stored), as they are now. One query each for any number of nudges.
import { inArray, eq } from "drizzle-orm";

import type { Db } from "@db/client";
import { nudges, opportunities, trusts, users } from "@db/schema";

import type { NudgeFacts } from "./messages";

export async function nudgeFacts(db: Db, list: { nudgeId: string; params: Record<string, string> }[]): Promise<(NudgeFacts | null)[]> {
  if (!list.length) return [];
  const idsOf = (p: Record<string, string>) => (p.opportunityIds ?? "").split(",").filter(Boolean);
  const opportunityIds = [...new Set(list.flatMap((n) => idsOf(n.params)))];
  const [rows, opps] = await Promise.all([
    db
      .select({ id: nudges.id, trustName: trusts.name, trustOds: trusts.odsCode, senderRole: users.role })
      .from(nudges)
      .innerJoin(trusts, eq(trusts.id, nudges.trustId))
      .leftJoin(users, eq(users.id, nudges.sentBy))
      .where(inArray(nudges.id, [...new Set(list.map((n) => n.nudgeId))])),
    opportunityIds.length
      ? db
          .select({ id: opportunities.id, title: opportunities.title, applicationDeadline: opportunities.applicationDeadline, status: opportunities.status })
          .from(opportunities)
          .where(inArray(opportunities.id, opportunityIds))
      : Promise.resolve([]),
  ]);
  const nudge = new Map(rows.map((r) => [r.id, r]));
  // An opportunity since taken back to draft or archived is no longer suggested.
  const opportunity = new Map(opps.filter((o) => o.status === "published" || o.status === "closed").map((o) => [o.id, o]));
  return list.map((n) => {
    const r = nudge.get(n.nudgeId);
    if (!r) return null;
    return {
      trustName: r.trustName,
      trustOds: r.trustOds,
      senderRole: r.senderRole === "dme" || r.senderRole === "trust_lead" ? r.senderRole : null,
      opportunities: idsOf(n.params).flatMap((id) => {
        const o = opportunity.get(id);
        return o ? [{ id: o.id, title: o.title, applicationDeadline: o.applicationDeadline }] : [];
      }),
    };
  });
}
