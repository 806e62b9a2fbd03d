// The database itself refuses rows that break the model's rules, whatever the code above it does.
import { describe, expect, it } from "vitest";

import { applications, opportunities, placements, traineeProfiles, users } from "@db/schema";
import { isUniqueViolation } from "~/models/users.server";

import { useTestDatabase } from "../helpers/db";
import { makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();

async function rejects(promise: Promise<unknown>) {
  let failed = false;
  try {
    await promise;
  } catch {
    failed = true;
  }
  expect(failed).toBe(true);
}

async function opportunity(trustId: string, overrides: Partial<typeof opportunities.$inferInsert> = {}) {
  return t.db.insert(opportunities).values({
    trustId,
    type: "shadowing",
    title: "Shadow the chief nurse",
    summary: "A week alongside the chief nurse",
    description: "Details",
    sponsorName: "Jane Smith",
    sponsorRole: "Chief Nurse",
    startsOn: "2027-03-01",
    endsOn: "2027-03-31",
    totalHours: "20",
    hoursPerWeek: "5",
    seats: 2,
    applicationDeadline: "2027-02-15",
    eligibleGrades: ["FY2"],
    tier: 1,
    focus: "organisation",
    hlmDimensions: ["leading_with_care"],
    learningOutcomes: ["Understand nursing leadership"],
    ...overrides,
  }).returning();
}

describe("database constraints", () => {
  it("refuses a GMC number that is not 7 digits", async () => {
    const user = await makeUser(t.db, { role: "trainee" });
    await rejects(t.db.insert(traineeProfiles).values({ userId: user.id, gmcNumber: "12345", grade: "FY1" }));
  });

  it("refuses a trust lead without a trust and a trainee with one", async () => {
    const trust = await makeTrust(t.db);
    await rejects(t.db.insert(users).values({ id: "x1", email: "x1@example.nhs.uk", name: "X", role: "trust_lead" }));
    await rejects(t.db.insert(users).values({ id: "x2", email: "x2@example.nhs.uk", name: "X", role: "trainee", trustId: trust.id }));
  });

  it("refuses a placement that ends before it starts", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    await rejects(
      t.db.insert(placements).values({ traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-02-01" }),
    );
  });

  it("refuses zero seats, a deadline after the start, a QI project without an objective and a tier 1 chief resident", async () => {
    const trust = await makeTrust(t.db);
    await rejects(opportunity(trust.id, { seats: 0 }));
    await rejects(opportunity(trust.id, { seats: 51 }));
    await rejects(opportunity(trust.id, { applicationDeadline: "2027-03-02" }));
    await rejects(opportunity(trust.id, { type: "qi_project" }));
    await rejects(opportunity(trust.id, { type: "chief_resident", tier: 1 }));
    await rejects(opportunity(trust.id, { eligibleGrades: [] }));
    const [ok] = await opportunity(trust.id);
    expect(ok?.status).toBe("draft");
  });

  it("allows one active application per trainee per opportunity, and a new one after withdrawing", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const [opp] = await opportunity(trust.id);
    const row = { opportunityId: opp!.id, traineeId: trainee.id, statement: "I would like to learn how the board works." };
    const [first] = await t.db.insert(applications).values(row).returning();
    let error: unknown;
    try {
      await t.db.insert(applications).values(row);
    } catch (e) {
      error = e;
    }
    expect(isUniqueViolation(error, "applications_one_active_key")).toBe(true);
    const { eq } = await import("drizzle-orm");
    await t.db.update(applications).set({ status: "withdrawn" }).where(eq(applications.id, first!.id));
    await t.db.insert(applications).values(row);
  });
});

describe("the seat-holding index", () => {
  it("covers exactly the statuses that hold a seat, so every seat count can use it", async () => {
    const { sql } = await import("drizzle-orm");
    const { queryRows } = await import("@db/client");
    const { HOLDS_SEAT } = await import("~/models/applications.rules");
    const [row] = await queryRows<{ def: string }>(t.db, sql`select indexdef as def from pg_indexes where indexname = 'applications_seat_holding_idx'`);
    const statuses = [...(row?.def ?? "").matchAll(/'([a-z_]+)'/g)].map((m) => m[1]).sort();
    expect(statuses).toEqual([...HOLDS_SEAT].sort());
  });
});
