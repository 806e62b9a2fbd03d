// Fills the benchmark database at the scale PRODUCT.md designs for (220 trusts, 60,000
// trainees, 20,000 opportunities, 200,000 applications with their history of events), fast: rows are built in memory and
// written in bulk in one transaction, one password hash is shared by every account, and the
// search vectors are written by one UPDATE at the end.
import { randomUUID } from "node:crypto";

import { getTableColumns, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

import type { Db, DbOrTx } from "../../db/client";
import {
  applicationEvents,
  applications,
  objectives,
  opportunities,
  opportunitySessions,
  placements,
  sites,
  traineeProfiles,
  trusts,
  users,
} from "../../db/schema";
import { rotationStart, rotationsAround } from "../../db/seed/demo";
import {
  FOCUSES,
  GRADES,
  HLM_DIMENSIONS,
  REGIONS,
  type ApplicationStatus,
  type Grade,
  type OpportunityStatus,
  type OpportunityType,
  type Region,
} from "../../app/models/domain";
import { refreshSearchVectors } from "../../app/models/opportunities.server";
import { hashPassword } from "../../app/passwords.server";
import { addDaysIso, trainingYearOf } from "../../app/utils/dates";
import {
  FIRST_NAMES,
  OBJECTIVE_TITLES,
  SITE_WORDS,
  SPECIALTIES,
  SURNAMES,
  SYSTEMS,
  TRUST_KINDS,
  opportunityText,
} from "./words";

export const SCALE = { trusts: 220, trainees: 60_000, opportunities: 20_000, applications: 200_000 };
const ROWS_PER_STATEMENT = 1000;
export const BENCH_EMAIL_DOMAIN = "@bench.invalid";

/** Seeded random numbers (mulberry32): the same data every run, so runs compare. */
function generator(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => {
    if (!list.length) throw new Error("pick from an empty list");
    return list[Math.floor(next() * list.length)]!;
  };
  /** `n` distinct items in random order. */
  const sample = <T>(list: readonly T[], n: number): T[] => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  };
  const weighted = <T extends string>(weights: Record<T, number>): T => {
    const entries = Object.entries(weights) as [T, number][];
    let r = next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of entries) if ((r -= w) < 0) return value;
    return entries[entries.length - 1]![0];
  };
  return { next, int, pick, sample, weighted };
}

function* chunks<T>(rows: T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/**
 * INSERT … SELECT FROM unnest(one array parameter per column), 20,000 rows a statement, for
 * the big tables of scalar columns. Measured here it is about twice as fast as drizzle's
 * multi-row VALUES, whose query building alone costs ~25 µs a row. Columns left undefined
 * in the first row get their database default; array columns cannot be unnested this way.
 */
async function insertByColumns<T extends PgTable>(tx: DbOrTx, table: T, rows: T["$inferInsert"][]): Promise<void> {
  const first = rows[0] as Record<string, unknown> | undefined;
  if (!first) return;
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => first[key] !== undefined);
  for (const chunk of chunks(rows as Record<string, unknown>[], 20_000)) {
    const arrays = columns.map(([key, column]) => {
      const type = column.getSQLType();
      if (type.endsWith("]")) throw new Error(`insertByColumns cannot unnest the array column ${column.name}`);
      // Sent as text[] and cast on the server: drizzle turns off postgres.js's serializers
      // for date and timestamp arrays, and enum arrays have no client-side type at all.
      const values = chunk.map((row) => (row[key] === null || row[key] === undefined ? null : String(column.mapToDriverValue(row[key]))));
      return sql`${sql.param(values)}::text[]::${sql.raw(type)}[]`;
    });
    await tx.execute(
      sql`insert into ${table} (${sql.join(columns.map(([, c]) => sql.identifier(c.name)), sql`, `)})
        select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  }
}

const TYPE_WEIGHTS: Record<OpportunityType, number> = {
  qi_project: 30,
  shadowing: 20,
  board_seat: 15,
  manager_buddying: 15,
  patient_safety: 12,
  chief_resident: 8,
};
const STATUS_WEIGHTS: Record<OpportunityStatus, number> = { published: 80, draft: 8, closed: 7, archived: 5 };
const APPLICATION_WEIGHTS: Record<ApplicationStatus, number> = {
  submitted: 40, offered: 6, approved: 12, completed: 4, declined: 4, waitlisted: 10, rejected: 10, withdrawn: 12, not_completed: 2,
};
/** Days an opportunity runs, by type. */
const DURATION: Record<OpportunityType, [number, number]> = {
  qi_project: [60, 180],
  shadowing: [0, 14],
  board_seat: [0, 0],
  manager_buddying: [28, 90],
  patient_safety: [28, 120],
  chief_resident: [180, 365],
};
const SEATS: Record<OpportunityType, [number, number]> = {
  qi_project: [2, 8],
  shadowing: [1, 3],
  board_seat: [1, 2],
  manager_buddying: [1, 4],
  patient_safety: [1, 6],
  chief_resident: [1, 1],
};
const STAGE_GRADES: Grade[][] = [
  ["FY1", "FY2"],
  ["CT1", "CT2", "CT3", "ST1", "ST2"],
  ["ST3", "ST4", "ST5", "ST6", "ST7", "ST8", "GPST1", "GPST2", "GPST3"],
];

interface TrustSeed {
  id: string;
  region: Region;
  sites: { id: string; name: string }[];
  objectiveIds: string[];
}

export interface SeedSummary {
  /** The trainee whose signed-in opportunities page is benchmarked. */
  benchTraineeId: string;
  counts: Record<string, number>;
  timings: [string, number][];
}

/**
 * The statuses an application passed through to reach its status, as the transitions allow
 * (applications.rules.ts): every application's events, so figures "as at" a past date and the
 * uptake funnel have a history to read. A withdrawal comes from a random earlier state.
 */
function pathTo(status: ApplicationStatus, rand: ReturnType<typeof generator>): ApplicationStatus[] {
  switch (status) {
    case "submitted":
      return ["submitted"];
    case "offered":
    case "declined":
    case "waitlisted":
      return ["submitted", status];
    case "approved":
    case "rejected":
      return ["submitted", "offered", status];
    case "completed":
    case "not_completed":
      return ["submitted", "offered", "approved", status];
    case "withdrawn":
      return [...rand.pick<ApplicationStatus[]>([["submitted"], ["submitted", "waitlisted"], ["submitted", "offered"], ["submitted", "offered", "approved"]]), "withdrawn"];
  }
}

export interface SeedOptions {
  /** A share of SCALE (0.05 for a quick check that a benchmark works); 1 by default. */
  scale?: number;
  /**
   * Also each trainee's placement in the previous training year (at another trust of the
   * region, half of them a grade lower), for the reports' comparison with last year. Off by
   * default, so the other benchmarks keep the data set their earlier runs measured.
   */
  lastYear?: boolean;
}

export async function seedBenchData(db: Db, today: string, options: SeedOptions = {}): Promise<SeedSummary> {
  const factor = options.scale ?? 1;
  if (!(factor > 0 && factor <= 1)) throw new Error(`The bench scale is a share from 0 to 1, not ${factor}`);
  const size = {
    trusts: Math.max(10, Math.round(SCALE.trusts * factor)),
    trainees: Math.round(SCALE.trainees * factor),
    opportunities: Math.round(SCALE.opportunities * factor),
    applications: Math.round(SCALE.applications * factor),
  };
  const rand = generator(20260801);
  const timings: [string, number][] = [];
  let mark = performance.now();
  const lap = (label: string) => {
    const now = performance.now();
    timings.push([label, now - mark]);
    mark = now;
  };

  // One argon2 hash (~70 ms) for all 60,000 accounts instead of 70 minutes of hashing.
  const passwordHash = await hashPassword("bench-password-2026");
  const now = new Date();
  const { current, next } = rotationsAround(today);
  const previousYear = Number(trainingYearOf(today)[0].slice(0, 4)) - 1;
  const lastYear = { startsOn: rotationStart(previousYear, 8), endsOn: addDaysIso(rotationStart(previousYear + 1, 8), -1) };
  const systems = REGIONS.flatMap((region) => SYSTEMS[region].map((name) => ({ region, name })));

  // --- Trusts, sites, objectives ---
  const trustRows: (typeof trusts.$inferInsert)[] = [];
  const siteRows: (typeof sites.$inferInsert)[] = [];
  const objectiveRows: (typeof objectives.$inferInsert)[] = [];
  const trustSeeds: TrustSeed[] = [];
  for (let i = 0; i < size.trusts; i++) {
    const system = systems[i % systems.length]!;
    const id = randomUUID();
    const n = String(i + 1).padStart(3, "0");
    trustRows.push({
      id,
      // "R" then two base-36 digits: 1,296 distinct codes in the ODS format.
      odsCode: `R${i.toString(36).toUpperCase().padStart(2, "0")}`,
      name: `Trust ${n} ${i % 3 === 0 ? "NHS Trust" : "NHS Foundation Trust"}`,
      region: system.region,
      integratedCareSystem: system.name,
      kind: rand.pick(TRUST_KINDS),
    });
    const seed: TrustSeed = { id, region: system.region, sites: [], objectiveIds: [] };
    for (const word of rand.sample(SITE_WORDS, rand.int(1, 3))) {
      const site = { id: randomUUID(), name: `${system.name} ${word} ${n}` };
      seed.sites.push(site);
      siteRows.push({ ...site, trustId: id });
    }
    for (const title of rand.sample(OBJECTIVE_TITLES, rand.int(2, 4))) {
      const objectiveId = randomUUID();
      seed.objectiveIds.push(objectiveId);
      objectiveRows.push({ id: objectiveId, trustId: id, title, description: `${title}: one of our board's priorities this year.` });
    }
    trustSeeds.push(seed);
  }
  const trustsByRegion = new Map<Region, TrustSeed[]>(REGIONS.map((r) => [r, trustSeeds.filter((t) => t.region === r)]));

  // --- Trainees with a placement now and the next one ---
  const userRows: (typeof users.$inferInsert)[] = [];
  const profileRows: (typeof traineeProfiles.$inferInsert)[] = [];
  const placementRows: (typeof placements.$inferInsert)[] = [];
  for (let i = 0; i < size.trainees; i++) {
    const id = randomUUID();
    const first = rand.pick(FIRST_NAMES);
    const last = rand.pick(SURNAMES);
    const grade = rand.pick(GRADES);
    const specialty = grade.startsWith("FY") ? "Foundation" : rand.pick(SPECIALTIES);
    const ltft = rand.next() < 0.2;
    const here = rand.pick(trustSeeds);
    // Most rotations stay in the region; the next trust is a different one when it can be.
    const regional = trustsByRegion.get(here.region)!.filter((t) => t.id !== here.id);
    const there = rand.pick(regional.length ? regional : trustSeeds);
    // Never @demo.test: the production server refuses to start while demo accounts exist.
    userRows.push({
      id,
      email: `bench-trainee-${String(i + 1).padStart(5, "0")}${BENCH_EMAIL_DOMAIN}`,
      name: `Dr ${first} ${last}`,
      role: "trainee",
      passwordHash,
      passwordChangedAt: now,
    });
    profileRows.push({
      userId: id,
      gmcNumber: String(4_000_001 + i),
      grade,
      specialty,
      programme: `${here.region} ${specialty}`,
      region: here.region,
      ltft,
    });
    for (const [trust, dates] of [
      [here, current],
      [there, next],
    ] as const) {
      const site = rand.pick(trust.sites);
      placementRows.push({
        traineeId: id,
        trustId: trust.id,
        siteId: site.id,
        siteName: site.name,
        specialty,
        grade,
        ...dates,
        wte: ltft ? "0.60" : "1.00",
      });
    }
    if (options.lastYear) {
      const before = rand.pick(regional.length ? regional : trustSeeds);
      const site = rand.pick(before.sites);
      placementRows.push({
        traineeId: id,
        trustId: before.id,
        siteId: site.id,
        siteName: site.name,
        specialty,
        grade: rand.next() < 0.5 ? (GRADES[Math.max(0, GRADES.indexOf(grade) - 1)] ?? grade) : grade,
        ...lastYear,
        wte: ltft ? "0.60" : "1.00",
      });
    }
  }

  // --- Opportunities (and a session for the one-off kinds) ---
  const opportunityRows: (typeof opportunities.$inferInsert)[] = [];
  const sessionRows: (typeof opportunitySessions.$inferInsert)[] = [];
  const applicable: { id: string; status: OpportunityStatus; applicationDeadline: string; endsOn: string }[] = [];
  for (let i = 0; i < size.opportunities; i++) {
    const id = randomUUID();
    const trust = rand.pick(trustSeeds);
    const type = rand.weighted(TYPE_WEIGHTS);
    const status = rand.weighted(STATUS_WEIGHTS);
    const text = opportunityText(type, rand.pick);
    // Open ones have their deadline ahead; closed and archived ones mostly behind.
    const deadlineOffset = status === "published" || status === "draft" ? rand.int(1, 150) : rand.int(-200, 30);
    const applicationDeadline = addDaysIso(today, deadlineOffset);
    const startsOn = addDaysIso(applicationDeadline, rand.int(7, 45));
    const [minDays, maxDays] = DURATION[type];
    const days = rand.int(minDays, maxDays);
    const endsOn = addDaysIso(startsOn, days);
    const hoursPerWeek = rand.int(1, 8);
    const [minSeats, maxSeats] = SEATS[type];
    const site = rand.next() < 0.9 ? rand.pick(trust.sites) : null;
    const stages = rand.sample(STAGE_GRADES, rand.int(1, 3)).flat();
    opportunityRows.push({
      id,
      trustId: trust.id,
      siteId: site?.id ?? null,
      type,
      ...text,
      // The schema requires an objective for QI projects; half the others name one too.
      objectiveId: type === "qi_project" || rand.next() < 0.5 ? rand.pick(trust.objectiveIds) : null,
      sponsorName: `Dr ${rand.pick(FIRST_NAMES)} ${rand.pick(SURNAMES)}`,
      startsOn,
      endsOn,
      applicationDeadline,
      totalHours: String(hoursPerWeek * Math.max(1, Math.ceil(days / 7))),
      hoursPerWeek: String(hoursPerWeek),
      seats: rand.int(minSeats, maxSeats),
      eligibleGrades: GRADES.filter((g) => stages.includes(g)),
      specialties: rand.next() < 0.7 ? [] : rand.sample(SPECIALTIES, rand.int(1, 2)),
      ltftFriendly: rand.next() < 0.5,
      multiprofessional: rand.next() < 0.3,
      tier: type === "chief_resident" ? 3 : rand.int(1, 3),
      focus: rand.pick(FOCUSES),
      hlmDimensions: rand.sample(HLM_DIMENSIONS, rand.int(1, 3)),
      status,
      publishedAt: status === "draft" ? null : new Date(now.getTime() - rand.int(1, 90) * 86_400_000),
      closedAt: status === "closed" ? now : null,
      archivedAt: status === "archived" ? now : null,
    });
    if (type === "board_seat" || type === "shadowing") {
      const morning = rand.next() < 0.5;
      sessionRows.push({
        opportunityId: id,
        date: startsOn,
        startsAt: morning ? "09:30" : "14:00",
        endsAt: morning ? "12:00" : "16:30",
        location: site ? `${site.name}, boardroom` : "Online",
      });
    }
    if (status === "published" || status === "closed") applicable.push({ id, status, applicationDeadline, endsOn });
  }

  // --- Applications: one active one per trainee and opportunity ---
  const applicationRows: (typeof applications.$inferInsert)[] = [];
  const eventRows: (typeof applicationEvents.$inferInsert)[] = [];
  const DAY = 86_400_000;
  const noon = (iso: string) => new Date(`${iso}T12:00:00Z`).getTime();
  const seen = new Set<string>();
  while (applicationRows.length < size.applications) {
    const opportunity = rand.pick(applicable);
    const trainee = rand.pick(userRows);
    const key = `${opportunity.id}|${trainee.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const status = rand.weighted(APPLICATION_WEIGHTS);
    const applicationId = randomUUID();
    // Applied in the month before the deadline; each later step a few days after the last,
    // a sign-off after the end; nothing after now.
    let at = Math.min(now.getTime() - DAY, noon(opportunity.applicationDeadline) - rand.int(0, 30) * DAY);
    const path = pathTo(status, rand);
    const times: Date[] = [];
    for (const [k, step] of path.entries()) {
      if (k > 0) at = step === "completed" || step === "not_completed" ? Math.max(at + DAY, noon(opportunity.endsOn) + rand.int(1, 14) * DAY) : at + rand.int(1, 10) * DAY;
      at = Math.min(at, now.getTime() - (path.length - k) * 60_000);
      times.push(new Date(at));
      eventRows.push({
        applicationId,
        // The trainee applies and withdraws; the bench has no staff accounts, so the trust's and
        // the DME's steps are recorded as the service's (null), which the reports do not read.
        actorId: step === "submitted" || step === "withdrawn" ? trainee.id! : null,
        fromStatus: k === 0 ? null : path[k - 1]!,
        toStatus: step,
        createdAt: new Date(at),
      });
    }
    applicationRows.push({
      id: applicationId,
      opportunityId: opportunity.id,
      traineeId: trainee.id,
      statement: "I would like to learn how the organisation makes decisions about patient safety and flow.",
      status,
      confidentialityAcceptedAt: now,
      createdAt: times[0]!,
      updatedAt: times[times.length - 1]!,
    });
  }
  lap("generate rows in memory");

  await db.transaction(async (tx) => {
    await tx.insert(trusts).values(trustRows);
    await tx.insert(sites).values(siteRows);
    await tx.insert(objectives).values(objectiveRows);
    await insertByColumns(tx, users, userRows);
    lap("insert trusts and users");
    await insertByColumns(tx, traineeProfiles, profileRows);
    lap("insert profiles");
    await insertByColumns(tx, placements, placementRows);
    lap("insert placements");
    // Opportunities have array columns: drizzle's multi-row VALUES, 1,000 rows a statement.
    for (const chunk of chunks(opportunityRows)) await tx.insert(opportunities).values(chunk);
    for (const chunk of chunks(sessionRows)) await tx.insert(opportunitySessions).values(chunk);
    lap("insert opportunities");
    await insertByColumns(tx, applications, applicationRows);
    lap("insert applications");
    await insertByColumns(tx, applicationEvents, eventRows);
    lap("insert application events");
  });

  // The model's own search document, for every opportunity in one statement.
  await refreshSearchVectors(db, undefined);
  lap("search vectors");
  // VACUUM as well as ANALYZE: otherwise autovacuum would start on these fresh tables in the
  // middle of the benchmark, and the visibility map it writes enables index-only scans.
  await db.execute(sql`vacuum (analyze)`);
  lap("vacuum analyze");

  return {
    benchTraineeId: userRows[0]!.id,
    counts: {
      trusts: trustRows.length,
      sites: siteRows.length,
      objectives: objectiveRows.length,
      trainees: userRows.length,
      placements: placementRows.length,
      opportunities: opportunityRows.length,
      sessions: sessionRows.length,
      applications: applicationRows.length,
      "application events": eventRows.length,
    },
    timings,
  };
}
