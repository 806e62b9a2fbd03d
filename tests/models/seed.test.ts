import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { hasDemoAccounts, readReferenceTrusts, seedDemoData } from "@db/seed/demo";
import { placements, sites, trusts, users } from "@db/schema";
import { getDmeHome, getTraineeHome } from "~/models/homes.server";

import { useTestDatabase } from "../helpers/db";

const t = useTestDatabase();
const today = "2026-11-25";

describe("demo data", () => {
  it("fills an empty database with the reference trusts, one account per role and 40 trainees on rotation", async () => {
    expect(await hasDemoAccounts(t.db)).toBe(false);
    expect(await seedDemoData(t.db, today)).toBe(true);
    const [trustCount] = await t.db.select({ n: count() }).from(trusts);
    expect(trustCount!.n).toBe(readReferenceTrusts().length);
    const [siteCount] = await t.db.select({ n: count() }).from(sites);
    expect(siteCount!.n).toBeGreaterThanOrEqual(trustCount!.n);

    const roles = await t.db.select({ role: users.role, n: count() }).from(users).groupBy(users.role);
    expect(Object.fromEntries(roles.map((r) => [r.role, r.n]))).toEqual({ admin: 1, trust_lead: 1, dme: 1, trainee: 41 });
    expect(await hasDemoAccounts(t.db)).toBe(true);

    const trainees = await t.db.select({ id: users.id }).from(users).where(eq(users.role, "trainee"));
    for (const trainee of trainees) {
      const home = await getTraineeHome(t.db, trainee.id, today);
      expect(home?.current, "every demo trainee is placed today").not.toBeNull();
    }
    const demo = await t.db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const home = await getTraineeHome(t.db, demo[0]!.id, today);
    expect(home?.current?.trustOds).toBe("RRK");
    expect(home?.next?.trustOds).toBe("RKB");

    const [rrk] = await t.db.select({ id: trusts.id }).from(trusts).where(eq(trusts.odsCode, "RRK"));
    const dme = await getDmeHome(t.db, rrk!.id, today);
    expect(dme!.placedNow.trainees.length).toBeGreaterThanOrEqual(5);
    expect(dme!.startingNext.trainees.length).toBeGreaterThanOrEqual(1);
  });

  it("does nothing when the database already has users", async () => {
    await seedDemoData(t.db, today);
    const [before] = await t.db.select({ n: count() }).from(placements);
    expect(await seedDemoData(t.db, today)).toBe(false);
    const [after] = await t.db.select({ n: count() }).from(placements);
    expect(after!.n).toBe(before!.n);
  });
});
