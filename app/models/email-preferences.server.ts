// Which optional e-mails a person has turned off (email_opt_outs: a row means off). In-app
// notifications always arrive; only the e-mail of a kind can be turned off.
import { randomBytes, createHmac, timingSafeEqual } from "node:crypto";

import { and, eq, inArray } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { emailOptOuts, serviceSecrets, users } from "@db/schema";

import { auditBy, BY_SERVICE, recordAudit, type AuditContext } from "./audit.server";
import { OPTIONAL_EMAIL_KINDS, type OptionalEmailKind, type Role } from "./domain";
import { emailKindsFor } from "./email-kinds";

export function isOptionalEmailKind(kind: string): kind is OptionalEmailKind {
  return (OPTIONAL_EMAIL_KINDS as readonly string[]).includes(kind);
}

/** The person's kinds with whether each is sent by e-mail. */
export async function listEmailPreferences(db: DbOrTx, user: { id: string; role: Role }) {
  const kinds = emailKindsFor(user.role);
  const off = new Set(
    (await db.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, user.id))).map((r) => r.kind),
  );
  return kinds.map((kind) => ({ kind, email: !off.has(kind) }));
}

/**
 * Saves the settings page: e-mail on for the kinds given, off for the role's others, in one
 * transaction. Kinds the role is not sent are ignored, never stored.
 */
export async function saveEmailPreferences(db: Db, user: { id: string; role: Role }, on: readonly string[], audit?: AuditContext): Promise<void> {
  const kinds = emailKindsFor(user.role);
  const off = kinds.filter((k) => !on.includes(k));
  await db.transaction(async (tx) => {
    if (kinds.length) await tx.delete(emailOptOuts).where(and(eq(emailOptOuts.userId, user.id), inArray(emailOptOuts.kind, [...kinds])));
    if (off.length) await tx.insert(emailOptOuts).values(off.map((kind) => ({ userId: user.id, kind }))).onConflictDoNothing();
    await recordAudit(tx, auditBy(audit, user), {
      action: "account.email_choices_changed",
      targetType: "user",
      targetId: user.id,
      traineeId: user.role === "trainee" ? user.id : null,
      details: { off: off.join(" ") },
    });
  });
}

/** Turns one kind off (the unsubscribe link); doing it twice is the same as once. */
export async function optOut(db: Db, userId: string, kind: OptionalEmailKind, audit: AuditContext = BY_SERVICE): Promise<void> {
  await db.transaction(async (tx) => {
    const [user] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId));
    await tx.insert(emailOptOuts).values({ userId, kind }).onConflictDoNothing();
    // The signed link speaks for its recipient: nobody need be signed in.
    await recordAudit(tx, { ...audit, actorId: userId, actorRole: user?.role ?? null }, {
      action: "account.unsubscribed",
      targetType: "user",
      targetId: userId,
      traineeId: user?.role === "trainee" ? userId : null,
      details: { kind },
    });
  });
}

export async function isOptedOut(db: DbOrTx, userId: string, kind: string): Promise<boolean> {
  const [row] = await db
    .select({ kind: emailOptOuts.kind })
    .from(emailOptOuts)
    .where(and(eq(emailOptOuts.userId, userId), eq(emailOptOuts.kind, kind)))
    .limit(1);
  return Boolean(row);
}

// Unsubscribe links: a token signed with HMAC-SHA256 over the account's id and one kind, so
// it works without signing in and cannot be changed to another person or kind. The key is
// APP_SECRET when set; otherwise one made at random the first time any process needs it and
// kept in service_secrets (insert on conflict do nothing, then read), so every app process
// signs alike and links keep working after a restart.

const SECRET_NAME = "unsubscribe_hmac_key";

// Read each time (one primary-key lookup), not kept in the process: nothing to go stale.
async function signingKey(db: Db): Promise<Buffer> {
  const fromEnv = process.env.APP_SECRET;
  if (fromEnv) return Buffer.from(fromEnv, "utf8");
  const read = async () => (await db.select({ value: serviceSecrets.value }).from(serviceSecrets).where(eq(serviceSecrets.name, SECRET_NAME)))[0];
  let row = await read();
  if (!row) {
    // Two processes making one at once: the first insert wins and both read the winner.
    await db
      .insert(serviceSecrets)
      .values({ name: SECRET_NAME, value: randomBytes(32).toString("base64url") })
      .onConflictDoNothing({ target: serviceSecrets.name });
    row = await read();
  }
  if (!row) throw new Error("the unsubscribe key could not be read");
  return Buffer.from(row.value, "base64url");
}

function signature(key: Buffer, payload: string): Buffer {
  return createHmac("sha256", key).update(payload).digest();
}

/** "<base64url of user id and kind>.<base64url signature>": safe in a URL path. */
export async function unsubscribeToken(db: Db, userId: string, kind: OptionalEmailKind): Promise<string> {
  const payload = `${userId}\n${kind}`;
  return `${Buffer.from(payload).toString("base64url")}.${signature(await signingKey(db), payload).toString("base64url")}`;
}

/** The account and kind a token was made for, or null for anything not signed by this service. */
export async function readUnsubscribeToken(db: Db, token: string): Promise<{ userId: string; kind: OptionalEmailKind } | null> {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const payload = Buffer.from(m[1]!, "base64url").toString("utf8");
  const given = Buffer.from(m[2]!, "base64url");
  const expected = signature(await signingKey(db), payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const [userId, kind, ...rest] = payload.split("\n");
  if (!userId || !kind || rest.length || !isOptionalEmailKind(kind)) return null;
  return { userId, kind };
}

/** What the unsubscribe page shows: the kind and whether it is off already; null for a gone account. */
export async function unsubscribeState(db: Db, token: string) {
  const read = await readUnsubscribeToken(db, token);
  if (!read) return null;
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.id, read.userId));
  if (!user) return null;
  return { ...read, off: await isOptedOut(db, read.userId, read.kind) };
}
