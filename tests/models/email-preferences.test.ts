// Opt-outs and the unsubscribe link's signed token, on a real database.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase } from "@db/client";
import { emailOptOuts, serviceSecrets } from "@db/schema";
import {
  listEmailPreferences,
  readUnsubscribeToken,
  saveEmailPreferences,
  unsubscribeState,
  unsubscribeToken,
} from "~/models/email-preferences.server";

import { useTestDatabase, usingPostgres } from "../helpers/db";
import { makeTrainee, makeUser, makeTrust } from "../helpers/factories";

const t = useTestDatabase();

function flip(s: string, at: number): string {
  return s.slice(0, at) + (s[at] === "A" ? "B" : "A") + s.slice(at + 1);
}

describe("unsubscribe tokens", () => {
  it("read back as the account and kind they were made for", async () => {
    const trainee = await makeTrainee(t.db);
    const token = await unsubscribeToken(t.db, trainee.id, "session_tomorrow");
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(await readUnsubscribeToken(t.db, token)).toEqual({ userId: trainee.id, kind: "session_tomorrow" });
  });

  it("refuses a forged signature, a token changed to another kind or another person, and junk", async () => {
    const [a, b] = [await makeTrainee(t.db), await makeTrainee(t.db)];
    const token = await unsubscribeToken(t.db, a.id, "nudge");
    const [payload, sig] = token.split(".") as [string, string];
    expect(await readUnsubscribeToken(t.db, `${payload}.${flip(sig, 5)}`)).toBeNull();
    const otherKind = Buffer.from(`${a.id}\nround_event`).toString("base64url");
    expect(await readUnsubscribeToken(t.db, `${otherKind}.${sig}`)).toBeNull();
    const otherUser = Buffer.from(`${b.id}\nnudge`).toString("base64url");
    expect(await readUnsubscribeToken(t.db, `${otherUser}.${sig}`)).toBeNull();
    // Signed, but for a kind nobody can turn off (a signature over it can only come from a key leak).
    for (const junk of ["", ".", "abc", `${payload}.`, `${payload}.${sig}.x`, "%00", "a".repeat(5000)]) {
      expect(await readUnsubscribeToken(t.db, junk)).toBeNull();
    }
  });

  it("a token for another person's account turns off only that person's e-mail of that kind", async () => {
    const [a, b] = [await makeTrainee(t.db), await makeTrainee(t.db)];
    const state = await unsubscribeState(t.db, await unsubscribeToken(t.db, a.id, "reflection_due"));
    expect(state).toEqual({ userId: a.id, kind: "reflection_due", off: false });
    expect(await unsubscribeState(t.db, await unsubscribeToken(t.db, "no-such-account", "nudge"))).toBeNull();
    expect((await listEmailPreferences(t.db, b)).every((p) => p.email)).toBe(true);
  });

  it("every app process signs alike: without APP_SECRET, the key is made once in service_secrets", async () => {
    const trainee = await makeTrainee(t.db);
    const second = usingPostgres ? await openDatabase({ url: t.url!, poolSize: 2 }) : null;
    try {
      const [one, two] = await Promise.all([unsubscribeToken(t.db, trainee.id, "nudge"), unsubscribeToken(second?.db ?? t.db, trainee.id, "nudge")]);
      expect(one).toBe(two);
    } finally {
      await second?.close();
    }
    expect(await t.db.select({ name: serviceSecrets.name }).from(serviceSecrets)).toEqual([{ name: "unsubscribe_hmac_key" }]);
  });
});

describe("notification settings", () => {
  it("saves e-mail on or off for the role's kinds only, in one go, and ignores anything else sent", async () => {
    const trust = await makeTrust(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    await saveEmailPreferences(t.db, lead, ["application_event", "session_tomorrow", "nonsense"]);
    const rows = await t.db.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, lead.id));
    expect(rows.map((r) => r.kind).sort()).toEqual(["application_waiting", "deadline_passed", "round_event"]);
    expect(await listEmailPreferences(t.db, lead)).toEqual([
      { kind: "application_event", email: true },
      { kind: "round_event", email: false },
      { kind: "application_waiting", email: false },
      { kind: "deadline_passed", email: false },
    ]);
    await saveEmailPreferences(t.db, lead, ["application_event", "round_event", "application_waiting", "deadline_passed"]);
    expect(await t.db.select().from(emailOptOuts)).toEqual([]);
  });
});

describe("APP_SECRET", () => {
  it("signs with APP_SECRET when it is set, so a token made without it no longer reads", async () => {
    const trainee = await makeTrainee(t.db);
    const withoutSecret = await unsubscribeToken(t.db, trainee.id, "nudge");
    process.env.APP_SECRET = "a-long-random-secret-for-this-test-only";
    try {
      const withSecret = await unsubscribeToken(t.db, trainee.id, "nudge");
      expect(withSecret).not.toBe(withoutSecret);
      expect(await readUnsubscribeToken(t.db, withSecret)).toEqual({ userId: trainee.id, kind: "nudge" });
      expect(await readUnsubscribeToken(t.db, withoutSecret)).toBeNull();
    } finally {
      delete process.env.APP_SECRET;
    }
  });
});
