import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import {
  createUserSession,
  MAX_FAILED_SIGN_INS,
  resolveSession,
  signIn,
  TOO_MANY_ATTEMPTS,
  WRONG_CREDENTIALS,
} from "~/auth.server";
import { acceptInvitation, changeOwnPassword, findInvitation, INVITATION_MESSAGES, inviteStaff, registerTrainee, setUserDisabled } from "~/models/users.server";
import { emailOutbox, invitations, loginAttempts, sessions, traineeProfiles, users } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { composedOutbox } from "../helpers/emails";
import { makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();

const trainee = {
  name: "Dr Ada Lovelace",
  email: "ada@example.nhs.uk",
  gmcNumber: "1234567",
  grade: "FY2" as const,
  password: "a long unusual passphrase",
};

async function countRows(table: typeof users | typeof traineeProfiles) {
  const [row] = await t.db.select({ n: count() }).from(table);
  return row!.n;
}

function cookieValue(setCookie: string) {
  return setCookie.split(";")[0]!;
}

describe("trainee registration", () => {
  it("creates the user and the trainee profile together, with an argon2id hash", async () => {
    const result = await registerTrainee(t.db, trainee);
    expect(result.ok).toBe(true);
    const [user] = await t.db.select().from(users).where(eq(users.email, "ada@example.nhs.uk"));
    expect(user?.role).toBe("trainee");
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    const [profile] = await t.db.select().from(traineeProfiles).where(eq(traineeProfiles.userId, user!.id));
    expect(profile?.gmcNumber).toBe("1234567");
  });

  it("refuses a duplicate email address with 409 and writes nothing", async () => {
    await registerTrainee(t.db, trainee);
    const result = await registerTrainee(t.db, { ...trainee, gmcNumber: "7654321" });
    expect(result).toMatchObject({ ok: false, status: 409, fieldErrors: { email: expect.stringMatching(/already exists/) } });
    expect(await countRows(users)).toBe(1);
    expect(await countRows(traineeProfiles)).toBe(1);
  });

  it("refuses a duplicate GMC number with 409 and leaves no user without a profile", async () => {
    await registerTrainee(t.db, trainee);
    const result = await registerTrainee(t.db, { ...trainee, email: "other@example.nhs.uk" });
    expect(result).toMatchObject({ ok: false, status: 409, fieldErrors: { gmcNumber: "An account with this GMC number already exists" } });
    expect(await countRows(users)).toBe(1);
    expect(await countRows(traineeProfiles)).toBe(1);
  });

  it("lets the database decide between two simultaneous registrations of one GMC number", async () => {
    const results = await Promise.all([
      registerTrainee(t.db, trainee),
      registerTrainee(t.db, { ...trainee, email: "twin@example.nhs.uk" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await countRows(users)).toBe(1);
    expect(await countRows(traineeProfiles)).toBe(1);
  });
});

describe("signing in", () => {
  it("accepts the right password and records the attempt", async () => {
    const user = await makeTrainee(t.db, { email: "priya@example.nhs.uk" });
    const result = await signIn(t.db, { email: "priya@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.0.1" });
    expect(result).toEqual({ ok: true, userId: user.id, role: "trainee" });
    const attempts = await t.db.select().from(loginAttempts);
    expect(attempts).toMatchObject([{ succeeded: true, email: "priya@example.nhs.uk" }]);
  });

  it("gives the same answer for an unknown email and a wrong password", async () => {
    await makeTrainee(t.db, { email: "priya@example.nhs.uk" });
    const wrong = await signIn(t.db, { email: "priya@example.nhs.uk", password: "not the password", ip: "10.0.0.1" });
    const unknown = await signIn(t.db, { email: "nobody@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.0.1" });
    expect(wrong).toEqual({ ok: false, status: 400, message: WRONG_CREDENTIALS });
    expect(unknown).toEqual(wrong);
  });

  it("refuses a disabled account with the same message", async () => {
    const user = await makeTrainee(t.db, { email: "gone@example.nhs.uk" });
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, user.id));
    const result = await signIn(t.db, { email: "gone@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.0.1" });
    expect(result).toEqual({ ok: false, status: 400, message: WRONG_CREDENTIALS });
  });

  it("answers 429 on the 11th attempt after 10 failures for one email, even with the right password", async () => {
    await makeTrainee(t.db, { email: "target@example.nhs.uk" });
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      const r = await signIn(t.db, { email: "target@example.nhs.uk", password: `guess ${i}`, ip: `10.0.1.${i}` });
      expect(r).toMatchObject({ ok: false, status: 400 });
    }
    const eleventh = await signIn(t.db, { email: "target@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.2.1" });
    expect(eleventh).toEqual({ ok: false, status: 429, message: TOO_MANY_ATTEMPTS });
    // Another account is not locked by someone else's failures from other addresses.
    await makeTrainee(t.db, { email: "bystander@example.nhs.uk" });
    const bystander = await signIn(t.db, { email: "bystander@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.3.1" });
    expect(bystander.ok).toBe(true);
  });

  it("forgets failures older than 15 minutes", async () => {
    await makeTrainee(t.db, { email: "patient@example.nhs.uk" });
    const old = new Date(Date.now() - 16 * 60 * 1000);
    await t.db.insert(loginAttempts).values(
      Array.from({ length: 10 }, () => ({ email: "patient@example.nhs.uk", ip: "10.9.9.9", succeeded: false, createdAt: old })),
    );
    const result = await signIn(t.db, { email: "patient@example.nhs.uk", password: TEST_PASSWORD, ip: "10.9.9.9" });
    expect(result.ok).toBe(true);
  });
});

describe("sessions", () => {
  it("resolves a new session to its user", async () => {
    const user = await makeTrainee(t.db);
    const cookie = await createUserSession(t.db, user.id);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const resolved = await resolveSession(t.db, cookieValue(cookie));
    expect(resolved.user).toMatchObject({ id: user.id, role: "trainee" });
  });

  it("ends a session idle for more than 12 hours", async () => {
    const user = await makeTrainee(t.db);
    const cookie = cookieValue(await createUserSession(t.db, user.id));
    await t.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, user.id));
    const resolved = await resolveSession(t.db, cookie);
    expect(resolved.user).toBeNull();
    expect(resolved.setCookies[0]).toMatch(/Max-Age=0/i);
  });

  it("ends a session 7 days after sign-in however active it was", async () => {
    const user = await makeTrainee(t.db);
    const cookie = cookieValue(await createUserSession(t.db, user.id));
    await t.db
      .update(sessions)
      .set({ createdAt: new Date(Date.now() - 7 * 24 * 3600 * 1000 - 1000), expiresAt: new Date(Date.now() + 11 * 3600 * 1000) })
      .where(eq(sessions.userId, user.id));
    expect((await resolveSession(t.db, cookie)).user).toBeNull();
    expect(await t.db.select().from(sessions)).toHaveLength(0);
  });

  it("extends an active session that is past half its idle time, sending a fresh cookie", async () => {
    const user = await makeTrainee(t.db);
    const cookie = cookieValue(await createUserSession(t.db, user.id));
    await t.db.update(sessions).set({ expiresAt: new Date(Date.now() + 3600 * 1000) }).where(eq(sessions.userId, user.id));
    const resolved = await resolveSession(t.db, cookie);
    expect(resolved.user?.id).toBe(user.id);
    expect(resolved.setCookies).toHaveLength(1);
    const [row] = await t.db.select().from(sessions);
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 11 * 3600 * 1000);
  });

  it("ends every session of a user who is disabled", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const user = await makeTrainee(t.db);
    const a = cookieValue(await createUserSession(t.db, user.id));
    const b = cookieValue(await createUserSession(t.db, user.id));
    expect((await setUserDisabled(t.db, user.id, true, admin.id)).ok).toBe(true);
    expect((await resolveSession(t.db, a)).user).toBeNull();
    expect((await resolveSession(t.db, b)).user).toBeNull();
  });

  it("does not let an administrator disable their own account", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    expect(await setUserDisabled(t.db, admin.id, true, admin.id)).toEqual({ ok: false, message: "You cannot disable your own account" });
  });

  it("ends every session when the password changes", async () => {
    const user = await makeTrainee(t.db);
    const cookie = cookieValue(await createUserSession(t.db, user.id));
    const result = await changeOwnPassword(t.db, user, { currentPassword: TEST_PASSWORD, newPassword: "a brand new long passphrase", ip: "10.0.0.1" });
    expect(result).toEqual({ ok: true });
    expect((await resolveSession(t.db, cookie)).user).toBeNull();
  });
});

describe("staff invitations", () => {
  async function invite(overrides: Partial<Parameters<typeof inviteStaff>[1]> = {}, now?: Date) {
    const admin = await makeUser(t.db, { role: "admin" });
    const trust = await makeTrust(t.db);
    const result = await inviteStaff(
      t.db,
      { name: "Sam Lead", email: "sam@example.nhs.uk", role: "trust_lead", trustId: trust.id, ...overrides },
      { invitedBy: admin.id, baseUrl: "http://localhost:3000", now },
    );
    if (!result.ok) throw new Error("invitation failed");
    return { ...result, token: result.link.split("/").pop()!, trust };
  }

  it("queues an email with a single-use link and stores only the token's hash", async () => {
    const { token, link } = await invite();
    const [row] = await t.db.select().from(invitations);
    expect(row!.tokenHash).not.toContain(token);
    const [mail] = await composedOutbox(t.db);
    expect(mail!.row).toMatchObject({ kind: "staff_invitation", toAddress: "sam@example.nhs.uk" });
    expect(mail!.email).toMatchObject({ to: "sam@example.nhs.uk", subject: "You have been invited to Invitational" });
    expect(mail!.email!.text).toContain(link);
  });

  it("creates the staff account at the invited trust, once", async () => {
    const { token, trust } = await invite();
    const first = await acceptInvitation(t.db, token, { name: "Sam Lead", password: "a long unusual passphrase" });
    expect(first).toMatchObject({ ok: true, role: "trust_lead" });
    const [user] = await t.db.select().from(users).where(eq(users.email, "sam@example.nhs.uk"));
    expect(user!.trustId).toBe(trust.id);

    const again = await acceptInvitation(t.db, token, { name: "Sam Again", password: "another long passphrase" });
    expect(again).toEqual({ ok: false, status: 409, message: INVITATION_MESSAGES.used });
    expect(await t.db.select().from(users).where(eq(users.email, "sam@example.nhs.uk"))).toHaveLength(1);
  });

  it("refuses an invitation older than 7 days and creates no account", async () => {
    const { token } = await invite({}, new Date(Date.now() - 8 * 24 * 3600 * 1000));
    expect(await findInvitation(t.db, token)).toEqual({ ok: false, reason: "expired" });
    const result = await acceptInvitation(t.db, token, { name: "Sam Lead", password: "a long unusual passphrase" });
    expect(result).toEqual({ ok: false, status: 410, message: INVITATION_MESSAGES.expired });
    expect(await t.db.select().from(users).where(eq(users.email, "sam@example.nhs.uk"))).toHaveLength(0);
  });

  it("refuses an unknown token", async () => {
    const result = await acceptInvitation(t.db, "made-up-token", { name: "X", password: "a long unusual passphrase" });
    expect(result).toMatchObject({ ok: false, status: 404 });
  });

  it("lets only one of two simultaneous uses of an invitation through", async () => {
    const { token } = await invite();
    const results = await Promise.all([
      acceptInvitation(t.db, token, { name: "One", password: "a long unusual passphrase" }),
      acceptInvitation(t.db, token, { name: "Two", password: "a long unusual passphrase" }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("refuses to invite an email address that already has an account", async () => {
    await makeTrainee(t.db, { email: "taken@example.nhs.uk" });
    const admin = await makeUser(t.db, { role: "admin" });
    const result = await inviteStaff(
      t.db,
      { name: "X", email: "taken@example.nhs.uk", role: "admin", trustId: "" },
      { invitedBy: admin.id, baseUrl: "http://localhost:3000" },
    );
    expect(result).toMatchObject({ ok: false, status: 409 });
    expect(await t.db.select().from(invitations)).toHaveLength(0);
  });

  it("stores no trust for an invited administrator", async () => {
    const { token } = await invite({ role: "admin", email: "boss@example.nhs.uk" });
    const result = await acceptInvitation(t.db, token, { name: "Boss", password: "a long unusual passphrase" });
    expect(result).toMatchObject({ ok: true, role: "admin" });
    const [user] = await t.db.select().from(users).where(eq(users.email, "boss@example.nhs.uk"));
    expect(user!.trustId).toBeNull();
  });
});
