import { and, asc, count, eq, inArray, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { opportunities, placements, sites, trusts, users } from "@db/schema";

import type { FieldErrors } from "~/utils/forms";

import type { TrustInput } from "./accounts.schema";
import { BY_SERVICE, recordAudit, type AuditContext } from "./audit.server";
import { isUniqueViolation } from "./users.server";

export async function listTrusts(db: Db) {
  const staffCounts = db
    .select({ trustId: users.trustId, staff: count().as("staff") })
    .from(users)
    .groupBy(users.trustId)
    .as("staff_counts");
  const siteCounts = db
    .select({ trustId: sites.trustId, sites: count().as("sites") })
    .from(sites)
    .groupBy(sites.trustId)
    .as("site_counts");
  return db
    .select({
      id: trusts.id,
      odsCode: trusts.odsCode,
      name: trusts.name,
      region: trusts.region,
      integratedCareSystem: trusts.integratedCareSystem,
      staff: sql<number>`coalesce(${staffCounts.staff}, 0)`.mapWith(Number),
      sites: sql<number>`coalesce(${siteCounts.sites}, 0)`.mapWith(Number),
    })
    .from(trusts)
    .leftJoin(staffCounts, eq(staffCounts.trustId, trusts.id))
    .leftJoin(siteCounts, eq(siteCounts.trustId, trusts.id))
    .orderBy(asc(trusts.region), asc(trusts.name));
}

/** Names and ids only, for pickers. */
export async function listTrustOptions(db: Db) {
  return db
    .select({ id: trusts.id, name: trusts.name, odsCode: trusts.odsCode })
    .from(trusts)
    .orderBy(asc(trusts.name));
}

export async function getTrust(db: Db, trustId: string) {
  const trust = await db.query.trusts.findFirst({
    where: eq(trusts.id, trustId),
    with: { sites: { orderBy: [asc(sites.name)] } },
  });
  return trust ?? null;
}

type Result = { ok: true; trustId: string } | { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors };

function uniqueRefusal(error: unknown): Result | null {
  if (isUniqueViolation(error, "trusts_ods_code_key")) {
    return { ok: false, status: 409, fieldErrors: { odsCode: "A trust with this ODS code already exists" } };
  }
  if (isUniqueViolation(error, "trusts_name_key")) {
    return { ok: false, status: 409, fieldErrors: { name: "A trust with this name already exists" } };
  }
  return null;
}

export async function createTrust(db: Db, input: TrustInput, audit: AuditContext = BY_SERVICE): Promise<Result> {
  try {
    return await db.transaction(async (tx) => {
      const [trust] = await tx
        .insert(trusts)
        .values({
          odsCode: input.odsCode,
          name: input.name,
          region: input.region,
          integratedCareSystem: input.integratedCareSystem,
        })
        .returning({ id: trusts.id });
      if (input.sites.length) {
        await tx.insert(sites).values(input.sites.map((name) => ({ trustId: trust!.id, name })));
      }
      await recordAudit(tx, audit, { action: "trust.created", targetType: "trust", targetId: trust!.id, trustId: trust!.id, details: { sites: input.sites.length } });
      return { ok: true as const, trustId: trust!.id };
    });
  } catch (error) {
    const refusal = uniqueRefusal(error);
    if (refusal) return refusal;
    throw error;
  }
}

/**
 * Updates the trust and reconciles its sites with the list given: new names are added,
 * missing ones removed, unless an opportunity or placement still names that site.
 */
export async function updateTrust(db: Db, trustId: string, input: TrustInput, audit: AuditContext = BY_SERVICE): Promise<Result> {
  try {
    return await db.transaction(async (tx): Promise<Result> => {
      const existing = await tx.select({ id: sites.id, name: sites.name }).from(sites).where(eq(sites.trustId, trustId));
      const wanted = new Set(input.sites.map((name) => name.toLowerCase()));
      const removed = existing.filter((s) => !wanted.has(s.name.toLowerCase()));
      const added = input.sites.filter((name) => !existing.some((s) => s.name.toLowerCase() === name.toLowerCase()));
      const removedIds = removed.map((s) => s.id);

      // Checked before anything is written, so a refusal leaves the trust as it was.
      if (removedIds.length) {
        const inUse = await tx
          .select({ siteId: opportunities.siteId })
          .from(opportunities)
          .where(inArray(opportunities.siteId, removedIds))
          .union(tx.select({ siteId: placements.siteId }).from(placements).where(inArray(placements.siteId, removedIds)));
        if (inUse.length) {
          const names = removed.filter((s) => inUse.some((u) => u.siteId === s.id)).map((s) => s.name);
          return {
            ok: false,
            status: 409,
            fieldErrors: { sites: `${names.join(", ")} cannot be removed: placements or opportunities use ${names.length > 1 ? "them" : "it"}` },
          };
        }
      }

      const [updated] = await tx
        .update(trusts)
        .set({
          odsCode: input.odsCode,
          name: input.name,
          region: input.region,
          integratedCareSystem: input.integratedCareSystem,
          updatedAt: new Date(),
        })
        .where(eq(trusts.id, trustId))
        .returning({ id: trusts.id });
      if (!updated) return { ok: false, status: 404, fieldErrors: {} };
      if (removedIds.length) await tx.delete(sites).where(and(eq(sites.trustId, trustId), inArray(sites.id, removedIds)));
      if (added.length) await tx.insert(sites).values(added.map((name) => ({ trustId, name })));
      await recordAudit(tx, audit, { action: "trust.edited", targetType: "trust", targetId: trustId, trustId, details: { sitesAdded: added.length, sitesRemoved: removedIds.length } });
      return { ok: true, trustId };
    });
  } catch (error) {
    const refusal = uniqueRefusal(error);
    if (refusal) return refusal;
    throw error;
  }
}
