// A reflection is its trainee's: only they open and write it; a shared one is read by the
// opportunity's trust's leads and DMEs on the application page, and by nobody else.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { opportunities, reflections } from "@db/schema";
import { applyForOpportunity, transitionApplication } from "~/models/applications.server";
import * as applicationPage from "~/routes/applications.$id";
import * as reflectionPage from "~/routes/applications.$id_.reflection";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();

const FULL = {
  whatHappened: "I sat with the board for two meetings and read the papers.",
  soWhat: "I learned how assurance questions are asked.",
  nowWhat: "I will ask one assurance question at my directorate meeting.",
  hlmDimensions: ["holding_to_account"],
  gpcDomains: ["leadership_teamworking"],
  rating: "4",
  wouldRecommend: "yes",
};
const signOff = { observedDimensions: ["holding_to_account"], strengths: "Asked sharp questions.", nextStep: "Chair a meeting." };

/** An approved placement on an opportunity that ended in 2025 (so sign-off and reflection are open whatever day the suite runs). */
async function scene(complete = true) {
  const trust = await makeTrust(t.db, { name: "Alder Hospitals NHS Trust" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const otherTrust = await makeTrust(t.db);
  const otherDme = await makeUser(t.db, { role: "dme", trustId: otherTrust.id });
  const otherLead = await makeUser(t.db, { role: "trust_lead", trustId: otherTrust.id });
  const admin = await makeUser(t.db, { role: "admin" });
  const trainee = await makeTrainee(t.db);
  const otherTrainee = await makeTrainee(t.db);
  const opportunityId = await makeOpportunity(t.db, trust.id);
  await t.db.update(opportunities).set({ startsOn: "2025-03-01", endsOn: "2025-03-31", applicationDeadline: "2025-02-15" }).where(eq(opportunities.id, opportunityId));
  const applied = await applyForOpportunity(t.db, trainee.id, { opportunityId, statement: "I would like to understand how the board weighs safety against flow.", confidentiality: false }, "2025-02-01");
  if (!applied.ok) throw new Error(JSON.stringify(applied));
  const id = applied.applicationId;
  await transitionApplication(t.db, { id: lead.id, role: "trust_lead", trustId: trust.id }, id, "offer", { today: "2025-02-01" });
  await transitionApplication(t.db, { id: dme.id, role: "dme", trustId: trust.id }, id, "approve", { today: "2025-02-01" });
  if (complete) await transitionApplication(t.db, { id: lead.id, role: "trust_lead", trustId: trust.id }, id, "complete", { today: "2025-04-01", signOff });
  const cookie = async (u: { id: string }) => sessionCookieFor(t.db, u.id);
  const cookies = {
    trainee: await cookie(trainee),
    otherTrainee: await cookie(otherTrainee),
    lead: await cookie(lead),
    dme: await cookie(dme),
    otherDme: await cookie(otherDme),
    otherLead: await cookie(otherLead),
    admin: await cookie(admin),
  };
  return { id, cookies };
}

const openReflection = (id: string, cookie: string) => callRoute(t.db, reflectionPage.loader, getRequest(`/applications/${id}/reflection`, cookie), { id });
const postReflection = (id: string, cookie: string, fields: Record<string, string | string[]>) =>
  callRoute(t.db, reflectionPage.action, formRequest(`/applications/${id}/reflection`, fields, cookie), { id });
const openApplication = (id: string, cookie: string) => callRoute(t.db, applicationPage.loader, getRequest(`/applications/${id}`, cookie), { id });
const reflectionOnApplication = async (id: string, cookie: string) => ((await (await openApplication(id, cookie)).json()) as { reflection: unknown }).reflection;

describe("the reflection page", () => {
  it("is its trainee's: another trainee gets 404, staff 403", async () => {
    const s = await scene();
    expect((await openReflection(s.id, s.cookies.trainee)).status).toBe(200);
    expect((await openReflection(s.id, s.cookies.otherTrainee)).status).toBe(404);
    expect((await postReflection(s.id, s.cookies.otherTrainee, { intent: "draft", whatHappened: "Not mine" })).status).toBe(404);
    for (const who of ["lead", "dme", "admin"] as const) {
      expect((await openReflection(s.id, s.cookies[who])).status, who).toBe(403);
      expect((await postReflection(s.id, s.cookies[who], { intent: "draft" })).status, who).toBe(403);
    }
    expect((await openReflection("not-a-uuid", s.cookies.trainee)).status).toBe(404);
    expect(await t.db.select().from(reflections)).toHaveLength(0);
  });

  it("saves a draft, refuses an incomplete final with a message by each field and the answers kept, then makes it final for good", async () => {
    const s = await scene();
    expect((await postReflection(s.id, s.cookies.trainee, { intent: "draft", whatHappened: "Early notes" })).status).toBe(302);
    const refused = await postReflection(s.id, s.cookies.trainee, { intent: "final", whatHappened: "Early notes", rating: "3" });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(body.fieldErrors).toMatchObject({ soWhat: "Say what you learned", wouldRecommend: "Say whether you would recommend this opportunity" });
    expect(body.values).toMatchObject({ whatHappened: "Early notes", rating: "3" });
    expect((await postReflection(s.id, s.cookies.trainee, { intent: "final", ...FULL })).status).toBe(302);
    const again = await postReflection(s.id, s.cookies.trainee, { intent: "draft", whatHappened: "Rewritten" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { formError: string }).formError).toBe("This reflection is final, so it can no longer be changed");
    const page = (await (await openReflection(s.id, s.cookies.trainee)).json()) as { reflection: { whatHappened: string } };
    expect(page.reflection.whatHappened).toBe(FULL.whatHappened);
  });

  it("refuses to share a draft (409) and answers an unknown button with 400", async () => {
    const s = await scene();
    await postReflection(s.id, s.cookies.trainee, { intent: "draft", whatHappened: "Early notes" });
    expect((await postReflection(s.id, s.cookies.trainee, { intent: "share" })).status).toBe(409);
    expect((await postReflection(s.id, s.cookies.trainee, { intent: "publish" })).status).toBe(400);
  });
});

describe("a shared reflection on the application page", () => {
  it("is shown to that trust's DME and lead only when shared; never to another trust's staff, an admin or another trainee", async () => {
    const s = await scene();
    await postReflection(s.id, s.cookies.trainee, { intent: "final", ...FULL });
    expect(await reflectionOnApplication(s.id, s.cookies.dme)).toBeNull();
    expect(await reflectionOnApplication(s.id, s.cookies.lead)).toBeNull();
    expect(await reflectionOnApplication(s.id, s.cookies.trainee)).toMatchObject({ kind: "own", state: "final", shared: false });

    expect((await postReflection(s.id, s.cookies.trainee, { intent: "share" })).status).toBe(302);
    expect(await reflectionOnApplication(s.id, s.cookies.dme)).toMatchObject({ kind: "shared", reflection: { whatHappened: FULL.whatHappened, rating: 4 } });
    expect(await reflectionOnApplication(s.id, s.cookies.lead)).toMatchObject({ kind: "shared" });
    // Administrators see the application but not the reflection: sharing is with the trust.
    expect(await reflectionOnApplication(s.id, s.cookies.admin)).toBeNull();
    for (const who of ["otherDme", "otherLead", "otherTrainee"] as const) expect((await openApplication(s.id, s.cookies[who])).status, who).toBe(404);

    expect((await postReflection(s.id, s.cookies.trainee, { intent: "unshare" })).status).toBe(302);
    expect(await reflectionOnApplication(s.id, s.cookies.dme)).toBeNull();
  });
});

describe("signing off with the sponsor's feedback", () => {
  it("asks for the dimensions observed, strengths and a next step by their fields, then shows them to the trainee", async () => {
    const s = await scene(false);
    const sign = (fields: Record<string, string | string[]>) =>
      callRoute(t.db, applicationPage.action, formRequest(`/applications/${s.id}`, { intent: "complete", ...fields }, s.cookies.lead), { id: s.id });
    const refused = await sign({ strengths: "Asked sharp questions." });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { fieldErrors: Record<string, string>; values: Record<string, string> };
    expect(Object.keys(body.fieldErrors).sort()).toEqual(["nextStep", "observedDimensions"]);
    expect(body.values.strengths).toBe("Asked sharp questions.");
    expect((await sign(signOff)).status).toBe(302);
    const page = (await (await openApplication(s.id, s.cookies.trainee)).json()) as { application: { status: string; signOff: unknown } };
    expect(page.application).toMatchObject({ status: "completed", signOff: { outcome: "completed", ...signOff } });
    expect(await reflectionOnApplication(s.id, s.cookies.trainee)).toMatchObject({ kind: "own", open: true, state: "none" });
  });
});
