// NHS CIS2 back-channel logout against the test provider: which sessions a logout token ends,
// and every token it must refuse. The parallel case proves something on PostgreSQL only.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { oidcLogoutTokens, sessions, userIdentities } from "@db/schema";
import { createCis2Session, createUserSession } from "~/auth.server";
import { acceptBackchannelLogout, LOGOUT_TOKEN_MAX_AGE_SECONDS } from "~/cis2-logout.server";
import { readCis2Settings, type Cis2Settings } from "~/cis2.server";

import { startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { useTestDatabase } from "../helpers/db";
import { makeUser } from "../helpers/factories";

const t = useTestDatabase();
let provider: Cis2Provider;
let settings: Cis2Settings;

beforeAll(async () => {
  provider = await startCis2Provider({ appOrigin: "http://127.0.0.1:9" });
  settings = readCis2Settings({ ...provider.env } as NodeJS.ProcessEnv, false)!;
});
afterAll(async () => {
  await provider?.stop();
});

async function linkedUser(sub: string) {
  const user = await makeUser(t.db, { role: "admin" });
  await t.db.insert(userIdentities).values({ userId: user.id, issuer: provider.issuer, subject: sub });
  return user;
}

async function sessionIds(userId: string) {
  return (await t.db.select({ id: sessions.id, sid: sessions.oidcSid }).from(sessions).where(eq(sessions.userId, userId))).map((s) => s.sid ?? "password");
}

describe("back-channel logout", () => {
  it("ends the CIS2 sessions with the token's sid and no others", async () => {
    const dme = await linkedUser("sub-dme");
    await createCis2Session(t.db, dme.id, "sid-a");
    await createCis2Session(t.db, dme.id, "sid-b");
    await createUserSession(t.db, dme.id);
    const token = await provider.signLogoutToken({ sub: "sub-dme", sid: "sid-a" });

    expect(await acceptBackchannelLogout(t.db, token, settings)).toEqual({ ok: true, sessionsEnded: 1 });
    expect((await sessionIds(dme.id)).sort()).toEqual(["password", "sid-b"]);
  });

  it("ends every CIS2 session of the subject's user when the token has no sid, and leaves the password sessions", async () => {
    const dme = await linkedUser("sub-everywhere");
    const other = await linkedUser("sub-someone-else");
    await createCis2Session(t.db, dme.id, "sid-1");
    await createCis2Session(t.db, dme.id, null);
    await createUserSession(t.db, dme.id);
    await createCis2Session(t.db, other.id, "sid-2");
    const token = await provider.signLogoutToken({ sub: "sub-everywhere" });

    expect(await acceptBackchannelLogout(t.db, token, settings)).toEqual({ ok: true, sessionsEnded: 2 });
    expect(await sessionIds(dme.id)).toEqual(["password"]);
    expect(await sessionIds(other.id)).toEqual(["sid-2"]);
  });

  it("ends the session with the token's sid even once the account's CIS2 link has been removed", async () => {
    const dme = await linkedUser("sub-unlinked-since");
    await createCis2Session(t.db, dme.id, "sid-still-open");
    await t.db.delete(userIdentities).where(eq(userIdentities.userId, dme.id));
    const token = await provider.signLogoutToken({ sub: "sub-unlinked-since", sid: "sid-still-open" });
    expect(await acceptBackchannelLogout(t.db, token, settings)).toEqual({ ok: true, sessionsEnded: 1 });
    expect(await sessionIds(dme.id)).toEqual([]);
  });

  it("ends nothing for a subject no account is linked to when the token has no sid", async () => {
    const dme = await linkedUser("sub-known");
    await createCis2Session(t.db, dme.id, "sid-known");
    const token = await provider.signLogoutToken({ sub: "sub-nobody", sid: undefined });
    expect(await acceptBackchannelLogout(t.db, token, settings)).toEqual({ ok: true, sessionsEnded: 0 });
    expect(await sessionIds(dme.id)).toEqual(["sid-known"]);
  });

  it("accepts the token the provider itself signs (oidc-provider's own logout token) and ends its session", async () => {
    const dme = await linkedUser("sub-real");
    await createCis2Session(t.db, dme.id, "sid-real");
    // The provider posts to an app origin nobody listens on; the token it signed is what counts here.
    const { logoutToken } = await provider.sendBackchannelLogout({ sub: "sub-real", sid: "sid-real" });
    expect(await acceptBackchannelLogout(t.db, logoutToken, settings)).toEqual({ ok: true, sessionsEnded: 1 });
  });

  it("refuses a replayed logout token: its jti is used once", async () => {
    const dme = await linkedUser("sub-replay");
    await createCis2Session(t.db, dme.id, "sid-replay");
    const token = await provider.signLogoutToken({ sub: "sub-replay", sid: "sid-replay" });
    expect(await acceptBackchannelLogout(t.db, token, settings)).toMatchObject({ ok: true });
    await createCis2Session(t.db, dme.id, "sid-replay");
    expect(await acceptBackchannelLogout(t.db, token, settings)).toEqual({ ok: false, reason: "replayed" });
    expect(await sessionIds(dme.id)).toEqual(["sid-replay"]);
  });

  it("accepts one of 10 parallel posts of one token and refuses the other 9", async () => {
    const dme = await linkedUser("sub-parallel");
    await createCis2Session(t.db, dme.id, "sid-parallel");
    const token = await provider.signLogoutToken({ sub: "sub-parallel", sid: "sid-parallel" });
    const results = await Promise.all(Array.from({ length: 10 }, () => acceptBackchannelLogout(t.db, token, settings)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === "replayed")).toHaveLength(9);
    expect(await t.db.select().from(oidcLogoutTokens)).toHaveLength(1);
  });

  it.each([
    ["a forged signature (a stranger's key under the provider's key id)", {}, "stranger"],
    ["another client's audience", { aud: "another-client" }, "provider"],
    ["another issuer", { iss: "https://issuer.example" }, "provider"],
    ["no logout event", { events: undefined }, "provider"],
    ["another event", { events: { "http://schemas.openid.net/event/other": {} } }, "provider"],
    ["a nonce (an ID token, not a logout token)", { nonce: "n-1", sub: "x", sid: "y" }, "provider"],
    ["neither sub nor sid", { sub: undefined, sid: undefined }, "provider"],
    ["no jti", { jti: undefined }, "provider"],
    ["an iat in the future", { iat: Math.floor(Date.now() / 1000) + 600, exp: Math.floor(Date.now() / 1000) + 900 }, "provider"],
    ["an iat too long ago", { iat: Math.floor(Date.now() / 1000) - LOGOUT_TOKEN_MAX_AGE_SECONDS - 120, exp: Math.floor(Date.now() / 1000) + 60 }, "provider"],
    ["an exp already past", { exp: Math.floor(Date.now() / 1000) - 120 }, "provider"],
  ] as const)("refuses a token with %s, and ends nothing", async (_what, claims, signedBy) => {
    const dme = await linkedUser("sub-bad");
    await createCis2Session(t.db, dme.id, "sid-bad");
    const token = await provider.signLogoutToken({ sub: "sub-bad", sid: "sid-bad", ...claims }, { signedBy });
    expect(await acceptBackchannelLogout(t.db, token, settings)).toEqual({ ok: false, reason: "invalid" });
    expect(await sessionIds(dme.id)).toEqual(["sid-bad"]);
    expect(await t.db.select().from(oidcLogoutTokens)).toHaveLength(0);
  });

  it.each([["not a JWT"], [""], [null], ["a.b.c"]])("refuses %j as a logout token", async (value) => {
    expect(await acceptBackchannelLogout(t.db, value, settings)).toEqual({ ok: false, reason: "invalid" });
  });
});
