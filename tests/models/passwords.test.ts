// Changing a password when signed in, and resetting a forgotten one by e-mail.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { createUserSession, MAX_FAILED_SIGN_INS, resolveSession, signIn } from "~/auth.server";
import {
  findPasswordReset,
  requestPasswordReset,
  RESET_REQUESTS,
  resetPassword,
  TOO_MANY_RESET_REQUESTS,
} from "~/models/password-resets.server";
import { changeOwnPassword, TOO_MANY_PASSWORD_CHECKS, WRONG_CURRENT_PASSWORD } from "~/models/users.server";
import { emailOutbox, passwordResets, users } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { composedOutbox, MAIL_ORIGIN } from "../helpers/emails";
import { makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase({ poolSize: 20 });
const NEW_PASSWORD = "a completely new passphrase";

function cookieValue(setCookie: string) {
  return setCookie.split(";")[0]!;
}

/** Asks for a reset link and waits for it to be queued; returns the link's token, if one was sent. */
async function askForReset(email: string, ip = "192.0.2.10") {
  const result = await requestPasswordReset(t.db, { email, ip, origin: MAIL_ORIGIN });
  if (result.ok) await result.sending;
  return result;
}

async function resetLinkTokens(): Promise<string[]> {
  const mails = await composedOutbox(t.db);
  return mails
    .filter((m) => m.row.kind === "password_reset" && m.email)
    .map((m) => /\/reset-password\/([A-Za-z0-9_-]+)/.exec(m.email!.text)![1]!);
}

describe("no way to change a password: a signed-in user changes their own", () => {
  it("needs the current password, then sets the new one and ends every session", async () => {
    const trust = await makeTrust(t.db);
    const user = await makeUser(t.db, { role: "trust_lead", trustId: trust.id, email: "lead@example.nhs.uk" });
    const here = cookieValue(await createUserSession(t.db, user.id));
    const elsewhere = cookieValue(await createUserSession(t.db, user.id));

    const wrong = await changeOwnPassword(t.db, user, { currentPassword: "not my password", newPassword: NEW_PASSWORD, ip: "10.0.0.1" });
    expect(wrong).toEqual({ ok: false, status: 400, fieldErrors: { currentPassword: WRONG_CURRENT_PASSWORD } });
    expect((await resolveSession(t.db, elsewhere)).user?.id).toBe(user.id);

    expect(await changeOwnPassword(t.db, user, { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD, ip: "10.0.0.1" })).toEqual({ ok: true });
    expect((await resolveSession(t.db, here)).user).toBeNull();
    expect((await resolveSession(t.db, elsewhere)).user).toBeNull();
    expect(await signIn(t.db, { email: "lead@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.0.2" })).toMatchObject({ ok: false, status: 400 });
    expect(await signIn(t.db, { email: "lead@example.nhs.uk", password: NEW_PASSWORD, ip: "10.0.0.2" })).toMatchObject({ ok: true, userId: user.id });
  });

  it("shares the sign-in throttle: of 40 parallel wrong current passwords at most 10 are checked", async () => {
    const user = await makeTrainee(t.db);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => changeOwnPassword(t.db, user, { currentPassword: `guess ${i}`, newPassword: NEW_PASSWORD, ip: "10.0.0.3" })),
    );
    const checked = results.filter((r) => !r.ok && r.status === 400).length;
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS);
    expect(results.filter((r) => !r.ok && r.status === 429)).toHaveLength(40 - checked);
    expect(results.find((r) => !r.ok && r.status === 429)).toEqual({ ok: false, status: 429, fieldErrors: { currentPassword: TOO_MANY_PASSWORD_CHECKS } });
  });
});

describe("no way to reset a password: a link by e-mail", () => {
  it("gives the same answer for an address with an account and one without, and e-mails only the account", async () => {
    const user = await makeTrainee(t.db, { email: "forgetful@example.nhs.uk" });
    const known = await askForReset("forgetful@example.nhs.uk");
    const unknown = await askForReset("nobody@example.nhs.uk");
    expect(Object.keys(known)).toEqual(Object.keys(unknown));
    expect(known.ok && unknown.ok).toBe(true);
    const mails = await composedOutbox(t.db);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.row).toMatchObject({ kind: "password_reset", recipientId: user.id });
    expect(mails[0]!.email).toMatchObject({ to: "forgetful@example.nhs.uk", subject: "Reset your Invitational password" });
    expect(mails[0]!.email!.text).toMatch(new RegExp(`${MAIL_ORIGIN}/reset-password/[A-Za-z0-9_-]{43}`));
    // Only the token's hash is stored.
    const [token] = await resetLinkTokens();
    const [row] = await t.db.select().from(passwordResets);
    expect(row!.tokenHash).not.toContain(token!);
    expect(row!.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60 * 1000);
    expect(row!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60 * 1000);
  });

  it("sends no link to a disabled account, nor to an imported trainee who has no password yet", async () => {
    const disabled = await makeTrainee(t.db, { email: "gone@example.nhs.uk" });
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.id));
    await makeTrainee(t.db, { email: "imported@example.nhs.uk", passwordHash: null });
    expect((await askForReset("gone@example.nhs.uk")).ok).toBe(true);
    expect((await askForReset("imported@example.nhs.uk")).ok).toBe(true);
    expect(await t.db.select().from(passwordResets)).toHaveLength(0);
    expect(await t.db.select().from(emailOutbox)).toHaveLength(0);
  });

  it("sets the new password once, ends every session and spends the account's other links", async () => {
    const user = await makeTrainee(t.db, { email: "forgetful@example.nhs.uk" });
    const session = cookieValue(await createUserSession(t.db, user.id));
    await askForReset("forgetful@example.nhs.uk");
    await askForReset("forgetful@example.nhs.uk");
    const [first, second] = await resetLinkTokens();
    expect(await findPasswordReset(t.db, first!)).toEqual({ ok: true });

    expect(await resetPassword(t.db, first!, NEW_PASSWORD)).toEqual({ ok: true, userId: user.id, role: "trainee" });
    expect((await resolveSession(t.db, session)).user).toBeNull();
    expect(await signIn(t.db, { email: "forgetful@example.nhs.uk", password: NEW_PASSWORD, ip: "10.0.0.4" })).toMatchObject({ ok: true });

    expect(await resetPassword(t.db, first!, "yet another long passphrase")).toEqual({ ok: false, status: 409, reason: "used" });
    expect(await resetPassword(t.db, second!, "yet another long passphrase")).toEqual({ ok: false, status: 409, reason: "used" });
    expect(await resetPassword(t.db, "made-up-token", "yet another long passphrase")).toEqual({ ok: false, status: 404, reason: "unknown" });
    expect(await signIn(t.db, { email: "forgetful@example.nhs.uk", password: NEW_PASSWORD, ip: "10.0.0.4" })).toMatchObject({ ok: true });
  });

  it("refuses a link older than an hour", async () => {
    await makeTrainee(t.db, { email: "slow@example.nhs.uk" });
    await askForReset("slow@example.nhs.uk");
    const [token] = await resetLinkTokens();
    await t.db.update(passwordResets).set({ createdAt: new Date(Date.now() - 62 * 60 * 1000), expiresAt: new Date(Date.now() - 60 * 1000) });
    expect(await findPasswordReset(t.db, token!)).toEqual({ ok: false, reason: "expired" });
    expect(await resetPassword(t.db, token!, NEW_PASSWORD)).toEqual({ ok: false, status: 410, reason: "expired" });
    expect(await signIn(t.db, { email: "slow@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.0.5" })).toMatchObject({ ok: true });
  });

  it("lets only one of two simultaneous uses of a link through", async () => {
    await makeTrainee(t.db, { email: "twice@example.nhs.uk" });
    await askForReset("twice@example.nhs.uk");
    const [token] = await resetLinkTokens();
    const results = await Promise.all([resetPassword(t.db, token!, "first long new passphrase"), resetPassword(t.db, token!, "second long new passphrase")]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("lockouts are too easy: a password reset ends the lockout, failures before it stop counting", async () => {
    await makeTrainee(t.db, { email: "locked@example.nhs.uk" });
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      await signIn(t.db, { email: "locked@example.nhs.uk", password: `attacker guess ${i}`, ip: `198.51.100.${i}` });
    }
    expect(await signIn(t.db, { email: "locked@example.nhs.uk", password: TEST_PASSWORD, ip: "10.0.0.6" })).toMatchObject({ ok: false, status: 429 });
    await askForReset("locked@example.nhs.uk", "10.0.0.6");
    const [token] = await resetLinkTokens();
    expect((await resetPassword(t.db, token!, NEW_PASSWORD)).ok).toBe(true);
    expect(await signIn(t.db, { email: "locked@example.nhs.uk", password: NEW_PASSWORD, ip: "10.0.0.6" })).toMatchObject({ ok: true });
    // The limit still holds after the reset: ten new failures lock it again.
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      await signIn(t.db, { email: "locked@example.nhs.uk", password: `attacker again ${i}`, ip: `198.51.100.${i}` });
    }
    expect(await signIn(t.db, { email: "locked@example.nhs.uk", password: NEW_PASSWORD, ip: "10.0.0.6" })).toMatchObject({ ok: false, status: 429 });
  });

  it("limits requests per address, known or not, even when they arrive together", async () => {
    await makeTrainee(t.db, { email: "popular@example.nhs.uk" });
    for (const email of ["popular@example.nhs.uk", "unknown@example.nhs.uk"]) {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => askForReset(email, `203.0.113.${i}`)));
      // Parallel requests may refuse more than they must (each sees the others' rows), never fewer;
      // the refused ones do not count, so asking again one at a time reaches the limit exactly.
      let answered = results.filter((r) => r.ok).length;
      expect(answered).toBeLessThanOrEqual(RESET_REQUESTS.perAddress);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, status: 429, message: TOO_MANY_RESET_REQUESTS });
      for (let i = 0; i < 2 * RESET_REQUESTS.perAddress; i++) if ((await askForReset(email, "203.0.113.99")).ok) answered++;
      expect(answered).toBe(RESET_REQUESTS.perAddress);
    }
    expect(await resetLinkTokens()).toHaveLength(RESET_REQUESTS.perAddress);
  });

  it("limits requests per IP address", async () => {
    const results = [];
    for (let i = 0; i <= RESET_REQUESTS.perIp; i++) results.push(await askForReset(`person${i}@example.nhs.uk`, "203.0.113.200"));
    expect(results.slice(0, RESET_REQUESTS.perIp).every((r) => r.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: false, status: 429 });
  });
});
