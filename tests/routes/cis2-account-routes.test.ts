// NHS CIS2 against the test provider, through the app's own loaders and actions: back-channel
// logout ending a session, "Sign out of NHS CIS2 too", and a trainee linking and unlinking CIS2
// on the profile (and an admin unlinking it).
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { auditEvents, sessions, userIdentities } from "@db/schema";
import { resolveSession, sessionCookieName } from "~/auth.server";
import { resetCis2ForTests } from "~/cis2.server";
import { WRONG_PASSWORD } from "~/models/data-rights.server";
import * as adminUser from "~/routes/admin.users.$id";
import * as backchannel from "~/routes/sign-in_.cis2_.backchannel-logout";
import * as startCis2 from "~/routes/sign-in_.cis2";
import * as callback from "~/routes/sign-in_.cis2_.callback";
import * as signOut from "~/routes/sign-out";
import * as signedOut from "~/routes/signed-out";
import * as profilePage from "~/routes/trainee.profile";
import * as dmeHome from "~/routes/dme._index";

import { CookieJar, startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { callRoute, contextFor, formRequest, getRequest, ORIGIN, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();
let provider: Cis2Provider;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  provider = await startCis2Provider({ appOrigin: ORIGIN });
  for (const [key, value] of Object.entries(provider.env)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  resetCis2ForTests();
});
afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  resetCis2ForTests();
  await provider?.stop();
});

/** The "name=value" part of the Set-Cookie named `name` in a response. */
function cookieFrom(response: Response, name: string): string | null {
  const header = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return header ? header.split(";")[0]! : null;
}

const joinCookies = (...cookies: (string | null | undefined)[]) => cookies.filter(Boolean).join("; ");

/**
 * Goes through the provider from a response that redirects there (the app's start of a CIS2
 * sign-in) and opens the app's callback with the state cookie: returns the callback's answer.
 */
async function throughProvider(started: Response, cookie?: string) {
  expect(started.status).toBe(302);
  const location = started.headers.get("Location")!;
  expect(location.startsWith(provider.issuer)).toBe(true);
  const stateCookie = started.headers.getSetCookie()[0]!.split(";")[0]!;
  const back = await provider.authorize(location);
  expect(back.origin).toBe(ORIGIN);
  return callRoute(t.db, callback.loader, getRequest(back.pathname + back.search, joinCookies(stateCookie, cookie)));
}

/** Signs in with CIS2 as `sub` from the sign-in page; returns the session cookie. */
async function signInWithCis2(sub: string) {
  provider.setNextLogin({ sub, acr: "AAL3_ANY" });
  const done = await throughProvider(await callRoute(t.db, startCis2.action, formRequest("/sign-in/cis2", { purpose: "sign_in" })));
  expect(done.status).toBe(302);
  const cookie = cookieFrom(done, sessionCookieName());
  expect(cookie).not.toBeNull();
  return { cookie: cookie!, location: done.headers.get("Location") };
}

function logoutRequest(token: string) {
  // As the provider's server sends it: no Origin, no session.
  return new Request(`${ORIGIN}/sign-in/cis2/backchannel-logout`, {
    method: "POST",
    body: new URLSearchParams({ logout_token: token }),
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
}

async function linkedDme(sub: string) {
  const trust = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  await t.db.insert(userIdentities).values({ userId: dme.id, issuer: provider.issuer, subject: sub });
  return dme;
}

async function cis2SidOf(userId: string) {
  const [row] = await t.db.select({ sid: sessions.oidcSid }).from(sessions).where(and(eq(sessions.userId, userId), eq(sessions.authMethod, "cis2")));
  return row!.sid!;
}

describe("back-channel logout from NHS CIS2", () => {
  it("ends the session the provider's session made: the next request is signed out", async () => {
    const dme = await linkedDme("cis2-dme-1");
    const { cookie } = await signInWithCis2("cis2-dme-1");
    expect((await callRoute(t.db, dmeHome.loader, getRequest("/dme", cookie))).status).toBe(200);

    // Signed with the provider's key as its own would be (the app here is called in this process,
    // so nothing is posted to the origin the requests name).
    const logoutToken = await provider.signLogoutToken({ sub: "cis2-dme-1", sid: await cis2SidOf(dme.id) });
    const answer = await callRoute(t.db, backchannel.action, logoutRequest(logoutToken));
    expect(answer.status).toBe(200);

    expect((await resolveSession(t.db, cookie)).user).toBeNull();
    const next = await callRoute(t.db, dmeHome.loader, getRequest("/dme", cookie));
    expect(next.status).toBe(302);
    expect(next.headers.get("Location")).toMatch(/^\/sign-in\?redirectTo=/);
  });

  it("refuses a replayed logout token with 400 and ends nothing the second time", async () => {
    const dme = await linkedDme("cis2-dme-2");
    await signInWithCis2("cis2-dme-2");
    const logoutToken = await provider.signLogoutToken({ sub: "cis2-dme-2", sid: await cis2SidOf(dme.id) });
    expect((await callRoute(t.db, backchannel.action, logoutRequest(logoutToken))).status).toBe(200);
    const { cookie } = await signInWithCis2("cis2-dme-2");
    const replay = await callRoute(t.db, backchannel.action, logoutRequest(logoutToken));
    expect(replay.status).toBe(400);
    expect(await replay.text()).toBe("");
    expect((await resolveSession(t.db, cookie)).user?.id).toBe(dme.id);
  });

  it("refuses a logout token with a bad signature with 400, and the session stays", async () => {
    const dme = await linkedDme("cis2-dme-3");
    const { cookie } = await signInWithCis2("cis2-dme-3");
    const forged = await provider.signLogoutToken({ sub: "cis2-dme-3", sid: await cis2SidOf(dme.id) }, { signedBy: "stranger" });
    expect((await callRoute(t.db, backchannel.action, logoutRequest(forged))).status).toBe(400);
    const tampered = (await provider.signLogoutToken({ sub: "cis2-dme-3", sid: await cis2SidOf(dme.id) })).replace(/\.[^.]+$/, ".c2lnbmF0dXJl");
    expect((await callRoute(t.db, backchannel.action, logoutRequest(tampered))).status).toBe(400);
    expect((await callRoute(t.db, backchannel.action, new Request(`${ORIGIN}/sign-in/cis2/backchannel-logout`, { method: "POST", body: "{}", headers: { "Content-Type": "application/json" } }))).status).toBe(400);
    expect((await resolveSession(t.db, cookie)).user?.id).toBe(dme.id);
  });
});

describe("signing out of NHS CIS2 too", () => {
  it("offers it for a CIS2 session, ends ours and sends the browser to the provider's end-session endpoint, which comes back to /signed-out", async () => {
    await linkedDme("cis2-dme-out");
    const { cookie } = await signInWithCis2("cis2-dme-out");
    const page = await callRoute(t.db, signOut.loader, getRequest("/sign-out", cookie));
    expect(await page.json()).toMatchObject({ offerCis2: true });

    const out = await callRoute(t.db, signOut.action, formRequest("/sign-out", { intent: "cis2" }, cookie));
    expect(out.status).toBe(302);
    const endSession = new URL(out.headers.get("Location")!);
    expect(endSession.origin).toBe(provider.issuer);
    expect(endSession.searchParams.get("client_id")).toBe(provider.clientId);
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${ORIGIN}/signed-out`);
    expect((await resolveSession(t.db, cookie)).user).toBeNull();

    // The provider accepts the request (with no session of its own in this jar it asks nothing)
    // and its form's answer sends the browser back to /signed-out.
    const back = await provider.endSession(new CookieJar(), endSession);
    expect(back.status).toBe(303);
    expect(back.headers.get("location")).toBe(`${ORIGIN}/signed-out`);
    // Signed out, the page shows; someone signed in again is sent on to the landing page.
    expect(await signedOut.loader({ request: getRequest("/signed-out"), params: {}, context: await contextFor(t.db, getRequest("/signed-out")) })).toBeNull();
    const again = await signInWithCis2("cis2-dme-out");
    const signedIn = await callRoute(t.db, signedOut.loader, getRequest("/signed-out", again.cookie));
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe("/");
  });

  it("offers only the plain sign-out to a password session", async () => {
    const trainee = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    expect(await (await callRoute(t.db, signOut.loader, getRequest("/sign-out", cookie))).json()).toMatchObject({ offerCis2: false });
    // Asking for CIS2's sign-out from a password session signs out here only.
    const out = await callRoute(t.db, signOut.action, formRequest("/sign-out", { intent: "cis2" }, cookie));
    expect(out.headers.get("Location")).toBe("/");
    expect((await resolveSession(t.db, cookie)).user).toBeNull();
  });
});

describe("a trainee linking and unlinking NHS CIS2", () => {
  async function linkAs(sub: string) {
    const trainee = await makeTrainee(t.db);
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const before = (await (await callRoute(t.db, profilePage.loader, getRequest("/trainee/profile", cookie))).json()) as { cis2: { linkedAt: string | null } };
    expect(before.cis2.linkedAt).toBeNull();
    provider.setNextLogin({ sub, acr: "AAL2_ANY" });
    const done = await throughProvider(await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-link" }, cookie)), cookie);
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/trainee/profile?done=cis2-linked#cis2");
    return { trainee, cookie };
  }

  it("links CIS2 from the profile, and then signs in with CIS2 as that trainee", async () => {
    const { trainee, cookie } = await linkAs("cis2-trainee-1");
    const after = (await (await callRoute(t.db, profilePage.loader, getRequest("/trainee/profile", cookie))).json()) as { cis2: { linkedAt: string | null } };
    expect(after.cis2.linkedAt).not.toBeNull();
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "account.cis2_linked"));
    expect(audit).toMatchObject({ actorId: trainee.id, targetId: trainee.id, traineeId: trainee.id });

    const signedIn = await signInWithCis2("cis2-trainee-1");
    expect(signedIn.location).toBe("/trainee");
    expect((await resolveSession(t.db, signedIn.cookie)).user?.id).toBe(trainee.id);
  });

  it("refuses to unlink with a wrong password (400, the field's message) and unlinks with the right one", async () => {
    const { trainee, cookie } = await linkAs("cis2-trainee-2");
    const cis2Session = await signInWithCis2("cis2-trainee-2");

    const wrong = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-unlink", currentPassword: "not my password" }, cookie));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ fieldErrors: { currentPassword: WRONG_PASSWORD }, values: { intent: "cis2-unlink" } });
    const empty = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-unlink", currentPassword: "" }, cookie));
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ fieldErrors: { currentPassword: "Enter your password" } });
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, trainee.id))).toHaveLength(1);

    const right = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-unlink", currentPassword: TEST_PASSWORD }, cookie));
    expect(right.status).toBe(302);
    expect(right.headers.get("Location")).toBe("/trainee/profile?done=cis2-unlinked#cis2");
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, trainee.id))).toHaveLength(0);
    // The session made with CIS2 ends with the link; the one that unlinked it stays.
    expect((await resolveSession(t.db, cis2Session.cookie)).user).toBeNull();
    expect((await resolveSession(t.db, cookie)).user?.id).toBe(trainee.id);
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "account.cis2_unlinked"));
    expect(audit).toMatchObject({ actorId: trainee.id, targetId: trainee.id, details: { by: "profile" } });

    // CIS2 no longer signs this person in.
    provider.setNextLogin({ sub: "cis2-trainee-2" });
    const refused = await throughProvider(await callRoute(t.db, startCis2.action, formRequest("/sign-in/cis2", { purpose: "sign_in" })));
    expect(refused.status).toBe(403);
    expect(cookieFrom(refused, sessionCookieName())).toBeNull();
  });

  it("tells an account with no password that it cannot unlink CIS2 itself, and refuses the post with 409", async () => {
    const trainee = await makeTrainee(t.db, { passwordHash: null });
    await t.db.insert(userIdentities).values({ userId: trainee.id, issuer: provider.issuer, subject: "cis2-no-password" });
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const page = (await (await callRoute(t.db, profilePage.loader, getRequest("/trainee/profile", cookie))).json()) as { cis2: { hasPassword: boolean } };
    expect(page.cis2.hasPassword).toBe(false);
    const post = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-unlink", currentPassword: "anything at all" }, cookie));
    expect(post.status).toBe(409);
    expect(await post.json()).toMatchObject({ formError: expect.stringMatching(/cannot unlink it yourself/) });
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, trainee.id))).toHaveLength(1);
  });

  it("throttles unlinking with the other password checks: after 10 wrong passwords the right one waits too (429)", async () => {
    const { trainee, cookie } = await linkAs("cis2-trainee-throttle");
    for (let i = 0; i < 10; i++) {
      const wrong = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-unlink", currentPassword: `guess ${i}` }, cookie));
      expect(wrong.status).toBe(400);
    }
    const locked = await callRoute(t.db, profilePage.action, formRequest("/trainee/profile", { intent: "cis2-unlink", currentPassword: TEST_PASSWORD }, cookie));
    expect(locked.status).toBe(429);
    expect(await locked.json()).toMatchObject({ fieldErrors: { currentPassword: expect.stringMatching(/Too many wrong passwords/) } });
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, trainee.id))).toHaveLength(1);
  });

  it("does not let an administrator with no password unlink CIS2 from their own account", async () => {
    const admin = await makeUser(t.db, { role: "admin", passwordHash: null });
    await t.db.insert(userIdentities).values({ userId: admin.id, issuer: provider.issuer, subject: "cis2-admin-self" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const res = await callRoute(t.db, adminUser.action, formRequest(`/admin/users/${admin.id}`, { intent: "cis2-unlink" }, cookie), { id: admin.id });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/another administrator can/) });
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, admin.id))).toHaveLength(1);
  });

  it("lets an admin unlink a trainee's CIS2 on the user's page, audited", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const { trainee } = await linkAs("cis2-trainee-admin");
    const adminCookie = await sessionCookieFor(t.db, admin.id);
    const page = (await (await callRoute(t.db, adminUser.loader, getRequest(`/admin/users/${trainee.id}`, adminCookie), { id: trainee.id })).json()) as {
      cis2: { linkedAt: string | null };
    };
    expect(page.cis2.linkedAt).not.toBeNull();
    const unlinked = await callRoute(t.db, adminUser.action, formRequest(`/admin/users/${trainee.id}`, { intent: "cis2-unlink" }, adminCookie), { id: trainee.id });
    expect(unlinked.status).toBe(302);
    expect(unlinked.headers.get("Location")).toBe(`/admin/users/${trainee.id}?done=cis2-unlinked`);
    expect(await t.db.select().from(userIdentities).where(eq(userIdentities.userId, trainee.id))).toHaveLength(0);
    const [audit] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "account.cis2_unlinked"));
    expect(audit).toMatchObject({ actorId: admin.id, actorRole: "admin", targetId: trainee.id, details: { by: "admin" } });
    // Nothing left to unlink: a state conflict, said at the top of the page.
    const again = await callRoute(t.db, adminUser.action, formRequest(`/admin/users/${trainee.id}`, { intent: "cis2-unlink" }, adminCookie), { id: trainee.id });
    expect(again.status).toBe(409);
  });
});
