// NHS CIS2 logout (issue 14), both ways: the provider's back-channel logout ends our sessions
// for its session (or its user), and signing out here can end the provider's session too
// (RP-initiated logout). jose and openid-client are imported in *.server.ts modules only.
import { and, eq, inArray } from "drizzle-orm";
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import * as oidc from "openid-client";

import type { Db } from "@db/client";
import { oidcLogoutTokens, sessions, userIdentities } from "@db/schema";

import { cis2ConfigurationOrNull, getCis2, type Cis2Settings } from "./cis2.server";

/** The page the provider sends the browser back to after signing out there (registered with CIS2 as a post-logout redirect URI). */
export const POST_LOGOUT_PATH = "/signed-out";

const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
/** A logout token older than this is refused: the provider posts it the moment its session ends. */
export const LOGOUT_TOKEN_MAX_AGE_SECONDS = 10 * 60;
/** Clocks differ a little between the provider and us. */
const CLOCK_TOLERANCE_SECONDS = 60;
/** Asymmetric algorithms only: a logout token is signed with the provider's published keys, never a shared secret. */
const LOGOUT_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

// The provider's keys, one resolver per jwks_uri: jose keeps the key set in memory and fetches
// it again when a token names a key it does not have (a rotation), at most every 30 seconds.
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function keySetFor(jwksUri: string) {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 10_000 });
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}

export type BackchannelLogoutResult =
  | { ok: true; sessionsEnded: number }
  | { ok: false; reason: "invalid" | "replayed" | "unavailable" };

/** The claims a logout token must carry (OIDC Back-Channel Logout 1.0, section 2.6), beyond its signature, iss, aud and iat. */
function logoutClaims(payload: JWTPayload): { sub: string | null; sid: string | null; jti: string } | null {
  const events = payload.events as Record<string, unknown> | undefined;
  const event = events && typeof events === "object" ? events[BACKCHANNEL_LOGOUT_EVENT] : undefined;
  if (!event || typeof event !== "object" || Array.isArray(event)) return null;
  // A logout token must not be mistaken for an ID token, which carries a nonce.
  if ("nonce" in payload) return null;
  const sub = typeof payload.sub === "string" && payload.sub !== "" ? payload.sub : null;
  const sid = typeof payload.sid === "string" && payload.sid !== "" ? payload.sid : null;
  if (!sub && !sid) return null;
  if (typeof payload.jti !== "string" || payload.jti === "" || payload.jti.length > 256) return null;
  return { sub, sid, jti: payload.jti };
}

/**
 * Acts on a back-channel logout token posted by the provider: checks its signature against the
 * provider's published keys, its issuer, audience (our client id), iat (not in the future, not
 * older than 10 minutes), the logout event, no nonce, and sub or sid; records its jti once
 * (a replay finds it and is refused); then ends the CIS2 sessions it names: those with its sid,
 * or, with no sid, every CIS2 session of the user linked to its sub. The jti and the sessions
 * change in one transaction. Nothing of the token is logged.
 */
export async function acceptBackchannelLogout(db: Db, logoutToken: unknown, settings: Cis2Settings | null = getCis2()): Promise<BackchannelLogoutResult> {
  if (!settings) throw new Error("NHS CIS2 is not configured");
  if (typeof logoutToken !== "string" || logoutToken === "" || logoutToken.length > 16_384) return { ok: false, reason: "invalid" };
  const config = await cis2ConfigurationOrNull(settings);
  if (!config) return { ok: false, reason: "unavailable" };
  const { issuer, jwks_uri: jwksUri } = config.serverMetadata();
  if (!jwksUri) return { ok: false, reason: "unavailable" };

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(logoutToken, keySetFor(jwksUri), {
      issuer,
      audience: settings.clientId,
      algorithms: LOGOUT_TOKEN_ALGORITHMS,
      maxTokenAge: LOGOUT_TOKEN_MAX_AGE_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["iat", "jti", "events"],
    }));
  } catch (error) {
    // The key set could not be fetched: the provider is not answering, not a bad token.
    if (error instanceof joseErrors.JWKSTimeout || error instanceof TypeError) return { ok: false, reason: "unavailable" };
    return { ok: false, reason: "invalid" };
  }
  const claims = logoutClaims(payload);
  if (!claims) return { ok: false, reason: "invalid" };

  // Kept as long as the token could be accepted, so a replay inside that time finds it.
  const iat = payload.iat!;
  const keepUntil = new Date((Math.max(iat + LOGOUT_TOKEN_MAX_AGE_SECONDS, payload.exp ?? 0) + CLOCK_TOLERANCE_SECONDS) * 1000);

  return db.transaction(async (tx) => {
    // One insert decides: of parallel posts of one token, only the first inserts its row (the
    // others wait for it, then find the conflict), in whichever process they arrive.
    const [recorded] = await tx
      .insert(oidcLogoutTokens)
      .values({ issuer, jti: claims.jti, expiresAt: keepUntil })
      .onConflictDoNothing()
      .returning({ jti: oidcLogoutTokens.jti });
    if (!recorded) return { ok: false as const, reason: "replayed" as const };

    // A sid names one CIS2 session: ours made from it end, whoever's account it signed in to
    // (even one whose link was removed since). Without a sid, every CIS2 session of the account
    // linked to the subject ends.
    const byAccount = tx
      .select({ userId: userIdentities.userId })
      .from(userIdentities)
      .where(and(eq(userIdentities.issuer, issuer), eq(userIdentities.subject, claims.sub ?? "")));
    const ended = await tx
      .delete(sessions)
      .where(and(eq(sessions.authMethod, "cis2"), claims.sid ? eq(sessions.oidcSid, claims.sid) : inArray(sessions.userId, byAccount)))
      .returning({ id: sessions.id });
    return { ok: true as const, sessionsEnded: ended.length };
  });
}

/** How the current session was made: "cis2" sessions may be offered to sign out of CIS2 too. */
export async function sessionAuthMethod(db: Db, sessionId: string | null): Promise<"password" | "cis2" | null> {
  if (!sessionId) return null;
  const [row] = await db.select({ authMethod: sessions.authMethod }).from(sessions).where(eq(sessions.id, sessionId));
  return row ? (row.authMethod as "password" | "cis2") : null;
}

/**
 * The provider's end-session address to send the browser to after our session has ended, with
 * our client id and the page to come back to; null when CIS2 is not configured, the provider
 * has no end-session endpoint, or it is not answering (then only our session ends).
 */
export async function cis2EndSessionUrl(requestOrigin: string, settings: Cis2Settings | null = getCis2()): Promise<string | null> {
  if (!settings) return null;
  const config = await cis2ConfigurationOrNull(settings);
  if (!config?.serverMetadata().end_session_endpoint) return null;
  const origin = process.env.APP_ORIGIN ?? requestOrigin;
  return oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: `${origin}${POST_LOGOUT_PATH}` }).href;
}
