// The account routes: change your password, forgotten password, reset link, a new invitation
// link, and the admin's and DME's invitation buttons, with real requests and sessions.
import { randomBytes } from "node:crypto";

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { resolveSession } from "~/auth.server";
import { closeTraineeAccount } from "~/models/data-rights.server";
import { hashToken } from "~/models/users.server";
import * as changePassword from "~/routes/account.password";
import * as adminUser from "~/routes/admin.users.$id";
import * as dmeInvitations from "~/routes/dme.invitations";
import * as forgotPassword from "~/routes/forgot-password";
import * as invitationPage from "~/routes/invitations.$token";
import * as resetPassword from "~/routes/reset-password.$token";
import * as signIn from "~/routes/sign-in";
import { emailOutbox, invitations, loginAttempts, passwordResets, users } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { composedOutbox } from "../helpers/emails";
import { makePlacement, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();
const DAY = 86_400_000;

async function json(res: Response) {
  return (await res.json()) as Record<string, unknown> & { fieldErrors?: Record<string, string>; formError?: string };
}

/** The reset link's token from the outbox, once the request's background work has queued it. */
async function resetTokenFromOutbox(): Promise<string> {
  for (let tries = 0; tries < 200; tries++) {
    const [mail] = (await composedOutbox(t.db)).filter((m) => m.row.kind === "password_reset" && m.email);
    if (mail) return /\/reset-password\/([A-Za-z0-9_-]+)/.exec(mail.email!.text)![1]!;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error("no reset e-mail was queued");
}

describe("change your password", () => {
  it("sends a signed-out visitor to sign in, and refuses a wrong current password with 400", async () => {
    const page = await callRoute(t.db, changePassword.loader, getRequest("/account/password"));
    expect(page.status).toBe(302);
    expect(page.headers.get("Location")).toBe("/sign-in?redirectTo=%2Faccount%2Fpassword");
    const post = await callRoute(t.db, changePassword.action, formRequest("/account/password", { currentPassword: "x", newPassword: "a new long passphrase" }));
    expect(post.status).toBe(302);
    expect(post.headers.get("Location")).toMatch(/^\/sign-in/);

    const lead = await makeUser(t.db, { role: "trust_lead", trustId: (await makeTrust(t.db)).id });
    const cookie = await sessionCookieFor(t.db, lead.id);
    const wrong = await callRoute(t.db, changePassword.action, formRequest("/account/password", { currentPassword: "not it", newPassword: "a new long passphrase" }, cookie));
    expect(wrong.status).toBe(400);
    expect((await json(wrong)).fieldErrors).toEqual({ currentPassword: expect.stringMatching(/not correct/) });
    const weak = await callRoute(t.db, changePassword.action, formRequest("/account/password", { currentPassword: TEST_PASSWORD, newPassword: "short" }, cookie));
    expect(weak.status).toBe(400);
    expect((await json(weak)).fieldErrors).toEqual({ newPassword: "Password must be at least 12 characters" });
  });

  it("changes it for every role, ends the other sessions and gives this browser a fresh one", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const here = await sessionCookieFor(t.db, admin.id);
    const elsewhere = await sessionCookieFor(t.db, admin.id);
    const res = await callRoute(t.db, changePassword.action, formRequest("/account/password", { currentPassword: TEST_PASSWORD, newPassword: "a new long passphrase" }, here));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/account/password?changed=1");
    const fresh = res.headers.get("Set-Cookie")!.split(";")[0]!;
    expect((await resolveSession(t.db, fresh)).user?.id).toBe(admin.id);
    expect((await resolveSession(t.db, here)).user).toBeNull();
    expect((await resolveSession(t.db, elsewhere)).user).toBeNull();
  });
});

describe("forgotten password", () => {
  it("answers an address with an account and one without alike, and 429 past the limit", async () => {
    await makeTrainee(t.db, { email: "known@example.nhs.uk" });
    const known = await callRoute(t.db, forgotPassword.action, formRequest("/forgot-password", { email: "known@example.nhs.uk" }));
    const unknown = await callRoute(t.db, forgotPassword.action, formRequest("/forgot-password", { email: "unknown@example.nhs.uk" }));
    for (const res of [known, unknown]) {
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe("/forgot-password?sent=1");
      expect(res.headers.get("Set-Cookie")).toBeNull();
    }
    await resetTokenFromOutbox();
    for (let i = 0; i < 2; i++) await callRoute(t.db, forgotPassword.action, formRequest("/forgot-password", { email: "unknown@example.nhs.uk" }));
    const limited = await callRoute(t.db, forgotPassword.action, formRequest("/forgot-password", { email: "unknown@example.nhs.uk" }));
    expect(limited.status).toBe(429);
    expect((await json(limited)).fieldErrors?.email).toMatch(/too many links/);
    const bad = await callRoute(t.db, forgotPassword.action, formRequest("/forgot-password", { email: "not an address" }));
    expect(bad.status).toBe(400);
  });

  it("the reset link's page: 404 unknown, 410 expired; using it sets the password, signs in and says so (resetting a password lands on the home page with no word that the password changed)", async () => {
    const trainee = await makeTrainee(t.db, { email: "forgetful@example.nhs.uk" });
    expect((await callRoute(t.db, resetPassword.loader, getRequest("/reset-password/nope"), { token: "nope" })).status).toBe(404);
    await callRoute(t.db, forgotPassword.action, formRequest("/forgot-password", { email: "forgetful@example.nhs.uk" }));
    const token = await resetTokenFromOutbox();
    expect((await callRoute(t.db, resetPassword.loader, getRequest(`/reset-password/${token}`), { token })).status).toBe(200);
    const weak = await callRoute(t.db, resetPassword.action, formRequest(`/reset-password/${token}`, { password: "short" }), { token });
    expect(weak.status).toBe(400);
    const res = await callRoute(t.db, resetPassword.action, formRequest(`/reset-password/${token}`, { password: "a fresh long passphrase" }), { token });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/account/password?changed=1");
    expect((await resolveSession(t.db, res.headers.get("Set-Cookie")!.split(";")[0]!)).user?.id).toBe(trainee.id);
    expect((await callRoute(t.db, resetPassword.loader, getRequest(`/reset-password/${token}`), { token })).status).toBe(409);

    await t.db.insert(passwordResets).values({ userId: trainee.id, tokenHash: hashToken("old-one"), createdAt: new Date(Date.now() - 2 * 3600_000), expiresAt: new Date(Date.now() - 3600_000) });
    expect((await callRoute(t.db, resetPassword.loader, getRequest("/reset-password/old-one"), { token: "old-one" })).status).toBe(410);
  });

  it("the 429 at sign-in says what to do: reset your password", async () => {
    await makeTrainee(t.db, { email: "locked@example.nhs.uk" });
    await t.db.insert(loginAttempts).values(Array.from({ length: 10 }, () => ({ email: "locked@example.nhs.uk", ip: "192.0.2.1", succeeded: false })));
    const res = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: "locked@example.nhs.uk", password: TEST_PASSWORD }));
    expect(res.status).toBe(429);
    const data = await json(res);
    expect(data.throttled).toBe(true);
    expect(data.fieldErrors?.email).toMatch(/or reset your password/);
  });
});

describe("an expired invitation's page", () => {
  it("offers a new link, sends it to the address on file and never shows the address", async () => {
    const trainee = await makeTrainee(t.db, { passwordHash: null, email: "imported@example.nhs.uk" });
    const token = randomBytes(16).toString("hex");
    await t.db.insert(invitations).values({
      email: trainee.email, name: trainee.name, role: "trainee", tokenHash: hashToken(token), userId: trainee.id,
      createdAt: new Date(Date.now() - 10 * DAY), expiresAt: new Date(Date.now() - 3 * DAY),
    });
    const page = await callRoute(t.db, invitationPage.loader, getRequest(`/invitations/${token}`), { token });
    expect(page.status).toBe(410);
    expect(await page.json()).toMatchObject({ canAskAgain: true });
    const res = await callRoute(t.db, invitationPage.action, formRequest(`/invitations/${token}`, { intent: "new-link" }), { token });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("sent a new link");
    expect(text).not.toContain("imported@");
    const mails = (await composedOutbox(t.db)).filter((m) => m.email);
    expect(mails.map((m) => m.email!.to)).toEqual(["imported@example.nhs.uk"]);
    expect((await callRoute(t.db, invitationPage.action, formRequest(`/invitations/${token}`, { intent: "new-link" }), { token })).status).toBe(404);
  });
});

describe("invitations for DMEs and admins", () => {
  it("a DME sends again the invitation of a trainee placed at their trust; another trust's is 404, and other roles get 403", async () => {
    const mine = await makeTrust(t.db);
    const other = await makeTrust(t.db);
    const dme = await makeUser(t.db, { role: "dme", trustId: mine.id });
    const cookie = await sessionCookieFor(t.db, dme.id);
    const invite = async (trustId: string) => {
      const trainee = await makeTrainee(t.db, { passwordHash: null });
      await makePlacement(t.db, { traineeId: trainee.id, trustId, grade: "FY2", startsOn: "2030-02-01", endsOn: "2030-08-01" });
      const [row] = await t.db
        .insert(invitations)
        .values({ email: trainee.email, name: trainee.name, role: "trainee", tokenHash: hashToken(randomBytes(8).toString("hex")), userId: trainee.id, expiresAt: new Date(Date.now() - DAY), createdAt: new Date(Date.now() - 8 * DAY) })
        .returning({ id: invitations.id });
      return row!.id;
    };
    const here = await invite(mine.id);
    const there = await invite(other.id);
    const page = await callRoute(t.db, dmeInvitations.loader, getRequest("/dme/invitations", cookie));
    expect(((await page.json()) as { invitations: { id: string }[] }).invitations.map((i) => i.id)).toEqual([here]);
    const post = (id: string, intent: string, who = cookie) => callRoute(t.db, dmeInvitations.action, formRequest("/dme/invitations", { intent, invitationId: id }, who));
    expect((await post(there, "resend-invitation")).status).toBe(404);
    expect((await post(there, "cancel-invitation")).status).toBe(404);
    const sent = await post(here, "resend-invitation");
    expect(sent.status).toBe(302);
    expect(sent.headers.get("Location")).toBe("/dme/invitations?done=resent");
    expect(await t.db.select().from(emailOutbox)).toHaveLength(1);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: mine.id });
    expect((await post(here, "cancel-invitation", await sessionCookieFor(t.db, lead.id))).status).toBe(403);
  });

  it("an admin cannot re-enable a closed account: 409 with the reason, and the page says it was closed by its owner", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const trainee = await makeTrainee(t.db);
    await closeTraineeAccount(t.db, { id: trainee.id, role: "trainee", trustId: null }, { password: TEST_PASSWORD, ip: "192.0.2.1", today: "2026-11-25" });
    const page = await callRoute(t.db, adminUser.loader, getRequest(`/admin/users/${trainee.id}`, cookie), { id: trainee.id });
    expect(((await page.json()) as { user: { closedAt: string | null } }).user.closedAt).not.toBeNull();
    const res = await callRoute(t.db, adminUser.action, formRequest(`/admin/users/${trainee.id}`, { intent: "enable" }, cookie), { id: trainee.id });
    expect(res.status).toBe(409);
    expect((await json(res)).message).toMatch(/closed by its owner/);
    expect((await t.db.select().from(users).where(eq(users.id, trainee.id)))[0]!.disabledAt).not.toBeNull();
  });

  it("an admin corrects the address of a trainee with no password and invites them again", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const trainee = await makeTrainee(t.db, { passwordHash: null, email: "typo@example.nhs.uk" });
    const post = (email: string) => callRoute(t.db, adminUser.action, formRequest(`/admin/users/${trainee.id}`, { intent: "correct-email", email }, cookie), { id: trainee.id });
    const bad = await post("not an address");
    expect(bad.status).toBe(400);
    expect((await json(bad)).fieldErrors?.email).toBeDefined();
    const res = await post("Right@Example.nhs.uk");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/admin/users/${trainee.id}?done=corrected`);
    expect((await t.db.select().from(users).where(eq(users.id, trainee.id)))[0]!.email).toBe("right@example.nhs.uk");
    const withPassword = await makeTrainee(t.db);
    const refused = await callRoute(t.db, adminUser.action, formRequest(`/admin/users/${withPassword.id}`, { intent: "correct-email", email: "x@example.nhs.uk" }, cookie), { id: withPassword.id });
    expect(refused.status).toBe(409);
  });
});
