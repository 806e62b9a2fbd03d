import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { completionSignoffs, reflections } from "@db/schema";
import { applyForOpportunity, getApplicationForViewer, transitionApplication } from "~/models/applications.server";
import {
  FINAL_CANNOT_CHANGE,
  getReflectionPage,
  NOT_YET,
  opportunityRatings,
  reflectionForApplication,
  saveReflection,
  setReflectionSharing,
  SHARE_NEEDS_FINAL,
} from "~/models/reflections.server";
import { RATINGS_SHOWN_FROM } from "~/models/reflections.rules";
import { SMALL_NUMBER_LIMIT } from "~/models/suppression";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();
const before = "2027-02-01";
const after = "2027-04-02"; // the test opportunity runs 1 to 31 March 2027
const signOff = { observedDimensions: ["engaging_the_team"], strengths: "Calm under pressure and listened well.", nextStep: "Lead the next huddle." };
const asActor = (u: { id: string; role: "trainee" | "trust_lead" | "dme" | "admin"; trustId: string | null }) => ({ id: u.id, role: u.role, trustId: u.trustId });

const FULL = {
  whatHappened: "I shadowed the chief medical officer for three days.",
  soWhat: "I learned how decisions are weighed against the trust's objectives.",
  nowWhat: "I will bring a flow problem from my ward to the next huddle.",
  hlmDimensions: ["evaluating_information", "engaging_the_team"],
  gpcDomains: ["leadership_teamworking"],
  rating: "4",
  wouldRecommend: "yes",
};

async function setting() {
  const trust = await makeTrust(t.db);
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const opportunityId = await makeOpportunity(t.db, trust.id, { seats: "10", hlmDimensions: ["engaging_the_team", "leading_with_care"] });
  return { trust, lead, dme, opportunityId };
}

/** A trainee whose placement on the opportunity is approved (and, unless told otherwise, signed off as completed). */
async function approved(s: Awaited<ReturnType<typeof setting>>, complete = true) {
  const trainee = await makeTrainee(t.db, { grade: "FY2" });
  const applied = await applyForOpportunity(t.db, trainee.id, { opportunityId: s.opportunityId, statement: "I want to learn how the executive team makes decisions.", confidentiality: false }, before);
  if (!applied.ok) throw new Error(JSON.stringify(applied));
  await transitionApplication(t.db, asActor(s.lead), applied.applicationId, "offer", { today: before });
  await transitionApplication(t.db, asActor(s.dme), applied.applicationId, "approve", { today: before });
  if (complete) {
    const done = await transitionApplication(t.db, asActor(s.lead), applied.applicationId, "complete", { today: after, signOff });
    if (!done.ok) throw new Error(JSON.stringify(done));
  }
  return { trainee, applicationId: applied.applicationId };
}

describe("a reflection", () => {
  it("saves a partial draft, edits it, and makes it final only when every part is answered", async () => {
    const s = await setting();
    const { trainee, applicationId } = await approved(s);
    expect(await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "First thoughts" }, { finalise: false, today: after })).toEqual({ ok: true, finalised: false });
    expect(await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "Second thoughts", rating: "3" }, { finalise: false, today: after })).toEqual({ ok: true, finalised: false });
    const page = await getReflectionPage(t.db, trainee.id, applicationId, after);
    expect(page!.reflection).toMatchObject({ whatHappened: "Second thoughts", rating: 3, finalisedAt: null });

    const refused = await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "Second thoughts" }, { finalise: true, today: after });
    expect(refused).toMatchObject({ ok: false, status: 400 });
    if (refused.ok) throw new Error("unreachable");
    expect(Object.keys(refused.fieldErrors).sort()).toEqual(["gpcDomains", "hlmDimensions", "nowWhat", "rating", "soWhat", "wouldRecommend"]);
    expect((await getReflectionPage(t.db, trainee.id, applicationId, after))!.reflection!.finalisedAt).toBeNull();

    expect(await saveReflection(t.db, trainee.id, applicationId, FULL, { finalise: true, today: after })).toEqual({ ok: true, finalised: true });
    const [row] = await t.db.select().from(reflections).where(eq(reflections.applicationId, applicationId));
    expect(row).toMatchObject({ whatHappened: FULL.whatHappened, rating: 4, wouldRecommend: true, gpcDomains: ["leadership_teamworking"], sharedAt: null });
    expect(row!.finalisedAt).toBeInstanceOf(Date);
  });

  it("can no longer be changed once final, by a draft or by marking it final again", async () => {
    const s = await setting();
    const { trainee, applicationId } = await approved(s);
    await saveReflection(t.db, trainee.id, applicationId, FULL, { finalise: true, today: after });
    expect(await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "Rewritten" }, { finalise: false, today: after })).toMatchObject({ ok: false, status: 409, formError: FINAL_CANNOT_CHANGE });
    expect(await saveReflection(t.db, trainee.id, applicationId, { ...FULL, rating: "1" }, { finalise: true, today: after })).toMatchObject({ ok: false, status: 409, formError: FINAL_CANNOT_CHANGE });
    const [row] = await t.db.select().from(reflections).where(eq(reflections.applicationId, applicationId));
    expect(row).toMatchObject({ whatHappened: FULL.whatHappened, rating: 4 });
  });

  it("is open on a completed application, and on an approved one only once the opportunity has ended", async () => {
    const s = await setting();
    const { trainee, applicationId } = await approved(s, false);
    expect(await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "Too soon" }, { finalise: false, today: "2027-03-31" })).toMatchObject({ ok: false, status: 409, formError: NOT_YET });
    expect(await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "Over now" }, { finalise: false, today: "2027-04-01" })).toEqual({ ok: true, finalised: false });
  });

  it("is its trainee's alone: another trainee's save, share or page answers 404", async () => {
    const s = await setting();
    const { trainee, applicationId } = await approved(s);
    const other = await makeTrainee(t.db);
    await saveReflection(t.db, trainee.id, applicationId, FULL, { finalise: true, today: after });
    expect(await getReflectionPage(t.db, other.id, applicationId, after)).toBeNull();
    expect(await saveReflection(t.db, other.id, applicationId, { whatHappened: "Not mine" }, { finalise: false, today: after })).toMatchObject({ ok: false, status: 404 });
    expect(await setReflectionSharing(t.db, other.id, applicationId, true)).toMatchObject({ ok: false, status: 404 });
    expect((await t.db.select().from(reflections))[0]).toMatchObject({ sharedAt: null, whatHappened: FULL.whatHappened });
  });

  it("is shared only when final, reaches only the opportunity's trust's leads and DMEs, and stops when the trainee stops sharing", async () => {
    const s = await setting();
    const { trainee, applicationId } = await approved(s);
    const otherTrust = await makeTrust(t.db);
    const otherDme = await makeUser(t.db, { role: "dme", trustId: otherTrust.id });
    const admin = await makeUser(t.db, { role: "admin" });
    const app = (await getApplicationForViewer(t.db, asActor(trainee), applicationId, after))!;
    const seenBy = (u: Parameters<typeof asActor>[0]) => reflectionForApplication(t.db, asActor(u), app, after);

    await saveReflection(t.db, trainee.id, applicationId, { whatHappened: "Draft" }, { finalise: false, today: after });
    expect(await setReflectionSharing(t.db, trainee.id, applicationId, true)).toEqual({ ok: false, status: 409, message: SHARE_NEEDS_FINAL });
    expect(await seenBy(s.dme)).toBeNull();

    await saveReflection(t.db, trainee.id, applicationId, FULL, { finalise: true, today: after });
    expect(await seenBy(s.lead)).toBeNull();
    expect(await seenBy(trainee)).toMatchObject({ kind: "own", state: "final", shared: false });
    expect(await setReflectionSharing(t.db, trainee.id, applicationId, true)).toEqual({ ok: true, shared: true });
    expect(await seenBy(s.dme)).toMatchObject({ kind: "shared", reflection: { whatHappened: FULL.whatHappened } });
    expect(await seenBy(s.lead)).toMatchObject({ kind: "shared" });
    expect(await seenBy(otherDme)).toBeNull();
    expect(await seenBy(admin)).toBeNull();
    expect(await seenBy(await makeTrainee(t.db))).toBeNull();

    expect(await setReflectionSharing(t.db, trainee.id, applicationId, false)).toEqual({ ok: true, shared: false });
    expect(await seenBy(s.dme)).toBeNull();
  });
});

describe("the sponsor's sign-off", () => {
  it("needs the dimensions observed, strengths and one next step, and stores them", async () => {
    const s = await setting();
    const { applicationId } = await approved(s, false);
    const refused = await transitionApplication(t.db, asActor(s.lead), applicationId, "complete", { today: after, signOff: { observedDimensions: [], strengths: " ", nextStep: "" } });
    expect(refused).toMatchObject({ ok: false, status: 400 });
    expect(!refused.ok && Object.keys(refused.fieldErrors ?? {}).sort()).toEqual(["nextStep", "observedDimensions", "strengths"]);
    expect(await transitionApplication(t.db, asActor(s.lead), applicationId, "complete", { today: after, reason: "Old-style feedback only" })).toMatchObject({ ok: false, status: 400 });
    expect(await t.db.select().from(completionSignoffs)).toHaveLength(0);

    expect(await transitionApplication(t.db, asActor(s.lead), applicationId, "complete", { today: after, signOff })).toMatchObject({ ok: true, status: "completed" });
    expect(await t.db.select().from(completionSignoffs)).toEqual([
      expect.objectContaining({ outcome: "completed", observedDimensions: ["engaging_the_team"], strengths: signOff.strengths, nextStep: signOff.nextStep }),
    ]);
  });

  it("keeps the required reason for not completed", async () => {
    const s = await setting();
    const { applicationId } = await approved(s, false);
    expect(await transitionApplication(t.db, asActor(s.lead), applicationId, "not_complete", { today: after })).toMatchObject({ ok: false, status: 400 });
    expect(await transitionApplication(t.db, asActor(s.lead), applicationId, "not_complete", { today: after, reason: "Left early" })).toMatchObject({ ok: true });
  });
});

describe("an opportunity's ratings", () => {
  it("come from final reflections only, and are shown from 8 trainees, the reports' small-number limit", async () => {
    expect(RATINGS_SHOWN_FROM).toBe(SMALL_NUMBER_LIMIT);
    const s = await setting();
    const people = [];
    for (let i = 0; i < 9; i++) people.push(await approved(s));
    // Seven final ratings: 5, then six 4s, one of them not recommending it.
    for (let i = 0; i < 7; i++) {
      await saveReflection(t.db, people[i]!.trainee.id, people[i]!.applicationId, { ...FULL, rating: i === 0 ? "5" : "4", ...(i === 1 ? { wouldRecommend: "no" } : {}) }, { finalise: true, today: after });
    }
    // A draft's rating is not counted.
    await saveReflection(t.db, people[8]!.trainee.id, people[8]!.applicationId, { rating: "1" }, { finalise: false, today: after });
    expect(await opportunityRatings(t.db, s.opportunityId)).toEqual({ rated: 7, shown: false });
    await saveReflection(t.db, people[7]!.trainee.id, people[7]!.applicationId, { ...FULL, rating: "4" }, { finalise: true, today: after });
    expect(await opportunityRatings(t.db, s.opportunityId)).toEqual({ rated: 8, shown: true, mean: 4.1, recommend: 7 });
  });
});

// On PostgreSQL the saves race over two pools; the embedded database runs them one at a time.
describe("parallel saves", () => {
  it("20 parallel first saves and finals of one reflection leave one row, final once, never changed after", async () => {
    const s = await setting();
    const { trainee, applicationId } = await approved(s);
    const { openDatabase } = await import("@db/client");
    const second = usingPostgres && t.url ? await openDatabase({ url: t.url, poolSize: 10 }) : null;
    try {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          saveReflection(i % 2 && second ? second.db : t.db, trainee.id, applicationId, i % 4 === 3 ? { ...FULL, whatHappened: `Final ${i}` } : { whatHappened: `Draft ${i}` }, {
            finalise: i % 4 === 3,
            today: after,
          }),
        ),
      );
      const rows = await t.db.select().from(reflections).where(eq(reflections.applicationId, applicationId));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.finalisedAt).toBeInstanceOf(Date);
      // Every save that reported success happened before the reflection was final, or made it final; the rest were told it was final.
      const finals = results.filter((r) => r.ok && r.finalised);
      expect(finals).toHaveLength(1);
      for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ status: 409, formError: FINAL_CANNOT_CHANGE });
      expect(rows[0]!.whatHappened).toMatch(/^Final \d+$/);
    } finally {
      await second?.close();
    }
  });
});
