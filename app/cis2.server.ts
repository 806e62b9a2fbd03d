// NHS CIS2 sign-in (issue 14): the settings, the provider's discovery document, the
// authorisation request and the callback's checks. openid-client is imported here and in
// other *.server.ts modules only, so it never reaches the browser bundle.
import { createHash, createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";

import { and, eq, gt, isNull, sql } from "drizzle-orm";
import * as oidc from "openid-client";
import * as v from "valibot";

import type { DbOrTx } from "@db/client";
import { oidcSignInStates } from "@db/schema";

import { isProduction, SettingError } from "./utils/env.server";

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

export const DEFAULT_ACR_ORDER = ["AAL1_USERPASS", "AAL2_OTP", "AAL2_ANY", "AAL3_ANY"] as const;
export const DEFAULT_SCOPES = "openid email profile";
export const CALLBACK_PATH = "/sign-in/cis2/callback";
/** How long a sign-in may take at the provider: the state row and its cookie last this long. */
export const SIGN_IN_STATE_TTL_MS = 10 * 60 * 1000;

/** Signing algorithms a private key may use for the client assertion (private_key_jwt). */
const KEY_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"] as const;
type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export type Cis2ClientAuth =
  | { method: "private_key_jwt"; key: KeyObject; keyId: string | null; algorithm: KeyAlgorithm }
  | { method: "client_secret_post"; secret: string };

export interface Cis2Settings {
  /** The issuer exactly as configured (and as the provider's discovery document must say). */
  issuer: string;
  clientId: string;
  auth: Cis2ClientAuth;
  /** CIS2_REDIRECT_URL, or null: then `${APP_ORIGIN}/sign-in/cis2/callback` (the request's origin outside production). */
  redirectUrl: string | null;
  /** Sent as acr_values; null sends none. */
  acrValues: string | null;
  /** The lowest acr accepted (a member of acrOrder); null accepts any. */
  minAcr: string | null;
  acrOrder: readonly string[];
  /** max_age in seconds; when set, the ID token's auth_time is required and checked. */
  maxAge: number | null;
  scopes: string;
}

/** One message per variable: it names the variable and what to put there, never its value (it may be a secret). */
function setting(name: string, help: string) {
  return `${name} ${help}`;
}

const Text = v.pipe(v.string(), v.trim());
const Optional = v.optional(
  v.pipe(
    Text,
    v.transform((s) => (s === "" ? undefined : s)),
  ),
);

function urlFor(name: string, production: boolean) {
  return v.pipe(
    Text,
    v.check(
      (s) => URL.canParse(s),
      setting(
        name,
        "must be a URL, such as https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare",
      ),
    ),
    v.check((s) => {
      // valibot runs every check of a pipe: the one before reports an address that is not one.
      if (!URL.canParse(s)) return true;
      const protocol = new URL(s).protocol;
      // Plain HTTP only off production: the tests run their provider on loopback.
      return protocol === "https:" || (!production && protocol === "http:");
    }, setting(name, production ? "must be an https:// URL in production" : "must be an http:// or https:// URL")),
  );
}

function envSchema(production: boolean) {
  return v.object({
    CIS2_ISSUER: v.optional(urlFor("CIS2_ISSUER", production)),
    CIS2_CLIENT_ID: Optional,
    CIS2_CLIENT_SECRET: Optional,
    CIS2_PRIVATE_KEY: Optional,
    CIS2_PRIVATE_KEY_FILE: Optional,
    CIS2_KEY_ID: Optional,
    CIS2_KEY_ALG: v.optional(v.picklist(KEY_ALGORITHMS, setting("CIS2_KEY_ALG", `must be one of ${KEY_ALGORITHMS.join(", ")}`))),
    CIS2_REDIRECT_URL: v.optional(
      v.pipe(
        urlFor("CIS2_REDIRECT_URL", production),
        v.check(
          (s) => !URL.canParse(s) || (new URL(s).pathname === CALLBACK_PATH && !new URL(s).search),
          setting("CIS2_REDIRECT_URL", `must end in ${CALLBACK_PATH}, with no query`),
        ),
      ),
    ),
    CIS2_ACR_VALUES: Optional,
    CIS2_MIN_ACR: Optional,
    CIS2_ACR_ORDER: Optional,
    CIS2_MAX_AGE: v.optional(
      v.pipe(
        Text,
        v.regex(/^\d{1,7}$/, setting("CIS2_MAX_AGE", "must be a whole number of seconds (at most 9999999)")),
        v.transform(Number),
      ),
    ),
    CIS2_SCOPES: Optional,
  });
}

/**
 * Reads the CIS2 settings from the environment: null when CIS2_ISSUER is unset (CIS2 is then
 * off: no button, and its routes answer 404). A setting that cannot work throws a
 * SettingError naming the variable, so start-up stops with a plain message.
 */
export function readCis2Settings(env: NodeJS.ProcessEnv = process.env, production = isProduction()): Cis2Settings | null {
  const related = Object.keys(env).filter((k) => k.startsWith("CIS2_") && (env[k] ?? "").trim() !== "");
  const parsed = v.safeParse(envSchema(production), Object.fromEntries(related.map((k) => [k, env[k]])));
  if (!parsed.success) throw new SettingError(parsed.issues[0].message);
  const e = parsed.output;
  if (!e.CIS2_ISSUER) {
    if (related.length)
      throw new SettingError(
        setting("CIS2_ISSUER", `must be set to use NHS CIS2 sign-in (${related.join(", ")} ${related.length === 1 ? "is" : "are"} set)`),
      );
    return null;
  }
  if (!e.CIS2_CLIENT_ID) throw new SettingError(setting("CIS2_CLIENT_ID", "must be set when CIS2_ISSUER is set"));

  const keySources = [e.CIS2_PRIVATE_KEY, e.CIS2_PRIVATE_KEY_FILE, e.CIS2_CLIENT_SECRET].filter(Boolean).length;
  if (keySources !== 1) {
    throw new SettingError(
      setting(
        "CIS2_PRIVATE_KEY",
        "(or CIS2_PRIVATE_KEY_FILE, or CIS2_CLIENT_SECRET) must be set, exactly one of the three, so the service can authenticate to the token endpoint",
      ),
    );
  }
  let auth: Cis2ClientAuth;
  if (e.CIS2_CLIENT_SECRET) {
    auth = { method: "client_secret_post", secret: e.CIS2_CLIENT_SECRET };
  } else {
    const name = e.CIS2_PRIVATE_KEY ? "CIS2_PRIVATE_KEY" : "CIS2_PRIVATE_KEY_FILE";
    let pem = e.CIS2_PRIVATE_KEY ?? "";
    if (e.CIS2_PRIVATE_KEY_FILE) {
      try {
        pem = readFileSync(e.CIS2_PRIVATE_KEY_FILE, "utf8");
      } catch {
        throw new SettingError(setting(name, "names a file that cannot be read"));
      }
    }
    let key: KeyObject;
    try {
      // An environment variable often holds the PEM with its line breaks written as \n.
      key = createPrivateKey({ key: pem.replace(/\\n/g, "\n"), format: "pem" });
    } catch {
      throw new SettingError(setting(name, "must be a private key in PEM (PKCS#8: -----BEGIN PRIVATE KEY-----)"));
    }
    const algorithm = e.CIS2_KEY_ALG ?? defaultAlgorithm(key);
    if (!algorithm || !keyFits(key, algorithm)) {
      throw new SettingError(
        setting("CIS2_KEY_ALG", "must match the private key: RS*/PS* for an RSA key, ES256 for a P-256 key, ES384 for a P-384 key"),
      );
    }
    auth = { method: "private_key_jwt", key, keyId: e.CIS2_KEY_ID ?? null, algorithm };
  }

  const acrOrder = e.CIS2_ACR_ORDER
    ? e.CIS2_ACR_ORDER.split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : [...DEFAULT_ACR_ORDER];
  if (!acrOrder.length || new Set(acrOrder).size !== acrOrder.length) {
    throw new SettingError(setting("CIS2_ACR_ORDER", "must list assurance levels from lowest to highest, separated by commas, each once"));
  }
  if (e.CIS2_MIN_ACR && !acrOrder.includes(e.CIS2_MIN_ACR)) {
    throw new SettingError(setting("CIS2_MIN_ACR", `must be one of the levels in CIS2_ACR_ORDER (${acrOrder.join(", ")})`));
  }
  const scopes = e.CIS2_SCOPES ?? DEFAULT_SCOPES;
  if (!scopes.split(/\s+/).includes("openid")) throw new SettingError(setting("CIS2_SCOPES", 'must include "openid"'));

  return {
    issuer: e.CIS2_ISSUER,
    clientId: e.CIS2_CLIENT_ID,
    auth,
    redirectUrl: e.CIS2_REDIRECT_URL ?? null,
    acrValues: e.CIS2_ACR_VALUES ?? null,
    minAcr: e.CIS2_MIN_ACR ?? null,
    acrOrder,
    maxAge: e.CIS2_MAX_AGE ?? null,
    scopes,
  };
}

function defaultAlgorithm(key: KeyObject): KeyAlgorithm | null {
  if (key.asymmetricKeyType === "rsa") return "RS512"; // what CIS2 asks client assertions to be signed with
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === "prime256v1" ? "ES256" : curve === "secp384r1" ? "ES384" : null;
  }
  return null;
}

function keyFits(key: KeyObject, algorithm: KeyAlgorithm): boolean {
  if (algorithm.startsWith("RS") || algorithm.startsWith("PS")) return key.asymmetricKeyType === "rsa";
  return defaultAlgorithm(key) === algorithm;
}

let settingsCache: { value: Cis2Settings | null } | null = null;

/** The CIS2 settings of this process, or null when CIS2 is not configured. Read once. */
export function getCis2(): Cis2Settings | null {
  if (!settingsCache) settingsCache = { value: readCis2Settings() };
  return settingsCache.value;
}

/** The address the provider sends the browser back to (registered with the provider). */
export function cis2RedirectUrl(settings: Cis2Settings, requestOrigin: string): string {
  return settings.redirectUrl ?? `${process.env.APP_ORIGIN ?? requestOrigin}${CALLBACK_PATH}`;
}

// ---------------------------------------------------------------------------------------
// Discovery: fetched when first needed, kept in this process's memory
// ---------------------------------------------------------------------------------------

/** The provider did not answer (discovery, its keys or its token endpoint): the "CIS2 is not answering" page, 503. */
export class Cis2UnavailableError extends Error {
  constructor(cause?: unknown) {
    super("NHS CIS2 is not answering", { cause });
    this.name = "Cis2UnavailableError";
  }
}

const PROVIDER_TIMEOUT_SECONDS = 10;

async function importSigningKey(auth: Extract<Cis2ClientAuth, { method: "private_key_jwt" }>): Promise<CryptoKey> {
  const der = auth.key.export({ format: "der", type: "pkcs8" });
  const bits = auth.algorithm.slice(2);
  const hash = `SHA-${bits}`;
  const algorithm = auth.algorithm.startsWith("RS")
    ? { name: "RSASSA-PKCS1-v1_5", hash }
    : auth.algorithm.startsWith("PS")
    ? { name: "RSA-PSS", hash }
    : { name: "ECDSA", namedCurve: `P-${bits}` };
  return crypto.subtle.importKey("pkcs8", der, algorithm, false, ["sign"]);
}

async function clientAuthFor(settings: Cis2Settings): Promise<oidc.ClientAuth> {
  if (settings.auth.method === "client_secret_post") return oidc.ClientSecretPost(settings.auth.secret);
  const key = await importSigningKey(settings.auth);
  return oidc.PrivateKeyJwt(settings.auth.keyId ? { key, kid: settings.auth.keyId } : key);
}

async function discover(settings: Cis2Settings): Promise<oidc.Configuration> {
  const auth = await clientAuthFor(settings);
  const metadata = settings.auth.method === "client_secret_post" ? { client_secret: settings.auth.secret } : {};
  const options: oidc.DiscoveryRequestOptions = { timeout: PROVIDER_TIMEOUT_SECONDS };
  if (new URL(settings.issuer).protocol === "http:") options.execute = [oidc.allowInsecureRequests];
  const config = await oidc.discovery(new URL(settings.issuer), settings.clientId, metadata, auth, options);
  config.timeout = PROVIDER_TIMEOUT_SECONDS;
  return config;
}

let discovered: { settings: Cis2Settings; config: Promise<oidc.Configuration> } | null = null;

/**
 * The provider's configuration (openid-client), discovered once per process and kept in
 * memory; its signing keys are cached by openid-client. A failed discovery is tried once more
 * at once and then forgotten, so the next request tries again rather than keeping the failure.
 * Throws Cis2UnavailableError when the provider does not answer.
 */
export async function getCis2Configuration(settings: Cis2Settings | null = getCis2()): Promise<oidc.Configuration> {
  if (!settings) throw new Error("NHS CIS2 is not configured");
  if (!discovered || discovered.settings !== settings) {
    const config = discover(settings).catch(() => discover(settings));
    discovered = { settings, config };
    config.catch(() => {
      if (discovered?.config === config) discovered = null;
    });
  }
  try {
    return await discovered.config;
  } catch (error) {
    throw new Cis2UnavailableError(error);
  }
}

/** The provider's configuration, or null when it does not answer (Cis2UnavailableError): each caller has its own page for that. */
export async function cis2ConfigurationOrNull(settings: Cis2Settings): Promise<oidc.Configuration | null> {
  try {
    return await getCis2Configuration(settings);
  } catch (error) {
    if (error instanceof Cis2UnavailableError) return null;
    throw error;
  }
}

/** Forgets the discovered configuration and settings (tests change the environment between cases). */
export function resetCis2ForTests(): void {
  discovered = null;
  settingsCache = null;
}

// ---------------------------------------------------------------------------------------
// The state cookie: binds a sign-in to the browser that started it
// ---------------------------------------------------------------------------------------

export function stateCookieName(): string {
  return isProduction() ? "__Host-invitational_cis2_state" : "invitational_cis2_state";
}

function stateCookie(value: string, maxAgeSeconds: number): string {
  // SameSite=Lax: the provider's redirect back is a top-level GET from another site, which Lax allows.
  const parts = [`${stateCookieName()}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAgeSeconds}`];
  if (isProduction()) parts.push("Secure");
  return parts.join("; ");
}

/** The Set-Cookie value that removes the state cookie: sent with every answer of the callback. */
export function clearStateCookie(): string {
  return stateCookie("", 0);
}

function readStateCookie(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const name = stateCookieName();
  for (const part of cookieHeader.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=") || null;
  }
  return null;
}

export function hashState(state: string): string {
  return createHash("sha256").update(state).digest("hex");
}

// ---------------------------------------------------------------------------------------
// Starting a sign-in
// ---------------------------------------------------------------------------------------

export type Cis2Purpose = "sign_in" | "invitation" | "link";

export interface StartCis2SignIn {
  purpose: Cis2Purpose;
  /** Required for "invitation": the invitation being accepted. */
  invitationId?: string | null;
  /** Required for "link": the signed-in user linking CIS2 to their account. */
  userId?: string | null;
  /** Where to go after signing in (checked with safeRedirect when used); "" for the home page. */
  redirectTo: string;
  /** The request's origin (appOrigin(request)): the callback address when neither CIS2_REDIRECT_URL nor APP_ORIGIN is set. */
  origin: string;
}

export type StartCis2SignInResult = { ok: true; url: string; cookie: string } | { ok: false; reason: "unavailable" };

/**
 * Records a sign-in state (the SHA-256 of the state, the PKCE verifier and the nonce, for 10
 * minutes) and returns the provider's authorisation address to redirect to, with the
 * Set-Cookie value that binds the state to this browser.
 */
export async function startCis2SignIn(db: DbOrTx, input: StartCis2SignIn, now: Date = new Date()): Promise<StartCis2SignInResult> {
  const settings = getCis2();
  if (!settings) throw new Error("NHS CIS2 is not configured");
  if (input.purpose === "invitation" && !input.invitationId) throw new Error("An invitation sign-in needs its invitation");
  if (input.purpose === "link" && !input.userId) throw new Error("Linking CIS2 needs the signed-in user");
  const config = await cis2ConfigurationOrNull(settings);
  if (!config) return { ok: false, reason: "unavailable" };
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const parameters: Record<string, string> = {
    redirect_uri: cis2RedirectUrl(settings, input.origin),
    scope: settings.scopes,
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    state,
    nonce,
  };
  if (settings.acrValues) parameters.acr_values = settings.acrValues;
  if (settings.maxAge !== null) parameters.max_age = String(settings.maxAge);
  await db.insert(oidcSignInStates).values({
    stateHash: hashState(state),
    codeVerifier,
    nonce,
    purpose: input.purpose,
    invitationId: input.purpose === "invitation" ? input.invitationId! : null,
    userId: input.purpose === "link" ? input.userId! : null,
    redirectTo: input.redirectTo,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SIGN_IN_STATE_TTL_MS),
  });
  return {
    ok: true,
    url: oidc.buildAuthorizationUrl(config, parameters).href,
    cookie: stateCookie(state, SIGN_IN_STATE_TTL_MS / 1000),
  };
}

// ---------------------------------------------------------------------------------------
// The callback
// ---------------------------------------------------------------------------------------

export interface Cis2Claims {
  issuer: string;
  sub: string;
  /** The provider's session id (for back-channel logout), null when the ID token has none. */
  sid: string | null;
  email: string | null;
  /** The email_verified claim as sent: null when absent. */
  emailVerified: boolean | null;
  name: string | null;
  acr: string | null;
  purpose: Cis2Purpose;
  invitationId: string | null;
  userId: string | null;
  redirectTo: string;
}

/**
 * Why a callback was refused, each with its own page:
 * - cancelled: the person cancelled or the provider refused (error=access_denied)
 * - provider_error: the provider answered with another error
 * - state: no state cookie, or it differs from the state in the address
 * - state_used: the state is unknown, already used, or older than 10 minutes (a replay or a stale tab)
 * - code_expired: the token endpoint refused the code (invalid_grant: expired or already used)
 * - invalid_response: the ID token failed a check (nonce, issuer, audience, expiry, auth_time)
 * - acr_too_low: the assurance level is below CIS2_MIN_ACR
 * - unavailable: the provider did not answer (503)
 */
export type Cis2Failure =
  | "cancelled"
  | "provider_error"
  | "state"
  | "state_used"
  | "code_expired"
  | "invalid_response"
  | "acr_too_low"
  | "unavailable";

export type FinishCis2SignInResult =
  | { ok: true; claims: Cis2Claims; clearCookie: string }
  | { ok: false; reason: Cis2Failure; clearCookie: string };

/** Whether `acr` meets the minimum in the configured order (an unknown or missing acr never does). */
export function acrMeetsMinimum(acr: string | null | undefined, settings: Pick<Cis2Settings, "minAcr" | "acrOrder">): boolean {
  if (!settings.minAcr) return true;
  if (!acr) return false;
  const have = settings.acrOrder.indexOf(acr);
  return have !== -1 && have >= settings.acrOrder.indexOf(settings.minAcr);
}

/**
 * Consumes the state row once: one conditional UPDATE, so of parallel callbacks with one
 * state exactly one gets the row, in every process.
 */
export async function consumeSignInState(db: DbOrTx, state: string) {
  const [row] = await db
    .update(oidcSignInStates)
    .set({ usedAt: sql`now()` })
    .where(
      and(eq(oidcSignInStates.stateHash, hashState(state)), isNull(oidcSignInStates.usedAt), gt(oidcSignInStates.expiresAt, sql`now()`)),
    )
    .returning({
      codeVerifier: oidcSignInStates.codeVerifier,
      nonce: oidcSignInStates.nonce,
      purpose: oidcSignInStates.purpose,
      invitationId: oidcSignInStates.invitationId,
      userId: oidcSignInStates.userId,
      redirectTo: oidcSignInStates.redirectTo,
    });
  return row ?? null;
}

function isProviderDown(error: unknown): boolean {
  // fetch's own failures (refused, reset, DNS) are TypeErrors; a timeout is an AbortSignal's reason.
  const e = error as { name?: string; cause?: unknown };
  if (e instanceof TypeError || e?.name === "TimeoutError" || e?.name === "AbortError") return true;
  return e?.cause !== undefined && e.cause !== error && isProviderDown(e.cause);
}

/**
 * The provider's redirect back: the state cookie must equal the state in the address, the
 * state row is consumed once, the code is exchanged (PKCE) and the ID token checked by
 * openid-client (signature, iss, aud, exp, nonce, auth_time against max_age), then the acr
 * against the minimum. Tokens and claims are never logged.
 */
export async function finishCis2SignIn(db: DbOrTx, request: Request): Promise<FinishCis2SignInResult> {
  const clearCookie = clearStateCookie();
  const fail = (reason: Cis2Failure): FinishCis2SignInResult => ({ ok: false, reason, clearCookie });
  const settings = getCis2();
  if (!settings) throw new Error("NHS CIS2 is not configured");
  const url = new URL(request.url);
  const state = url.searchParams.get("state");
  const cookieState = readStateCookie(request.headers.get("cookie"));
  const providerError = url.searchParams.get("error");

  if (!state || !cookieState || state !== cookieState) return fail(providerError === "access_denied" ? "cancelled" : "state");
  const row = await consumeSignInState(db, state);
  if (!row) return fail("state_used");
  if (providerError) return fail(providerError === "access_denied" ? "cancelled" : "provider_error");

  const config = await cis2ConfigurationOrNull(settings);
  if (!config) return fail("unavailable");
  // The address the provider was given as redirect_uri, with the answer's parameters: behind a
  // proxy the request's own URL may not be the public one the code was issued for.
  const currentUrl = new URL(cis2RedirectUrl(settings, url.origin));
  currentUrl.search = url.search;

  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: row.codeVerifier,
      expectedState: state,
      expectedNonce: row.nonce,
      maxAge: settings.maxAge ?? undefined,
      idTokenExpected: true,
    });
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) return fail(error.error === "access_denied" ? "cancelled" : "provider_error");
    if (error instanceof oidc.ResponseBodyError) return fail(error.error === "invalid_grant" ? "code_expired" : "provider_error");
    if (isProviderDown(error)) return fail("unavailable");
    return fail("invalid_response");
  }
  const claims = tokens.claims();
  if (!claims) return fail("invalid_response");
  const acr = typeof claims.acr === "string" ? claims.acr : null;
  if (!acrMeetsMinimum(acr, settings)) return fail("acr_too_low");
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  return {
    ok: true,
    clearCookie,
    claims: {
      issuer: claims.iss,
      sub: claims.sub,
      sid: text(claims.sid),
      email: text(claims.email)?.toLowerCase() ?? null,
      emailVerified: typeof claims.email_verified === "boolean" ? claims.email_verified : null,
      name: text(claims.name),
      acr,
      purpose: row.purpose as Cis2Purpose,
      invitationId: row.invitationId,
      userId: row.userId,
      redirectTo: row.redirectTo,
    },
  };
}
