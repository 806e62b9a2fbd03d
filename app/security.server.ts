import { randomBytes } from "node:crypto";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * `formActions`: other origins a form may lead to. Chromium applies form-action to the
 * redirects after a POST too, so "Sign in with NHS CIS2" (a POST answered with a redirect to
 * the provider) needs the provider's origin here.
 */
export function contentSecurityPolicy(nonce: string, formActions: readonly string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    // React and the NHS.UK components set a few style attributes; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    // No third-party host: nhsuk-frontend's remote font is removed at build (scripts/nhsuk-styles.mjs).
    "font-src 'self'",
    "connect-src 'self'",
    ["form-action 'self'", ...formActions].join(" "),
    "base-uri 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export interface SecurityHeaderOptions {
  nonce: string;
  production: boolean;
  /** Origins forms may lead to besides this one (the NHS CIS2 provider's). */
  formActions?: readonly string[];
}

export function securityHeaders({ nonce, production, formActions }: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(nonce, formActions),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
  };
  if (production) headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains";
  return headers;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * An unsubscribe link's POST (app/routes/unsubscribe.$token.tsx) is authorised by its signed
 * token, not by a session, and mail clients send RFC 8058's one-click POST from no page at all
 * (no Origin, no Referer). NHS CIS2's back-channel logout is posted by the provider's server,
 * not a browser, and carries its own signed logout token. These two are the only non-GET
 * requests the cross-site guard lets through.
 */
export function isTokenAuthorisedPost(method: string, path: string): boolean {
  return method.toUpperCase() === "POST" && (/^\/unsubscribe\/[^/]+$/.test(path) || path === "/sign-in/cis2/backchannel-logout");
}

/**
 * Cross-site request forgery guard: a state-changing request must come from a page of
 * this origin. Browsers send Origin on every cross-site POST; where it is missing we fall
 * back to Referer, and refuse when both are missing.
 */
export function isSameOriginRequest(
  method: string,
  headers: { origin?: string | null; referer?: string | null },
  appOrigin: string,
): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return true;
  const source = headers.origin && headers.origin !== "null" ? headers.origin : headers.referer;
  if (!source) return false;
  try {
    return new URL(source).origin === appOrigin;
  } catch {
    return false;
  }
}
