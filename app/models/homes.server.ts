// What each role sees first after signing in.
import { and, asc, count, eq, gt, gte, inArray, isNull, lte, sql } from "drizzle-orm";

import type { Db } from "@db/client";
import { preparedQuery } from "@db/prepared";
import { invitations, placements, sites, traineeProfiles, trusts, users } from "@db/schema";

import { addDaysIso } from "~/utils/dates";

import { stageOf } from "./domain";
import { eligibilityGrade } from "./trainee-grade.server";
import { waitingStaffInvitation } from "./users.server";

const IN_POST = ["In Post", "In Post - Extension"] as const;

const placementColumns = {
  id: placements.id,
  startsOn: placements.startsOn,
  endsOn: placements.endsOn,
  specialty: placements.specialty,
  grade: placements.grade,
  wte: placements.wte,
  placementType: placements.placementType,
  source: placements.source,
  siteName: sql<string>`coalesce(${sites.name}, ${placements.siteName})`,
  trustId: trusts.id,
  trustName: trusts.name,
  trustOds: trusts.odsCode,
  integratedCareSystem: trusts.integratedCareSystem,
};

const traineePlacements = preparedQuery((db) =>
  db
    .select(placementColumns)
    .from(placements)
    .innerJoin(trusts, eq(trusts.id, placements.trustId))
    .leftJoin(sites, eq(sites.id, placements.siteId))
    .where(eq(placements.traineeId, sql.placeholder("traineeId")))
    .orderBy(asc(placements.startsOn))
    .prepare("trainee_placements"),
);

export async function listTraineePlacements(db: Db, traineeId: string) {
  return traineePlacements(db).execute({ traineeId });
}

export type PlacementSummary = Awaited<ReturnType<typeof listTraineePlacements>>[number];

/** The placement covering today, and the first one starting after it. */
export function currentAndNext(list: PlacementSummary[], today: string) {
  const current = list.find((p) => p.startsOn <= today && p.endsOn >= today) ?? null;
  const next = list.find((p) => p.startsOn > today) ?? null;
  return { current, next };
}

/** The trainee's own details: the profile page's, and the home's with the grade opportunities check. */
const PROFILE_COLUMNS = {
  name: users.name,
  email: users.email,
  gmcNumber: traineeProfiles.gmcNumber,
  grade: traineeProfiles.grade,
  specialty: traineeProfiles.specialty,
  programme: traineeProfiles.programme,
  region: traineeProfiles.region,
  ltft: traineeProfiles.ltft,
};

/** The trainee's own details, for their home and their profile page. */
export async function getProfile(db: Db, userId: string) {
  const [row] = await db
    .select(PROFILE_COLUMNS)
    .from(users)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(eq(users.id, userId));
  return row ?? null;
}

/** The home's profile and the grade opportunities check (eligibilityGrade), in one prepared statement. */
const profileWithGrade = preparedQuery((db) => {
  const held = eligibilityGrade(sql.placeholder("today"));
  return db
    .select({ ...PROFILE_COLUMNS, grade: held.grade, gradeSelfDeclared: held.gradeSelfDeclared })
    .from(users)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(eq(users.id, sql.placeholder("userId")))
    .prepare("trainee_home_profile");
});

/** `placements`: the trainee's placements when the page is reading them already (for its rotation sections). */
export async function getTraineeHome(db: Db, userId: string, today: string, placements?: Promise<PlacementSummary[]>) {
  const [[profile], list] = await Promise.all([profileWithGrade(db).execute({ userId, today }), placements ?? listTraineePlacements(db, userId)]);
  // The grade shown is the one opportunities check, so the home and the verdicts agree.
  const grade = profile?.grade;
  if (!profile || !grade) return null;
  return { profile: { ...profile, grade, stage: stageOf(grade) }, ...currentAndNext(list, today), placements: list };
}

export async function getTrustHome(db: Db, trustId: string) {
  const trust = await db.query.trusts.findFirst({
    where: eq(trusts.id, trustId),
    columns: { id: true, name: true, odsCode: true, region: true, integratedCareSystem: true },
    with: { sites: { columns: { id: true, name: true }, orderBy: [asc(sites.name)] } },
  });
  if (!trust) return null;
  const staff = await db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.trustId, trustId))
    .orderBy(asc(users.role), asc(users.name));
  const [placed] = await db
    .select({ n: count() })
    .from(placements)
    .where(and(eq(placements.trustId, trustId), inArray(placements.placementType, [...IN_POST])));
  return { trust, staff, placementsOnRecord: placed?.n ?? 0 };
}

/** How far ahead "starting next" looks: one rotation. */
export const STARTING_SOON_DAYS = 183;

/** Trainees a page on the DME's home, for each of its two lists. */
export const DME_PAGE_SIZE = 50;

/**
 * The DME's home: who is placed at the trust now and who arrives in the next rotation, each
 * list a page at a time (a large trust has a thousand or more trainees in post) with its
 * total. A page past the end comes back empty with the total, for the route to send the
 * reader to the last page.
 */
export async function getDmeHome(db: Db, trustId: string, today: string, pages: { now: number; next: number } = { now: 1, next: 1 }) {
  const trust = await db.query.trusts.findFirst({
    where: eq(trusts.id, trustId),
    columns: { id: true, name: true, odsCode: true },
  });
  if (!trust) return null;
  const traineeColumns = {
    placementId: placements.id,
    traineeId: users.id,
    name: users.name,
    grade: placements.grade,
    specialty: placements.specialty,
    ltft: traineeProfiles.ltft,
    wte: placements.wte,
    siteName: sql<string>`coalesce(${sites.name}, ${placements.siteName})`,
    startsOn: placements.startsOn,
    endsOn: placements.endsOn,
  };
  const placedNowWhere = and(
    eq(placements.trustId, trustId),
    inArray(placements.placementType, [...IN_POST]),
    lte(placements.startsOn, today),
    gte(placements.endsOn, today),
    isNull(traineeProfiles.anonymisedAt),
  );
  const startingNextWhere = and(
    eq(placements.trustId, trustId),
    inArray(placements.placementType, [...IN_POST]),
    gt(placements.startsOn, today),
    lte(placements.startsOn, addDaysIso(today, STARTING_SOON_DAYS)),
    isNull(traineeProfiles.anonymisedAt),
    // A trainee already placed here who simply starts a new post is not arriving.
    sql`not exists (select 1 from placements here where here.trainee_id = ${placements.traineeId}
      and here.trust_id = ${trustId} and here.starts_on <= ${today} and here.ends_on >= ${today})`,
  );
  const counted = (where: typeof placedNowWhere) =>
    db
      .select({ n: count() })
      .from(placements)
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, placements.traineeId))
      .where(where)
      .then((rows) => rows[0]?.n ?? 0);
  const offset = (page: number) => (Math.max(1, page) - 1) * DME_PAGE_SIZE;
  const [placedNow, placedNowTotal, startingNext, startingNextTotal] = await Promise.all([
    db
      .select(traineeColumns)
      .from(placements)
      .innerJoin(users, eq(users.id, placements.traineeId))
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
      .leftJoin(sites, eq(sites.id, placements.siteId))
      .where(placedNowWhere)
      .orderBy(asc(users.name), asc(placements.id))
      .limit(DME_PAGE_SIZE)
      .offset(offset(pages.now)),
    counted(placedNowWhere),
    db
      .select({
        ...traineeColumns,
        // Where the trainee is placed now, so the DME knows whom to contact before they arrive.
        comingFrom: sql<string | null>`(
          select prior_trust.name from placements prior
          join trusts prior_trust on prior_trust.id = prior.trust_id
          where prior.trainee_id = ${placements.traineeId}
            and prior.starts_on <= ${today} and prior.ends_on >= ${today}
          order by prior.starts_on desc limit 1)`,
      })
      .from(placements)
      .innerJoin(users, eq(users.id, placements.traineeId))
      .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
      .leftJoin(sites, eq(sites.id, placements.siteId))
      .where(startingNextWhere)
      .orderBy(asc(placements.startsOn), asc(users.name), asc(placements.id))
      .limit(DME_PAGE_SIZE)
      .offset(offset(pages.next)),
    counted(startingNextWhere),
  ]);
  return {
    trust,
    pageSize: DME_PAGE_SIZE,
    placedNow: { trainees: placedNow, total: placedNowTotal, page: Math.max(1, pages.now) },
    startingNext: { trainees: startingNext, total: startingNextTotal, page: Math.max(1, pages.next) },
  };
}

export async function getAdminOverview(db: Db, now: Date = new Date()) {
  const [counts] = await db
    .select({
      trusts: sql<number>`(select count(*) from ${trusts})`.mapWith(Number),
      trainees: sql<number>`(select count(*) from ${users} where ${users.role} = 'trainee')`.mapWith(Number),
      trustLeads: sql<number>`(select count(*) from ${users} where ${users.role} = 'trust_lead')`.mapWith(Number),
      dmes: sql<number>`(select count(*) from ${users} where ${users.role} = 'dme')`.mapWith(Number),
      admins: sql<number>`(select count(*) from ${users} where ${users.role} = 'admin')`.mapWith(Number),
      disabled: sql<number>`(select count(*) from ${users} where ${users.disabledAt} is not null)`.mapWith(Number),
      // The same invitations the users page lists.
      pendingInvitations: sql<number>`(select count(*) from ${invitations} where ${waitingStaffInvitation(now)})`.mapWith(Number),
    })
    .from(sql`(select 1) as one`);
  const trustsWithoutStaff = await db
    .select({ id: trusts.id, name: trusts.name, odsCode: trusts.odsCode })
    .from(trusts)
    .where(sql`not exists (select 1 from ${users} where ${users.trustId} = ${trusts.id} and ${users.disabledAt} is null)`)
    .orderBy(asc(trusts.name));
  return { counts: counts!, trustsWithoutStaff };
}

const gradeAndSpecialty = preparedQuery((db) => {
  const grade = eligibilityGrade(sql.placeholder("today"));
  return db
    .select({ grade: grade.grade, gradeSelfDeclared: grade.gradeSelfDeclared, specialty: traineeProfiles.specialty })
    .from(traineeProfiles)
    .where(eq(traineeProfiles.userId, sql.placeholder("userId")))
    .prepare("trainee_grade");
});

/** The grade the trainee is held to today (eligibilityGrade: the rotation data's, when there is any) and their specialty. */
export async function getTraineeGradeAndSpecialty(db: Db, userId: string, today: string) {
  const [row] = await gradeAndSpecialty(db).execute({ userId, today });
  return row ?? null;
}
