// Invitations not yet accepted (staff, and trainees from rotation imports): listing, sending
// again, cancelling, a new link from an expired one, correcting a mistyped address.
import { randomBytes } from "node:crypto";

import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import {
  acceptInvitation,
  cancelInvitation,
  CLOSED_ACCOUNT_MESSAGE,
  correctTraineeEmail,
  findInvitation,
  hashToken,
  inviteStaff,
  listInvitations,
  listUsers,
  NEW_LINK_REQUESTS,
  resendInvitation,
  sendNewInvitationLink,
  setUserDisabled,
  userSearch,
} from "~/models/users.server";
import { closeTraineeAccount } from "~/models/data-rights.server";
import { queryRows } from "@db/client";
import { emailOutbox, invitations, users } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { composedOutbox, MAIL_ORIGIN } from "../helpers/emails";
import { makePlacement, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();
const today = "2026-11-25";
const DAY = 24 * 60 * 60 * 1000;
const origin = MAIL_ORIGIN;

/** A trainee as a rotation import makes one: no password yet, an invitation with its e-mail. */
async function importedTrainee(overrides: { email?: string; expired?: boolean } = {}) {
  const trainee = await makeTrainee(t.db, { passwordHash: null, ...(overrides.email ? { email: overrides.email } : {}) });
  const token = randomBytes(16).toString("hex");
  const createdAt = overrides.expired ? new Date(Date.now() - 10 * DAY) : new Date();
  const [invitation] = await t.db
    .insert(invitations)
    .values({
      email: trainee.email,
      name: trainee.name,
      role: "trainee",
      tokenHash: hashToken(token),
      userId: trainee.id,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + 7 * DAY),
    })
    .returning();
  return { trainee, token, invitation: invitation! };
}

function linkTokens(mails: Awaited<ReturnType<typeof composedOutbox>>) {
  return mails.filter((m) => m.email).map((m) => /\/invitations\/([A-Za-z0-9_-]+)/.exec(m.email!.text)![1]!);
}

describe("imported trainees whose invitation expired are stuck: admins and DMEs send it again", () => {
  it("lists trainee invitations with staff ones, expired ones too, with a filter", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const trust = await makeTrust(t.db);
    await inviteStaff(t.db, { name: "Sam Lead", email: "sam@example.nhs.uk", role: "trust_lead", trustId: trust.id }, { invitedBy: admin.id, baseUrl: origin });
    const stuck = await importedTrainee({ expired: true });
    const waiting = await importedTrainee();
    const all = await listInvitations(t.db, { role: "admin" }, {}, { today });
    expect(all.total).toBe(3);
    expect(all.invitations.find((i) => i.id === stuck.invitation.id)).toMatchObject({ expired: true, role: "trainee" });
    const trainees = await listInvitations(t.db, { role: "admin" }, { who: "trainee" }, { today });
    expect(trainees.invitations.map((i) => i.id).sort()).toEqual([stuck.invitation.id, waiting.invitation.id].sort());
    const expired = await listInvitations(t.db, { role: "admin" }, { state: "expired" }, { today });
    expect(expired.invitations.map((i) => i.id)).toEqual([stuck.invitation.id]);
    const staffWaiting = await listInvitations(t.db, { role: "admin" }, { who: "staff", state: "waiting" }, { today });
    expect(staffWaiting.invitations.map((i) => i.email)).toEqual(["sam@example.nhs.uk"]);
  });

  it("sending again makes a new token, a new expiry and a new e-mail, and the old link stops working", async () => {
    const { trainee, token, invitation } = await importedTrainee({ expired: true });
    expect(await findInvitation(t.db, token)).toEqual({ ok: false, reason: "expired" });
    expect(await resendInvitation(t.db, { role: "admin" }, invitation.id, { origin, today })).toBe(true);

    expect(await findInvitation(t.db, token)).toEqual({ ok: false, reason: "unknown" });
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * DAY);
    const mails = await composedOutbox(t.db);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.email).toMatchObject({ to: trainee.email, subject: "Set up your Invitational account" });
    const [fresh] = linkTokens(mails);
    expect(await acceptInvitation(t.db, fresh!, { name: trainee.name, password: "a long unusual passphrase" })).toMatchObject({ ok: true, userId: trainee.id });
  });

  it("an e-mail with the old link not yet sent is cancelled when the invitation is sent again", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const sent = await inviteStaff(t.db, { name: "Ann Admin", email: "ann@example.nhs.uk", role: "admin", trustId: "" }, { invitedBy: admin.id, baseUrl: origin });
    if (!sent.ok) throw new Error("not invited");
    expect(await resendInvitation(t.db, { role: "admin" }, sent.invitationId, { origin, today })).toBe(true);
    const rows = await t.db.select({ status: emailOutbox.status, secret: emailOutbox.secret }).from(emailOutbox).orderBy(emailOutbox.id);
    expect(rows.map((r) => r.status)).toEqual(["cancelled", "pending"]);
    expect(rows[0]!.secret).toBeNull();
  });

  it("a DME sends again or cancels only the invitations of trainees placed at their trust; others are not found", async () => {
    const mine = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    const dme = { role: "dme" as const, trustId: mine.id };
    const here = await importedTrainee({ expired: true });
    await makePlacement(t.db, { traineeId: here.trainee.id, trustId: mine.id, grade: "FY2", startsOn: "2027-02-01", endsOn: "2027-08-01" });
    const elsewhere = await importedTrainee({ expired: true });
    await makePlacement(t.db, { traineeId: elsewhere.trainee.id, trustId: other.id, grade: "FY2", startsOn: "2027-02-01", endsOn: "2027-08-01" });
    const leftLongAgo = await importedTrainee();
    await makePlacement(t.db, { traineeId: leftLongAgo.trainee.id, trustId: mine.id, grade: "FY2", startsOn: "2025-08-01", endsOn: "2026-02-01" });

    const listed = await listInvitations(t.db, dme, { who: "trainee" }, { today });
    expect(listed.invitations.map((i) => i.id)).toEqual([here.invitation.id]);
    expect(await resendInvitation(t.db, dme, elsewhere.invitation.id, { origin, today })).toBe(false);
    expect(await cancelInvitation(t.db, dme, elsewhere.invitation.id, today)).toBe(false);
    expect(await resendInvitation(t.db, dme, here.invitation.id, { origin, today })).toBe(true);
    expect(await cancelInvitation(t.db, dme, here.invitation.id, today)).toBe(true);
    expect(await t.db.select().from(invitations).where(eq(invitations.id, elsewhere.invitation.id))).toHaveLength(1);
  });

  it("a mistyped address can take an account: cancelling stops the link, and the admin corrects the address and invites again", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const { trainee, token, invitation } = await importedTrainee({ email: "dr.wrong@example.nhs.uk" });
    expect(await cancelInvitation(t.db, { role: "admin" }, invitation.id, today)).toBe(true);
    // The holder of the mistyped address can no longer set the password.
    expect(await acceptInvitation(t.db, token, { name: "Someone Else", password: "a long unusual passphrase" })).toMatchObject({ ok: false, status: 404 });
    expect(await t.db.select().from(users).where(eq(users.id, trainee.id))).toMatchObject([{ passwordHash: null }]);

    expect(await correctTraineeEmail(t.db, trainee.id, "dr.right@example.nhs.uk", { invitedBy: admin.id, origin })).toEqual({ ok: true });
    expect((await t.db.select().from(users).where(eq(users.id, trainee.id)))[0]!.email).toBe("dr.right@example.nhs.uk");
    const mails = (await composedOutbox(t.db)).filter((m) => m.email);
    expect(mails.map((m) => m.email!.to)).toEqual(["dr.right@example.nhs.uk"]);
    const [fresh] = linkTokens(mails);
    expect(await acceptInvitation(t.db, fresh!, { name: trainee.name, password: "a long unusual passphrase" })).toMatchObject({ ok: true, userId: trainee.id });
  });

  it("correcting the address withdraws a waiting invitation to the old one, and refuses an account with a password or a taken address", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const { trainee, token } = await importedTrainee({ email: "typo@example.nhs.uk" });
    await makeTrainee(t.db, { email: "taken@example.nhs.uk" });
    expect(await correctTraineeEmail(t.db, trainee.id, "taken@example.nhs.uk", { invitedBy: admin.id, origin })).toMatchObject({ ok: false, status: 409, fieldErrors: { email: expect.any(String) } });
    expect(await correctTraineeEmail(t.db, trainee.id, "fixed@example.nhs.uk", { invitedBy: admin.id, origin })).toEqual({ ok: true });
    expect(await findInvitation(t.db, token)).toEqual({ ok: false, reason: "unknown" });
    const active = await makeTrainee(t.db);
    expect(await correctTraineeEmail(t.db, active.id, "new@example.nhs.uk", { invitedBy: admin.id, origin })).toMatchObject({ ok: false, status: 409 });
  });
});

describe("an expired link's page: send me a new link", () => {
  it("sends a new link to the address on file, and the old link stops working", async () => {
    const { trainee, token } = await importedTrainee({ expired: true });
    expect(await sendNewInvitationLink(t.db, token, { ip: "192.0.2.20", origin })).toEqual({ ok: true });
    expect(await findInvitation(t.db, token)).toEqual({ ok: false, reason: "unknown" });
    const mails = (await composedOutbox(t.db)).filter((m) => m.email);
    expect(mails.map((m) => m.email!.to)).toEqual([trainee.email]);
    // The same old link cannot ask twice.
    expect(await sendNewInvitationLink(t.db, token, { ip: "192.0.2.20", origin })).toMatchObject({ ok: false, status: 404 });
  });

  it("is throttled per address and per IP address", async () => {
    const ip = "192.0.2.21";
    const results = [];
    for (let i = 0; i <= NEW_LINK_REQUESTS.perAddress; i++) {
      // Each request uses the link the one before sent, as someone would.
      const token: string = results.length ? linkTokens(await composedOutbox(t.db)).at(-1)! : (await importedTrainee({ email: "often@example.nhs.uk", expired: true })).token;
      results.push(await sendNewInvitationLink(t.db, token, { ip, origin }));
    }
    expect(results.slice(0, NEW_LINK_REQUESTS.perAddress).every((r) => r.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: false, status: 429 });
  });

  it("does nothing for a used invitation", async () => {
    const { token } = await importedTrainee();
    await acceptInvitation(t.db, token, { name: "Dr Done", password: "a long unusual passphrase" });
    expect(await sendNewInvitationLink(t.db, token, { ip: "192.0.2.22", origin })).toMatchObject({ ok: false, status: 409 });
  });
});

describe("closed accounts", () => {
  it("an admin cannot re-enable a closed (anonymised) account", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const trainee = await makeTrainee(t.db);
    const closed = await closeTraineeAccount(t.db, { id: trainee.id, role: "trainee", trustId: null }, { password: TEST_PASSWORD, ip: "192.0.2.30", today });
    expect(closed.ok).toBe(true);
    expect(await setUserDisabled(t.db, trainee.id, false, admin.id)).toEqual({ ok: false, message: CLOSED_ACCOUNT_MESSAGE });
    const [row] = await t.db.select({ disabledAt: users.disabledAt }).from(users).where(eq(users.id, trainee.id));
    expect(row!.disabledAt).toBeInstanceOf(Date);
    // An account disabled by an admin (not closed) can still be enabled.
    const other = await makeTrainee(t.db);
    await setUserDisabled(t.db, other.id, true, admin.id);
    expect(await setUserDisabled(t.db, other.id, false, admin.id)).toEqual({ ok: true });
  });
});

describe("the admin's user search", () => {
  it("finds a trainee by GMC number, or part of one", async () => {
    const priya = await makeTrainee(t.db, { gmcNumber: "7123456", name: "Dr Priya Patel" });
    await makeTrainee(t.db, { gmcNumber: "7654321" });
    const whole = await listUsers(t.db, { q: "7123456" });
    expect(whole.users.map((u) => u.id)).toEqual([priya.id]);
    expect(whole.users[0]).toMatchObject({ gmcNumber: "7123456" });
    expect((await listUsers(t.db, { q: "1234" })).users.map((u) => u.id)).toEqual([priya.id]);
    expect((await listUsers(t.db, { q: "priya" })).total).toBe(1);
    expect((await listUsers(t.db, { q: "100%_" })).total).toBe(0);
  });

  it("a NUL in the admin's user search answered 500: it is dropped, as from every typed text", async () => {
    const priya = await makeTrainee(t.db, { gmcNumber: "7123456", name: "Dr Priya Patel" });
    expect((await listUsers(t.db, { q: "pri\u0000ya" })).users.map((u) => u.id)).toEqual([priya.id]);
    expect((await listUsers(t.db, { q: "\u0000" })).total).toBe(1);
  });

  it("uses the trigram indexes on name, e-mail address and GMC number for a search of 3 or more characters", async () => {
    // Enough rows that a sequential scan is not the cheap choice, and fresh statistics.
    await t.db.execute(sql`
      insert into users (id, email, name, role)
      select 'bulk-' || n, 'bulk' || n || '@example.nhs.uk', 'Dr Bulk Person ' || n, 'trainee' from generate_series(1, 20000) as n`);
    await t.db.execute(sql`
      insert into trainee_profiles (user_id, gmc_number, grade)
      select 'bulk-' || n, (5000000 + n)::text, 'FY1' from generate_series(1, 20000) as n`);
    // VACUUM as autovacuum would: it also moves the GIN indexes' pending entries into the
    // index proper, without which the planner (rightly) prices an index scan high.
    await t.db.execute(sql`vacuum analyze users`);
    await t.db.execute(sql`vacuum analyze trainee_profiles`);
    const rows = await queryRows<{ "QUERY PLAN": string }>(t.db, sql`explain select ${users.id} from ${users} where ${userSearch("5012")}`);
    const plan = rows.map((r) => r["QUERY PLAN"]).join("\n");
    for (const index of ["users_name_trgm_idx", "users_email_trgm_idx", "trainee_profiles_gmc_trgm_idx"]) expect(plan, plan).toContain(index);
    expect((await listUsers(t.db, { q: "5012345" })).users.map((u) => u.id)).toEqual(["bulk-12345"]);
  });
});
