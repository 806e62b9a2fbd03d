// Row builders shared by the demo seed and the tests, so both make data the same way.
import { randomUUID } from "node:crypto";

import type { DbOrTx } from "../client";
import { placements, sites, traineeProfiles, trusts, users } from "../schema";
import type { Grade, PlacementType, Region, Role } from "../../app/models/domain";

export interface TrustInput {
  odsCode: string;
  name: string;
  region: Region;
  integratedCareSystem: string;
  kind?: string;
  siteNames?: string[];
}

export async function createTrust(db: DbOrTx, input: TrustInput) {
  const [trust] = await db
    .insert(trusts)
    .values({
      odsCode: input.odsCode,
      name: input.name,
      region: input.region,
      integratedCareSystem: input.integratedCareSystem,
      kind: input.kind ?? "acute",
    })
    .returning();
  if (!trust) throw new Error("trust insert returned nothing");
  const siteRows = input.siteNames?.length
    ? await db
        .insert(sites)
        .values(input.siteNames.map((name) => ({ trustId: trust.id, name })))
        .returning()
    : [];
  return { ...trust, sites: siteRows };
}

export interface UserInput {
  email: string;
  name: string;
  role: Role;
  trustId?: string | null;
  passwordHash?: string | null;
}

export async function createUser(db: DbOrTx, input: UserInput) {
  const [user] = await db
    .insert(users)
    .values({
      id: randomUUID(),
      email: input.email.toLowerCase(),
      name: input.name,
      role: input.role,
      trustId: input.trustId ?? null,
      passwordHash: input.passwordHash ?? null,
      passwordChangedAt: input.passwordHash ? new Date() : null,
    })
    .returning();
  if (!user) throw new Error("user insert returned nothing");
  return user;
}

export interface TraineeInput extends Omit<UserInput, "role" | "trustId"> {
  gmcNumber: string;
  grade: Grade;
  specialty?: string;
  programme?: string;
  region?: Region | null;
  ltft?: boolean;
}

export async function createTrainee(db: DbOrTx, input: TraineeInput) {
  const user = await createUser(db, { ...input, role: "trainee" });
  const [profile] = await db
    .insert(traineeProfiles)
    .values({
      userId: user.id,
      gmcNumber: input.gmcNumber,
      grade: input.grade,
      specialty: input.specialty ?? "",
      programme: input.programme ?? "",
      region: input.region ?? null,
      ltft: input.ltft ?? false,
    })
    .returning();
  if (!profile) throw new Error("trainee profile insert returned nothing");
  return { ...user, profile };
}

export interface PlacementInput {
  traineeId: string;
  trustId: string;
  siteId?: string | null;
  siteName?: string;
  specialty?: string;
  grade: Grade;
  startsOn: string;
  endsOn: string;
  wte?: string;
  placementType?: PlacementType;
  source?: "manual" | "import";
}

export async function createPlacement(db: DbOrTx, input: PlacementInput) {
  const [placement] = await db
    .insert(placements)
    .values({
      traineeId: input.traineeId,
      trustId: input.trustId,
      siteId: input.siteId ?? null,
      siteName: input.siteName ?? "",
      specialty: input.specialty ?? "",
      grade: input.grade,
      startsOn: input.startsOn,
      endsOn: input.endsOn,
      wte: input.wte ?? "1.00",
      placementType: input.placementType ?? "In Post",
      source: input.source ?? "manual",
    })
    .returning();
  if (!placement) throw new Error("placement insert returned nothing");
  return placement;
}
