// The limits on guessing a password: per account and per IP address, in the database, so they
// hold under parallel requests (run this file against PostgreSQL: PGlite runs one query at a time).
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { MAX_FAILED_SIGN_INS, MAX_FAILED_SIGN_INS_PER_IP, signIn } from "~/auth.server";
import { closeTraineeAccount } from "~/models/data-rights.server";
import { loginAttempts, users } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { makeTrainee, TEST_PASSWORD } from "../helpers/factories";

// More connections than the usual 10, so that many of the 40 requests really are in flight at once.
const t = useTestDatabase({ poolSize: 20 });
const PARALLEL = 40;

describe("the sign-in throttle under parallel requests", () => {
  it("the sign-in throttle can be raced: of 40 parallel wrong passwords at most 10 are checked, the rest answer 429", async () => {
    await makeTrainee(t.db, { email: "target@example.nhs.uk" });
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => signIn(t.db, { email: "target@example.nhs.uk", password: `guess number ${i}`, ip: `198.51.100.${i}` })),
    );
    const checked = results.filter((r) => !r.ok && r.status === 400).length;
    const refused = results.filter((r) => !r.ok && r.status === 429).length;
    expect(checked + refused).toBe(PARALLEL);
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS);
    expect(refused).toBeGreaterThanOrEqual(PARALLEL - MAX_FAILED_SIGN_INS);
    // The refused ones are kept, relabelled: they were never checked and are not counted as guesses.
    const rows = await t.db.select({ kind: loginAttempts.kind }).from(loginAttempts);
    expect(rows.filter((r) => r.kind === "sign_in")).toHaveLength(checked);
    expect(rows.filter((r) => r.kind === "sign_in_refused")).toHaveLength(refused);
    // Guessing on one at a time, the total of checked wrong passwords still stops at the limit.
    for (let i = checked; i < MAX_FAILED_SIGN_INS; i++) {
      expect(await signIn(t.db, { email: "target@example.nhs.uk", password: `later guess ${i}`, ip: "198.51.100.201" })).toMatchObject({ status: 400 });
    }
    expect(await signIn(t.db, { email: "target@example.nhs.uk", password: TEST_PASSWORD, ip: "198.51.100.202" })).toMatchObject({ ok: false, status: 429 });
  });

  it("the close-account password check can be raced: of 40 parallel wrong passwords at most 10 are checked", async () => {
    const me = await makeTrainee(t.db);
    const actor = { id: me.id, role: "trainee" as const, trustId: null };
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) => closeTraineeAccount(t.db, actor, { password: `guess number ${i}`, ip: "192.0.2.1", today: "2026-11-25" })),
    );
    const checked = results.filter((r) => !r.ok && r.status === 400).length;
    const refused = results.filter((r) => !r.ok && r.status === 429).length;
    expect(checked + refused).toBe(PARALLEL);
    expect(checked).toBeLessThanOrEqual(MAX_FAILED_SIGN_INS);
    // The account is still open: nobody got in.
    expect((await t.db.select().from(users).where(eq(users.id, me.id)))[0]?.disabledAt).toBeNull();
  });
});

describe("lockouts", () => {
  it("one IP address shared by a hospital is not locked out by ten people's failures", async () => {
    const nat = "203.0.113.50";
    for (let i = 0; i < MAX_FAILED_SIGN_INS; i++) {
      await makeTrainee(t.db, { email: `colleague${i}@example.nhs.uk` });
      expect(await signIn(t.db, { email: `colleague${i}@example.nhs.uk`, password: "mistyped password", ip: nat })).toMatchObject({ status: 400 });
    }
    const me = await makeTrainee(t.db, { email: "me@example.nhs.uk" });
    expect(await signIn(t.db, { email: "me@example.nhs.uk", password: TEST_PASSWORD, ip: nat })).toEqual({ ok: true, userId: me.id, role: "trainee" });
  });

  it("answers 429 once 100 failures in 15 minutes come from one IP address, for any account", async () => {
    const me = await makeTrainee(t.db, { email: "real@example.nhs.uk" });
    await t.db.insert(loginAttempts).values(
      Array.from({ length: MAX_FAILED_SIGN_INS_PER_IP }, (_, i) => ({ email: `spray${i}@example.nhs.uk`, ip: "203.0.113.9", succeeded: false })),
    );
    expect(await signIn(t.db, { email: "real@example.nhs.uk", password: TEST_PASSWORD, ip: "203.0.113.9" })).toMatchObject({ ok: false, status: 429 });
    // From elsewhere the same person signs in.
    expect(await signIn(t.db, { email: "real@example.nhs.uk", password: TEST_PASSWORD, ip: "203.0.113.10" })).toMatchObject({ ok: true, userId: me.id });
  });

  it("a refused attempt does not count as a guess, so the lockout ends 15 minutes after the last checked one", async () => {
    await makeTrainee(t.db, { email: "patient@example.nhs.uk" });
    const sixteenMinutesAgo = new Date(Date.now() - 16 * 60 * 1000);
    await t.db.insert(loginAttempts).values(
      Array.from({ length: MAX_FAILED_SIGN_INS }, () => ({ email: "patient@example.nhs.uk", ip: "10.9.9.9", succeeded: false, createdAt: sixteenMinutesAgo })),
    );
    // Refused ones, more recent: they were never checked, so they do not keep the account locked.
    await t.db.insert(loginAttempts).values(
      Array.from({ length: 5 }, () => ({ kind: "sign_in_refused", email: "patient@example.nhs.uk", ip: "10.9.9.9", succeeded: false })),
    );
    expect(await signIn(t.db, { email: "patient@example.nhs.uk", password: TEST_PASSWORD, ip: "10.9.9.9" })).toMatchObject({ ok: true });
  });
});
