// Demo data for a new database outside production: the real trusts of the reference CSV,
// one account of each role, and 40 further trainees on rotation around today's date (their
// placements as if from the training-information system, so grades come from rotation data).
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { parse } from "csv-parse/sync";
import { and, asc, count, eq, like } from "drizzle-orm";

import { GRADES, REGIONS, type Grade, type Region } from "../../app/models/domain";
import { addDaysIso, todayInLondon } from "../../app/utils/dates";
import { recordViews } from "../../app/models/audit.server";
import { hashPassword } from "../../app/passwords.server";
import type { Db } from "../client";
import { applications, opportunities, trusts, users } from "../schema";
import { createPlacement, createTrainee, createTrust, createUser } from "./factories";
import { seedDemoApplications } from "./applications";
import { seedDemoHistory } from "./history";
import { seedDemoOpportunities } from "./opportunities";
import { seedDemoTraineeReflections } from "./reflections";
import { seedDemoRounds } from "./rounds";
import { seedDemoShortlist } from "./shortlist";
import { TRUST_SITES } from "./sites";

export const DEMO_PASSWORD = "demo-password-2026";
export const DEMO_DOMAIN = "@demo.test";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface TrustRow {
  ods_code: string;
  name: string;
  region: Region;
  integrated_care_system: string;
  kind: string;
}

export function readReferenceTrusts(): TrustRow[] {
  const rows = parse(readFileSync(path.join(here, "nhs-trusts.csv")), {
    columns: true,
    skip_empty_lines: true,
    trim: true,
  }) as TrustRow[];
  for (const row of rows) {
    if (!(REGIONS as readonly string[]).includes(row.region)) throw new Error(`Unknown region in seed data: ${row.region}`);
  }
  return rows;
}

export async function hasDemoAccounts(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users).where(like(users.email, `%${DEMO_DOMAIN}`));
  return (row?.n ?? 0) > 0;
}

export async function listDemoAccounts(db: Db) {
  const named = ["trainee", "lead", "dme", "admin"].map((n) => `${n}${DEMO_DOMAIN}`);
  const rows = await db
    .select({ email: users.email, role: users.role })
    .from(users)
    .where(like(users.email, `%${DEMO_DOMAIN}`))
    .orderBy(asc(users.email));
  return rows.filter((r) => named.includes(r.email));
}

/** Rotations start on the first Wednesday of August and of February. */
export function rotationStart(year: number, month: 2 | 8): string {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const offset = (3 - first.getUTCDay() + 7) % 7;
  return new Date(Date.UTC(year, month - 1, 1 + offset)).toISOString().slice(0, 10);
}

/** The rotation a trainee is in today and the next one, as date ranges. */
export function rotationsAround(today: string) {
  const year = Number(today.slice(0, 4));
  const starts = [
    rotationStart(year - 1, 8),
    rotationStart(year, 2),
    rotationStart(year, 8),
    rotationStart(year + 1, 2),
    rotationStart(year + 1, 8),
  ];
  const i = starts.findLastIndex((s) => s <= today);
  const current = { startsOn: starts[i]!, endsOn: addDaysIso(starts[i + 1]!, -1) };
  const next = { startsOn: starts[i + 1]!, endsOn: addDaysIso(starts[i + 2]!, -1) };
  return { current, next };
}

// A small deterministic generator: the same demo every time.
function generator(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick };
}

const FIRST_NAMES = [
  "Amara", "Ben", "Chloe", "Daniel", "Ebony", "Farhan", "Grace", "Hamza", "Isla", "Jack",
  "Kavya", "Liam", "Maryam", "Noah", "Olivia", "Priya", "Qasim", "Rosie", "Samuel", "Tariq",
  "Uche", "Victoria", "William", "Xin", "Yusuf", "Zara", "Aisha", "Callum", "Deepa", "Ewan",
];
const SURNAMES = [
  "Adeyemi", "Begum", "Campbell", "Davies", "Evans", "Fernandes", "Gupta", "Hughes", "Iqbal", "Jones",
  "Khan", "Lewis", "Morgan", "Nwosu", "O'Brien", "Patel", "Quinn", "Roberts", "Shah", "Thomas",
  "Usman", "Walker", "Wright", "Yeung", "Zhou", "Okafor", "Murphy", "Chowdhury", "Kaur", "Mensah",
];
const SPECIALTIES: Record<string, string[]> = {
  foundation: ["Foundation"],
  CT: ["Core Medical Training", "Core Surgical Training", "Core Psychiatry Training", "Acute Care Common Stem"],
  ST: ["General Internal Medicine", "Paediatrics", "Anaesthetics", "Emergency Medicine", "Obstetrics and Gynaecology", "General Surgery", "Cardiology", "Geriatric Medicine"],
  GPST: ["General Practice"],
};

function specialtyFor(grade: Grade, pick: <T>(l: readonly T[]) => T): string {
  if (grade.startsWith("FY")) return pick(SPECIALTIES.foundation!);
  if (grade.startsWith("GPST")) return pick(SPECIALTIES.GPST!);
  if (grade.startsWith("CT")) return pick(SPECIALTIES.CT!);
  return pick(SPECIALTIES.ST!);
}

function programmeFor(grade: Grade, specialty: string, region: Region): string {
  if (grade.startsWith("FY")) return `${region} Foundation Programme`;
  return `${region} ${specialty}`;
}

/** Fills an empty database. Returns false, writing nothing, when it already holds users. */
export async function seedDemoData(db: Db, today: string = todayInLondon()): Promise<boolean> {
  const [existing] = await db.select({ n: count() }).from(users);
  if ((existing?.n ?? 0) > 0) return false;

  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const { current, next } = rotationsAround(today);
  const rand = generator(20260801);

  await db.transaction(async (tx) => {
    const [trustCount] = await tx.select({ n: count() }).from(trusts);
    if ((trustCount?.n ?? 0) === 0) {
      for (const row of readReferenceTrusts()) {
        await createTrust(tx, {
          odsCode: row.ods_code,
          name: row.name,
          region: row.region,
          integratedCareSystem: row.integrated_care_system,
          kind: row.kind,
          siteNames: TRUST_SITES[row.ods_code] ?? [],
        });
      }
    }
    const trustRows = await tx.query.trusts.findMany({
      with: { sites: { orderBy: (s, { asc }) => [asc(s.createdAt), asc(s.name)] } },
      orderBy: (t, { asc }) => [asc(t.odsCode)],
    });
    const byOds = new Map(trustRows.map((t) => [t.odsCode, t]));
    const rrk = byOds.get("RRK");
    const rkb = byOds.get("RKB");
    if (!rrk || !rkb) throw new Error("The reference trusts must include RRK and RKB");

    const admin = await createUser(tx, { email: `admin${DEMO_DOMAIN}`, name: "Alex Morgan", role: "admin", passwordHash });
    const lead = await createUser(tx, { email: `lead${DEMO_DOMAIN}`, name: "Sam Okafor", role: "trust_lead", trustId: rrk.id, passwordHash });
    const dme = await createUser(tx, { email: `dme${DEMO_DOMAIN}`, name: "Dr Helen Shah", role: "dme", trustId: rrk.id, passwordHash });

    const demoTrainee = await createTrainee(tx, {
      email: `trainee${DEMO_DOMAIN}`,
      name: "Dr Priya Patel",
      passwordHash,
      gmcNumber: "7100001",
      grade: "FY2",
      specialty: "Foundation",
      programme: "Midlands Foundation Programme",
      region: "Midlands",
    });
    await createPlacement(tx, {
      traineeId: demoTrainee.id, trustId: rrk.id, siteId: rrk.sites[0]?.id, siteName: rrk.sites[0]?.name,
      specialty: "Acute Medicine", grade: "FY2", ...current, source: "import",
    });
    await createPlacement(tx, {
      traineeId: demoTrainee.id, trustId: rkb.id, siteId: rkb.sites[0]?.id, siteName: rkb.sites[0]?.name,
      specialty: "Emergency Medicine", grade: "FY2", ...next, source: "import",
    });

    const allTrusts = [...byOds.values()];
    const usedNames = new Set<string>();
    for (let i = 0; i < 40; i++) {
      let first: string, last: string;
      do {
        first = rand.pick(FIRST_NAMES);
        last = rand.pick(SURNAMES);
      } while (usedNames.has(`${first} ${last}`));
      usedNames.add(`${first} ${last}`);
      const grade = rand.pick(GRADES);
      const specialty = specialtyFor(grade, rand.pick);
      // A quarter are placed at the demo DME's trust now, and some start there next.
      const currentTrust = i % 4 === 0 ? rrk : rand.pick(allTrusts);
      const nextTrust = i % 7 === 0 ? rrk : rand.pick(allTrusts.filter((t) => t.region === currentTrust.region));
      const ltft = rand.next() < 0.2;
      const trainee = await createTrainee(tx, {
        email: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, "") + DEMO_DOMAIN,
        name: `Dr ${first} ${last}`,
        passwordHash,
        gmcNumber: String(7200001 + i),
        grade,
        specialty,
        programme: programmeFor(grade, specialty, currentTrust.region),
        region: currentTrust.region,
        ltft,
      });
      const wte = ltft ? rand.pick(["0.60", "0.80"]) : "1.00";
      const currentSite = currentTrust.sites.length ? rand.pick(currentTrust.sites) : undefined;
      await createPlacement(tx, {
        traineeId: trainee.id, trustId: currentTrust.id, siteId: currentSite?.id, siteName: currentSite?.name,
        specialty, grade, wte, ...current, source: "import",
      });
      // One in ten has no next placement yet (the training-information system has not sent it).
      if (i % 10 !== 9) {
        const nextSite = nextTrust.sites.length ? rand.pick(nextTrust.sites) : undefined;
        await createPlacement(tx, {
          traineeId: trainee.id, trustId: nextTrust.id, siteId: nextSite?.id, siteName: nextSite?.name,
          specialty, grade, wte, ...next, source: "import",
        });
      }
    }
    // Savepoints inside this transaction: a refused demo opportunity leaves no half-seeded database.
    await seedDemoOpportunities(tx as unknown as Db, today, { id: lead.id, trustId: rrk.id });
    await seedDemoApplications(tx as unknown as Db, today, {
      lead: { id: lead.id, role: "trust_lead", trustId: rrk.id },
      dme: { id: dme.id, role: "dme", trustId: rrk.id },
      demoTraineeId: demoTrainee.id,
    });
    await seedDemoRounds(tx as unknown as Db, today, { adminId: admin.id, leadId: lead.id, trustId: rrk.id, demoTraineeId: demoTrainee.id });
    // Last, so the rounds' records and the queues above are as they were; it leaves out the
    // trainees in rounds and the demo trainee.
    await seedDemoHistory(tx as unknown as Db, today, {
      adminId: admin.id,
      lead: { id: lead.id, trustId: rrk.id },
      dme: { id: dme.id, trustId: rrk.id },
      demoTraineeId: demoTrainee.id,
    });
    // The demo trainee's completed opportunities, with a draft reflection and a final shared one.
    await seedDemoTraineeReflections(tx as unknown as Db, today, { demoTraineeId: demoTrainee.id, lead: { id: lead.id, trustId: rrk.id }, dme: { id: dme.id, trustId: rrk.id } });
    // Also what the reminders job (at start-up) tells the trainee about: one closes in two days.
    await seedDemoShortlist(tx as unknown as Db, today, demoTrainee.id);
    // The DME has opened the demo trainee's applications at RRK: the trainee's profile says who
    // has viewed their data, and the admin's audit search finds those views.
    const seen = await tx
      .select({ id: applications.id })
      .from(applications)
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .where(and(eq(applications.traineeId, demoTrainee.id), eq(opportunities.trustId, rrk.id)));
    for (const a of seen) {
      await recordViews(tx, { actorId: dme.id, actorRole: "dme", requestId: null }, { action: "application.viewed", targetType: "application", targetId: a.id, trustId: rrk.id, traineeIds: [demoTrainee.id] });
    }
  });
  return true;
}
