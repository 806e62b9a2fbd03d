/**
 * The origin for links sent by e-mail. Set APP_ORIGIN in production: without it the request's
 * own Host is used, and a forged Host header could point a link at another site.
 */
export function appOrigin(request: Request): string {
  return process.env.APP_ORIGIN ?? new URL(request.url).origin;
}
