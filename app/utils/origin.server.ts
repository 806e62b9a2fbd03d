import { SettingError } from "./env.server";

/**
 * The origin for links sent by e-mail. In production APP_ORIGIN is required (see
 * checkAppOrigin); elsewhere the request's own origin stands in for it.
 */
export function appOrigin(request: Request): string {
  return process.env.APP_ORIGIN ?? new URL(request.url).origin;
}

export const APP_ORIGIN_HELP = "APP_ORIGIN must be the public origin of the service, such as https://invitational.example.nhs.uk (no path, no trailing slash)";

/**
 * APP_ORIGIN checked at start-up. Without it a link in an e-mail is built from the request's
 * Host header, which the client chooses: one POST to /forgot-password with `Host: evil.example`
 * would e-mail a real account holder a reset link to another site. So production refuses to
 * start without it, and a value that is not just an origin (a path or trailing slash would also
 * fail every same-origin check) is refused anywhere.
 */
export function checkAppOrigin(raw: string | undefined, production: boolean): void {
  if (raw === undefined || raw === "") {
    if (production) throw new SettingError(`${APP_ORIGIN_HELP}; it is required in production, so links in e-mails cannot be pointed at another site`);
    return;
  }
  let origin: string | null = null;
  try {
    origin = new URL(raw).origin;
  } catch {
    // reported below
  }
  if (origin !== raw || !/^https?:/.test(raw)) throw new SettingError(`${APP_ORIGIN_HELP}; "${raw}" is not one`);
}
