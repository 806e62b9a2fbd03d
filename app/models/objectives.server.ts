import { and, asc, eq, isNull, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { objectives, opportunities } from "@db/schema";

import { BY_SERVICE, recordAudit, type AuditContext } from "./audit.server";
import type { ObjectiveInput } from "./opportunities.schema";
import { refreshSearchVectors } from "./opportunities.server";

export async function listObjectives(db: Db, trustId: string, options: { includeRetired?: boolean } = {}) {
  return db
    .select({
      id: objectives.id,
      title: objectives.title,
      description: objectives.description,
      retiredAt: objectives.retiredAt,
      opportunities: sql<number>`(select count(*) from opportunities aligned where aligned.objective_id = "objectives"."id")`.mapWith(Number),
    })
    .from(objectives)
    .where(and(eq(objectives.trustId, trustId), options.includeRetired ? undefined : isNull(objectives.retiredAt)))
    .orderBy(sql`${objectives.retiredAt} is not null`, asc(objectives.title));
}

/** Scoped by trust: another trust's objective is simply not found. */
export async function getObjective(db: Db, trustId: string, id: string) {
  const [row] = await db
    .select()
    .from(objectives)
    .where(and(eq(objectives.id, id), eq(objectives.trustId, trustId)));
  return row ?? null;
}

export async function createObjective(db: Db, trustId: string, input: ObjectiveInput, audit: AuditContext = BY_SERVICE) {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(objectives).values({ trustId, ...input }).returning({ id: objectives.id });
    await recordAudit(tx, audit, { action: "objective.created", targetType: "objective", targetId: row!.id, trustId });
    return row!.id;
  });
}

/** A new title changes what finds the opportunities aligned to it, so their search documents follow. */
export async function updateObjective(db: Db, trustId: string, id: string, input: ObjectiveInput, audit: AuditContext = BY_SERVICE): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(objectives)
      .set({ ...input, updatedAt: new Date() })
      .where(and(eq(objectives.id, id), eq(objectives.trustId, trustId)))
      .returning({ id: objectives.id });
    if (!row) return false;
    await refreshSearchVectors(tx, eq(opportunities.objectiveId, id));
    await recordAudit(tx, audit, { action: "objective.edited", targetType: "objective", targetId: id, trustId });
    return true;
  });
}

/** Retiring hides the objective from new opportunities; those already aligned keep it. */
export async function setObjectiveRetired(db: Db, trustId: string, id: string, retired: boolean, audit: AuditContext = BY_SERVICE): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(objectives)
      .set({ retiredAt: retired ? new Date() : null, updatedAt: new Date() })
      .where(and(eq(objectives.id, id), eq(objectives.trustId, trustId)))
      .returning({ id: objectives.id });
    if (!row) return false;
    await recordAudit(tx, audit, { action: retired ? "objective.retired" : "objective.restored", targetType: "objective", targetId: id, trustId });
    return true;
  });
}
