// Signing in with NHS CIS2 (issue 14) against a real OpenID Connect provider run in this process
// (tests/helpers/cis2-provider.ts, set up as CIS2 is: private_key_jwt, PKCE, acr values): the
// start and callback routes called with real requests and cookies, on the test database.
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { auditEvents, invitations, oidcSignInStates, sessions, userIdentities, users } from "@db/schema";
import { resetCis2ForTests, startCis2SignIn } from "~/cis2.server";
import { setStaffPasswordSignIn, STAFF_PASSWORD_OFF_MESSAGE } from "~/models/cis2-accounts.server";
import { hashToken } from "~/models/users.server";
import * as adminSignIn from "~/routes/admin.sign-in";
import * as invitationPage from "~/routes/invitations.$token";
import * as signIn from "~/routes/sign-in";
import * as startRoute from "~/routes/sign-in_.cis2";
import * as callbackRoute from "~/routes/sign-in_.cis2_.callback";

import { startCis2Provider, type Cis2Login, type Cis2Provider } from "../helpers/cis2-provider";
import { callRoute, formRequest, getRequest, ORIGIN, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

// A pool as large as the parallel callbacks, so on PostgreSQL they really run at once.
const t = useTestDatabase({ poolSize: 12 });
let provider: Cis2Provider;

function configure(extra: Record<string, string> = {}) {
  for (const key of Object.keys(process.env)) if (key.startsWith("CIS2_")) delete process.env[key];
  Object.assign(process.env, provider.env, extra);
  resetCis2ForTests();
}

beforeAll(async () => {
  // The app's redirect address is built from the request's origin (no APP_ORIGIN in tests).
  provider = await startCis2Provider({ appOrigin: ORIGIN });
});
beforeEach(() => configure({ CIS2_MIN_ACR: "AAL2_ANY", CIS2_ACR_VALUES: "AAL3_ANY AAL2_ANY" }));
afterEach(() => {
  for (const key of Object.keys(process.env)) if (key.startsWith("CIS2_")) delete process.env[key];
  resetCis2ForTests();
});
afterAll(async () => {
  await provider?.stop();
});

const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;
const join = (...cookies: (string | undefined)[]) => cookies.filter(Boolean).join("; ");

/** Presses a CIS2 button: the start route's answer, the provider address and the state cookie. */
async function start(fields: Record<string, string>, cookie?: string) {
  const res = await callRoute(t.db, startRoute.action, formRequest("/sign-in/cis2", fields, cookie));
  expect(res.status).toBe(302);
  const location = res.headers.get("location")!;
  expect(location.startsWith(provider.issuer)).toBe(true);
  return { url: location, stateCookie: cookieOf(res.headers.get("set-cookie")!) };
}

/** The browser's trip to the provider and back: the provider signs `login` in and returns the callback address. */
async function throughProvider(url: string, login: Cis2Login | "cancel"): Promise<URL> {
  if (login === "cancel") provider.cancelNextLogin();
  else provider.setNextLogin(login);
  return provider.authorize(url);
}

async function callback(back: URL, cookie: string) {
  return callRoute(t.db, callbackRoute.loader, new Request(back, { headers: { Cookie: cookie } }));
}

async function problemOf(res: Response): Promise<string> {
  return ((await res.json()) as { problem: string }).problem;
}

async function staffInvitation(role: "dme" | "trust_lead" | "admin" | "trainee", email: string, userId?: string) {
  const trust = role === "admin" || role === "trainee" ? null : await makeTrust(t.db);
  const token = `invitation-${Math.random().toString(36).slice(2)}`;
  const [row] = await t.db
    .insert(invitations)
    .values({ email, name: "Dr Invited Person", role, trustId: trust?.id ?? null, userId: userId ?? null, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) })
    .returning({ id: invitations.id });
  return { token, invitationId: row!.id, trustId: trust?.id ?? null };
}

async function linkedDme(sub: string) {
  const trust = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  await t.db.insert(userIdentities).values({ userId: dme.id, issuer: provider.issuer, subject: sub });
  return dme;
}

describe("an invited DME accepts with NHS CIS2, then signs in by subject", () => {
  it("makes the account without a password, links the subject, uses the invitation and starts a CIS2 session", async () => {
    const { token, invitationId } = await staffInvitation("dme", "new.dme@example.nhs.uk");
    const page = await callRoute(t.db, invitationPage.loader, getRequest(`/invitations/${token}`), { token });
    expect(((await page.json()) as { methods: unknown }).methods).toEqual({ cis2: true, password: true });

    const begun = await start({ purpose: "invitation", token });
    // PKCE, state, nonce and the requested assurance level are in the address the browser is sent to.
    const sent = new URL(begun.url).searchParams;
    expect(sent.get("code_challenge_method")).toBe("S256");
    expect(sent.get("acr_values")).toBe("AAL3_ANY AAL2_ANY");
    expect(sent.get("state")).toBe(begun.stateCookie.split("=")[1]);
    expect(sent.get("nonce")).toBeTruthy();
    // Only the state's hash is kept.
    const [state] = await t.db.select().from(oidcSignInStates);
    expect(state).toMatchObject({ purpose: "invitation", invitationId, usedAt: null });
    expect(state!.stateHash).not.toBe(sent.get("state"));

    // The e-mail claim differs in case only: it is the same address.
    const back = await throughProvider(begun.url, { sub: "cis2-dme-0001", email: "New.DME@example.nhs.uk", acr: "AAL3_ANY", name: "Dr CIS2 Name" });
    const res = await callback(back, begun.stateCookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dme");
    const setCookies = res.headers.getSetCookie();
    expect(setCookies.some((c) => /^invitational_cis2_state=;/.test(c))).toBe(true);
    const sessionCookie = cookieOf(setCookies.find((c) => c.startsWith("invitational_session="))!);

    const [user] = await t.db.select().from(users).where(eq(users.email, "new.dme@example.nhs.uk"));
    expect(user).toMatchObject({ role: "dme", passwordHash: null, name: "Dr Invited Person" });
    expect(await t.db.select({ userId: userIdentities.userId, issuer: userIdentities.issuer, subject: userIdentities.subject }).from(userIdentities)).toEqual([
      { userId: user!.id, issuer: provider.issuer, subject: "cis2-dme-0001" },
    ]);
    const [invitation] = await t.db.select({ usedAt: invitations.usedAt }).from(invitations).where(eq(invitations.id, invitationId));
    expect(invitation!.usedAt).not.toBeNull();
    const [session] = await t.db.select().from(sessions).where(eq(sessions.userId, user!.id));
    expect(session).toMatchObject({ authMethod: "cis2", oidcSid: expect.any(String) });
    expect(sessionCookie).toBe(`invitational_session=${session!.id}`);
    const actions = (await t.db.select({ action: auditEvents.action }).from(auditEvents)).map((r) => r.action).sort();
    expect(actions).toEqual(["account.cis2_linked", "invitation.accepted"]);

    // Later: "Sign in with NHS CIS2" finds the account by its subject, whatever e-mail CIS2 now sends.
    const again = await start({ purpose: "sign_in", redirectTo: "/dme/approvals" });
    const back2 = await throughProvider(again.url, { sub: "cis2-dme-0001", email: "renamed@nhs.net", acr: "AAL2_ANY" });
    const res2 = await callback(back2, again.stateCookie);
    expect(res2.status).toBe(302);
    expect(res2.headers.get("location")).toBe("/dme/approvals");
    expect(await t.db.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.userId, user!.id), eq(sessions.authMethod, "cis2")))).toHaveLength(2);
  });

  it("an ID token e-mail that is not the invitation's is refused with its page, and nothing is written", async () => {
    const { token, invitationId } = await staffInvitation("trust_lead", "lead.invited@example.nhs.uk");
    const begun = await start({ purpose: "invitation", token });
    const res = await callback(await throughProvider(begun.url, { sub: "cis2-other-person", email: "someone.else@nhs.net" }), begun.stateCookie);
    expect(res.status).toBe(403);
    expect(await problemOf(res)).toBe("email_mismatch");
    expect(await t.db.select().from(userIdentities)).toEqual([]);
    expect(await t.db.select({ id: users.id }).from(users).where(eq(users.email, "lead.invited@example.nhs.uk"))).toEqual([]);
    expect(await t.db.select({ id: invitations.id }).from(invitations).where(and(eq(invitations.id, invitationId), isNull(invitations.usedAt)))).toHaveLength(1);
  });

  it("an e-mail CIS2 marks unverified is refused; a subject already linked to another account rolls the acceptance back", async () => {
    const unverified = await staffInvitation("dme", "unverified@example.nhs.uk");
    const first = await start({ purpose: "invitation", token: unverified.token });
    const res = await callback(await throughProvider(first.url, { sub: "cis2-unverified", email: "unverified@example.nhs.uk", emailVerified: false }), first.stateCookie);
    expect(res.status).toBe(403);
    expect(await problemOf(res)).toBe("email_unverified");

    await linkedDme("cis2-already-linked");
    const taken = await staffInvitation("admin", "second.account@example.nhs.uk");
    const second = await start({ purpose: "invitation", token: taken.token });
    const res2 = await callback(await throughProvider(second.url, { sub: "cis2-already-linked", email: "second.account@example.nhs.uk" }), second.stateCookie);
    expect(res2.status).toBe(409);
    expect(await problemOf(res2)).toBe("subject_taken");
    expect(await t.db.select({ id: users.id }).from(users).where(eq(users.email, "second.account@example.nhs.uk"))).toEqual([]);
    expect(await t.db.select({ id: invitations.id }).from(invitations).where(and(eq(invitations.id, taken.invitationId), isNull(invitations.usedAt)))).toHaveLength(1);
  });

  it("a trainee's invitation is accepted with a password: it offers no CIS2 button and the start route refuses it", async () => {
    const trainee = await makeTrainee(t.db, { passwordHash: null });
    const { token } = await staffInvitation("trainee", "imported.trainee@example.nhs.uk", trainee.id);
    const page = await callRoute(t.db, invitationPage.loader, getRequest(`/invitations/${token}`), { token });
    expect(((await page.json()) as { methods: unknown }).methods).toEqual({ cis2: false, password: true });
    const res = await callRoute(t.db, startRoute.action, formRequest("/sign-in/cis2", { purpose: "invitation", token }));
    expect(res.status).toBe(403);
    expect(await t.db.select().from(oidcSignInStates)).toEqual([]);
  });
});

describe("the callback's refusals, each a plain page", () => {
  it("an unknown subject gets the not-linked page and no session, even when an account has the same e-mail", async () => {
    const dme = await makeUser(t.db, { role: "dme", trustId: (await makeTrust(t.db)).id });
    const begun = await start({ purpose: "sign_in" });
    const res = await callback(await throughProvider(begun.url, { sub: "cis2-never-linked", email: dme.email }), begun.stateCookie);
    expect(res.status).toBe(403);
    expect(await problemOf(res)).toBe("unknown_subject");
    expect(await t.db.select().from(sessions)).toEqual([]);
  });

  it("a disabled account's subject is not signed in", async () => {
    const dme = await linkedDme("cis2-disabled");
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, dme.id));
    const begun = await start({ purpose: "sign_in" });
    const res = await callback(await throughProvider(begun.url, { sub: "cis2-disabled" }), begun.stateCookie);
    expect(res.status).toBe(403);
    expect(await t.db.select().from(sessions)).toEqual([]);
  });

  it("a replayed state: the second callback with the same address and cookie gets the used-or-expired page, 400", async () => {
    await linkedDme("cis2-replayed");
    const begun = await start({ purpose: "sign_in" });
    const back = await throughProvider(begun.url, { sub: "cis2-replayed" });
    expect((await callback(back, begun.stateCookie)).status).toBe(302);
    const replay = await callback(back, begun.stateCookie);
    expect(replay.status).toBe(400);
    expect(await problemOf(replay)).toBe("state_used");
    expect(await t.db.select().from(sessions)).toHaveLength(1);
  });

  it("ten callbacks at once with one state make one session (the state row is consumed by one conditional update)", async () => {
    await linkedDme("cis2-parallel");
    const begun = await start({ purpose: "sign_in" });
    const back = await throughProvider(begun.url, { sub: "cis2-parallel" });
    const answers = await Promise.all(Array.from({ length: 10 }, () => callback(back, begun.stateCookie)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([302, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    expect(await t.db.select().from(sessions)).toHaveLength(1);
  });

  it("a state older than 10 minutes is refused as expired", async () => {
    await linkedDme("cis2-stale");
    const begun = await start({ purpose: "sign_in" });
    const back = await throughProvider(begun.url, { sub: "cis2-stale" });
    await t.db.update(oidcSignInStates).set({ expiresAt: new Date(Date.now() - 1000) });
    const res = await callback(back, begun.stateCookie);
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toBe("state_used");
  });

  it("no state cookie, or another browser's, is refused and leaves the state for the browser that started it", async () => {
    await linkedDme("cis2-other-browser");
    const mine = await start({ purpose: "sign_in" });
    const theirs = await start({ purpose: "sign_in" });
    const back = await throughProvider(mine.url, { sub: "cis2-other-browser" });
    for (const cookie of ["", theirs.stateCookie]) {
      const res = await callback(back, cookie);
      expect(res.status).toBe(400);
      expect(await problemOf(res)).toBe("state");
    }
    expect((await callback(back, mine.stateCookie)).status).toBe(302);
  });

  it("a code CIS2 no longer accepts (expired or already used: invalid_grant) gets the expired-code page, 400, and no session", async () => {
    await linkedDme("cis2-old-code");
    const begun = await start({ purpose: "sign_in" });
    const back = await throughProvider(begun.url, { sub: "cis2-old-code" });
    // The same state and cookie, with a code the provider never issued: its token endpoint answers invalid_grant.
    back.searchParams.set("code", "a-code-the-provider-never-issued");
    const res = await callback(back, begun.stateCookie);
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toBe("code_expired");
    expect(await t.db.select().from(sessions)).toEqual([]);
  });

  it("a wrong nonce: an ID token issued for another nonce than the one kept with the state is refused", async () => {
    await linkedDme("cis2-nonce");
    const begun = await start({ purpose: "sign_in" });
    // The authorisation request as an attacker would alter it: the same state and PKCE challenge, another nonce.
    const tampered = new URL(begun.url);
    tampered.searchParams.set("nonce", "a-nonce-this-app-never-sent");
    const res = await callback(await throughProvider(tampered.href, { sub: "cis2-nonce" }), begun.stateCookie);
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toBe("invalid_response");
    expect(await t.db.select().from(sessions)).toEqual([]);
  });

  it("an assurance level below CIS2_MIN_ACR gets the smartcard page, 403, and no session", async () => {
    await linkedDme("cis2-weak");
    const begun = await start({ purpose: "sign_in" });
    const res = await callback(await throughProvider(begun.url, { sub: "cis2-weak", acr: "AAL1_USERPASS" }), begun.stateCookie);
    expect(res.status).toBe(403);
    expect(await problemOf(res)).toBe("acr_too_low");
    expect(await t.db.select().from(sessions)).toEqual([]);
  });

  it("with CIS2_MAX_AGE, a sign-in at CIS2 older than that is refused (auth_time checked)", async () => {
    configure({ CIS2_MAX_AGE: "300" });
    await linkedDme("cis2-old-login");
    const begun = await start({ purpose: "sign_in" });
    expect(new URL(begun.url).searchParams.get("max_age")).toBe("300");
    const res = await callback(await throughProvider(begun.url, { sub: "cis2-old-login", authTime: Math.floor(Date.now() / 1000) - 3600 }), begun.stateCookie);
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toBe("invalid_response");
  });

  it("a sign-in cancelled at CIS2 (access_denied) gets the cancelled page", async () => {
    const begun = await start({ purpose: "sign_in" });
    const back = await throughProvider(begun.url, "cancel");
    expect(back.searchParams.get("error")).toBe("access_denied");
    const res = await callback(back, begun.stateCookie);
    expect(res.status).toBe(400);
    expect(await problemOf(res)).toBe("cancelled");
  });

  it("a provider that does not answer: 503 with the not-answering page, and no state kept", async () => {
    configure({ CIS2_ISSUER: "http://127.0.0.1:9" });
    const res = await callRoute(t.db, startRoute.action, formRequest("/sign-in/cis2", { purpose: "sign_in" }));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ problem: "unavailable" });
    expect(await t.db.select().from(oidcSignInStates)).toEqual([]);
  });
});

describe("the start route's form", () => {
  it("refuses a purpose it does not know (400), and an invitation link that does not work as its page does", async () => {
    const bad = await callRoute(t.db, startRoute.action, formRequest("/sign-in/cis2", { purpose: "link" }));
    expect(bad.status).toBe(400);
    const unknown = await callRoute(t.db, startRoute.action, formRequest("/sign-in/cis2", { purpose: "invitation", token: "no-such-token\u0000" }));
    expect(unknown.status).toBe(404);
    expect(await t.db.select().from(oidcSignInStates)).toEqual([]);
  });

  it("keeps only a path on this site to come back to: another host or a huge value is dropped, a NUL removed", async () => {
    for (const redirectTo of ["https://evil.example/", `/${"a".repeat(20_000)}`, "//evil.example", "/\\evil.example"]) {
      await start({ purpose: "sign_in", redirectTo });
    }
    await start({ purpose: "sign_in", redirectTo: "/opportunities?q=board\u0000" });
    const kept = (await t.db.select({ redirectTo: oidcSignInStates.redirectTo }).from(oidcSignInStates)).map((r) => r.redirectTo).sort();
    expect(kept).toEqual(["", "", "", "", "/opportunities?q=board"]);
  });

  it("answers 404 on both routes while CIS2 is not configured, and the sign-in page shows no CIS2 button", async () => {
    for (const key of Object.keys(process.env)) if (key.startsWith("CIS2_")) delete process.env[key];
    resetCis2ForTests();
    expect((await callRoute(t.db, startRoute.action, formRequest("/sign-in/cis2", { purpose: "sign_in" }))).status).toBe(404);
    expect((await callRoute(t.db, callbackRoute.loader, getRequest("/sign-in/cis2/callback?code=x&state=y"))).status).toBe(404);
    const page = await callRoute(t.db, signIn.loader, getRequest("/sign-in"));
    expect(((await page.json()) as { cis2: boolean }).cis2).toBe(false);
  });
});

describe("linking NHS CIS2 to a signed-in account", () => {
  it("links the subject to the account that started it; another account's session cannot finish it", async () => {
    const trainee = await makeTrainee(t.db);
    const other = await makeTrainee(t.db);
    const mine = await sessionCookieFor(t.db, trainee.id);
    const theirs = await sessionCookieFor(t.db, other.id);

    const wrong = await startCis2SignIn(t.db, { purpose: "link", userId: trainee.id, redirectTo: "/trainee/profile", origin: ORIGIN });
    if (!wrong.ok) throw new Error("the provider did not answer");
    const wrongBack = await throughProvider(wrong.url, { sub: "cis2-trainee-link" });
    const refused = await callback(wrongBack, join(cookieOf(wrong.cookie), theirs));
    expect(refused.status).toBe(403);
    expect(await problemOf(refused)).toBe("link_signed_out");

    const begun = await startCis2SignIn(t.db, { purpose: "link", userId: trainee.id, redirectTo: "/trainee/profile", origin: ORIGIN });
    if (!begun.ok) throw new Error("the provider did not answer");
    const res = await callback(await throughProvider(begun.url, { sub: "cis2-trainee-link" }), join(cookieOf(begun.cookie), mine));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/trainee/profile");
    expect(await t.db.select({ userId: userIdentities.userId }).from(userIdentities)).toEqual([{ userId: trainee.id }]);
    // Linking keeps the password session it was started from.
    expect(await t.db.select({ authMethod: sessions.authMethod }).from(sessions).where(eq(sessions.userId, trainee.id))).toEqual([{ authMethod: "password" }]);
  });
});

describe("password sign-in turned off for staff", () => {
  it("refuses a DME's right password with the CIS2 message, after the password check; trainees keep passwords", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const dme = await makeUser(t.db, { role: "dme", trustId: (await makeTrust(t.db)).id });
    const trainee = await makeTrainee(t.db);
    expect(await setStaffPasswordSignIn(t.db, admin, false, { cis2Configured: true })).toEqual({ ok: true, changed: true });

    const wrong = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: dme.email, password: "not the password" }));
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(await wrong.json())).not.toContain("CIS2");
    const refused = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: dme.email, password: TEST_PASSWORD }));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { fieldErrors: Record<string, string> }).fieldErrors).toEqual({ email: STAFF_PASSWORD_OFF_MESSAGE });
    expect(await t.db.select().from(sessions).where(eq(sessions.userId, dme.id))).toEqual([]);

    const ok = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: trainee.email, password: TEST_PASSWORD }));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/trainee");
  });

  it("a staff invitation then offers NHS CIS2 only, and refuses a password sent anyway", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    await setStaffPasswordSignIn(t.db, admin, false, { cis2Configured: true });
    const { token } = await staffInvitation("dme", "cis2.only@example.nhs.uk");
    const page = await callRoute(t.db, invitationPage.loader, getRequest(`/invitations/${token}`), { token });
    expect(((await page.json()) as { methods: unknown }).methods).toEqual({ cis2: true, password: false });
    const res = await callRoute(t.db, invitationPage.action, formRequest(`/invitations/${token}`, { name: "Dr Someone", password: "a long enough passphrase" }), { token });
    expect(res.status).toBe(403);
    expect(await t.db.select({ id: users.id }).from(users).where(eq(users.email, "cis2.only@example.nhs.uk"))).toEqual([]);
  });

  it("the admin's page turns it off and on, audited; it cannot be turned off while CIS2 is not configured", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const off = await callRoute(t.db, adminSignIn.action, formRequest("/admin/sign-in", { staffPasswordSignIn: "off" }, cookie));
    expect(off.status).toBe(200);
    const page = await callRoute(t.db, adminSignIn.loader, getRequest("/admin/sign-in", cookie));
    expect(await page.json()).toEqual({ allowed: false, cis2: true });
    expect((await callRoute(t.db, adminSignIn.action, formRequest("/admin/sign-in", { staffPasswordSignIn: "on" }, cookie))).status).toBe(200);
    const audited = await t.db.select({ action: auditEvents.action, actorId: auditEvents.actorId, details: auditEvents.details }).from(auditEvents);
    expect(audited).toEqual([
      { action: "settings.staff_password_sign_in", actorId: admin.id, details: { allowed: false } },
      { action: "settings.staff_password_sign_in", actorId: admin.id, details: { allowed: true } },
    ]);

    for (const key of Object.keys(process.env)) if (key.startsWith("CIS2_")) delete process.env[key];
    resetCis2ForTests();
    const refused = await callRoute(t.db, adminSignIn.action, formRequest("/admin/sign-in", { staffPasswordSignIn: "off" }, cookie));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { fieldErrors: Record<string, string> }).fieldErrors.staffPasswordSignIn).toMatch(/not set up/);
    const empty = await callRoute(t.db, adminSignIn.action, formRequest("/admin/sign-in", {}, cookie));
    expect(empty.status).toBe(400);
    const dme = await makeUser(t.db, { role: "dme", trustId: (await makeTrust(t.db)).id });
    expect((await callRoute(t.db, adminSignIn.action, formRequest("/admin/sign-in", { staffPasswordSignIn: "off" }, await sessionCookieFor(t.db, dme.id)))).status).toBe(403);
  });
});
