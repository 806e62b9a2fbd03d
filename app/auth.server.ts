import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";

import type { Db, DbOrTx } from "@db/client";
import { loginAttempts, sessions, users } from "@db/schema";

import type { Role } from "./models/domain";
import { dummyPasswordHash, verifyPassword } from "./passwords.server";
import { isProduction } from "./utils/env.server";
import { forbidden } from "./utils/http.server";

export const SESSION_IDLE = new TimeSpan(12, "h");
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_FAILED_SIGN_INS = 10;
export const FAILED_SIGN_IN_WINDOW_MINUTES = 15;

export function sessionCookieName(): string {
  return isProduction() ? "__Host-invitational_session" : "invitational_session";
}

function createLucia(db: Db) {
  return new Lucia(new DrizzlePostgreSQLAdapter(db, sessions, users), {
    sessionExpiresIn: SESSION_IDLE,
    sessionCookie: {
      name: sessionCookieName(),
      // __Host- requires Secure, path=/ and no Domain: all three hold in production.
      attributes: { secure: isProduction(), sameSite: "lax" },
    },
    getSessionAttributes: (attributes) => ({ createdAt: attributes.createdAt }),
    getUserAttributes: (attributes) => ({
      email: attributes.email,
      name: attributes.name,
      role: attributes.role,
      trustId: attributes.trustId,
      disabledAt: attributes.disabledAt,
    }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseSessionAttributes: { createdAt: Date };
    DatabaseUserAttributes: {
      email: string;
      name: string;
      role: Role;
      trustId: string | null;
      disabledAt: Date | null;
    };
  }
}

const luciaByDb = new WeakMap<Db, ReturnType<typeof createLucia>>();
function luciaFor(db: Db) {
  let lucia = luciaByDb.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    luciaByDb.set(db, lucia);
  }
  return lucia;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  trustId: string | null;
}

export interface ResolvedSession {
  user: SessionUser | null;
  sessionId: string | null;
  /** Set-Cookie values to send: a refreshed cookie, or a blank one for an ended session. */
  setCookies: string[];
}

/**
 * Reads the session cookie once per request. Ends the session when it has been idle for
 * 12 hours (lucia's sliding expiry), is older than 7 days, or its user is disabled.
 */
export async function resolveSession(db: Db, cookieHeader: string | null): Promise<ResolvedSession> {
  const lucia = luciaFor(db);
  const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
  if (!sessionId) return { user: null, sessionId: null, setCookies: [] };
  const { session, user } = await lucia.validateSession(sessionId);
  const blank = lucia.createBlankSessionCookie().serialize();
  if (!session || !user) return { user: null, sessionId: null, setCookies: [blank] };
  if (user.disabledAt || Date.now() - session.createdAt.getTime() > SESSION_MAX_AGE_MS) {
    await lucia.invalidateSession(session.id);
    return { user: null, sessionId: null, setCookies: [blank] };
  }
  const setCookies = session.fresh ? [lucia.createSessionCookie(session.id).serialize()] : [];
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, trustId: user.trustId },
    sessionId: session.id,
    setCookies,
  };
}

export async function createUserSession(db: Db, userId: string): Promise<string> {
  const lucia = luciaFor(db);
  const session = await lucia.createSession(userId, { createdAt: new Date() });
  return lucia.createSessionCookie(session.id).serialize();
}

export async function endSession(db: Db, sessionId: string | null): Promise<string> {
  const lucia = luciaFor(db);
  if (sessionId) await lucia.invalidateSession(sessionId);
  return lucia.createBlankSessionCookie().serialize();
}

/** Every session of the user ends: on disabling the account or changing the password. */
export async function endAllSessions(db: DbOrTx, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

export type SignInResult =
  | { ok: true; userId: string; role: Role }
  | { ok: false; status: 400 | 429; message: string };

export const WRONG_CREDENTIALS = "Enter a correct email address and password";
export const TOO_MANY_ATTEMPTS = `Too many failed attempts to sign in. Wait ${FAILED_SIGN_IN_WINDOW_MINUTES} minutes, then try again`;

/** Checks the password, throttling failures per e-mail and per IP address in the database. */
export async function signIn(db: Db, input: { email: string; password: string; ip: string }): Promise<SignInResult> {
  const windowStart = new Date(Date.now() - FAILED_SIGN_IN_WINDOW_MINUTES * 60 * 1000);
  const [counts] = await db
    .select({
      byEmail: sql<number>`count(*) filter (where ${loginAttempts.email} = ${input.email})`.mapWith(Number),
      byIp: sql<number>`count(*) filter (where ${loginAttempts.ip} = ${input.ip})`.mapWith(Number),
    })
    .from(loginAttempts)
    .where(
      and(
        eq(loginAttempts.succeeded, false),
        gt(loginAttempts.createdAt, windowStart),
        sql`(${loginAttempts.email} = ${input.email} or ${loginAttempts.ip} = ${input.ip})`,
      ),
    );
  if ((counts?.byEmail ?? 0) >= MAX_FAILED_SIGN_INS || (counts?.byIp ?? 0) >= MAX_FAILED_SIGN_INS) {
    return { ok: false, status: 429, message: TOO_MANY_ATTEMPTS };
  }

  const [user] = await db
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.email, input.email), isNull(users.disabledAt)));
  const valid = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await dummyPasswordHash(), input.password), false);

  await db.insert(loginAttempts).values({ email: input.email, ip: input.ip, succeeded: valid });
  if (!valid || !user) return { ok: false, status: 400, message: WRONG_CREDENTIALS };
  return { ok: true, userId: user.id, role: user.role };
}

export function homePathFor(role: Role): string {
  switch (role) {
    case "trainee":
      return "/trainee";
    case "trust_lead":
      return "/trust";
    case "dme":
      return "/dme";
    case "admin":
      return "/admin";
  }
}

type GuardArgs = { request: Request; context: AppLoadContext };

/** The signed-in user, or a redirect to sign in that comes back here afterwards. */
export function requireUser<R extends Role>(
  { request, context }: GuardArgs,
  options: { role?: R | readonly R[] } = {},
): SessionUser & { role: R } {
  const user = context.user;
  if (!user) {
    const url = new URL(request.url);
    const back = url.pathname + url.search;
    throw redirect(`/sign-in?redirectTo=${encodeURIComponent(back)}`);
  }
  if (options.role) {
    const allowed: readonly Role[] = Array.isArray(options.role) ? options.role : [options.role as Role];
    if (!allowed.includes(user.role)) throw forbidden();
  }
  return user as SessionUser & { role: R };
}

/** A trust lead or DME, with the trust every query of theirs is scoped to. */
export function requireStaff<R extends "trust_lead" | "dme">(
  args: GuardArgs,
  role: R | readonly R[],
): SessionUser & { role: R; trustId: string } {
  const user = requireUser(args, { role });
  if (!user.trustId) throw forbidden();
  return user as SessionUser & { role: R; trustId: string };
}
