import { and, count, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import {
  allocationRounds,
  applicationEvents,
  applications,
  completionSignoffs,
  emailOptOuts,
  emailOutbox,
  invitations,
  loginAttempts,
  notifications,
  placementImportRows,
  placementImports,
  placements,
  reflections,
  roundPreferences,
  savedOpportunities,
  sessions,
  traineeProfiles,
  users,
} from "@db/schema";
import { getOrCreateCalendarToken } from "~/models/calendar.server";
import { applyForOpportunity, transitionApplication } from "~/models/applications.server";
import { CLOSED_NAME, CLOSURE_REASON, closeTraineeAccount, exportTraineeData, WRONG_PASSWORD } from "~/models/data-rights.server";
import { listNotifications } from "~/models/notifications.server";
import { hashToken } from "~/models/users.server";
import { createUserSession } from "~/auth.server";

import { useTestDatabase } from "../helpers/db";
import { composedOutbox } from "../helpers/emails";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();
const today = "2026-11-25";
const asActor = (u: { id: string; role: "trainee" | "trust_lead" | "dme" | "admin"; trustId: string | null }) => ({ id: u.id, role: u.role, trustId: u.trustId });

/**
 * Two trainees with data of every kind: placements, applications with history, a reflection
 * and a completion sign-off, notifications, sign-in attempts. Each writes words of their own.
 */
async function world() {
  const trust = await makeTrust(t.db, { name: "Alpha Hospitals NHS Trust" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id, name: "Mrs Lead Person" });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id, name: "Dr Dme Person" });
  const shadowing = await makeOpportunity(t.db, trust.id, { title: "Shadow the Chief Executive", seats: "1" });
  const boardSeat = await makeOpportunity(t.db, trust.id, { title: "Sit on the quality committee", seats: "3" });
  const past = await makeOpportunity(t.db, trust.id, {
    title: "Past improvement project",
    startsOn: "2026-12-01",
    endsOn: "2026-12-20",
    applicationDeadline: "2026-11-30",
    sessionDate: ["2026-12-02", "", "", "", "", ""],
  });

  async function trainee(tag: string) {
    const me = await makeTrainee(t.db, { name: `Dr ${tag} Trainee`, grade: "FY2", region: "Midlands", ltft: true, specialty: `${tag} Medicine`, programme: `${tag} Programme` });
    await makePlacement(t.db, { traineeId: me.id, trustId: trust.id, siteId: trust.sites[0]!.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01", source: "import" });
    const statement = (what: string) => `${tag} statement about ${what}, written in my own words.`;
    const apply = async (opportunityId: string, what: string) => {
      const r = await applyForOpportunity(t.db, me.id, { opportunityId, statement: statement(what), confidentiality: false }, today);
      if (!r.ok) throw new Error(JSON.stringify(r));
      return r.applicationId;
    };
    const done = await apply(past, "the past project");
    await transitionApplication(t.db, asActor(lead), done, "offer", { today });
    await transitionApplication(t.db, asActor(dme), done, "approve", { today });
    await transitionApplication(t.db, asActor(lead), done, "complete", {
      today: "2026-12-21",
      signOff: { observedDimensions: ["engaging_the_team"], strengths: `${tag} did excellent work`, nextStep: `${tag} could lead the next audit` },
    });
    await t.db.insert(reflections).values({ applicationId: done, whatHappened: `${tag} ran the audit`, soWhat: `${tag} learned to listen`, nowWhat: `${tag} next steps`, rating: 4, wouldRecommend: true, finalisedAt: new Date(), hlmDimensions: ["leading_with_care"] });
    await t.db.insert(loginAttempts).values({ email: me.email, ip: "192.0.2.7", succeeded: true });
    return { ...me, apply, statement, done };
  }

  return { trust, lead, dme, shadowing, boardSeat, past, trainee };
}

describe("download my data", () => {
  it("holds the trainee's profile, placements, applications with history, reflections, sign-offs and notifications, and nothing of anyone else", async () => {
    const w = await world();
    const me = await w.trainee("Mine");
    const them = await w.trainee("Theirs");
    const submitted = await me.apply(w.boardSeat, "the committee");
    await them.apply(w.boardSeat, "the committee");
    await getOrCreateCalendarToken(t.db, me.id);

    const data = await exportTraineeData(t.db, me.id);
    if (!data) throw new Error("no export");
    expect(data.profile).toMatchObject({ id: me.id, name: "Dr Mine Trainee", email: me.email, gmcNumber: me.profile.gmcNumber, grade: "FY2", ltft: true, region: "Midlands", specialty: "Mine Medicine", calendarFeed: "set up" });
    expect(data.profile).not.toHaveProperty("passwordHash");
    expect(data.profile).not.toHaveProperty("calendarToken");
    expect(data.placements).toEqual([expect.objectContaining({ trustName: "Alpha Hospitals NHS Trust", siteName: w.trust.sites[0]!.name, startsOn: "2026-08-06", source: "training-information system" })]);

    expect(data.applications.map((a) => [a.opportunity.title, a.status])).toEqual([
      ["Past improvement project", "completed"],
      ["Sit on the quality committee", "submitted"],
    ]);
    const completed = data.applications[0]!;
    expect(completed.statement).toBe(me.statement("the past project"));
    expect(completed.opportunity.trustName).toBe("Alpha Hospitals NHS Trust");
    expect(completed.history.map((e) => [e.from, e.to, e.by])).toEqual([
      [null, "submitted", "You"],
      ["submitted", "offered", "Trust lead"],
      ["offered", "approved", "Director of medical education"],
      ["approved", "completed", "Trust lead"],
    ]);
    expect(completed.reflection).toMatchObject({ whatHappened: "Mine ran the audit", soWhat: "Mine learned to listen", rating: 4 });
    expect(completed.completionSignOff).toMatchObject({
      outcome: "completed",
      observedDimensions: ["engaging_the_team"],
      strengths: "Mine did excellent work",
      nextStep: "Mine could lead the next audit",
    });
    expect(data.applications[1]!.id).toBe(submitted);
    expect(data.applications[1]!.reflection).toBeNull();
    expect(data.notifications.length).toBeGreaterThanOrEqual(5);
    expect(data.notifications.map((n) => n.title)).toContain("Application sent: Sit on the quality committee");
    expect(data.signInAttempts).toEqual([expect.objectContaining({ ipAddress: "192.0.2.7", succeeded: true })]);

    // Nobody else's data: not the other trainee's, not the staff's names or addresses.
    const text = JSON.stringify(data);
    for (const theirs of [them.id, them.name, them.email, them.profile.gmcNumber!, "Theirs", w.lead.name, w.lead.email, w.dme.name, w.dme.email]) {
      expect(text, theirs).not.toContain(theirs);
    }
    const [hash] = await t.db.select({ hash: users.passwordHash, token: users.calendarToken }).from(users).where(eq(users.id, me.id));
    expect(text).not.toContain(hash!.hash!);
    expect(text).not.toContain(hash!.token!);
  });

  it("holds the trainee's equality answers, and says null for a question not answered", async () => {
    const w = await world();
    const me = await w.trainee("Mine");
    await t.db.update(traineeProfiles).set({ sex: "female", ethnicGroup: "prefer_not_to_say", disability: null }).where(eq(traineeProfiles.userId, me.id));
    const data = await exportTraineeData(t.db, me.id);
    expect(data?.profile).toMatchObject({ sex: "female", ethnicGroup: "prefer_not_to_say", disability: null });
  });

  it("holds the NHS CIS2 identity linked to the account, and no one else's", async () => {
    const { userIdentities } = await import("@db/schema");
    const trainee = await makeTrainee(t.db);
    const other = await makeTrainee(t.db);
    await t.db.insert(userIdentities).values([
      { userId: trainee.id, issuer: "https://cis2.example.nhs.uk", subject: "cis2-mine" },
      { userId: other.id, issuer: "https://cis2.example.nhs.uk", subject: "cis2-theirs" },
    ]);
    const data = await exportTraineeData(t.db, trainee.id);
    expect(data?.nhsCis2.map((i) => [i.provider, i.subject])).toEqual([["https://cis2.example.nhs.uk", "cis2-mine"]]);
    expect(JSON.stringify(data)).not.toContain("cis2-theirs");
  });

  it("is empty for an unknown user", async () => {
    expect(await exportTraineeData(t.db, "nobody")).toBeNull();
  });
});

describe("closing an account", () => {
  it("refuses a wrong password and changes nothing", async () => {
    const w = await world();
    const me = await w.trainee("Mine");
    const open = await me.apply(w.boardSeat, "the committee");
    await createUserSession(t.db, me.id);
    const result = await closeTraineeAccount(t.db, asActor(me), { password: "not my password at all", ip: "192.0.2.1", today });
    expect(result).toEqual({ ok: false, status: 400, fieldErrors: { password: WRONG_PASSWORD } });
    const [row] = await t.db.select().from(users).where(eq(users.id, me.id));
    expect(row).toMatchObject({ name: me.name, email: me.email, disabledAt: null });
    expect((await t.db.select().from(applications).where(eq(applications.id, open)))[0]?.status).toBe("submitted");
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, me.id))).toHaveLength(1);
  });

  it("stops taking guesses after ten wrong passwords", async () => {
    const w = await world();
    const me = await w.trainee("Mine");
    for (let i = 0; i < 10; i++) await t.db.insert(loginAttempts).values({ email: me.email, ip: "192.0.2.1", succeeded: false });
    const result = await closeTraineeAccount(t.db, asActor(me), { password: TEST_PASSWORD, ip: "192.0.2.1", today });
    expect(result).toMatchObject({ ok: false, status: 429 });
    expect((await t.db.select().from(users).where(eq(users.id, me.id)))[0]?.disabledAt).toBeNull();
  });

  it("closing an account leaves the trainee's name in nobody else's notifications or queued e-mails", async () => {
    const w = await world();
    const me = await w.trainee("Mine");
    const seat = await me.apply(w.shadowing, "shadowing");
    await transitionApplication(t.db, asActor(w.lead), seat, "offer", { today });
    const before = JSON.stringify([...(await listNotifications(t.db, w.lead.id)), ...(await listNotifications(t.db, w.dme.id))]);
    expect(before).toContain(me.name);

    expect(await closeTraineeAccount(t.db, asActor(me), { password: TEST_PASSWORD, ip: "192.0.2.1", today })).toMatchObject({ ok: true });

    // Both are facts worded when shown or sent, and by then the name is gone.
    const staffNotes = [...(await listNotifications(t.db, w.lead.id)), ...(await listNotifications(t.db, w.dme.id))];
    expect(staffNotes.some((n) => n.title.startsWith("New application"))).toBe(true);
    const queued = (await composedOutbox(t.db)).filter((m) => m.row.status === "pending" && m.email);
    expect(queued.some((m) => m.email!.to === w.lead.email)).toBe(true);
    const everythingSaid = JSON.stringify({ staffNotes, queued: queued.map((m) => m.email) });
    for (const personal of [me.name, me.email, me.profile.gmcNumber!]) expect(everythingSaid, personal).not.toContain(personal);
    expect(everythingSaid).toContain("A trainee (whose account is now closed) has withdrawn");
    // Nothing of theirs waits to be sent to them.
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.recipientId, me.id))).toHaveLength(0);
  });

  it("withdraws open applications so the waiting list moves, anonymises, keeps the counts and ends every session", async () => {
    const w = await world();
    const me = await w.trainee("Mine");
    const them = await w.trainee("Theirs");
    // I hold the only seat on the shadowing; they wait for it.
    const mySeat = await me.apply(w.shadowing, "shadowing");
    await transitionApplication(t.db, asActor(w.lead), mySeat, "offer", { today });
    const theirWait = await them.apply(w.shadowing, "shadowing");
    await transitionApplication(t.db, asActor(w.lead), theirWait, "waitlist", { today });
    const myCommittee = await me.apply(w.boardSeat, "the committee");
    await t.db.insert(savedOpportunities).values([{ traineeId: me.id, opportunityId: w.past }, { traineeId: them.id, opportunityId: w.past }]);
    await t.db.insert(emailOptOuts).values([{ userId: me.id, kind: "nudge" }, { userId: them.id, kind: "nudge" }]);
    await t.db.insert(invitations).values({ email: me.email, name: me.name, role: "trainee", tokenHash: hashToken("x"), userId: me.id, expiresAt: new Date(Date.now() + 86_400_000) });
    await getOrCreateCalendarToken(t.db, me.id);
    await createUserSession(t.db, me.id);
    await createUserSession(t.db, me.id);
    const myPlacementsBefore = await t.db.select().from(placements).where(eq(placements.traineeId, me.id));
    await t.db.update(traineeProfiles).set({ sex: "male", ethnicGroup: "asian", disability: "yes" }).where(eq(traineeProfiles.userId, me.id));

    const result = await closeTraineeAccount(t.db, asActor(me), { password: TEST_PASSWORD, ip: "192.0.2.1", today });
    expect(result).toEqual({ ok: true, withdrawn: 2, promoted: [theirWait] });

    // The freed seat went to the waiting list, with the notification that says so.
    const [promoted] = await t.db.select().from(applications).where(eq(applications.id, theirWait));
    expect(promoted?.status).toBe("offered");
    const theirNotes = await listNotifications(t.db, them.id);
    expect(theirNotes.map((n) => n.title)).toContain("Offered, waiting for approval: Shadow the Chief Executive");
    // The trust was told of the withdrawals, with the reason.
    const leadNotes = await listNotifications(t.db, w.lead.id);
    expect(leadNotes.some((n) => n.body.includes(CLOSURE_REASON))).toBe(true);


    // No personal data left in the trainee's rows.
    const [user] = await t.db.select().from(users).where(eq(users.id, me.id));
    expect(user).toMatchObject({ name: CLOSED_NAME, passwordHash: null, calendarToken: null, role: "trainee" });
    expect(user!.email).toMatch(/^closed-[0-9a-f-]{36}@closed\.invalid$/);
    expect(user!.disabledAt).toBeInstanceOf(Date);
    const [profile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, me.id));
    expect(profile).toMatchObject({ gmcNumber: null, specialty: "", programme: "", grade: "FY2", region: "Midlands", ltft: true });
    // The equality answers were the trainee's to give: closing the account removes them.
    expect(profile).toMatchObject({ sex: null, ethnicGroup: null, disability: null });
    expect(profile!.anonymisedAt).toBeInstanceOf(Date);
    const mine = await t.db.select().from(applications).where(eq(applications.traineeId, me.id));
    const ids = mine.map((a) => a.id);
    const myEvents = await t.db.select().from(applicationEvents).where(inArray(applicationEvents.applicationId, ids));
    const myReflections = await t.db.select().from(reflections).where(inArray(reflections.applicationId, ids));
    const mySignoffs = await t.db.select().from(completionSignoffs).where(inArray(completionSignoffs.applicationId, ids));
    const myPlacements = await t.db.select().from(placements).where(eq(placements.traineeId, me.id));
    const everything = JSON.stringify({ user, profile, mine, myEvents, myReflections, mySignoffs, myPlacements });
    for (const personal of [me.name, me.email, me.profile.gmcNumber!, "Mine", "written in my own words"]) {
      expect(everything, personal).not.toContain(personal);
    }
    expect(mine.every((a) => a.statement === "")).toBe(true);
    expect(myReflections).toEqual([expect.objectContaining({ whatHappened: "", soWhat: "", nowWhat: "", rating: 4, hlmDimensions: ["leading_with_care"] })]);
    expect(mySignoffs).toEqual([expect.objectContaining({ outcome: "completed", sponsorFeedback: "", strengths: "", nextStep: "" })]);
    // Closing an account left its shortlist and e-mail choices behind: they go with it, and only its own.
    expect(await t.db.select().from(savedOpportunities).where(eq(savedOpportunities.traineeId, me.id))).toEqual([]);
    expect(await t.db.select().from(emailOptOuts).where(eq(emailOptOuts.userId, me.id))).toEqual([]);
    expect(await t.db.select().from(savedOpportunities).where(eq(savedOpportunities.traineeId, them.id))).toHaveLength(1);
    expect(await t.db.select().from(emailOptOuts).where(eq(emailOptOuts.userId, them.id))).toHaveLength(1);

    // The counts remain: every application, its status and its history; the placements as they were.
    expect(Object.fromEntries(mine.map((a) => [a.id, a.status]))).toEqual({ [me.done]: "completed", [mySeat]: "withdrawn", [myCommittee]: "withdrawn" });
    expect(myEvents.filter((e) => e.toStatus === "withdrawn").map((e) => e.reason)).toEqual([CLOSURE_REASON, CLOSURE_REASON]);
    expect(myEvents).toHaveLength(4 + 3 + 2);
    expect(myPlacements).toEqual(myPlacementsBefore);

    // Gone: sessions, notifications, sign-in attempts, invitations, e-mail to the old address.
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, me.id))).toHaveLength(0);
    expect(await t.db.select().from(notifications).where(eq(notifications.userId, me.id))).toHaveLength(0);
    expect(await t.db.select().from(loginAttempts).where(eq(loginAttempts.email, me.email))).toHaveLength(0);
    expect(await t.db.select().from(invitations).where(eq(invitations.email, me.email))).toHaveLength(0);
    expect(await t.db.select().from(emailOutbox).where(eq(emailOutbox.recipientId, me.id))).toHaveLength(0);

    // The other trainee is untouched.
    const [theirRow] = await t.db.select().from(users).where(eq(users.id, them.id));
    expect(theirRow).toMatchObject({ name: them.name, email: them.email, disabledAt: null });
    const [theirOwn] = await t.db.select({ n: count() }).from(applications).where(and(eq(applications.traineeId, them.id), eq(applications.statement, them.statement("shadowing"))));
    expect(theirOwn?.n).toBe(1);
    expect(await t.db.select().from(loginAttempts).where(eq(loginAttempts.email, them.email))).toHaveLength(1);

    // A closed account cannot be closed (or signed in to) again.
    expect(await closeTraineeAccount(t.db, asActor(me), { password: TEST_PASSWORD, ip: "192.0.2.1", today })).toMatchObject({ ok: false, status: 404 });
  });
});

describe("closing an account, or withdrawing, rewrites history and offers dead seats", () => {
  it("closing leaves an approved placement that has already ended as it is, offers nobody its seat, and still anonymises", async () => {
    const w = await world();
    const ended = { startsOn: "2026-12-01", endsOn: "2026-12-20", applicationDeadline: "2026-11-30", sessionDate: ["2026-12-02", "", "", "", "", ""] };
    const finished = await makeOpportunity(t.db, w.trust.id, { ...ended, title: "Finished shadowing", seats: "1" });
    const unanswered = await makeOpportunity(t.db, w.trust.id, { ...ended, title: "Finished board seat" });
    const me = await w.trainee("Mine");
    const them = await w.trainee("Theirs");
    const myPlace = await me.apply(finished, "the finished shadowing");
    await transitionApplication(t.db, asActor(w.lead), myPlace, "offer", { today });
    await transitionApplication(t.db, asActor(w.dme), myPlace, "approve", { today });
    const theirWait = await them.apply(finished, "the finished shadowing");
    await transitionApplication(t.db, asActor(w.lead), theirWait, "waitlist", { today });
    const neverDecided = await me.apply(unanswered, "the finished board seat");
    const dmeNotesBefore = (await listNotifications(t.db, w.dme.id)).length;

    const afterTheEnd = "2027-01-05";
    expect(await closeTraineeAccount(t.db, asActor(me), { password: TEST_PASSWORD, ip: "192.0.2.1", today: afterTheEnd })).toEqual({ ok: true, withdrawn: 0, promoted: [] });

    const statuses = Object.fromEntries(
      (await t.db.select({ id: applications.id, status: applications.status }).from(applications).where(inArray(applications.id, [myPlace, theirWait, neverDecided]))).map((a) => [a.id, a.status]),
    );
    expect(statuses).toEqual({ [myPlace]: "approved", [theirWait]: "waitlisted", [neverDecided]: "submitted" });
    expect(await listNotifications(t.db, w.dme.id)).toHaveLength(dmeNotesBefore);
    const [user] = await t.db.select().from(users).where(eq(users.id, me.id));
    expect(user).toMatchObject({ name: CLOSED_NAME });
  });
});

describe("rotation import rows that name the trainee", () => {
  it("are in the trainee's download, by GMC number or e-mail address, without other trainees' rows", async () => {
    const me = await makeTrainee(t.db, { gmcNumber: "7123456", email: "me.export@example.nhs.uk" });
    const other = await makeTrainee(t.db, { gmcNumber: "7654321" });
    const [imp] = await t.db.insert(placementImports).values({ fileName: "autumn-rotation.csv" }).returning({ id: placementImports.id });
    await t.db.insert(placementImportRows).values([
      { importId: imp!.id, line: 2, cells: ["7123456", "Me", "Export", "someone-else@example.nhs.uk"], errors: [{ column: "Grade", code: "grade", reason: "Unknown grade" }] },
      { importId: imp!.id, line: 3, cells: ["712345", "Me", "Export", "ME.Export@example.nhs.uk"], errors: [{ column: "GMC number", code: "gmc", reason: "A GMC number is 7 digits" }] },
      { importId: imp!.id, line: 4, cells: ["7654321", "Other", "Trainee", other.email], errors: [{ column: "Grade", code: "grade", reason: "Unknown grade" }] },
    ]);
    const data = await exportTraineeData(t.db, me.id);
    expect(data?.rotationFileRows.map((r) => [r.fileName, r.line, r.problems])).toEqual([
      ["autumn-rotation.csv", 2, ["Grade: Unknown grade"]],
      ["autumn-rotation.csv", 3, ["GMC number: A GMC number is 7 digits"]],
    ]);
    expect(JSON.stringify(data)).not.toContain("7654321");
  });
});

describe("closing an account and rotation imports", () => {
  it("removes kept import rows that name the trainee, and leaves other trainees' rows", async () => {
    const me = await makeTrainee(t.db, { gmcNumber: "7123456", email: "me.closing@example.nhs.uk" });
    const other = await makeTrainee(t.db, { gmcNumber: "7654321" });
    const [imp] = await t.db.insert(placementImports).values({ fileName: "rotation.csv" }).returning({ id: placementImports.id });
    await t.db.insert(placementImportRows).values([
      { importId: imp!.id, line: 2, cells: ["7123456", "Me", "Closing", "Me.Closing@example.nhs.uk"], errors: [{ column: "Grade", code: "grade", reason: "Unknown grade" }] },
      { importId: imp!.id, line: 3, cells: ["7654321", "Other", "Trainee", other.email], errors: [{ column: "Grade", code: "grade", reason: "Unknown grade" }] },
    ]);
    const result = await closeTraineeAccount(t.db, asActor({ ...me, trustId: null }), { password: TEST_PASSWORD, ip: "192.0.2.1", today });
    expect(result.ok).toBe(true);
    const left = await t.db.select({ line: placementImportRows.line }).from(placementImportRows);
    expect(left).toEqual([{ line: 3 }]);
  });
});

describe("round choices and data rights", () => {
  it("a trainee's round choices are in their download with what they wrote, and closing the account removes the words and the choices still to be allocated", async () => {
    const trust = await makeTrust(t.db);
    const me = await makeTrainee(t.db, { name: "Dr Round Chooser" });
    const first = await makeOpportunity(t.db, trust.id, { title: "Allocated choice" });
    const second = await makeOpportunity(t.db, trust.id, { title: "Open choice" });
    const [done, open] = await t.db
      .insert(allocationRounds)
      .values([
        { name: "Autumn round", status: "allocated", seed: "s", allocatedAt: new Date(), opensAt: new Date("2026-09-01T09:00:00Z"), closesAt: new Date("2026-10-01T16:00:00Z") },
        { name: "Spring round", opensAt: new Date("2026-11-01T09:00:00Z"), closesAt: new Date("2027-03-14T17:00:00Z") },
      ])
      .returning({ id: allocationRounds.id });
    const words = "My own words about why this choice matters to my training.";
    await t.db.insert(roundPreferences).values([
      { roundId: done!.id, traineeId: me.id, opportunityId: first, rank: 1, statement: words },
      { roundId: open!.id, traineeId: me.id, opportunityId: second, rank: 1, statement: words },
    ]);
    const data = await exportTraineeData(t.db, me.id);
    expect(JSON.stringify(data)).toContain(words);

    expect(await closeTraineeAccount(t.db, asActor(me), { password: TEST_PASSWORD, ip: "192.0.2.1", today })).toMatchObject({ ok: true });
    const left = await t.db.select().from(roundPreferences).where(eq(roundPreferences.traineeId, me.id));
    expect(left.map((c) => [c.roundId, c.statement])).toEqual([[done!.id, ""]]);
  });
});

describe("the trainee's data export and the leadership journey", () => {
  it("includes their shortlist, the nudges they were sent and the e-mail kinds they turned off, and no one else's", async () => {
    const { emailOptOuts, nudges, savedOpportunities } = await import("@db/schema");
    const { makeOpportunity, makeTrainee, makeTrust, makeUser } = await import("../helpers/factories");
    const trust = await makeTrust(t.db, { name: "Export Trust" });
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const opportunityId = await makeOpportunity(t.db, trust.id, { title: "Shadow the export board" });
    const me = await makeTrainee(t.db);
    const them = await makeTrainee(t.db);
    for (const who of [me, them]) {
      await t.db.insert(savedOpportunities).values({ traineeId: who.id, opportunityId });
      await t.db.insert(nudges).values({ traineeId: who.id, trustId: trust.id, sentBy: lead.id });
    }
    await t.db.insert(emailOptOuts).values([{ userId: me.id, kind: "nudge" }, { userId: them.id, kind: "round_event" }]);

    const data = await exportTraineeData(t.db, me.id);
    if (!data) throw new Error("no export");
    expect(data.savedForLater).toEqual([{ opportunityTitle: "Shadow the export board", trustName: "Export Trust", savedAt: expect.any(Date) }]);
    expect(data.nudgesReceived).toEqual([{ trustName: "Export Trust", sentAt: expect.any(Date) }]);
    expect(data.emailsTurnedOff).toEqual(["nudge"]);
  });
});
