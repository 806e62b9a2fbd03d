// Demo opportunities: each one goes through the same schema and model as a trust lead's
// form, so the demo can only contain opportunities the service itself would accept.
import { eq } from "drizzle-orm";
import * as v from "valibot";

import { OpportunitySchema } from "../../app/models/opportunities.schema";
import { refreshSearchVectors, saveOpportunity } from "../../app/models/opportunities.server";
import { addDaysIso } from "../../app/utils/dates";
import type { Db } from "../client";
import { objectives, opportunities, sites, trusts } from "../schema";
import { DEMO_OBJECTIVES, DEMO_OPPORTUNITIES, type DemoOpportunity } from "./opportunities-data";

export function formInput(o: DemoOpportunity, today: string, ids: { siteId: string; objectiveId: string }) {
  const startsOn = addDaysIso(today, o.startOffsetDays);
  return {
    type: o.type,
    title: o.title,
    summary: o.summary,
    description: o.description,
    siteId: ids.siteId,
    objectiveId: ids.objectiveId,
    sponsorName: o.sponsorName,
    sponsorRole: o.sponsorRole,
    startsOn,
    endsOn: addDaysIso(startsOn, o.durationDays),
    applicationDeadline: addDaysIso(startsOn, -o.deadlineDaysBeforeStart),
    totalHours: String(o.totalHours),
    hoursPerWeek: String(o.hoursPerWeek),
    seats: String(o.seats),
    eligibleGrades: o.eligibleGrades,
    specialties: o.specialties.join("\n"),
    ltftFriendly: o.ltftFriendly ? "yes" : "",
    multiprofessional: o.multiprofessional ? "yes" : "",
    tier: String(o.tier),
    focus: o.focus,
    hlmDimensions: o.hlmDimensions,
    learningOutcomes: o.learningOutcomes.join("\n"),
    sessions: {
      sessionDate: o.sessions.map((s) => addDaysIso(startsOn, s.dayOffset)),
      sessionStart: o.sessions.map((s) => s.startsAt),
      sessionEnd: o.sessions.map((s) => s.endsAt),
      sessionLocation: o.sessions.map((s) => s.location),
    },
  };
}

/** Opportunities at the demo lead's trust are theirs; the others have no recorded author. */
export async function seedDemoOpportunities(db: Db, today: string, lead: { id: string; trustId: string }): Promise<number> {
  const trustRows = await db.select({ id: trusts.id, odsCode: trusts.odsCode }).from(trusts);
  const trustByOds = new Map(trustRows.map((t) => [t.odsCode, t.id]));
  const objectiveIds = new Map<string, string>();
  for (const [ods, list] of Object.entries(DEMO_OBJECTIVES)) {
    const trustId = trustByOds.get(ods);
    if (!trustId) continue;
    const rows = await db
      .insert(objectives)
      .values(list.map((o) => ({ trustId, title: o.title, description: o.description })))
      .returning({ id: objectives.id, title: objectives.title });
    for (const r of rows) objectiveIds.set(`${ods}|${r.title}`, r.id);
  }
  const siteRows = await db.select({ id: sites.id, name: sites.name, trustId: sites.trustId }).from(sites);
  let created = 0;
  for (const o of DEMO_OPPORTUNITIES) {
    const trustId = trustByOds.get(o.ods);
    if (!trustId) continue;
    const siteId = o.site ? (siteRows.find((s) => s.trustId === trustId && s.name === o.site)?.id ?? "") : "";
    const objectiveId = o.objective ? (objectiveIds.get(`${o.ods}|${o.objective}`) ?? "") : "";
    const input = v.parse(OpportunitySchema, formInput(o, today, { siteId, objectiveId }));
    const result = await saveOpportunity(db, { trustId, userId: trustId === lead.trustId ? lead.id : null }, input);
    if (!result.ok) throw new Error(`Demo opportunity "${o.title}" was refused: ${JSON.stringify(result.fieldErrors)}`);
    const now = new Date();
    await db.update(opportunities).set({ status: "published", publishedAt: now }).where(eq(opportunities.id, result.id));
    created++;
  }
  await refreshSearchVectors(db, undefined);
  return created;
}
