// The shortlist in the database: saved_opportunities, one row per trainee and opportunity.
import { and, asc, count, eq, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { opportunities, savedOpportunities, traineeProfiles, trusts } from "@db/schema";

import { formatDate } from "~/utils/dates";

import { UUID } from "./accounts.schema";
import { seatsTaken } from "./opportunities.server";
import { closesSoon, deadlineWords, isOpen, MAX_SAVED, SHORTLIST_CLOSED, SHORTLIST_FULL } from "./shortlist";

export type SaveForLaterResult = { ok: true; added: boolean } | { ok: false; reason: "not_found" | "closed" | "full"; message: string };

/**
 * Saves a published opportunity to the trainee's shortlist. Saving one already saved changes
 * nothing (the primary key and on conflict do nothing, so two clicks at once leave one row); the
 * limit is counted with the trainee's profile row locked, so parallel saves cannot pass it.
 */
export async function saveForLater(db: Db, traineeId: string, opportunityId: string): Promise<SaveForLaterResult> {
  if (!UUID.test(opportunityId)) return { ok: false, reason: "not_found", message: "Opportunity not found" };
  return db.transaction(async (tx): Promise<SaveForLaterResult> => {
    const [profile] = await tx.select({ userId: traineeProfiles.userId }).from(traineeProfiles).where(eq(traineeProfiles.userId, traineeId)).for("update");
    if (!profile)
      return {
        ok: false,
        reason: "not_found",
        message: "Only trainees can save opportunities",
      };
    const [opp] = await tx.select({ status: opportunities.status }).from(opportunities).where(eq(opportunities.id, opportunityId));
    // Drafts and archived opportunities are not visible to trainees; a closed one cannot be applied for.
    if (!opp || opp.status === "draft" || opp.status === "archived")
      return {
        ok: false,
        reason: "not_found",
        message: "Opportunity not found",
      };
    if (opp.status !== "published") return { ok: false, reason: "closed", message: SHORTLIST_CLOSED };
    const [saved] = await tx.select({ n: count() }).from(savedOpportunities).where(eq(savedOpportunities.traineeId, traineeId));
    const [already] = await tx
      .select({ id: savedOpportunities.opportunityId })
      .from(savedOpportunities)
      .where(and(eq(savedOpportunities.traineeId, traineeId), eq(savedOpportunities.opportunityId, opportunityId)));
    if (already) return { ok: true, added: false };
    if ((saved?.n ?? 0) >= MAX_SAVED) return { ok: false, reason: "full", message: SHORTLIST_FULL };
    const inserted = await tx.insert(savedOpportunities).values({ traineeId, opportunityId }).onConflictDoNothing().returning({ id: savedOpportunities.opportunityId });
    return { ok: true, added: inserted.length > 0 };
  });
}

/** Removes it from the trainee's own shortlist only; removing one not saved changes nothing. */
export async function removeSaved(db: Db, traineeId: string, opportunityId: string): Promise<{ removed: boolean }> {
  if (!UUID.test(opportunityId)) return { removed: false };
  const rows = await db
    .delete(savedOpportunities)
    .where(and(eq(savedOpportunities.traineeId, traineeId), eq(savedOpportunities.opportunityId, opportunityId)))
    .returning({ id: savedOpportunities.opportunityId });
  return { removed: rows.length > 0 };
}

export async function isSaved(db: Db, traineeId: string, opportunityId: string): Promise<boolean> {
  if (!UUID.test(opportunityId)) return false;
  const [row] = await db
    .select({ id: savedOpportunities.opportunityId })
    .from(savedOpportunities)
    .where(and(eq(savedOpportunities.traineeId, traineeId), eq(savedOpportunities.opportunityId, opportunityId)));
  return Boolean(row);
}

/**
 * The trainee's shortlist, soonest deadline first, in one query. An opportunity its trust has
 * since archived or turned back into a draft is no longer shown (it is no longer visible to them).
 */
const savedList = preparedQuery((db) =>
  db
    .select({
      id: opportunities.id,
      title: opportunities.title,
      trustName: trusts.name,
      status: opportunities.status,
      applicationDeadline: opportunities.applicationDeadline,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      seats: opportunities.seats,
      seatsTaken,
      savedAt: savedOpportunities.createdAt,
    })
    .from(savedOpportunities)
    .innerJoin(opportunities, eq(opportunities.id, savedOpportunities.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .where(and(eq(savedOpportunities.traineeId, sql.placeholder("traineeId")), sql`${opportunities.status} in ('published', 'closed')`))
    .orderBy(asc(opportunities.applicationDeadline), asc(opportunities.title), asc(opportunities.id))
    .limit(MAX_SAVED)
    .prepare("trainee_shortlist"),
);

export async function listSaved(db: Db, traineeId: string, today: string) {
  const rows = await savedList(db).execute({ traineeId });
  return rows.map(({ seats, seatsTaken: taken, savedAt: _, ...r }) => ({
    ...r,
    seatsLeft: Math.max(0, seats - taken),
    open: isOpen(r, today),
    closesSoon: closesSoon(r, today),
    deadline: deadlineWords(r, today),
    note: `Apply by ${formatDate(r.applicationDeadline)}.${isOpen(r, today) && seats <= taken ? " All seats are taken: an application joins the waiting list." : ""}`,
  }));
}

/** The shortlist on a page: its rows, and whether it has reached the limit. */
export async function getShortlist(db: Db, traineeId: string, today: string) {
  const saved = await listSaved(db, traineeId, today);
  return { saved, full: saved.length >= MAX_SAVED ? SHORTLIST_FULL : null };
}

export type SavedOpportunity = Awaited<ReturnType<typeof listSaved>>[number];
