// Allocation rounds: the queries every part of a round shares.
import { and, eq } from "drizzle-orm";

import type { DbOrTx } from "@db/client";
import { allocationRounds, roundOpportunities } from "@db/schema";

import { UUID } from "./ids";

/** The columns every view of a round starts from. */
export const ROUND_COLUMNS = {
  id: allocationRounds.id,
  name: allocationRounds.name,
  trustId: allocationRounds.trustId,
  status: allocationRounds.status,
  opensAt: allocationRounds.opensAt,
  closesAt: allocationRounds.closesAt,
  maxChoices: allocationRounds.maxChoices,
};

/**
 * The round an opportunity is in that has not finished yet (not allocated or cancelled), if
 * any: while there is one, the opportunity takes ranked choices, not first-come applications.
 * Creating and editing rounds keeps an opportunity in at most one unfinished round.
 */
export async function unfinishedRoundOf(db: DbOrTx, opportunityId: string) {
  const [round] = await db
    .select(ROUND_COLUMNS)
    .from(roundOpportunities)
    .innerJoin(allocationRounds, eq(allocationRounds.id, roundOpportunities.roundId))
    .where(and(eq(roundOpportunities.opportunityId, opportunityId), eq(allocationRounds.status, "open")))
    .limit(1);
  return round ?? null;
}

/** Whether there is a round with this id: a trainee's round page and its actions are open to every trainee. */
export async function roundExists(db: DbOrTx, roundId: string): Promise<boolean> {
  if (!UUID.test(roundId)) return false;
  const [row] = await db.select({ id: allocationRounds.id }).from(allocationRounds).where(eq(allocationRounds.id, roundId));
  return Boolean(row);
}
