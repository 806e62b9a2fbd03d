// A real OpenID Connect provider for the tests (oidc-provider, by the author of openid-client),
// set up as NHS CIS2 is: one confidential client that authenticates to the token endpoint with
// private_key_jwt (RS512, as CIS2 asks) or a client secret, PKCE required, CIS2's assurance
// levels as acr values, email/email_verified/name claims in the ID token, back-channel logout
// with the session id, and RP-initiated logout. It runs in the test's process on a loopback
// port. Nobody types at its login page: a test queues the next login (`setNextLogin`) and the
// interaction finishes by itself, so fetch and headless Chromium go straight through; with
// nothing queued the page shows a small form a browser test can fill.
import { generateKeyPairSync, randomBytes, randomUUID, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { SignJWT, type JWTPayload } from "jose";
import Provider, { interactionPolicy, type ClientMetadata, type Configuration, type KoaContextWithOIDC } from "oidc-provider";

export const CIS2_ACR_VALUES = ["AAL1_USERPASS", "AAL2_OTP", "AAL2_ANY", "AAL3_ANY"] as const;
export type Cis2Acr = (typeof CIS2_ACR_VALUES)[number];

export const CIS2_CALLBACK_PATH = "/sign-in/cis2/callback";
export const CIS2_BACKCHANNEL_LOGOUT_PATH = "/sign-in/cis2/backchannel-logout";
/** Where the app may send the browser back after RP-initiated logout (registered on the client). */
export const CIS2_POST_LOGOUT_PATHS = ["/signed-out", "/"] as const;

export interface Cis2Login {
  sub: string;
  email?: string | null;
  /** Defaults to true; false sends email_verified: false, null leaves the claim out. */
  emailVerified?: boolean | null;
  name?: string | null;
  /** Defaults to AAL3_ANY (a smartcard). */
  acr?: string;
  /** The authentication time in seconds since 1970 (the ID token's auth_time); defaults to now. */
  authTime?: number;
}

export interface LogoutAnswer {
  /** The app's status, or null when it could not be reached. */
  status: number | null;
  body: string;
  headers: Headers | null;
  /** The logout token that was posted (a JWT signed with the provider's key), to replay or tamper with. */
  logoutToken: string;
}

export interface Cis2Provider {
  issuer: string;
  clientId: string;
  authMethod: "private_key_jwt" | "client_secret_post";
  /** PKCS#8 PEM of the client's private key (private_key_jwt), for CIS2_PRIVATE_KEY. */
  privateKeyPem: string | null;
  keyId: string | null;
  clientSecret: string | null;
  /** The app's CIS2_* settings for this provider and client. */
  env: Record<string, string>;
  /** The app origin the client is registered for; `setAppOrigin` changes it (the app's port is often known only later). */
  appOrigin(): string;
  setAppOrigin(origin: string): void;
  /** The next login the provider's interaction completes by itself (one per call; queued in order). */
  setNextLogin(login: Cis2Login): void;
  /** The next interaction ends with error=access_denied, as when a person presses Cancel at CIS2. */
  cancelNextLogin(): void;
  /** Accounts the provider has seen (claims by subject). */
  account(sub: string): Cis2Login | undefined;
  /**
   * Signs a back-channel logout token with the provider's own key, exactly as the provider does
   * when its session ends (oidc-provider's Client#backchannelLogout), and POSTs it to the app's
   * back-channel logout address; returns the app's answer and the token.
   */
  sendBackchannelLogout(input: { sub: string; sid: string }): Promise<LogoutAnswer>;
  /**
   * A logout token with the given claims over the usual ones (iss, aud, iat, exp, jti, the
   * logout event; `undefined` removes one), signed with the provider's key and key id, or with
   * a stranger's key under the same key id (`signedBy: "stranger"`: a forged signature).
   */
  signLogoutToken(claims: Record<string, unknown>, options?: { signedBy?: "provider" | "stranger" }): Promise<string>;
  /** POSTs a logout token (a replay, or one a test has built) to the app's back-channel logout address. */
  postLogoutToken(logoutToken: string): Promise<Omit<LogoutAnswer, "logoutToken">>;
  /** Back-channel logout POSTs the provider made itself (after its own session ended), with their outcome. */
  backchannelDeliveries(): { sub: string; sid: string; ok: boolean }[];
  /**
   * Follows an authorisation address (the app's redirect to the provider) through the provider
   * without a browser, with a cookie jar of its own, and returns the address the provider sends
   * the browser back to (the app's callback with code and state, or error), not yet opened.
   */
  authorize(authorizationUrl: string | URL, jar?: CookieJar): Promise<URL>;
  /**
   * Signs out at the provider as a browser with this jar would: opens the end-session address
   * (the app's RP-initiated logout URL, or the provider's own), says "yes" on its confirmation
   * (or lets its self-submitting form go), and returns the provider's answer (not followed):
   * a redirect to the post-logout address. The provider posts its back-channel logouts first.
   */
  endSession(jar: CookieJar, endSessionUrl?: string | URL): Promise<Response>;
  stop(): Promise<void>;
}

/** A minimal cookie jar for one host: enough for the provider's own cookies (name → value, removed when expired). */
export class CookieJar {
  private cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair, ...attributes] = header.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expired = attributes.some((a) => {
        const [key, v] = a.trim().split("=");
        if (key?.toLowerCase() === "max-age") return Number(v) <= 0;
        if (key?.toLowerCase() === "expires") return new Date(v ?? "").getTime() <= Date.now();
        return false;
      });
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

function jwkOf(key: KeyObject) {
  return key.export({ format: "jwk" });
}

function html(title: string, body: string): string {
  // No external fonts or scripts: the browser tests block every host but the ones they test.
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** Posts the first form of a provider page (its hidden fields, with `extra`), as the browser would. */
async function postProviderForm(page: string, base: URL | string, jar: CookieJar, extra: Record<string, string> = {}): Promise<Response> {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/.exec(page);
  if (!form) throw new Error(`the provider's page has no form: ${page.slice(0, 500)}`);
  const fields = new URLSearchParams([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/?>/g)].map((m) => [m[1]!, m[2]!]));
  for (const [name, value] of Object.entries(extra)) fields.set(name, value);
  const response = await globalThis.fetch(new URL(form[1]!, base), {
    method: "POST",
    redirect: "manual",
    headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" },
    body: fields,
  });
  jar.store(response);
  return response;
}

/**
 * Starts the provider on 127.0.0.1 at a free port. `appOrigin` is the app's origin (the
 * client's redirect, post-logout and back-channel logout addresses are registered under it);
 * `authMethod` chooses private_key_jwt (CIS2's) or client_secret_post.
 */
export async function startCis2Provider(
  options: { appOrigin?: string; authMethod?: "private_key_jwt" | "client_secret_post" } = {},
): Promise<Cis2Provider> {
  const authMethod = options.authMethod ?? "private_key_jwt";
  let appOrigin = options.appOrigin ?? "http://127.0.0.1:1";

  const providerKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
  const providerJwk = { ...jwkOf(providerKey), kid: `cis2-test-${randomBytes(4).toString("hex")}`, use: "sig", alg: "RS256" };

  const clientId = `invitational-${randomBytes(4).toString("hex")}`;
  const keyId = authMethod === "private_key_jwt" ? `invitational-key-${randomBytes(4).toString("hex")}` : null;
  const clientKeys = authMethod === "private_key_jwt" ? generateKeyPairSync("rsa", { modulusLength: 2048 }) : null;
  const privateKeyPem = clientKeys ? (clientKeys.privateKey.export({ format: "pem", type: "pkcs8" }) as string) : null;
  const clientSecret = authMethod === "client_secret_post" ? randomBytes(32).toString("base64url") : null;

  const queue: ({ kind: "login"; login: Cis2Login } | { kind: "cancel" })[] = [];
  const accounts = new Map<string, Cis2Login>();
  const deliveries: { sub: string; sid: string; ok: boolean }[] = [];
  // The last logout token the provider posted, caught on its way out by the fetch below.
  let lastLogout: { token: string; response: Response | null } | null = null;

  function clientMetadata(): ClientMetadata {
    const common: ClientMetadata = {
      client_id: clientId,
      client_name: "Invitational (tests)",
      application_type: "web",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      redirect_uris: [`${appOrigin}${CIS2_CALLBACK_PATH}`],
      post_logout_redirect_uris: CIS2_POST_LOGOUT_PATHS.map((p) => `${appOrigin}${p}`),
      backchannel_logout_uri: `${appOrigin}${CIS2_BACKCHANNEL_LOGOUT_PATH}`,
      backchannel_logout_session_required: true,
      // CIS2 always sends acr and auth_time; oidc-provider sends them only when asked, so the client asks by default.
      default_acr_values: [...CIS2_ACR_VALUES],
      require_auth_time: true,
    };
    if (clientKeys) {
      return {
        ...common,
        token_endpoint_auth_method: "private_key_jwt",
        token_endpoint_auth_signing_alg: "RS512",
        jwks: { keys: [{ ...jwkOf(clientKeys.publicKey), kid: keyId!, use: "sig", alg: "RS512" }] },
      };
    }
    return { ...common, token_endpoint_auth_method: "client_secret_post", client_secret: clientSecret! };
  }

  // Kept across rebuilds (setAppOrigin), so cookies the provider signed stay valid.
  const cookieKeys = [randomBytes(32).toString("hex")];
  const policy = interactionPolicy.base();
  // A queued login (or cancel) is a person at the provider's page: it signs in afresh even when
  // the provider still has a session in this browser, as a different person may stand there.
  policy.get("login")!.checks.add(
    new interactionPolicy.Check("test_login_queued", "a test queued the next login", (ctx) => queue.length > 0 && !ctx.oidc.result?.login),
  );

  function configuration(): Configuration {
    return {
      clients: [clientMetadata()],
      jwks: { keys: [providerJwk] },
      acrValues: [...CIS2_ACR_VALUES],
      claims: {
        openid: ["sub"],
        email: ["email", "email_verified"],
        profile: ["name"],
        acr: null,
        sid: null,
        auth_time: null,
      },
      // CIS2 puts the person's claims in the ID token, which is where the app reads them.
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        backchannelLogout: { enabled: true },
        rpInitiatedLogout: {
          enabled: true,
          async logoutSource(ctx, form) {
            ctx.body = html("Sign out of NHS CIS2 (test provider)", `${form}<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
          },
          async postLogoutSuccessSource(ctx) {
            ctx.body = html("Signed out of NHS CIS2 (test provider)", "<p>You are signed out.</p>");
          },
        },
      },
      enabledJWA: {
        clientAuthSigningAlgValues: ["RS256", "RS512", "PS256", "PS512", "ES256", "ES384", "HS256"],
      },
      interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      cookies: { keys: cookieKeys },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
        Grant: 3600,
      },
      async findAccount(_ctx: KoaContextWithOIDC, sub: string) {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return {
          accountId: sub,
          async claims() {
            return {
              sub,
              ...(account.email != null ? { email: account.email } : {}),
              ...(account.emailVerified !== null ? { email_verified: account.emailVerified ?? true } : {}),
              ...(account.name != null ? { name: account.name } : {}),
            };
          },
        };
      },
      // The provider's own fetch refuses loopback addresses (SSRF protection); the app under test is on loopback.
      async fetch(url, init) {
        const { dispatcher: _dispatcher, ...rest } = init as RequestInit & { dispatcher?: unknown };
        const token = rest.body instanceof URLSearchParams ? rest.body.get("logout_token") : null;
        if (token) lastLogout = { token, response: null };
        const response = await globalThis.fetch(url, rest);
        if (token) lastLogout = { token, response: response.clone() };
        return response;
      },
    };
  }

  let provider: Provider;
  let providerCallback: ReturnType<Provider["callback"]>;
  let issuer = "";
  function build() {
    provider = new Provider(issuer, configuration());
    provider.on("backchannel.success", (_ctx, _client, sub: string, sid: string) => deliveries.push({ sub, sid, ok: true }));
    provider.on("backchannel.error", (_ctx, _err, _client, sub: string, sid: string) => deliveries.push({ sub, sid, ok: false }));
    providerCallback = provider.callback();
  }

  async function finishInteraction(req: IncomingMessage, res: ServerResponse, login: Cis2Login) {
    const details = await provider.interactionDetails(req, res);
    accounts.set(login.sub, login);
    const grant = new provider.Grant({ accountId: login.sub, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      {
        login: { accountId: login.sub, acr: login.acr ?? "AAL3_ANY", amr: ["pwd"], ts: login.authTime ?? Math.floor(Date.now() / 1000) },
        consent: { grantId },
      },
      { mergeWithLastSubmission: false },
    );
  }

  async function cancelInteraction(req: IncomingMessage, res: ServerResponse) {
    await provider.interactionFinished(
      req,
      res,
      { error: "access_denied", error_description: "The user cancelled the sign-in" },
      { mergeWithLastSubmission: false },
    );
  }

  async function interaction(req: IncomingMessage, res: ServerResponse, url: URL) {
    const match = /^\/interaction\/([^/]+)(?:\/(login|cancel))?$/.exec(url.pathname);
    if (!match) return false;
    if (req.method === "POST" && match[2] === "login") {
      const form = await readForm(req);
      await finishInteraction(req, res, {
        sub: form.get("sub") || randomUUID(),
        email: form.get("email") || null,
        emailVerified: form.get("email_verified") !== "false",
        name: form.get("name") || null,
        acr: form.get("acr") || "AAL3_ANY",
      });
      return true;
    }
    if (req.method === "POST" && match[2] === "cancel") {
      await cancelInteraction(req, res);
      return true;
    }
    if (req.method !== "GET" || match[2]) return false;
    const next = queue.shift();
    if (next?.kind === "cancel") return cancelInteraction(req, res).then(() => true);
    if (next?.kind === "login") return finishInteraction(req, res, next.login).then(() => true);
    const uid = escape(match[1]!);
    const acrOptions = CIS2_ACR_VALUES.map((a) => `<option value="${a}"${a === "AAL3_ANY" ? " selected" : ""}>${a}</option>`).join("");
    res.setHeader("content-type", "text/html; charset=utf-8");
    res.setHeader("cache-control", "no-store");
    res.end(
      html(
        "Sign in to NHS CIS2 (test provider)",
        `<form method="post" action="/interaction/${uid}/login">
          <p><label for="sub">Subject</label> <input id="sub" name="sub" required></p>
          <p><label for="email">Email</label> <input id="email" name="email" type="email"></p>
          <p><label for="name">Name</label> <input id="name" name="name"></p>
          <p><label for="acr">Assurance level</label> <select id="acr" name="acr">${acrOptions}</select></p>
          <p><button type="submit">Sign in</button></p>
        </form>
        <form method="post" action="/interaction/${uid}/cancel"><button type="submit">Cancel</button></form>`,
      ),
    );
    return true;
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    interaction(req, res, url)
      .then((handled) => {
        if (!handled) providerCallback(req, res);
      })
      .catch((error: unknown) => {
        if (!res.headersSent) {
          res.statusCode = 400;
          res.setHeader("content-type", "text/plain; charset=utf-8");
        }
        res.end(`test provider: ${error instanceof Error ? error.message : String(error)}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  build();

  async function postLogoutToken(logoutToken: string) {
    try {
      const response = await globalThis.fetch(`${appOrigin}${CIS2_BACKCHANNEL_LOGOUT_PATH}`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ logout_token: logoutToken }),
      });
      return { status: response.status, body: await response.text(), headers: response.headers };
    } catch {
      return { status: null, body: "", headers: null };
    }
  }

  const env: Record<string, string> = { CIS2_ISSUER: issuer, CIS2_CLIENT_ID: clientId };
  if (privateKeyPem) {
    env.CIS2_PRIVATE_KEY = privateKeyPem;
    env.CIS2_KEY_ID = keyId!;
  } else {
    env.CIS2_CLIENT_SECRET = clientSecret!;
  }

  return {
    issuer,
    clientId,
    authMethod,
    privateKeyPem,
    keyId,
    clientSecret,
    env,
    appOrigin: () => appOrigin,
    setAppOrigin(origin: string) {
      appOrigin = new URL(origin).origin;
      // Static clients are read when the provider is built; sessions and grants live in
      // oidc-provider's memory adapter, shared by every instance in this process.
      build();
    },
    setNextLogin(login: Cis2Login) {
      queue.push({ kind: "login", login });
    },
    cancelNextLogin() {
      queue.push({ kind: "cancel" });
    },
    account: (sub) => accounts.get(sub),
    async sendBackchannelLogout({ sub, sid }) {
      const client = (await provider.Client.find(clientId)) as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> };
      lastLogout = null;
      try {
        await client.backchannelLogout(sub, sid);
      } catch {
        // oidc-provider throws for an answer other than 200/204, or none: the answer is reported below.
      }
      const caught = lastLogout as { token: string; response: Response | null } | null;
      if (!caught) throw new Error("the provider did not post a logout token");
      if (!caught.response) return { status: null, body: "", headers: null, logoutToken: caught.token };
      return { status: caught.response.status, body: await caught.response.text(), headers: caught.response.headers, logoutToken: caught.token };
    },
    async signLogoutToken(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: issuer,
        aud: clientId,
        iat: now,
        exp: now + 120,
        jti: randomUUID(),
        events: { "http://schemas.openid.net/event/backchannel-logout": {} },
        ...claims,
      };
      for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
      const key = options.signedBy === "stranger" ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey : providerKey;
      return new SignJWT(payload as JWTPayload).setProtectedHeader({ alg: "RS256", kid: providerJwk.kid, typ: "logout+jwt" }).sign(key);
    },
    postLogoutToken,
    backchannelDeliveries: () => [...deliveries],
    async authorize(authorizationUrl, jar = new CookieJar()) {
      let next = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        if (next.origin !== issuer) return next;
        let response = await globalThis.fetch(next, { redirect: "manual", headers: { cookie: jar.header() } });
        jar.store(response);
        if (response.status === 200) {
          // A different person signing in where the provider has a session: the provider ends
          // the old session first with a page that submits itself (a browser's script does it).
          const page = await response.text();
          if (!page.includes("document.forms[0].submit()")) throw new Error(`the provider answered 200 at ${next.pathname}: ${page.slice(0, 500)}`);
          response = await postProviderForm(page, next, jar);
        }
        const location = response.headers.get("location");
        if (response.status < 300 || response.status >= 400 || !location) {
          throw new Error(`the provider answered ${response.status} at ${next.pathname}: ${(await response.text()).slice(0, 500)}`);
        }
        await response.body?.cancel();
        next = new URL(location, next);
      }
      throw new Error("the provider redirected more than 10 times");
    },
    async endSession(jar, endSessionUrl = `${issuer}/session/end`) {
      const page = await globalThis.fetch(endSessionUrl, { redirect: "manual", headers: { cookie: jar.header() } });
      jar.store(page);
      if (page.status !== 200) throw new Error(`the provider's end-session page answered ${page.status}`);
      return postProviderForm(await page.text(), new URL(endSessionUrl), jar, { logout: "yes" });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
