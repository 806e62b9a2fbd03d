// What NHS CIS2 sign-in does to accounts (app/models/cis2-accounts.server.ts) and the sign-in
// state consumed once (app/cis2.server.ts), on a real database: run on PostgreSQL, the parallel
// cases are real races.
import { randomBytes } from "node:crypto";

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { auditEvents, invitations, oidcSignInStates, sessions, userIdentities, users } from "@db/schema";
import { createCis2Session } from "~/auth.server";
import { consumeSignInState, hashState } from "~/cis2.server";
import { acceptInvitationWithCis2, findCis2Account, linkCis2Identity, setStaffPasswordSignIn, staffPasswordSignInAllowed } from "~/models/cis2-accounts.server";
import { closeTraineeAccount } from "~/models/data-rights.server";
import { hashToken } from "~/models/users.server";

import { useTestDatabase } from "../helpers/db";
import { makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase({ poolSize: 12 });
const ISSUER = "https://cis2.example.nhs.uk";

async function signInState(extra: Partial<typeof oidcSignInStates.$inferInsert> = {}) {
  const state = randomBytes(16).toString("base64url");
  await t.db.insert(oidcSignInStates).values({
    stateHash: hashState(state),
    codeVerifier: "verifier",
    nonce: "nonce",
    purpose: "sign_in",
    expiresAt: new Date(Date.now() + 600_000),
    ...extra,
  });
  return state;
}

async function dmeInvitation(email: string) {
  const trust = await makeTrust(t.db);
  const [row] = await t.db
    .insert(invitations)
    .values({ email, name: "Dr New DME", role: "dme", trustId: trust.id, tokenHash: hashToken(randomBytes(8).toString("hex")), expiresAt: new Date(Date.now() + 86_400_000) })
    .returning({ id: invitations.id });
  return row!.id;
}

describe("the sign-in state is consumed once", () => {
  it("ten parallel consumptions of one state: exactly one gets the row", async () => {
    const state = await signInState();
    const got = await Promise.all(Array.from({ length: 10 }, () => consumeSignInState(t.db, state)));
    expect(got.filter(Boolean)).toHaveLength(1);
    expect(got.find(Boolean)).toMatchObject({ codeVerifier: "verifier", nonce: "nonce", purpose: "sign_in" });
  });

  it("an unknown or expired state gets nothing", async () => {
    expect(await consumeSignInState(t.db, "never-issued")).toBeNull();
    const stale = await signInState({ expiresAt: new Date(Date.now() - 1) });
    expect(await consumeSignInState(t.db, stale)).toBeNull();
  });
});

describe("accepting a staff invitation with CIS2", () => {
  it("two acceptances at once: one account, one linked subject", async () => {
    const invitationId = await dmeInvitation("race.dme@example.nhs.uk");
    const input = { issuer: ISSUER, sub: "cis2-race", invitationId, email: "race.dme@example.nhs.uk", emailVerified: true, name: null };
    const results = await Promise.all([acceptInvitationWithCis2(t.db, input), acceptInvitationWithCis2(t.db, input)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, reason: "invitation_unavailable" });
    expect(await t.db.select({ id: users.id }).from(users).where(eq(users.email, "race.dme@example.nhs.uk"))).toHaveLength(1);
    expect(await t.db.select().from(userIdentities)).toHaveLength(1);
  });

  it("an account already holding the address: refused, and the invitation stays unused", async () => {
    await makeUser(t.db, { role: "trust_lead", trustId: (await makeTrust(t.db)).id, email: "taken@example.nhs.uk" });
    const invitationId = await dmeInvitation("taken@example.nhs.uk");
    const result = await acceptInvitationWithCis2(t.db, { issuer: ISSUER, sub: "cis2-taken", invitationId, email: "taken@example.nhs.uk", emailVerified: null, name: null });
    expect(result).toEqual({ ok: false, reason: "account_exists" });
    const [invitation] = await t.db.select({ usedAt: invitations.usedAt }).from(invitations).where(eq(invitations.id, invitationId));
    expect(invitation!.usedAt).toBeNull();
    expect(await t.db.select().from(userIdentities)).toEqual([]);
  });
});

describe("linking and signing in by subject", () => {
  it("a subject links to one account; the same subject for another account, or a second identity, is refused", async () => {
    const first = await makeTrainee(t.db);
    const second = await makeTrainee(t.db);
    expect(await linkCis2Identity(t.db, { issuer: ISSUER, sub: "cis2-a", userId: first.id })).toEqual({ ok: true });
    expect(await linkCis2Identity(t.db, { issuer: ISSUER, sub: "cis2-a", userId: second.id })).toEqual({ ok: false, reason: "subject_taken" });
    expect(await linkCis2Identity(t.db, { issuer: ISSUER, sub: "cis2-b", userId: first.id })).toEqual({ ok: false, reason: "already_linked" });
    const [audit] = await t.db.select({ action: auditEvents.action, traineeId: auditEvents.traineeId }).from(auditEvents);
    expect(audit).toEqual({ action: "account.cis2_linked", traineeId: first.id });
    expect(await findCis2Account(t.db, { issuer: ISSUER, sub: "cis2-a" })).toEqual({ ok: true, userId: first.id, role: "trainee" });
    // The subject is unique per issuer only: another issuer's "cis2-a" is someone else.
    expect(await findCis2Account(t.db, { issuer: "https://other-issuer.example", sub: "cis2-a" })).toEqual({ ok: false, reason: "unknown_subject" });
  });
});

describe("closing a trainee's account", () => {
  it("removes the linked CIS2 identity and any CIS2 sign-in still under way, so the subject no longer signs in", async () => {
    const trainee = await makeTrainee(t.db);
    await linkCis2Identity(t.db, { issuer: ISSUER, sub: "cis2-closing", userId: trainee.id });
    await signInState({ purpose: "link", userId: trainee.id });
    await createCis2Session(t.db, trainee.id, "provider-session-1");
    const result = await closeTraineeAccount(t.db, { id: trainee.id, role: "trainee", trustId: null }, { password: TEST_PASSWORD, ip: "192.0.2.1", today: "2026-11-25" });
    expect(result).toMatchObject({ ok: true });
    expect(await t.db.select().from(userIdentities)).toEqual([]);
    expect(await t.db.select().from(oidcSignInStates)).toEqual([]);
    expect(await t.db.select().from(sessions)).toEqual([]);
    expect(await findCis2Account(t.db, { issuer: ISSUER, sub: "cis2-closing" })).toEqual({ ok: false, reason: "unknown_subject" });
  });
});

describe("password sign-in for staff", () => {
  it("is on by default; off needs CIS2 configured; a change is audited once, a setting left as it was is not", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    expect(await staffPasswordSignInAllowed(t.db)).toBe(true);
    expect(await setStaffPasswordSignIn(t.db, admin, false, { cis2Configured: false })).toMatchObject({ ok: false });
    expect(await staffPasswordSignInAllowed(t.db)).toBe(true);
    expect(await setStaffPasswordSignIn(t.db, admin, false, { cis2Configured: true })).toEqual({ ok: true, changed: true });
    expect(await setStaffPasswordSignIn(t.db, admin, false, { cis2Configured: true })).toEqual({ ok: true, changed: false });
    expect(await staffPasswordSignInAllowed(t.db)).toBe(false);
    // Turning it back on never needs CIS2: it is the way back if CIS2 is removed.
    expect(await setStaffPasswordSignIn(t.db, admin, true, { cis2Configured: false })).toEqual({ ok: true, changed: true });
    const audited = await t.db.select({ action: auditEvents.action, targetType: auditEvents.targetType, details: auditEvents.details }).from(auditEvents);
    expect(audited).toEqual([
      { action: "settings.staff_password_sign_in", targetType: "settings", details: { allowed: false } },
      { action: "settings.staff_password_sign_in", targetType: "settings", details: { allowed: true } },
    ]);
  });
});
