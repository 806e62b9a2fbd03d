// What the region's tests share: production app processes behind one public origin, as a TLS
// proxy in front of them would present each request, on a PostgreSQL server of the test's own.
import type { PrivatePostgres } from "./private-postgres";
import type { ScratchDatabase } from "./server";

export const PUBLIC_ORIGIN = "https://invitational.test";

/** The headers a proxy adds (TRUST_PROXY=loopback trusts them): Remix checks a POST's Origin against the forwarded host. */
export const PROXY_HEADERS = { "X-Forwarded-Host": new URL(PUBLIC_ORIGIN).host, "X-Forwarded-Proto": "https" };

export function productionEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: "production", APP_ORIGIN: PUBLIC_ORIGIN, TRUST_PROXY: "loopback", ...extra };
}

/** The private server's database, for startServer: it belongs to the test, which disposes of the server. */
export function privateDatabase(pg: PrivatePostgres): ScratchDatabase {
  return { env: { DATABASE_URL: pg.url }, sql: async () => {}, dispose: async () => {} };
}

/** A form POST from a page of this site, through the proxy. */
export function postForm(baseUrl: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { ...PROXY_HEADERS, Origin: PUBLIC_ORIGIN, "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

export function getPage(baseUrl: string, path: string, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { headers: { ...PROXY_HEADERS, ...(cookie ? { Cookie: cookie } : {}) }, redirect: "manual" });
}

/** Signs in and returns the session cookie (name=value) to send back. */
export async function signInCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const res = await postForm(baseUrl, "/sign-in", { email, password });
  if (res.status !== 302) throw new Error(`sign-in answered ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
