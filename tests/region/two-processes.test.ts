// Two production app processes on one PostgreSQL, as a region runs them behind its proxy: what one
// does, the other sees. A session made on one works on the other and signing out on one ends it on
// both; the sign-in throttle counts across both; each e-mail goes once although both send the
// outbox; a round closes once, whether by both schedulers at start-up or by two "Close and
// allocate now" presses at once; a reminder goes once although both run the reminders' job.
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { openDatabase, type Database } from "../../db/client";
import { allocationRounds, applications, emailOutbox, notifications, opportunities, remindersSent, savedOpportunities } from "../../db/schema";
import { MAX_FAILED_SIGN_INS } from "../../app/auth.server";
import { queueEmail } from "../../app/models/outbox.server";
import { addDaysIso, todayInLondon } from "../../app/utils/dates";

import { makeOpportunity, makeRound, makeRoundChoice, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";
import { useMailSink } from "../helpers/mail-sink";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";
import { getPage, postForm, privateDatabase, productionEnv, PUBLIC_ORIGIN, signInCookie } from "../helpers/region";
import { startServer, type RunningServer } from "../helpers/server";
import { until } from "../helpers/until";

const QUEUED_EMAILS = 20;

describe("two app processes on one database", () => {
  const sink = useMailSink();
  let pg: PrivatePostgres;
  let database: Database;
  let a: RunningServer;
  let b: RunningServer;
  const people = {} as Record<"admin" | "signer" | "locked" | "saver", { id: string; email: string }>;
  const rounds = {} as Record<"due" | "pressed", string>;
  let shortlisted = "";

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    database = await openDatabase({ url: pg.url, poolSize: 4 });
    const db = database.db;
    const trust = await makeTrust(db);
    people.admin = await makeUser(db, { role: "admin" });
    people.signer = await makeTrainee(db);
    people.locked = await makeTrainee(db);
    people.saver = await makeTrainee(db);

    // Due at start-up: both schedulers find it.
    const dueOpportunity = await makeOpportunity(db, trust.id, { seats: "1", title: "Join the sepsis improvement team" });
    const due = await makeRound(db, { trustId: trust.id, opportunityIds: [dueOpportunity], opensAt: new Date(Date.now() - 86_400_000), closesAt: new Date(Date.now() - 60_000) });
    rounds.due = due.id;
    for (const [rank, trainee] of [await makeTrainee(db), await makeTrainee(db)].entries()) {
      await makeRoundChoice(db, { roundId: due.id, traineeId: trainee.id, opportunityId: dueOpportunity, rank: rank + 1 });
    }
    // Open for a week: closed by an administrator's press, on both processes at once.
    const pressedOpportunity = await makeOpportunity(db, trust.id, { seats: "1", title: "Shadow the Director of Nursing" });
    const pressed = await makeRound(db, { trustId: trust.id, opportunityIds: [pressedOpportunity] });
    rounds.pressed = pressed.id;
    await makeRoundChoice(db, { roundId: pressed.id, traineeId: (await makeTrainee(db)).id, opportunityId: pressedOpportunity });

    // A shortlisted opportunity closing to applications tomorrow: one reminder is due.
    const tomorrow = addDaysIso(todayInLondon(), 1);
    shortlisted = await makeOpportunity(db, trust.id, { title: "Observe the Quality Committee", applicationDeadline: tomorrow });
    await db.insert(savedOpportunities).values({ traineeId: people.saver.id, opportunityId: shortlisted });

    for (let i = 0; i < QUEUED_EMAILS; i++) {
      const trainee = await makeTrainee(db);
      await queueEmail(db, { kind: "password_reset", recipientId: trainee.id, link: `${PUBLIC_ORIGIN}/reset-password/test-${i}` });
    }

    // Both start at the same moment: their schedulers and outbox workers race from the first tick.
    const env = productionEnv({ SMTP_URL: sink.url, OUTBOX_POLL_MS: "100" });
    [a, b] = await Promise.all([startServer(env, { database: privateDatabase(pg) }), startServer(env, { database: privateDatabase(pg) })]);
  });

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
    await pg?.dispose();
    expect(codes).toEqual([0, 0]);
  });

  it("accepts a session made on one process on the other, and signing out on one ends it on both", async () => {
    const cookie = await signInCookie(a.url, people.signer.email, TEST_PASSWORD);
    expect((await getPage(b.url, "/trainee", cookie)).status).toBe(200);
    expect((await getPage(a.url, "/trainee", cookie)).status).toBe(200);

    expect((await postForm(b.url, "/sign-out", {}, { Cookie: cookie })).status).toBe(302);
    for (const server of [a, b]) {
      const after = await getPage(server.url, "/trainee", cookie);
      expect(after.status).toBe(302);
      expect(after.headers.get("location")).toContain("/sign-in");
    }
  });

  it("counts wrong passwords sent to both processes against one limit", async () => {
    const attempts = MAX_FAILED_SIGN_INS + 2;
    const answers = await Promise.all(
      Array.from({ length: attempts }, (_, i) => postForm((i % 2 ? b : a).url, "/sign-in", { email: people.locked.email, password: `wrong password ${i}` })),
    );
    // Attempts in flight at once count each other, so fewer than the limit may be checked (never more).
    let checked = answers.filter((r) => r.status === 400).length;
    expect(checked + answers.filter((r) => r.status === 429).length).toBe(attempts);
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS);
    // One at a time, alternately on each: the limit is reached at 10 checked in all, not 10 on each.
    for (let i = 0; ; i++) {
      const res = await postForm((i % 2 ? a : b).url, "/sign-in", { email: people.locked.email, password: `one more guess ${i}` });
      if (res.status !== 400) {
        expect(res.status).toBe(429);
        break;
      }
      checked += 1;
      expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS);
    }
    expect(checked).toBe(MAX_FAILED_SIGN_INS);
    // Locked on both, even with the right password.
    for (const server of [a, b]) {
      expect((await postForm(server.url, "/sign-in", { email: people.locked.email, password: TEST_PASSWORD })).status).toBe(429);
    }
  });

  it("closes a due round once although both schedulers found it, and a round pressed on both at once once", async () => {
    const db = database.db;
    await until(async () => {
      const [row] = await db.select({ status: allocationRounds.status }).from(allocationRounds).where(eq(allocationRounds.id, rounds.due));
      return row!.status === "allocated";
    });
    const [dueApplications] = await db.select({ n: count() }).from(applications).where(eq(applications.roundId, rounds.due));
    expect(dueApplications!.n).toBe(2);

    const adminCookie = await signInCookie(b.url, people.admin.email, TEST_PASSWORD);
    const presses = await Promise.all([a, b].map((server) => postForm(server.url, `/rounds/${rounds.pressed}/close`, {}, { Cookie: adminCookie })));
    // One press closed it (to its allocation page); the other found it closed already.
    const closedBy = presses.filter((r) => r.headers.get("location") === `/rounds/${rounds.pressed}/allocation?closed=1`);
    expect(closedBy).toHaveLength(1);
    const [pressedApplications] = await db.select({ n: count() }).from(applications).where(eq(applications.roundId, rounds.pressed));
    expect(pressedApplications!.n).toBe(1);
    const roundEmails = await db.select({ roundId: emailOutbox.roundId }).from(emailOutbox).where(eq(emailOutbox.kind, "round_event"));
    expect(roundEmails.filter((e) => e.roundId === rounds.due)).toHaveLength(2);
    expect(roundEmails.filter((e) => e.roundId === rounds.pressed)).toHaveLength(1);
  });

  it("writes the reminder once although both processes run the reminders' job", async () => {
    const db = database.db;
    const reminders = await until(async () => {
      const rows = await db.select({ key: remindersSent.key }).from(remindersSent).where(and(eq(remindersSent.kind, "shortlist_deadline"), eq(remindersSent.userId, people.saver.id)));
      return rows.length ? rows : null;
    });
    expect(reminders).toHaveLength(1);
    const [inApp] = await db.select({ n: count() }).from(notifications).where(and(eq(notifications.userId, people.saver.id), eq(notifications.opportunityId, shortlisted)));
    expect(inApp!.n).toBe(1);
    const [opportunity] = await db.select({ status: opportunities.status }).from(opportunities).where(eq(opportunities.id, shortlisted));
    expect(opportunity!.status).toBe("published");
  });

  it("sends each e-mail once although both processes send the outbox", async () => {
    const db = database.db;
    // Nothing left to send: every row is sent (or given up), so no process can send anything more.
    await until(async () => {
      const [pending] = await db.select({ n: count() }).from(emailOutbox).where(eq(emailOutbox.status, "pending"));
      return pending!.n === 0;
    });
    const sent = await db.select({ id: emailOutbox.id, kind: emailOutbox.kind }).from(emailOutbox).where(eq(emailOutbox.status, "sent"));
    // The queued e-mails, the three round e-mails (offer, waiting list, offer) and the reminder.
    expect(sent.filter((e) => e.kind === "password_reset")).toHaveLength(QUEUED_EMAILS);
    expect(sent.filter((e) => e.kind === "shortlist_deadline")).toHaveLength(1);
    expect(sink.count).toBe(sent.length);
    expect(sink.messages.filter((m) => m.to.includes(people.saver.email))).toHaveLength(1);
    const recipients = sink.messages.map((m) => m.to.join(",") + " " + /^Subject: (.*)$/m.exec(m.text)?.[1]);
    expect(new Set(recipients).size).toBe(recipients.length);
  });
});
