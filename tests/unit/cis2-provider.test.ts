// The test provider behaves as NHS CIS2 does for the parts the app relies on, checked with
// openid-client itself (the library the app uses), so a failing CIS2 test points at the app.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import * as oidc from "openid-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { CIS2_CALLBACK_PATH, CookieJar, startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { until } from "../helpers/until";

interface Listener {
  origin: string;
  posts: { path: string; body: URLSearchParams }[];
  status: number;
  server: Server;
}

/** Stands in for the app: records what the provider posts to it and answers `status`. */
async function startListener(): Promise<Listener> {
  const listener: Listener = { origin: "", posts: [], status: 200, server: null as unknown as Server };
  listener.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "POST") listener.posts.push({ path: req.url ?? "", body: new URLSearchParams(Buffer.concat(chunks).toString()) });
      res.statusCode = listener.status;
      res.setHeader("cache-control", "no-store");
      res.end();
    });
  });
  await new Promise<void>((resolve) => listener.server.listen(0, "127.0.0.1", resolve));
  listener.origin = `http://127.0.0.1:${(listener.server.address() as AddressInfo).port}`;
  return listener;
}

async function importClientKey(pem: string): Promise<CryptoKey> {
  const der = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, ""), "base64");
  return crypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" }, false, ["sign"]);
}

async function discover(provider: Cis2Provider): Promise<oidc.Configuration> {
  const auth =
    provider.authMethod === "private_key_jwt"
      ? oidc.PrivateKeyJwt({ key: await importClientKey(provider.privateKeyPem!), kid: provider.keyId! })
      : oidc.ClientSecretPost(provider.clientSecret!);
  const metadata = provider.clientSecret ? { client_secret: provider.clientSecret } : {};
  return oidc.discovery(new URL(provider.issuer), provider.clientId, metadata, auth, { execute: [oidc.allowInsecureRequests] });
}

async function signIn(provider: Cis2Provider, config: oidc.Configuration, extra: Record<string, string> = {}, jar?: CookieJar) {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: `${provider.appOrigin()}${CIS2_CALLBACK_PATH}`,
    scope: "openid email profile",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  const callback = await provider.authorize(url, jar);
  return { callback, codeVerifier, state, nonce };
}

describe("the test CIS2 provider", () => {
  let listener: Listener;
  let provider: Cis2Provider;
  let config: oidc.Configuration;

  beforeAll(async () => {
    listener = await startListener();
    provider = await startCis2Provider({ appOrigin: listener.origin });
    config = await discover(provider);
  });
  afterAll(async () => {
    await provider?.stop();
    listener?.server.close();
  });
  afterEach(() => {
    listener.posts.length = 0;
    listener.status = 200;
  });

  it("publishes discovery as CIS2 does: acr values, PKCE S256, private_key_jwt, back-channel and RP-initiated logout", () => {
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(provider.issuer);
    expect(meta.acr_values_supported).toEqual(["AAL1_USERPASS", "AAL2_OTP", "AAL2_ANY", "AAL3_ANY"]);
    expect(meta.code_challenge_methods_supported).toContain("S256");
    expect(meta.token_endpoint_auth_methods_supported).toContain("private_key_jwt");
    expect(meta.backchannel_logout_supported).toBe(true);
    expect(meta.backchannel_logout_session_supported).toBe(true);
    expect(meta.end_session_endpoint).toMatch(new RegExp(`^${provider.issuer}/`));
    expect(meta.jwks_uri).toMatch(new RegExp(`^${provider.issuer}/`));
    expect(provider.env).toEqual({
      CIS2_ISSUER: provider.issuer,
      CIS2_CLIENT_ID: provider.clientId,
      CIS2_PRIVATE_KEY: provider.privateKeyPem,
      CIS2_KEY_ID: provider.keyId,
    });
  });

  it("completes a code flow with PKCE and private_key_jwt, and the ID token carries the queued acr, email, name and sid", async () => {
    provider.setNextLogin({ sub: "cis2-subject-1", email: "dr.ada@nhs.net", name: "Ada Lovelace", acr: "AAL2_ANY" });
    const { callback, codeVerifier, state, nonce } = await signIn(provider, config, { acr_values: "AAL3_ANY AAL2_ANY" });
    expect(callback.origin + callback.pathname).toBe(`${listener.origin}${CIS2_CALLBACK_PATH}`);
    expect(callback.searchParams.get("state")).toBe(state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: provider.issuer,
      aud: provider.clientId,
      sub: "cis2-subject-1",
      acr: "AAL2_ANY",
      email: "dr.ada@nhs.net",
      email_verified: true,
      name: "Ada Lovelace",
      nonce,
    });
    expect(typeof claims.sid).toBe("string");
    expect(typeof claims.auth_time).toBe("number");
  });

  it("passes email_verified false through when the login says so", async () => {
    provider.setNextLogin({ sub: "cis2-subject-unverified", email: "someone@nhs.net", emailVerified: false, acr: "AAL1_USERPASS" });
    const { callback, codeVerifier, state, nonce } = await signIn(provider, config);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()).toMatchObject({ email_verified: false, acr: "AAL1_USERPASS" });
  });

  it("refuses an authorisation request without PKCE", async () => {
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${listener.origin}${CIS2_CALLBACK_PATH}`,
      scope: "openid",
      state: "s",
      nonce: "n",
    });
    const callback = await provider.authorize(url);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("error_description")).toMatch(/PKCE/);
  });

  it("cancels the next sign-in with access_denied", async () => {
    provider.cancelNextLogin();
    const { callback, state } = await signIn(provider, config);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(state);
  });

  it("refuses a code used twice (invalid_grant)", async () => {
    provider.setNextLogin({ sub: "cis2-subject-twice" });
    const { callback, codeVerifier, state, nonce } = await signIn(provider, config);
    const checks = { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true };
    await oidc.authorizationCodeGrant(config, callback, checks);
    await expect(oidc.authorizationCodeGrant(config, callback, checks)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("posts a back-channel logout token signed with its own key to the app, and reports the app's answer", async () => {
    const answer = await provider.sendBackchannelLogout({ sub: "cis2-subject-1", sid: "sid-123" });
    expect(answer.status).toBe(200);
    expect(listener.posts).toHaveLength(1);
    expect(listener.posts[0]!.path).toBe("/sign-in/cis2/backchannel-logout");
    const token = listener.posts[0]!.body.get("logout_token")!;
    expect(token).toBe(answer.logoutToken);

    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), {
      issuer: provider.issuer,
      audience: provider.clientId,
    });
    expect(protectedHeader.typ).toBe("logout+jwt");
    expect(payload).toMatchObject({ sub: "cis2-subject-1", sid: "sid-123", events: { "http://schemas.openid.net/event/backchannel-logout": {} } });
    expect(typeof payload.jti).toBe("string");
    expect(typeof payload.iat).toBe("number");
    expect(payload).not.toHaveProperty("nonce");

    listener.status = 400;
    const replay = await provider.postLogoutToken(token);
    expect(replay.status).toBe(400);
  });

  it("ends its own session on RP-initiated logout and then posts a logout token with the ID token's sid", async () => {
    const jar = new CookieJar();
    provider.setNextLogin({ sub: "cis2-subject-logout", acr: "AAL3_ANY" });
    const { callback, codeVerifier, state, nonce } = await signIn(provider, config, {}, jar);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const sid = tokens.claims()!.sid;

    const endSession = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${listener.origin}/signed-out` });
    const confirm = await provider.endSession(jar, endSession);
    expect(confirm.status).toBe(303);
    expect(new URL(confirm.headers.get("location")!, provider.issuer).href).toBe(`${listener.origin}/signed-out`);

    const delivered = await until(() => provider.backchannelDeliveries().find((d) => d.sub === "cis2-subject-logout"));
    expect(delivered).toEqual({ sub: "cis2-subject-logout", sid, ok: true });
    const token = listener.posts.find((p) => p.path === "/sign-in/cis2/backchannel-logout")!.body.get("logout_token")!;
    expect(decodeJwt(token)).toMatchObject({ sub: "cis2-subject-logout", sid });
  });

  it("signs the next login in afresh even though the provider still has a session in this browser", async () => {
    const jar = new CookieJar();
    provider.setNextLogin({ sub: "first-person" });
    const first = await signIn(provider, config, {}, jar);
    await oidc.authorizationCodeGrant(config, first.callback, { pkceCodeVerifier: first.codeVerifier, expectedState: first.state, expectedNonce: first.nonce, idTokenExpected: true });
    provider.setNextLogin({ sub: "second-person", acr: "AAL2_OTP" });
    const second = await signIn(provider, config, {}, jar);
    const tokens = await oidc.authorizationCodeGrant(config, second.callback, { pkceCodeVerifier: second.codeVerifier, expectedState: second.state, expectedNonce: second.nonce, idTokenExpected: true });
    expect(tokens.claims()).toMatchObject({ sub: "second-person", acr: "AAL2_OTP" });
  });
});

describe("the test CIS2 provider with a client secret", () => {
  it("completes a code flow with client_secret_post, for an app registered with a secret", async () => {
    const provider = await startCis2Provider({ authMethod: "client_secret_post" });
    try {
      // The app's port is often known only after the provider has started.
      provider.setAppOrigin("http://127.0.0.1:3999");
      expect(provider.env).toEqual({ CIS2_ISSUER: provider.issuer, CIS2_CLIENT_ID: provider.clientId, CIS2_CLIENT_SECRET: provider.clientSecret });
      const config = await discover(provider);
      provider.setNextLogin({ sub: "secret-subject", email: "lead@nhs.net", acr: "AAL2_ANY" });
      const { callback, codeVerifier, state, nonce } = await signIn(provider, config);
      expect(callback.origin).toBe("http://127.0.0.1:3999");
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
      expect(tokens.claims()).toMatchObject({ sub: "secret-subject", email: "lead@nhs.net", acr: "AAL2_ANY" });
    } finally {
      await provider.stop();
    }
  });
});
