import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { redirect } from "@remix-run/node";
import type { AppLoadContext } from "@remix-run/node";
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { Lucia, TimeSpan } from "lucia";

import type { Db, DbOrTx } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { loginAttempts, notifications, sessions, users } from "@db/schema";

import type { Role } from "./models/domain";
import { dummyPasswordHash, verifyPassword } from "./passwords.server";
import { isProduction } from "./utils/env.server";
import { forbidden } from "./utils/http.server";

export const SESSION_IDLE = new TimeSpan(12, "h");
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Wrong passwords for one e-mail address in the window. */
export const MAX_FAILED_SIGN_INS = 10;
/** Wrong passwords from one IP address in the window: far higher, as a whole hospital may share one. */
export const MAX_FAILED_SIGN_INS_PER_IP = 100;
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
    // authMethod and oidcSid are written on creation only (a CIS2 session's provider session id).
    DatabaseSessionAttributes: { createdAt: Date; authMethod?: "password" | "cis2"; oidcSid?: string | null };
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
  /** The user's unread notifications when the session was read (for the header), null when signed out. */
  unreadNotifications: number | null;
  /** Set-Cookie values to send: a refreshed cookie, or a blank one for an ended session. */
  setCookies: string[];
}

/**
 * The session, its user and the user's unread notifications in one prepared statement: this
 * runs on every signed-in request, and lucia's own check built its query anew each time and
 * left the header's count to a second query.
 */
const sessionAndUser = preparedQuery((db) =>
  db
    .select({
      id: sessions.id,
      expiresAt: sessions.expiresAt,
      createdAt: sessions.createdAt,
      userId: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      trustId: users.trustId,
      disabledAt: users.disabledAt,
      // The count on notifications_user_idx (user_id, read_at) the header shows.
      unread: sql<number>`(select count(*) from ${notifications} where ${notifications.userId} = ${users.id} and ${notifications.readAt} is null)`.mapWith(Number),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, sql.placeholder("sessionId")))
    .prepare("session_and_user"),
);

/**
 * Reads the session cookie once per request. Ends the session when it has been idle for
 * 12 hours (the sliding expiry lucia would apply: past half its life, a request moves it on
 * and sends the cookie again), is older than 7 days, or its user is disabled.
 */
export async function resolveSession(db: Db, cookieHeader: string | null): Promise<ResolvedSession> {
  const lucia = luciaFor(db);
  const sessionId = lucia.readSessionCookie(cookieHeader ?? "");
  if (!sessionId) return { user: null, sessionId: null, unreadNotifications: null, setCookies: [] };
  const [row] = await sessionAndUser(db).execute({ sessionId });
  const ended = { user: null, sessionId: null, unreadNotifications: null, setCookies: [lucia.createBlankSessionCookie().serialize()] };
  if (!row) return ended;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now || row.disabledAt || now - row.createdAt.getTime() > SESSION_MAX_AGE_MS) {
    await db.delete(sessions).where(eq(sessions.id, row.id));
    return ended;
  }
  let setCookies: string[] = [];
  if (row.expiresAt.getTime() - now < SESSION_IDLE.milliseconds() / 2) {
    await db
      .update(sessions)
      .set({ expiresAt: new Date(now + SESSION_IDLE.milliseconds()) })
      .where(eq(sessions.id, row.id));
    setCookies = [lucia.createSessionCookie(row.id).serialize()];
  }
  return {
    user: { id: row.userId, email: row.email, name: row.name, role: row.role, trustId: row.trustId },
    sessionId: row.id,
    unreadNotifications: row.unread,
    setCookies,
  };
}

export async function createUserSession(db: Db, userId: string): Promise<string> {
  const lucia = luciaFor(db);
  const session = await lucia.createSession(userId, { createdAt: new Date() });
  return lucia.createSessionCookie(session.id).serialize();
}

/**
 * A session made by signing in with NHS CIS2: the same rules as a password session (12 hours
 * idle, 7 days at most), marked 'cis2' with the ID token's sid, so the provider's back-channel
 * logout can end it.
 */
export async function createCis2Session(db: Db, userId: string, oidcSid: string | null): Promise<string> {
  const lucia = luciaFor(db);
  const session = await lucia.createSession(userId, { createdAt: new Date(), authMethod: "cis2", oidcSid });
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
export const TOO_MANY_ATTEMPTS = `Too many failed attempts to sign in. Wait ${FAILED_SIGN_IN_WINDOW_MINUTES} minutes, or reset your password`;

/** Checks the password, throttling failures per e-mail and per IP address in the database. */
export async function signIn(db: Db, input: { email: string; password: string; ip: string }): Promise<SignInResult> {
  const check = await checkPasswordThrottled(db, { kind: "sign_in", ...input });
  if (check.ok) return { ok: true, userId: check.user.id, role: check.user.role };
  if (check.reason === "throttled") return { ok: false, status: 429, message: TOO_MANY_ATTEMPTS };
  return { ok: false, status: 400, message: WRONG_CREDENTIALS };
}

// ---------------------------------------------------------------------------------------
// Throttling, in the login_attempts table
// ---------------------------------------------------------------------------------------

/**
 * What was tried. Signing in and a signed-in page's password check (closing the account,
 * changing the password) are guesses at the same password, so they share one limit.
 * Requests that send an e-mail (a reset link, a new invitation link) have their own.
 */
export type AttemptKind = "sign_in" | "password_check" | "reset_request" | "new_link_request";

/** A refused attempt keeps its row (for an investigation) under this kind, and counts for nothing. */
export function refusedKind(kind: AttemptKind): string {
  return `${kind}_refused`;
}

export interface ThrottleRule {
  /** The kinds of row that count against the limit. */
  kinds: readonly AttemptKind[];
  perAddress: number;
  perIp: number;
  windowMinutes: number;
  /** Count only rows not marked succeeded: a right password is not a guess. */
  failuresOnly: boolean;
  /** Rows from before the account's password last changed stop counting: a reset ends a lockout. */
  sinceLastPasswordChange: boolean;
}

const PASSWORD_GUESSES: ThrottleRule = {
  kinds: ["sign_in", "password_check"],
  perAddress: MAX_FAILED_SIGN_INS,
  perIp: MAX_FAILED_SIGN_INS_PER_IP,
  windowMinutes: FAILED_SIGN_IN_WINDOW_MINUTES,
  failuresOnly: true,
  sinceLastPasswordChange: true,
};

/**
 * Records the attempt, THEN counts, so the limit holds under parallel requests. The row is
 * committed (as a failure) before the count; each count, under READ COMMITTED, sees every row
 * committed before it began, its own included. Of requests that would pass the limit N, the
 * k-th to commit its row sees at least k rows, so at most N of them can see a count of N or
 * fewer: the limit cannot be raced, with no lock held. A request that is refused relabels its
 * row so that it is not counted as a guess, and a lockout ends 15 minutes after the last real one.
 */
export async function recordAttempt(
  db: DbOrTx,
  rule: ThrottleRule,
  attempt: { kind: AttemptKind; email: string; ip: string },
): Promise<{ id: number; allowed: boolean }> {
  const [row] = await db
    .insert(loginAttempts)
    .values({ kind: attempt.kind, email: attempt.email, ip: attempt.ip, succeeded: false })
    .returning({ id: loginAttempts.id });
  const id = row!.id;
  const windowStart = sql`now() - make_interval(mins => ${rule.windowMinutes})`;
  const addressFrom = rule.sinceLastPasswordChange
    ? sql`greatest(${windowStart}, (select ${users.passwordChangedAt} from ${users} where ${users.email} = ${attempt.email}))`
    : windowStart;
  const [counts] = await db
    .select({
      byAddress: sql<number>`count(*) filter (where ${loginAttempts.email} = ${attempt.email} and ${loginAttempts.createdAt} > ${addressFrom})`.mapWith(Number),
      byIp: sql<number>`count(*) filter (where ${loginAttempts.ip} = ${attempt.ip})`.mapWith(Number),
    })
    .from(loginAttempts)
    .where(
      and(
        inArray(loginAttempts.kind, [...rule.kinds]),
        rule.failuresOnly ? eq(loginAttempts.succeeded, false) : undefined,
        sql`${loginAttempts.createdAt} > ${windowStart}`,
        or(eq(loginAttempts.email, attempt.email), eq(loginAttempts.ip, attempt.ip)),
      ),
    );
  const allowed = (counts?.byAddress ?? 0) <= rule.perAddress && (counts?.byIp ?? 0) <= rule.perIp;
  if (!allowed) await db.update(loginAttempts).set({ kind: refusedKind(attempt.kind) }).where(eq(loginAttempts.id, id));
  return { id, allowed };
}

export type PasswordCheck =
  | { ok: true; user: { id: string; role: Role } }
  | { ok: false; reason: "wrong" | "throttled" };

/**
 * The one throttled password check: signing in, and every signed-in form that asks for the
 * password again (closing the account, changing the password). At most 10 wrong passwords
 * for one e-mail address, and 100 from one IP address (a hospital's NAT), in 15 minutes;
 * a password reset ends the account's lockout. An unknown address costs the same hash as a
 * known one, so the answer's timing does not tell who has an account.
 */
export async function checkPasswordThrottled(
  db: Db,
  input: { kind: "sign_in" | "password_check"; email: string; password: string; ip: string },
): Promise<PasswordCheck> {
  const attempt = await recordAttempt(db, PASSWORD_GUESSES, { kind: input.kind, email: input.email, ip: input.ip });
  if (!attempt.allowed) return { ok: false, reason: "throttled" };
  const [user] = await db
    .select({ id: users.id, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(and(eq(users.email, input.email), isNull(users.disabledAt)));
  const valid = user?.passwordHash
    ? await verifyPassword(user.passwordHash, input.password)
    : (await verifyPassword(await dummyPasswordHash(), input.password), false);
  if (!valid || !user) return { ok: false, reason: "wrong" };
  await db.update(loginAttempts).set({ succeeded: true }).where(eq(loginAttempts.id, attempt.id));
  return { ok: true, user: { id: user.id, role: user.role } };
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
