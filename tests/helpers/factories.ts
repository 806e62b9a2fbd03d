// Test data builders on top of the seed's factories: unique values by default, any field overridable.
import { createPlacement, createTrainee, createTrust, createUser, type PlacementInput, type TraineeInput, type TrustInput, type UserInput } from "../../db/seed/factories";
import type { DbOrTx } from "../../db/client";
import { hashPassword } from "../../app/passwords.server";

export { createPlacement };

export const TEST_PASSWORD = "correct-horse-battery-staple";
let passwordHash: Promise<string> | undefined;
export function testPasswordHash(): Promise<string> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  return passwordHash;
}

let sequence = 0;
const next = () => ++sequence;

function odsFor(n: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return `Z${alphabet[Math.floor(n / 36) % 36]}${alphabet[n % 36]}`;
}

export async function makeTrust(db: DbOrTx, overrides: Partial<TrustInput> = {}) {
  const n = next();
  return createTrust(db, {
    odsCode: odsFor(n),
    name: `Test Hospitals NHS Trust ${n}`,
    region: "Midlands",
    integratedCareSystem: "Birmingham and Solihull",
    siteNames: [`Test General Hospital ${n}`, `Test Community Hospital ${n}`],
    ...overrides,
  });
}

export async function makeUser(db: DbOrTx, overrides: Partial<UserInput> & Pick<UserInput, "role">) {
  const n = next();
  return createUser(db, {
    email: `user${n}@example.nhs.uk`,
    name: `Test User ${n}`,
    passwordHash: await testPasswordHash(),
    ...overrides,
  });
}

export async function makeTrainee(db: DbOrTx, overrides: Partial<TraineeInput> = {}) {
  const n = next();
  return createTrainee(db, {
    email: `trainee${n}@example.nhs.uk`,
    name: `Dr Test Trainee ${n}`,
    passwordHash: await testPasswordHash(),
    gmcNumber: String(6000000 + n),
    grade: "FY2",
    specialty: "Foundation",
    programme: "Midlands Foundation Programme",
    region: "Midlands",
    ...overrides,
  });
}

export async function makePlacement(db: DbOrTx, input: PlacementInput) {
  return createPlacement(db, input);
}

import { eq } from "drizzle-orm";
import { opportunities } from "../../db/schema";
import { parseOpportunityForm } from "../../app/models/opportunities.schema";
import { saveOpportunity } from "../../app/models/opportunities.server";
import type { Db } from "../../db/client";
import { opportunityForm } from "./opportunities";

/** An opportunity saved through the model (so its search document is written), published unless told otherwise. */
export async function makeOpportunity(
  db: Db,
  trustId: string,
  fields: Record<string, string | string[]> = {},
  status: "draft" | "published" | "closed" | "archived" = "published",
) {
  const parsed = parseOpportunityForm(opportunityForm(fields));
  if (!parsed.ok) throw new Error(`invalid test opportunity: ${JSON.stringify(parsed.fieldErrors)}`);
  const result = await saveOpportunity(db, { trustId, userId: null }, parsed.data);
  if (!result.ok) throw new Error(`refused test opportunity: ${JSON.stringify(result.fieldErrors)}`);
  if (status !== "draft") await db.update(opportunities).set({ status, publishedAt: new Date() }).where(eq(opportunities.id, result.id));
  return result.id;
}

import { applicationEvents, applications } from "../../db/schema";
import type { ApplicationStatus } from "../../app/models/domain";

/**
 * An application of the trainee's with one event in its history, on a new opportunity with
 * the given title at a new trust: what a notification or an e-mail about an application hangs on.
 */
export async function makeApplicationEvent(
  db: Db,
  input: { traineeId: string; title?: string; toStatus?: ApplicationStatus; actorId?: string | null; reason?: string | null },
) {
  const trust = await makeTrust(db);
  const opportunityId = await makeOpportunity(db, trust.id, input.title ? { title: input.title } : {});
  const toStatus = input.toStatus ?? "approved";
  const [app] = await db
    .insert(applications)
    .values({ opportunityId, traineeId: input.traineeId, statement: "I would like to learn how the board works.", status: toStatus })
    .returning({ id: applications.id });
  const [event] = await db
    .insert(applicationEvents)
    .values({ applicationId: app!.id, actorId: input.actorId ?? null, fromStatus: null, toStatus, reason: input.reason ?? null })
    .returning({ id: applicationEvents.id });
  return { trustId: trust.id, opportunityId, applicationId: app!.id, eventId: event!.id };
}

import { notifications } from "../../db/schema";

/**
 * Notifications for the user a minute apart from `start` (the last one newest), each about an
 * approved application for an opportunity with the given title, so each is worded
 * "Approved: <title>". Titles in `read` are read already. Returns the ids by title.
 */
export async function makeNotifications(
  db: Db,
  userId: string,
  titles: string[],
  options: { read?: string[]; traineeId?: string; start?: Date } = {},
) {
  const start = (options.start ?? new Date(Date.UTC(2027, 0, 1, 9, 0))).getTime();
  const traineeId = options.traineeId ?? (await makeTrainee(db)).id;
  const ids: Record<string, string> = {};
  for (const [i, title] of titles.entries()) {
    const e = await makeApplicationEvent(db, { traineeId, title });
    const [row] = await db
      .insert(notifications)
      .values({
        userId,
        kind: "application_event",
        applicationId: e.applicationId,
        eventId: e.eventId,
        createdAt: new Date(start + i * 60_000),
        readAt: options.read?.includes(title) ? new Date(start + i * 60_000 + 1000) : null,
      })
      .returning({ id: notifications.id });
    ids[title] = row!.id;
  }
  return ids;
}

export const approvedTitle = (title: string) => `Approved: ${title}`;

import { allocationRounds, roundOpportunities, roundPreferences } from "../../db/schema";

const HOUR = 3_600_000;

/**
 * A round holding the given opportunities, written directly (no rule checked), open for
 * choices from an hour ago for a week unless told otherwise.
 */
export async function makeRound(
  db: DbOrTx,
  options: {
    opportunityIds?: string[];
    trustId?: string | null;
    name?: string;
    opensAt?: Date;
    closesAt?: Date;
    maxChoices?: number;
    seed?: string | null;
    status?: "open" | "allocated" | "cancelled";
    createdBy?: string | null;
    record?: Record<string, unknown> | null;
  } = {},
) {
  const n = next();
  const now = Date.now();
  const status = options.status ?? "open";
  const [round] = await db
    .insert(allocationRounds)
    .values({
      name: options.name ?? `Test round ${n}`,
      trustId: options.trustId ?? null,
      opensAt: options.opensAt ?? new Date(now - HOUR),
      closesAt: options.closesAt ?? new Date(now + 7 * 24 * HOUR),
      maxChoices: options.maxChoices ?? 5,
      seed: options.seed ?? (status === "allocated" ? `seed-${n}` : null),
      status,
      allocatedAt: status === "allocated" ? new Date(now) : null,
      cancelledAt: status === "cancelled" ? new Date(now) : null,
      createdBy: options.createdBy ?? null,
      record: options.record ?? null,
    })
    .returning();
  if (options.opportunityIds?.length) {
    await db.insert(roundOpportunities).values(options.opportunityIds.map((opportunityId) => ({ roundId: round!.id, opportunityId })));
  }
  return round!;
}

/** A trainee's choice in a round, written directly (no rule checked), with a statement long enough to be a real one. */
export async function makeRoundChoice(
  db: DbOrTx,
  options: { roundId: string; traineeId: string; opportunityId: string; rank?: number; statement?: string; declineReason?: string | null },
) {
  const [choice] = await db
    .insert(roundPreferences)
    .values({
      roundId: options.roundId,
      traineeId: options.traineeId,
      opportunityId: options.opportunityId,
      rank: options.rank ?? 1,
      statement: options.statement ?? "I want to see how decisions about patient flow are made at board level.",
      declinedAt: options.declineReason ? new Date() : null,
      declineReason: options.declineReason ?? null,
    })
    .returning();
  return choice!;
}
