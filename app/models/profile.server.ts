// A trainee's own profile and the placements they keep by hand. Placements from the
// training-information system (source 'import') are read-only here: the import owns them.
import { and, asc, eq, gte, inArray, lte, ne, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { placements, sites, traineeProfiles, trusts, users } from "@db/schema";

import { formatDate } from "~/utils/dates";
import type { FieldErrors } from "~/utils/forms";

import { UUID } from "./accounts.schema";
import { auditBy, listViewsOfTrainee, recordAudit, type AuditContext } from "./audit.server";
import { placesTraineeAtTrust, PLACEMENT_TYPES } from "./domain";
import { getProfile, getTraineeGradeAndSpecialty, listTraineePlacements } from "./homes.server";

export { getProfile };
import type { EqualityInput, PlacementFormInput, ProfileInput } from "./profile.schema";
import { isUniqueViolation } from "./users.server";

const IN_POST = PLACEMENT_TYPES.filter(placesTraineeAtTrust);

export const IMPORTED_READ_ONLY =
  "This placement is from the training-information system, so it cannot be changed here. Ask your deanery to correct it";
export const SAME_START_MESSAGE = "You already have a placement at this trust starting on this date";

/** The profile page lists the latest views of the trainee's data; "download my data" has every one. */
export const PROFILE_VIEWS_SHOWN = 10;

export async function getProfilePage(db: Db, userId: string, today: string) {
  const [profile, held, list, equality, views] = await Promise.all([
    getProfile(db, userId),
    getTraineeGradeAndSpecialty(db, userId, today),
    listTraineePlacements(db, userId),
    getEqualityAnswers(db, userId),
    listViewsOfTrainee(db, userId, { limit: PROFILE_VIEWS_SHOWN }),
  ]);
  if (!profile || !equality) return null;
  // The grade typed here counts only while the rotation data has none: the page says which one opportunities check.
  return { profile, gradeChecked: held?.gradeSelfDeclared === false ? held.grade : null, placements: list, equality, views, viewsLimit: PROFILE_VIEWS_SHOWN };
}

/**
 * The trainee's own equality answers. Read only here and in "download my data": no staff
 * query selects these columns (tests/routes/equality-privacy.test.ts walks the staff pages).
 */
export async function getEqualityAnswers(db: Db, userId: string) {
  const [row] = await db
    .select({ sex: traineeProfiles.sex, ethnicGroup: traineeProfiles.ethnicGroup, disability: traineeProfiles.disability })
    .from(traineeProfiles)
    .where(eq(traineeProfiles.userId, userId));
  return row ?? null;
}

export async function updateEqualityAnswers(db: Db, userId: string, input: EqualityInput, audit?: AuditContext): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(traineeProfiles)
      .set({ sex: input.sex, ethnicGroup: input.ethnicGroup, disability: input.disability, updatedAt: new Date() })
      .where(eq(traineeProfiles.userId, userId))
      .returning({ id: traineeProfiles.userId });
    if (!row) return false;
    // Which answers is itself personal (special category) data: only that they changed is recorded.
    await recordAudit(tx, auditBy(audit, { id: userId, role: "trainee" }), { action: "account.equality_changed", targetType: "user", targetId: userId, traineeId: userId });
    return true;
  });
}

export async function updateProfile(db: Db, userId: string, input: ProfileInput, audit?: AuditContext): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = new Date();
    const [user] = await tx.update(users).set({ name: input.name, updatedAt: now }).where(eq(users.id, userId)).returning({ id: users.id });
    const [profile] = await tx
      .update(traineeProfiles)
      .set({ grade: input.grade, specialty: input.specialty, programme: input.programme, ltft: input.ltft, updatedAt: now })
      .where(eq(traineeProfiles.userId, userId))
      .returning({ id: traineeProfiles.userId });
    if (!user || !profile) return false;
    await recordAudit(tx, auditBy(audit, { id: userId, role: "trainee" }), {
      action: "account.profile_changed",
      targetType: "user",
      targetId: userId,
      traineeId: userId,
    });
    return true;
  });
}

/**
 * The placement form's choices: every trust (about 220 in England, one select) and the sites
 * of the chosen trust only. Sending every trust's sites made the form about 200 KB (900
 * options at 220 trusts of three sites each), and sites grow with every clinic added.
 * `sitesFor` is the trust the sites belong to, or null when none (or no real one) is chosen.
 */
export async function placementFormOptions(db: Db, chosenTrustId: string | null) {
  const trustId = chosenTrustId && UUID.test(chosenTrustId) ? chosenTrustId : null;
  const [trustRows, siteRows] = await Promise.all([
    db.select({ id: trusts.id, name: trusts.name, odsCode: trusts.odsCode }).from(trusts).orderBy(asc(trusts.name)),
    trustId ? db.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.trustId, trustId)).orderBy(asc(sites.name)) : Promise.resolve([]),
  ]);
  const known = trustId !== null && trustRows.some((t) => t.id === trustId);
  return { trusts: trustRows, sites: known ? siteRows : [], sitesFor: known ? trustId : null };
}
export type PlacementFormOptions = Awaited<ReturnType<typeof placementFormOptions>>;

/** The trainee's own placement, or null: another trainee's placement is not found. */
export async function getOwnPlacement(db: Db, traineeId: string, placementId: string) {
  if (!UUID.test(placementId)) return null;
  const [row] = await db
    .select({
      id: placements.id,
      trustId: placements.trustId,
      trustName: trusts.name,
      siteId: placements.siteId,
      siteName: sql<string>`coalesce(${sites.name}, ${placements.siteName})`,
      specialty: placements.specialty,
      grade: placements.grade,
      startsOn: placements.startsOn,
      endsOn: placements.endsOn,
      wte: placements.wte,
      placementType: placements.placementType,
      source: placements.source,
    })
    .from(placements)
    .innerJoin(trusts, eq(trusts.id, placements.trustId))
    .leftJoin(sites, eq(sites.id, placements.siteId))
    .where(and(eq(placements.id, placementId), eq(placements.traineeId, traineeId)));
  return row ?? null;
}

export type PlacementResult =
  | { ok: true; placementId: string }
  | { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; formError?: string };

/**
 * Adds a manual placement, or changes one (placementId). One transaction that first locks
 * the trainee's profile row, so two saves at once cannot both pass the overlap check.
 */
export async function savePlacement(
  db: Db,
  traineeId: string,
  input: PlacementFormInput,
  placementId?: string,
  audit?: AuditContext,
): Promise<PlacementResult> {
  const by = auditBy(audit, { id: traineeId, role: "trainee" });
  if (placementId !== undefined && !UUID.test(placementId)) return { ok: false, status: 404, fieldErrors: {} };
  try {
    return await db.transaction(async (tx): Promise<PlacementResult> => {
      const [profile] = await tx
        .select({ userId: traineeProfiles.userId })
        .from(traineeProfiles)
        .where(eq(traineeProfiles.userId, traineeId))
        .for("update");
      if (!profile) return { ok: false, status: 404, fieldErrors: {} };

      if (placementId) {
        const [existing] = await tx
          .select({ source: placements.source })
          .from(placements)
          .where(and(eq(placements.id, placementId), eq(placements.traineeId, traineeId)));
        if (!existing) return { ok: false, status: 404, fieldErrors: {} };
        if (existing.source !== "manual") return { ok: false, status: 409, fieldErrors: {}, formError: IMPORTED_READ_ONLY };
      }

      const [trust] = await tx.select({ id: trusts.id }).from(trusts).where(eq(trusts.id, input.trustId));
      if (!trust) return { ok: false, status: 400, fieldErrors: { trustId: "Select the trust" } };
      let siteName = "";
      if (input.siteId) {
        const [site] = await tx
          .select({ name: sites.name })
          .from(sites)
          .where(and(eq(sites.id, input.siteId), eq(sites.trustId, input.trustId)));
        if (!site) return { ok: false, status: 400, fieldErrors: { siteId: "Select a site of the trust you chose, or leave the site blank" } };
        siteName = site.name;
      }

      if (placesTraineeAtTrust(input.placementType)) {
        const [clash] = await tx
          .select({ trustName: trusts.name, startsOn: placements.startsOn, endsOn: placements.endsOn })
          .from(placements)
          .innerJoin(trusts, eq(trusts.id, placements.trustId))
          .where(
            and(
              eq(placements.traineeId, traineeId),
              inArray(placements.placementType, IN_POST),
              lte(placements.startsOn, input.endsOn),
              gte(placements.endsOn, input.startsOn),
              placementId ? ne(placements.id, placementId) : undefined,
            ),
          )
          .orderBy(asc(placements.startsOn))
          .limit(1);
        if (clash) {
          return {
            ok: false,
            status: 409,
            fieldErrors: {
              startsOn: `These dates overlap your placement at ${clash.trustName} from ${formatDate(clash.startsOn)} to ${formatDate(clash.endsOn)}. You can only be in post at one trust at a time`,
            },
          };
        }
      }

      const values = {
        trustId: input.trustId,
        siteId: input.siteId || null,
        siteName,
        specialty: input.specialty,
        grade: input.grade,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        wte: input.wte.toFixed(2),
        placementType: input.placementType,
      };
      if (placementId) {
        await tx
          .update(placements)
          .set({ ...values, updatedAt: new Date() })
          .where(and(eq(placements.id, placementId), eq(placements.traineeId, traineeId), eq(placements.source, "manual")));
        await recordAudit(tx, by, { action: "account.placement_edited", targetType: "placement", targetId: placementId, traineeId, trustId: input.trustId });
        return { ok: true, placementId };
      }
      const [created] = await tx
        .insert(placements)
        .values({ ...values, traineeId, source: "manual" })
        .returning({ id: placements.id });
      await recordAudit(tx, by, { action: "account.placement_added", targetType: "placement", targetId: created!.id, traineeId, trustId: input.trustId });
      return { ok: true, placementId: created!.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, "placements_trainee_trust_start_key")) {
      return { ok: false, status: 409, fieldErrors: { startsOn: SAME_START_MESSAGE } };
    }
    throw error;
  }
}

export type DeleteResult = { ok: true } | { ok: false; status: 404 | 409; message: string };

export async function deletePlacement(db: Db, traineeId: string, placementId: string, audit?: AuditContext): Promise<DeleteResult> {
  if (!UUID.test(placementId)) return { ok: false, status: 404, message: "Placement not found" };
  return db.transaction(async (tx): Promise<DeleteResult> => {
    const [existing] = await tx
      .select({ source: placements.source, trustId: placements.trustId })
      .from(placements)
      .where(and(eq(placements.id, placementId), eq(placements.traineeId, traineeId)))
      .for("update");
    if (!existing) return { ok: false, status: 404, message: "Placement not found" };
    if (existing.source !== "manual") return { ok: false, status: 409, message: IMPORTED_READ_ONLY };
    await tx.delete(placements).where(and(eq(placements.id, placementId), eq(placements.traineeId, traineeId)));
    await recordAudit(tx, auditBy(audit, { id: traineeId, role: "trainee" }), {
      action: "account.placement_deleted",
      targetType: "placement",
      targetId: placementId,
      traineeId,
      trustId: existing.trustId,
    });
    return { ok: true };
  });
}
