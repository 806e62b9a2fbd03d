// Demo data for the reminders: the demo trainee has saved one open opportunity at their trust
// whose deadline is two days away, so the reminders job (which runs at start-up) has something
// to tell each role on the first visit (the lead and DME already have an opportunity past its
// deadline and offers waiting). One row, not a flood.
import { and, asc, eq, gte, lte, sql } from "drizzle-orm";

import type { Db } from "../client";
import { opportunities, savedOpportunities } from "../schema";
import { addDaysIso } from "../../app/utils/dates";

export async function seedDemoReminders(db: Db, today: string, demo: { traineeId: string; trustId: string }): Promise<void> {
  const soon = addDaysIso(today, 2);
  // The shortlist's own demo (shortlist.ts) may already hold one closing this soon: one is enough.
  const [already] = await db
    .select({ id: savedOpportunities.opportunityId })
    .from(savedOpportunities)
    .innerJoin(opportunities, eq(opportunities.id, savedOpportunities.opportunityId))
    .where(
      and(
        eq(savedOpportunities.traineeId, demo.traineeId),
        eq(opportunities.status, "published"),
        gte(opportunities.applicationDeadline, today),
        lte(opportunities.applicationDeadline, addDaysIso(today, 3)),
      ),
    )
    .limit(1);
  if (already) return;
  const [pick] = await db
    .select({ id: opportunities.id, deadline: opportunities.applicationDeadline })
    .from(opportunities)
    .where(
      and(
        eq(opportunities.trustId, demo.trustId),
        eq(opportunities.status, "published"),
        gte(opportunities.applicationDeadline, today),
        gte(opportunities.startsOn, soon),
        sql`'FY2' = any(${opportunities.eligibleGrades})`,
        sql`cardinality(${opportunities.specialties}) = 0`,
        sql`not exists (select 1 from applications a where a.opportunity_id = ${opportunities.id} and a.trainee_id = ${demo.traineeId})`,
        sql`not exists (select 1 from round_opportunities ro where ro.opportunity_id = ${opportunities.id})`,
      ),
    )
    .orderBy(asc(opportunities.applicationDeadline), asc(opportunities.title))
    .limit(1);
  if (!pick) return;
  if (pick.deadline > soon) await db.update(opportunities).set({ applicationDeadline: soon }).where(eq(opportunities.id, pick.id));
  await db.insert(savedOpportunities).values({ traineeId: demo.traineeId, opportunityId: pick.id }).onConflictDoNothing();
}
