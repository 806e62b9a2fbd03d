// The demo trainee's shortlist: a few opportunities saved for later, one closing within three
// days, through the same model functions as the "Save for later" button.
import { and, eq, inArray } from "drizzle-orm";
import * as v from "valibot";

import { OpportunitySchema } from "../../app/models/opportunities.schema";
import { refreshSearchVectors, saveOpportunity } from "../../app/models/opportunities.server";
import { saveForLater } from "../../app/models/shortlist.server";
import type { Db } from "../client";
import { opportunities, sites, trusts } from "../schema";
import type { DemoOpportunity } from "./opportunities-data";
import { formInput } from "./opportunities";

/** At the demo trainee's next trust, closing in two days: the shortlist's "closes in 2 days". */
const CLOSING_SOON: DemoOpportunity = {
  ods: "RKB",
  site: "University Hospital Coventry",
  type: "manager_buddying",
  title: "Join the system flow call with Coventry and Warwickshire partners",
  summary: "Sit in on the daily call where the hospital, community services and social care agree how patients leave hospital, with the site director as your buddy.",
  description:
    "Every morning the hospital's site team, community nursing, social care and the ambulance service agree which patients can go home and what is stopping the rest.\n\nYou will join the call twice a week for six weeks with the site director, follow two delays through to the end and present what you found to the discharge group.",
  sponsorName: "Mrs Joanne Whitfield",
  sponsorRole: "Site Director",
  startOffsetDays: 16,
  durationDays: 42,
  deadlineDaysBeforeStart: 14,
  sessions: [],
  totalHours: 18,
  hoursPerWeek: 3,
  seats: 3,
  eligibleGrades: ["FY1", "FY2", "CT1", "CT2", "ST1", "ST2"],
  specialties: [],
  ltftFriendly: true,
  multiprofessional: true,
  tier: 1,
  focus: "system",
  hlmDimensions: ["connecting_our_service", "influencing_for_results"],
  learningOutcomes: ["Describe how partners across the system agree a patient's discharge", "Follow a delayed discharge to its cause and present it"],
};

/** Titles of demo opportunities the demo trainee has saved, with the one closing soon. */
const SAVED_TITLES = ["A week shadowing the Chief Medical Officer", "Buddy with the emergency department service manager"];

export async function seedDemoShortlist(db: Db, today: string, demoTraineeId: string): Promise<number> {
  const [rkb] = await db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, CLOSING_SOON.ods));
  if (!rkb) return 0;
  const [site] = await db
    .select({ id: sites.id })
    .from(sites)
    .where(and(eq(sites.trustId, rkb.id), eq(sites.name, CLOSING_SOON.site!)));
  const input = v.parse(OpportunitySchema, formInput(CLOSING_SOON, today, { siteId: site?.id ?? "", objectiveId: "" }));
  const created = await saveOpportunity(db, { trustId: rkb.id, userId: null }, input);
  if (!created.ok) throw new Error(`Demo opportunity "${CLOSING_SOON.title}" was refused: ${JSON.stringify(created.fieldErrors)}`);
  await db.update(opportunities).set({ status: "published", publishedAt: new Date() }).where(eq(opportunities.id, created.id));
  await refreshSearchVectors(db, eq(opportunities.id, created.id));
  // Published ones only: the demo trainee's reflected-on editions (reflections.ts) share these
  // titles and are closed, and a closed opportunity cannot be saved.
  const others = await db
    .select({ id: opportunities.id })
    .from(opportunities)
    .where(and(inArray(opportunities.title, SAVED_TITLES), eq(opportunities.status, "published")));
  let saved = 0;
  for (const id of [created.id, ...others.map((o) => o.id)]) {
    const result = await saveForLater(db, demoTraineeId, id);
    if (!result.ok) throw new Error(`The demo trainee could not save an opportunity: ${result.message}`);
    saved++;
  }
  return saved;
}
