// Telling people about a round: a notification and an e-mail each, stored as facts (the
// round, the recipient, the actor, ids and counts) in the caller's transaction and worded
// when shown or sent (messages.ts), like the messages about applications.
import { and, eq, sql } from "drizzle-orm";

import type { DbOrTx } from "@db/client";
import { allocationRounds, opportunities, roundPreferences } from "@db/schema";

import type { Audience, RoundEvent, RoundEventFacts } from "./messages";
import { createNotifications } from "./notifications.server";
import { queueEmails } from "./outbox.server";

export interface RoundMessage {
  userId: string;
  audience: Audience;
  /** Ids, codes and counts only: never a name, an address or free text. */
  params?: Record<string, string>;
}

export async function tellAboutRound(
  tx: DbOrTx,
  about: { roundId: string; event: RoundEvent; actorId: string | null },
  recipients: readonly RoundMessage[],
): Promise<void> {
  if (!recipients.length) return;
  const paramsOf = (r: RoundMessage) => ({ ...r.params, event: about.event });
  await createNotifications(
    tx,
    recipients.map((r) => ({ userId: r.userId, kind: "round_event" as const, roundId: about.roundId, actorId: about.actorId, params: { ...paramsOf(r), audience: r.audience } })),
  );
  await queueEmails(
    tx,
    recipients.map((r) => ({ kind: "round_event" as const, recipientId: r.userId, roundId: about.roundId, audience: r.audience, params: paramsOf(r) })),
  );
}

/**
 * The facts a round message is worded from, as the rows are now: the round's name, the
 * opportunity its params name, and (for a declined choice) the trust's reason on the choice.
 */
export async function roundEventFacts(
  tx: DbOrTx,
  rows: readonly { roundId: string; userId: string; params: Record<string, string> }[],
): Promise<RoundEventFacts[]> {
  if (!rows.length) return [];
  const roundIds = [...new Set(rows.map((r) => r.roundId))];
  const opportunityIds = [...new Set(rows.map((r) => r.params.opportunityId).filter((id): id is string => Boolean(id)))];
  const rounds = new Map(
    (
      await tx
        .select({ id: allocationRounds.id, name: allocationRounds.name })
        .from(allocationRounds)
        .where(sql`${allocationRounds.id} in ${roundIds}`)
    ).map((r) => [r.id, r.name]),
  );
  const titles = new Map(
    opportunityIds.length
      ? (
          await tx
            .select({ id: opportunities.id, title: opportunities.title })
            .from(opportunities)
            .where(sql`${opportunities.id} in ${opportunityIds}`)
        ).map((o) => [o.id, o.title])
      : [],
  );
  const facts: RoundEventFacts[] = [];
  for (const row of rows) {
    let declineReason: string | null = null;
    if (row.params.event === "choice_declined" && row.params.opportunityId) {
      const [choice] = await tx
        .select({ reason: roundPreferences.declineReason })
        .from(roundPreferences)
        .where(
          and(
            eq(roundPreferences.roundId, row.roundId),
            eq(roundPreferences.traineeId, row.userId),
            eq(roundPreferences.opportunityId, row.params.opportunityId),
          ),
        );
      declineReason = choice?.reason ?? null;
    }
    facts.push({
      event: row.params.event as RoundEvent,
      roundName: rounds.get(row.roundId) ?? "a round",
      params: row.params,
      opportunityTitle: row.params.opportunityId ? (titles.get(row.params.opportunityId) ?? null) : null,
      declineReason,
    });
  }
  return facts;
}
