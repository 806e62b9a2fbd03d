// Route tests call loaders and actions directly, with the same load context the server builds.
import { randomUUID } from "node:crypto";

import type { AppLoadContext } from "@remix-run/node";

import { createUserSession, resolveSession } from "../../app/auth.server";
import type { Db } from "../../db/client";

export const ORIGIN = "http://localhost:3000";

export async function contextFor(db: Db, request: Request, clientIp = "127.0.0.1"): Promise<AppLoadContext> {
  const session = await resolveSession(db, request.headers.get("cookie"));
  return { nonce: "test-nonce", requestId: randomUUID(), clientIp, user: session.user, sessionId: session.sessionId, unreadNotifications: session.unreadNotifications };
}

/** A "name=value" cookie header for a new session of this user. */
export async function sessionCookieFor(db: Db, userId: string): Promise<string> {
  const setCookie = await createUserSession(db, userId);
  return setCookie.split(";")[0]!;
}

export function formRequest(path: string, fields: Record<string, string | string[]>, cookie?: string): Request {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

export function getRequest(path: string, cookie?: string): Request {
  return new Request(`${ORIGIN}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

export async function callRoute<T extends (args: { request: Request; params: Record<string, string>; context: AppLoadContext }) => unknown>(
  db: Db,
  fn: T,
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  const context = await contextFor(db, request);
  try {
    const result = await fn({ request, params, context });
    return result as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
