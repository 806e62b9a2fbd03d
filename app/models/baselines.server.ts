import { desc, eq } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import { reportBaselines } from "@db/schema";
import type { Role } from "~/models/domain";
import { formatDate, todayInLondon, trainingYearOf } from "~/utils/dates";
import type { FieldErrors } from "~/utils/forms";

export type Baseline = { year: number; trainingYearStart: string; baselineOn: string; updatedAt: Date };

/** How many training years back an admin may record a baseline for (the current one and these). */
export const BASELINE_YEARS_BACK = 4;

const yearStart = (year: number) => `${year}-08-01`;

/** The first calendar year of the training year holding today: 2026 from 1 August 2026 to 31 July 2027. */
export function currentTrainingYear(today = todayInLondon()): number {
  return Number(trainingYearOf(today)[0].slice(0, 4));
}

/** The training years an admin can choose, newest first: the current one and the few before it. */
export function baselineYearChoices(today = todayInLondon()): number[] {
  const current = currentTrainingYear(today);
  return Array.from({ length: BASELINE_YEARS_BACK + 1 }, (_, i) => current - i);
}

const columns = { trainingYearStart: reportBaselines.trainingYearStart, baselineOn: reportBaselines.baselineOn, updatedAt: reportBaselines.updatedAt };
const toBaseline = (row: { trainingYearStart: string; baselineOn: string; updatedAt: Date }): Baseline => ({
  year: Number(row.trainingYearStart.slice(0, 4)),
  ...row,
});

/** The baseline recorded for a training year (given by its first calendar year), or null. */
export async function getBaseline(db: DbOrTx, year: number): Promise<Baseline | null> {
  const [row] = await db.select(columns).from(reportBaselines).where(eq(reportBaselines.trainingYearStart, yearStart(year)));
  return row ? toBaseline(row) : null;
}

/** Every recorded baseline, newest training year first. */
export async function listBaselines(db: DbOrTx): Promise<Baseline[]> {
  const rows = await db.select(columns).from(reportBaselines).orderBy(desc(reportBaselines.trainingYearStart));
  return rows.map(toBaseline);
}

export type SetBaselineResult =
  | { ok: true; baseline: Baseline; replaced: string | null }
  | { ok: false; status: 403 }
  | { ok: false; status: 400; fieldErrors: FieldErrors };

/**
 * Records (or moves) the baseline of a training year. Only an administrator sets it: the
 * baseline is the national and regional reference every trust's figures are compared with.
 * One row per year (the primary key), written as one upsert, so two admins saving at once
 * leave one baseline, the later one; the date must fall inside the year and not be after today,
 * because figures "as at" a day not yet reached do not exist.
 */
export async function setBaseline(
  db: Db,
  actor: { id: string; role: Role },
  input: { year: number; baselineOn: string },
  today = todayInLondon(),
): Promise<SetBaselineResult> {
  if (actor.role !== "admin") return { ok: false, status: 403 };
  if (!baselineYearChoices(today).includes(input.year)) {
    return { ok: false, status: 400, fieldErrors: { year: "Select a training year from the list" } };
  }
  const [starts, ends] = trainingYearOf(yearStart(input.year));
  if (input.baselineOn < starts || input.baselineOn > ends) {
    return {
      ok: false,
      status: 400,
      fieldErrors: { baselineOn: `The baseline date must be in the training year, from ${formatDate(starts)} to ${formatDate(ends)}` },
    };
  }
  if (input.baselineOn > today) {
    return { ok: false, status: 400, fieldErrors: { baselineOn: "The baseline date must be today or earlier" } };
  }
  return db.transaction(async (tx) => {
    const before = await getBaseline(tx, input.year);
    const [row] = await tx
      .insert(reportBaselines)
      .values({ trainingYearStart: starts, baselineOn: input.baselineOn, setBy: actor.id })
      .onConflictDoUpdate({ target: reportBaselines.trainingYearStart, set: { baselineOn: input.baselineOn, setBy: actor.id, updatedAt: new Date() } })
      .returning(columns);
    return { ok: true as const, baseline: toBaseline(row!), replaced: before && before.baselineOn !== input.baselineOn ? before.baselineOn : null };
  });
}
