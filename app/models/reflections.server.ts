// A trainee's reflection on an opportunity: theirs alone (the Academy of Medical Royal Colleges'
// guidance: reflections belong to the trainee), unless they share a final one with the
// opportunity's trust: its trust leads, who sign off for the sponsor, and its DMEs. Ratings
// reach anyone else only as averages over several trainees.
import { and, avg, count, eq, isNotNull, sql } from "drizzle-orm";
import * as v from "valibot";

import type { Db, DbOrTx } from "@db/client";
import { applications, opportunities, reflections, trusts } from "@db/schema";

import type { SessionUser } from "~/auth.server";
import { issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import { UUID } from "./accounts.schema";
import { auditBy, recordViews, type AuditContext } from "./audit.server";
import { GPC_DOMAINS, GPC_LABELS, type ApplicationStatus, type GpcDomain, type HlmDimension } from "./domain";
import { canReflect, DraftReflectionSchema, FinalReflectionSchema, RATINGS_SHOWN_FROM } from "./reflections.schema";

export const FINAL_CANNOT_CHANGE = "This reflection is final, so it can no longer be changed";
export const NOT_YET = "You can write a reflection once the opportunity has ended or been signed off as completed";
export const SHARE_NEEDS_FINAL = "Mark your reflection as final before you share it";

/** A reflection's own columns, as the pages and "download my data" read them. */
export const reflectionColumns = {
  whatHappened: reflections.whatHappened,
  soWhat: reflections.soWhat,
  nowWhat: reflections.nowWhat,
  hlmDimensions: reflections.hlmDimensions,
  gpcDomains: reflections.gpcDomains,
  rating: reflections.rating,
  wouldRecommend: reflections.wouldRecommend,
  finalisedAt: reflections.finalisedAt,
  sharedAt: reflections.sharedAt,
  updatedAt: reflections.updatedAt,
};

/**
 * The GMC domains' words, for the pages: given by the loaders, so the long labels stay out of the
 * shared JavaScript every page loads (the search page is held to a first-load budget).
 */
export const GPC_OPTIONS = GPC_DOMAINS.map((value) => ({ value, label: GPC_LABELS[value] }));

function withLabels<T extends { gpcDomains: GpcDomain[] }>(r: T): T & { gpcDomainLabels: string[] } {
  return { ...r, gpcDomainLabels: r.gpcDomains.map((d) => GPC_LABELS[d]) };
}

export interface Reflection {
  whatHappened: string;
  soWhat: string;
  nowWhat: string;
  hlmDimensions: HlmDimension[];
  gpcDomains: GpcDomain[];
  rating: number | null;
  wouldRecommend: boolean | null;
  finalisedAt: Date | null;
  sharedAt: Date | null;
  updatedAt: Date;
}

/** The trainee's own application with what the reflection page needs, or null when it is not theirs. */
async function ownApplication(db: DbOrTx, traineeId: string, applicationId: string) {
  if (!UUID.test(applicationId)) return null;
  const [row] = await db
    .select({
      id: applications.id,
      status: applications.status,
      opportunityId: opportunities.id,
      title: opportunities.title,
      startsOn: opportunities.startsOn,
      endsOn: opportunities.endsOn,
      hlmDimensions: opportunities.hlmDimensions,
      trustName: trusts.name,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .where(and(eq(applications.id, applicationId), eq(applications.traineeId, traineeId)));
  return row ?? null;
}

/** The reflection page: the trainee's own application, whether they may reflect on it yet, and what they have written. */
export async function getReflectionPage(db: Db, traineeId: string, applicationId: string, today: string) {
  const application = await ownApplication(db, traineeId, applicationId);
  if (!application) return null;
  const [reflection] = await db.select(reflectionColumns).from(reflections).where(eq(reflections.applicationId, application.id));
  return {
    application,
    open: canReflect(application.status, application.endsOn, today),
    reflection: reflection ? withLabels(reflection as Reflection) : null,
    gpcOptions: GPC_OPTIONS,
  };
}

export type SaveReflectionResult =
  | { ok: true; finalised: boolean }
  | { ok: false; status: 400 | 404 | 409; fieldErrors: FieldErrors; formError?: string };

/**
 * Saves a draft (any part may be empty) or marks the reflection final (every part answered),
 * from the form's fields. One statement writes it: an insert that, when the reflection exists,
 * updates it only while it is still a draft, so two saves at once leave one row, and a save that
 * arrives after the reflection was made final changes nothing and is told so.
 */
export async function saveReflection(
  db: Db,
  traineeId: string,
  applicationId: string,
  form: Record<string, unknown>,
  options: { finalise: boolean; today: string; now?: Date },
): Promise<SaveReflectionResult> {
  const parsed = v.safeParse(options.finalise ? FinalReflectionSchema : DraftReflectionSchema, form);
  if (!parsed.success) return { ok: false, status: 400, fieldErrors: issuesToFieldErrors(parsed.issues) };
  const input = parsed.output;
  const now = options.now ?? new Date();
  return db.transaction(async (tx): Promise<SaveReflectionResult> => {
    if (!UUID.test(applicationId)) return { ok: false, status: 404, fieldErrors: {} };
    // A share lock on the application: its status cannot change (to "not completed", say) while the reflection is written.
    const [app] = await tx
      .select({ status: applications.status, endsOn: opportunities.endsOn })
      .from(applications)
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .where(and(eq(applications.id, applicationId), eq(applications.traineeId, traineeId)))
      .for("share", { of: applications });
    if (!app) return { ok: false, status: 404, fieldErrors: {} };
    if (!canReflect(app.status, app.endsOn, options.today)) return { ok: false, status: 409, fieldErrors: {}, formError: NOT_YET };
    const values = {
      whatHappened: input.whatHappened,
      soWhat: input.soWhat,
      nowWhat: input.nowWhat,
      hlmDimensions: input.hlmDimensions,
      gpcDomains: input.gpcDomains,
      rating: input.rating,
      wouldRecommend: input.wouldRecommend,
      finalisedAt: options.finalise ? now : null,
    };
    const saved = await tx
      .insert(reflections)
      .values({ applicationId, ...values, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: reflections.applicationId,
        set: { ...values, updatedAt: now },
        setWhere: sql`${reflections.finalisedAt} is null`,
      })
      .returning({ id: reflections.id });
    if (!saved.length) return { ok: false, status: 409, fieldErrors: {}, formError: FINAL_CANNOT_CHANGE };
    return { ok: true, finalised: options.finalise };
  });
}

export type ShareResult = { ok: true; shared: boolean } | { ok: false; status: 404 | 409; message: string };

/** Shares a final reflection with the opportunity's trust, or stops sharing it. One statement. */
export async function setReflectionSharing(db: Db, traineeId: string, applicationId: string, share: boolean, now: Date = new Date()): Promise<ShareResult> {
  if (!UUID.test(applicationId)) return { ok: false, status: 404, message: "Application not found" };
  const changed = await db
    .update(reflections)
    // Sharing again keeps the first date it was shared on.
    .set({ sharedAt: share ? sql`coalesce(${reflections.sharedAt}, ${now.toISOString()}::timestamptz)` : null })
    .where(
      and(
        eq(reflections.applicationId, applicationId),
        isNotNull(reflections.finalisedAt),
        sql`exists (select 1 from ${applications} where ${applications.id} = ${reflections.applicationId} and ${applications.traineeId} = ${traineeId})`,
      ),
    )
    .returning({ id: reflections.id });
  if (changed.length) return { ok: true, shared: share };
  if (!(await ownApplication(db, traineeId, applicationId))) return { ok: false, status: 404, message: "Application not found" };
  return { ok: false, status: 409, message: SHARE_NEEDS_FINAL };
}

export type ApplicationReflection =
  | { kind: "own"; open: boolean; state: "none" | "draft" | "final"; shared: boolean }
  | { kind: "shared"; reflection: Reflection & { gpcDomainLabels: string[] } }
  | null;

/**
 * What the application page shows of its reflection: to its trainee, where theirs stands; to
 * the opportunity's trust's leads and DMEs, the reflection when the trainee shared it; to anyone
 * else (another trust's staff, administrators) nothing. Administrators see the ratings only as
 * the region's evaluation scores: sharing is with the trust that ran the opportunity.
 */
export async function reflectionForApplication(
  db: Db,
  viewer: Pick<SessionUser, "id" | "role" | "trustId">,
  app: { id: string; traineeId: string; trustId: string; status: ApplicationStatus; endsOn: string },
  today: string,
  audit?: AuditContext,
): Promise<ApplicationReflection> {
  if (viewer.role === "trainee") {
    if (viewer.id !== app.traineeId) return null;
    const [r] = await db.select({ finalisedAt: reflections.finalisedAt, sharedAt: reflections.sharedAt }).from(reflections).where(eq(reflections.applicationId, app.id));
    return { kind: "own", open: canReflect(app.status, app.endsOn, today), state: !r ? "none" : r.finalisedAt ? "final" : "draft", shared: Boolean(r?.sharedAt) };
  }
  if ((viewer.role !== "trust_lead" && viewer.role !== "dme") || viewer.trustId !== app.trustId) return null;
  const [shared] = await db
    .select(reflectionColumns)
    .from(reflections)
    .where(and(eq(reflections.applicationId, app.id), isNotNull(reflections.sharedAt), isNotNull(reflections.finalisedAt)));
  if (!shared) return null;
  await recordViews(db, auditBy(audit, viewer), { action: "reflection.viewed", targetType: "application", targetId: app.id, trustId: app.trustId, traineeIds: [app.traineeId] });
  return { kind: "shared", reflection: withLabels(shared as Reflection) };
}

/**
 * The link to each reflection the trainee can write or has written, by application, for their
 * home page: "write" (none yet, and it can be written), "draft" or "final". The applications
 * come with their reflection's state (listTraineeApplications).
 */
export function reflectionLinks(
  list: { id: string; status: ApplicationStatus; endsOn: string; reflection: "draft" | "final" | null }[],
  today: string,
): Record<string, "write" | "draft" | "final"> {
  const links: Record<string, "write" | "draft" | "final"> = {};
  for (const a of list) {
    if (a.reflection) links[a.id] = a.reflection;
    else if (canReflect(a.status, a.endsOn, today)) links[a.id] = "write";
  }
  return links;
}

export type OpportunityRatings = { rated: number; shown: false } | { rated: number; shown: true; mean: number; recommend: number };

/**
 * The opportunity's ratings from final reflections: the mean to one decimal and how many would
 * recommend it, shown only once RATINGS_SHOWN_FROM trainees have rated it, so that no one
 * trainee's rating can be read off (a lead who knows who took part could otherwise work it out).
 */
export async function opportunityRatings(db: DbOrTx, opportunityId: string): Promise<OpportunityRatings> {
  const [row] = await db
    .select({
      rated: count(),
      mean: avg(reflections.rating),
      recommend: sql<number>`count(*) filter (where ${reflections.wouldRecommend})`.mapWith(Number),
    })
    .from(reflections)
    .innerJoin(applications, eq(applications.id, reflections.applicationId))
    .where(and(eq(applications.opportunityId, opportunityId), isNotNull(reflections.finalisedAt), isNotNull(reflections.rating)));
  const rated = row?.rated ?? 0;
  if (rated < RATINGS_SHOWN_FROM) return { rated, shown: false };
  return { rated, shown: true, mean: Math.round(Number(row!.mean) * 10) / 10, recommend: row!.recommend };
}
