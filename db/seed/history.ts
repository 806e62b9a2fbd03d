// Demo history over the current and the previous training year, so the reports (coverage, the
// uptake funnel, the monthly series against last year, equity) show living figures on a fresh
// start: trainees' earlier placements, editions of demo opportunities that ran last year and
// earlier this year with applications in every state, a baseline for this year and voluntary
// equality answers.
//
// Applications and their transitions go through the same model functions a trainee, lead and
// DME use, each called with the simulated day as its "today", so only what the service accepts
// is made. The models stamp their rows with the database's now(); the history needs the day it
// happened, so right after each call the rows it wrote are re-dated to that day (see `stamp`).
// Nothing else writes application history directly.
import { and, asc, eq, gt, inArray, like, max, ne, sql } from "drizzle-orm";
import * as v from "valibot";

import { applyForOpportunity, transitionApplication, type TransitionResult } from "../../app/models/applications.server";
import { setBaseline } from "../../app/models/baselines.server";
import { GRADES, type DisabilityAnswer, type EthnicGroup, type Grade, type Sex } from "../../app/models/domain";
import { OpportunitySchema } from "../../app/models/opportunities.schema";
import { refreshSearchVectors, saveOpportunity } from "../../app/models/opportunities.server";
import type { ApplicationAction } from "../../app/models/applications.rules";
import { addDaysIso, trainingYearOf } from "../../app/utils/dates";
import type { Db } from "../client";
import {
  applicationEvents,
  applications,
  completionSignoffs,
  emailOutbox,
  notifications,
  objectives,
  opportunities,
  placements,
  roundPreferences,
  sites,
  traineeProfiles,
  trusts,
  users,
} from "../schema";
import { createPlacement } from "./factories";
import { DEMO_OPPORTUNITIES, type DemoOpportunity } from "./opportunities-data";
import { formInput } from "./opportunities";
import { rotationStart } from "./demo";
import { demoReflection, demoSignOff } from "./reflections";

/**
 * What becomes of one applicant. `withdrawn_after_approval` gives up an approved seat before the
 * start; `withdrawn` withdraws while still waiting for the trust.
 */
export type Outcome =
  | "completed"
  | "not_completed"
  | "approved"
  | "offered"
  | "waitlisted"
  | "submitted"
  | "declined"
  | "rejected"
  | "withdrawn_after_approval"
  | "withdrawn";

const HOLDS_SEAT_AFTER_OFFER: readonly Outcome[] = ["completed", "not_completed", "approved", "offered", "rejected", "withdrawn_after_approval"];

/**
 * Scripts of outcomes. A waiting list exists only when every seat is taken, and a seat freed
 * later (a rejection, a withdrawal) goes to the first on the list, so scripts with a waiting
 * list free no seat. "Ended" scripts leave nothing waiting for anyone: on an opportunity that
 * is over, an open application would sit in someone's queue for good.
 */
const WAITING_LIST: Outcome[] = ["completed", "approved", "offered", "waitlisted", "waitlisted", "submitted", "declined"];
const REFUSALS: Outcome[] = ["completed", "not_completed", "rejected", "withdrawn_after_approval", "withdrawn", "declined", "submitted"];
const ENDED: Outcome[] = ["completed", "completed", "not_completed", "rejected", "declined", "withdrawn"];
/** A larger cohort that ended this year, so its ratings (from 3 trainees) and the evaluation scores (from 8) show. */
const COHORT: Outcome[] = ["completed", "completed", "completed", "completed", "completed", "completed", "completed", "completed", "not_completed", "declined", "withdrawn"];

type Plan = { title: string; start: (ctx: Calendar) => string | null; outcomes: Outcome[] };
type Calendar = { today: string; yearStart: string; previousYearStart: string };

/**
 * Editions of demo opportunities (by title) open to every grade and specialty, so any demo
 * trainee can apply. Last year's cover every state; this year's are either over (ended before
 * today) or running now.
 */
const PLANS: Plan[] = [
  // The previous training year.
  { title: "Observe the Trust Board and the Quality", start: (c) => addDaysIso(c.previousYearStart, 40), outcomes: ENDED },
  { title: "Resident doctors' forum project: rest, f", start: (c) => addDaysIso(c.previousYearStart, 75), outcomes: ENDED },
  { title: "Three days with the Chief Executive", start: (c) => addDaysIso(c.previousYearStart, 110), outcomes: WAITING_LIST },
  { title: "Buddy with the site general manager at P", start: (c) => addDaysIso(c.previousYearStart, 160), outcomes: REFUSALS },
  { title: "Protected breaks on night shifts", start: (c) => addDaysIso(c.previousYearStart, 220), outcomes: WAITING_LIST },
  { title: "Greener care: inhalers and single-use it", start: (c) => addDaysIso(c.previousYearStart, 200), outcomes: REFUSALS },
  // This training year: over already (when the year is far enough in), and running now.
  { title: "Three days with the Chief Executive", start: (c) => endedThisYear(c, 28), outcomes: COHORT },
  { title: "Observe the Trust Board and the Quality", start: (c) => endedThisYear(c, 56), outcomes: COHORT },
  { title: "Protected breaks on night shifts", start: (c) => addDaysIso(c.today, -20), outcomes: WAITING_LIST.filter((o) => o !== "completed") },
  { title: "Observer at the Education and Workforce", start: (c) => addDaysIso(c.today, -25), outcomes: REFUSALS.map((o) => (o === "completed" || o === "not_completed" ? "approved" : o)) },
  // Ended three days ago (it lasts 90 days) with two approved trainees not yet signed off: the trust lead's "sign-offs due".
  { title: "Night-time rest for resident doctors", start: (c) => addDaysIso(c.today, -93), outcomes: ["approved", "approved", "declined"] },
];

/** A start early in this training year for an opportunity of this length that has ended and been signed off by today, or null. */
function endedThisYear(c: Calendar, durationDays: number): string | null {
  const start = addDaysIso(c.yearStart, 10);
  return addDaysIso(start, durationDays + 4) <= c.today ? start : null;
}

/** One lower grade in the same programme (FY2 → FY1, ST4 → ST3), for last year's placements. */
function gradeBefore(grade: Grade): Grade {
  const i = GRADES.indexOf(grade);
  const before = GRADES[i - 1];
  return before && before.replace(/\d+$/, "") === grade.replace(/\d+$/, "") ? before : grade;
}

const SEX_SPREAD: (Sex | null)[] = ["female", "male", "female", "prefer_not_to_say", null, "male", "female"];
const ETHNIC_SPREAD: (EthnicGroup | null)[] = ["white", "asian", "black", "white", "mixed", "asian", "other", "prefer_not_to_say", null, "white", "asian"];
const DISABILITY_SPREAD: (DisabilityAnswer | null)[] = ["no", "no", "yes", "no", "prefer_not_to_say", null, "no", "no", "yes"];

export async function seedDemoHistory(
  db: Db,
  today: string,
  people: { adminId: string; lead: { id: string; trustId: string }; dme: { id: string; trustId: string }; demoTraineeId: string },
): Promise<{ applications: number }> {
  minute = 0; // the same times on every seed, also when one process seeds twice (the tests)
  let feedbackCount = 0;
  let reflectionCount = 0;
  const [yearStart] = trainingYearOf(today);
  const calendar: Calendar = { today, yearStart, previousYearStart: `${Number(yearStart.slice(0, 4)) - 1}-08-01` };

  await addEarlierPlacements(db, today, people.lead.trustId);
  await answerEqualityQuestions(db, people.demoTraineeId);

  // The demo trainee's own page and the rounds' audit records stay as the rest of the demo
  // made them: neither takes part in this history.
  const inRounds = (await db.selectDistinct({ id: roundPreferences.traineeId }).from(roundPreferences)).map((r) => r.id);
  const pool = (
    await db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "trainee"), like(users.email, "%@demo.test"), ne(users.id, people.demoTraineeId)))
      .orderBy(asc(users.email))
  )
    .map((r) => r.id)
    .filter((id) => !inRounds.includes(id));

  const trustRows = await db.select({ id: trusts.id, odsCode: trusts.odsCode }).from(trusts);
  const trustByOds = new Map(trustRows.map((t) => [t.odsCode, t.id]));
  // The demo has staff only at RRK (the seed's one lead and one DME). Other trusts' decisions
  // need an account to be recorded against, so they are the demo administrator's, acting in
  // that trust's role: the figures, which count transitions, not who made them, are the same.
  const leadOf = (trustId: string) => ({ id: trustId === people.lead.trustId ? people.lead.id : people.adminId, role: "trust_lead" as const, trustId });
  const dmeOf = (trustId: string) => ({ id: trustId === people.dme.trustId ? people.dme.id : people.adminId, role: "dme" as const, trustId });

  let made = 0;
  let offset = 0;
  for (const plan of PLANS) {
    const start = plan.start(calendar);
    if (!start) continue;
    const template = DEMO_OPPORTUNITIES.find((o) => o.title.startsWith(plan.title));
    if (!template) throw new Error(`No demo opportunity titled "${plan.title}…"`);
    const trustId = trustByOds.get(template.ods);
    if (!trustId) continue;
    const seats = Math.max(1, plan.outcomes.filter((o) => HOLDS_SEAT_AFTER_OFFER.includes(o)).length);
    const opportunity = await saveEdition(db, template, start, seats, { trustId, leadId: trustId === people.lead.trustId ? people.lead.id : null });
    const deadline = addDaysIso(start, -template.deadlineDaysBeforeStart);
    const ends = addDaysIso(start, template.durationDays);
    const lead = leadOf(trustId);
    const dme = dmeOf(trustId);

    // Everyone applies in the ten days before the deadline.
    const applicants: { id: string; traineeId: string; outcome: Outcome }[] = [];
    let candidate = 0;
    for (const [i, outcome] of plan.outcomes.entries()) {
      const day = addDaysIso(deadline, -10 + i);
      if (day > today) break;
      while (candidate < pool.length) {
        const traineeId = pool[(offset + candidate++) % pool.length]!;
        const result = await stamp(db, day, () =>
          applyForOpportunity(db, traineeId, { opportunityId: opportunity, statement: STATEMENT, confidentiality: true }, day),
        );
        if (result.ok) {
          applicants.push({ id: result.applicationId, traineeId, outcome });
          made++;
          break;
        }
      }
    }
    offset += 5;

    const step = async (day: string, who: { id: string; role: "trust_lead" | "dme" | "trainee"; trustId: string | null }, action: ApplicationAction, only: readonly Outcome[], reason?: string) => {
      if (day > today) return;
      for (const a of applicants.filter((x) => only.includes(x.outcome))) {
        const actor = who.role === "trainee" ? { id: a.traineeId, role: "trainee" as const, trustId: null } : who;
        // A completion carries the sponsor's structured feedback, on the dimensions the opportunity develops.
        const signOff = action === "complete" ? demoSignOff(template.hlmDimensions, feedbackCount++) : undefined;
        const result: TransitionResult = await stamp(db, day, () => transitionApplication(db, actor, a.id, action, { today: day, reason, signOff }));
        if (!result.ok) throw new Error(`Demo history: ${action} refused on "${template.title}" (${day}): ${result.message}`);
      }
    };
    const decided = addDaysIso(deadline, 2);
    await step(decided, lead, "decline", ["declined"], "The places went to trainees whose placements fit the sessions better.");
    await step(decided, lead, "offer", HOLDS_SEAT_AFTER_OFFER);
    await step(addDaysIso(decided, 1), lead, "waitlist", ["waitlisted"]);
    await step(addDaysIso(decided, 3), dme, "approve", ["completed", "not_completed", "approved", "withdrawn_after_approval"]);
    await step(addDaysIso(decided, 3), dme, "reject", ["rejected"], "The rota cannot release this trainee for the sessions.");
    await step(addDaysIso(decided, 4), { id: "", role: "trainee", trustId: null }, "withdraw", ["withdrawn"]);
    await step(addDaysIso(start, 1) > ends ? start : addDaysIso(start, 1), { id: "", role: "trainee", trustId: null }, "withdraw", ["withdrawn_after_approval"]);
    await step(addDaysIso(ends, 3), lead, "complete", ["completed"]);
    await step(addDaysIso(ends, 3), lead, "not_complete", ["not_completed"], "Left the placement early after a rota change.");
    // Those who completed reflect a week or so later: final reflections, with a rating, some shared with the trust.
    const reflectedOn = addDaysIso(ends, 10);
    if (reflectedOn <= today) {
      for (const a of applicants.filter((x) => x.outcome === "completed")) {
        await demoReflection(db, { traineeId: a.traineeId, applicationId: a.id, day: reflectedOn, n: reflectionCount++, final: true, hlmDimensions: template.hlmDimensions });
      }
    }

    // An edition that is over takes no more applications.
    if (ends < today) await db.update(opportunities).set({ status: "closed" }).where(eq(opportunities.id, opportunity));
  }
  await refreshSearchVectors(db, undefined);

  // This year's baseline: a month into the year (or today, early in the year).
  const baselineOn = addDaysIso(yearStart, 30) <= today ? addDaysIso(yearStart, 30) : today;
  const baseline = await setBaseline(db, { id: people.adminId, role: "admin" }, { year: Number(yearStart.slice(0, 4)), baselineOn }, today);
  if (!baseline.ok) throw new Error(`Demo baseline refused: ${JSON.stringify(baseline)}`);

  // @demo.test is no one's mailbox (as in applications.ts).
  await db.update(emailOutbox).set({ status: "cancelled", secret: null }).where(eq(emailOutbox.status, "pending"));
  return { applications: made };
}

const STATEMENT =
  "I want to see how decisions are made beyond my ward and bring what I learn back to my team, and this opportunity fits my placement.";

/**
 * Runs one model call as if on `day`: the application, event and notification rows it writes
 * are given that day's time (the models use now()). Each call is a few minutes after the last,
 * so a day's events keep their order.
 */
let minute = 0;
export async function stamp<T>(db: Db, day: string, call: () => Promise<T>): Promise<T> {
  const [before] = await db.select({ id: max(applicationEvents.id) }).from(applicationEvents);
  const lastEvent = before?.id ?? 0;
  const result = await call();
  minute = (minute + 7) % (8 * 60);
  const at = new Date(`${day}T09:00:00Z`);
  at.setUTCMinutes(at.getUTCMinutes() + minute);
  const events = await db
    .update(applicationEvents)
    .set({ createdAt: at })
    .where(gt(applicationEvents.id, lastEvent))
    .returning({ id: applicationEvents.id, applicationId: applicationEvents.applicationId, fromStatus: applicationEvents.fromStatus, toStatus: applicationEvents.toStatus });
  if (events.length) {
    // The sign-off is dated with its event: the evidence says when it was signed off and the
    // reflection_due reminder counts its week from it, so a seeded one must not be "today".
    const signedOff = events.filter((e) => e.toStatus === "completed" || e.toStatus === "not_completed").map((e) => e.applicationId);
    if (signedOff.length) await db.update(completionSignoffs).set({ createdAt: at }).where(inArray(completionSignoffs.applicationId, signedOff));
    const ids = [...new Set(events.map((e) => e.applicationId))];
    const created = events.filter((e) => e.fromStatus === null).map((e) => e.applicationId);
    if (created.length) await db.update(applications).set({ createdAt: at }).where(inArray(applications.id, created));
    await db.update(applications).set({ updatedAt: at }).where(inArray(applications.id, ids));
    // Old news: dated when it happened, and already read, so nobody's bell rings for last year.
    await db.update(notifications).set({ createdAt: at, readAt: at }).where(inArray(notifications.eventId, events.map((e) => e.id)));
  }
  return result;
}

export async function saveEdition(db: Db, o: DemoOpportunity, start: string, seats: number, owner: { trustId: string; leadId: string | null }): Promise<string> {
  const siteId = o.site ? ((await db.select({ id: sites.id }).from(sites).where(and(eq(sites.trustId, owner.trustId), eq(sites.name, o.site))))[0]?.id ?? "") : "";
  const objectiveId = o.objective
    ? ((await db.select({ id: objectives.id }).from(objectives).where(and(eq(objectives.trustId, owner.trustId), eq(objectives.title, o.objective))))[0]?.id ?? "")
    : "";
  // formInput places the start at "seed day + startOffsetDays": give it the day that lands on `start`.
  const input = v.parse(OpportunitySchema, { ...formInput(o, addDaysIso(start, -o.startOffsetDays), { siteId, objectiveId }), seats: String(seats) });
  const result = await saveOpportunity(db, { trustId: owner.trustId, userId: owner.leadId }, input);
  if (!result.ok) throw new Error(`Demo edition of "${o.title}" was refused: ${JSON.stringify(result.fieldErrors)}`);
  await db.update(opportunities).set({ status: "published", publishedAt: new Date(`${addDaysIso(start, -o.deadlineDaysBeforeStart - 30)}T09:00:00Z`) }).where(eq(opportunities.id, result.id));
  return result.id;
}

/**
 * The rotations before each demo trainee's current one, back to the start of last training
 * year, as the training-information system would have sent them: at another trust of the
 * region (every third at the demo DME's trust) and a grade lower in the previous year, so the
 * reports count trainees where and as what they were.
 */
async function addEarlierPlacements(db: Db, today: string, demoTrustId: string) {
  const [yearStart] = trainingYearOf(today);
  const y = Number(yearStart.slice(0, 4));
  const rotationStarts = [rotationStart(y - 1, 8), rotationStart(y, 2), rotationStart(y, 8), rotationStart(y + 1, 2)];
  const current = await db
    .select({ traineeId: placements.traineeId, trustId: placements.trustId, grade: placements.grade, specialty: placements.specialty, wte: placements.wte, startsOn: placements.startsOn, region: trusts.region })
    .from(placements)
    .innerJoin(trusts, eq(trusts.id, placements.trustId))
    .innerJoin(users, eq(users.id, placements.traineeId))
    .where(and(like(users.email, "%@demo.test"), eq(placements.source, "import"), sql`${placements.startsOn} <= ${today}::date and ${placements.endsOn} >= ${today}::date`))
    .orderBy(asc(users.email));
  const trustRows = await db.select({ id: trusts.id, region: trusts.region }).from(trusts).orderBy(asc(trusts.odsCode));
  for (const [i, p] of current.entries()) {
    const inRegion = trustRows.filter((t) => t.region === p.region && t.id !== p.trustId);
    for (const [k, starts] of rotationStarts.entries()) {
      const nextStart = rotationStarts[k + 1] ?? p.startsOn;
      if (starts >= p.startsOn) break;
      const endsOn = addDaysIso(nextStart < p.startsOn ? nextStart : p.startsOn, -1);
      const trustId = (i + k) % 3 === 0 ? demoTrustId : (inRegion[(i * 3 + k) % Math.max(1, inRegion.length)]?.id ?? p.trustId);
      const grade = starts < yearStart ? gradeBefore(p.grade as Grade) : (p.grade as Grade);
      await createPlacement(db, { traineeId: p.traineeId, trustId, grade, specialty: p.specialty, wte: p.wte, startsOn: starts, endsOn, source: "import" });
    }
  }
}

/**
 * Voluntary equality answers for the generated trainees (the demo trainee keeps hers unanswered,
 * to try the form): a spread with "Prefer not to say" and questions left unanswered, written
 * straight to the profile as a trainee's own answers would be.
 */
async function answerEqualityQuestions(db: Db, demoTraineeId: string) {
  const trainees = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "trainee"), like(users.email, "%@demo.test"), ne(users.id, demoTraineeId)))
    .orderBy(asc(users.email));
  for (const [i, t] of trainees.entries()) {
    await db
      .update(traineeProfiles)
      .set({ sex: SEX_SPREAD[i % SEX_SPREAD.length]!, ethnicGroup: ETHNIC_SPREAD[i % ETHNIC_SPREAD.length]!, disability: DISABILITY_SPREAD[i % DISABILITY_SPREAD.length]! })
      .where(eq(traineeProfiles.userId, t.id));
  }
}
