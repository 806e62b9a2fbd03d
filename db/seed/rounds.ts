// Demo rounds, and the round rows the demo and the tests share. The round and its choices are
// written as rows (the pages that create rounds and take choices live in their own modules);
// the allocated round is closed through the same closeRound the service runs, so its offers,
// waiting lists, messages and record are exactly what a real close writes.
import { and, asc, eq, gt, inArray, isNull, like, notInArray } from "drizzle-orm";

import { closeRound } from "../../app/models/round-close.server";
import type { Grade } from "../../app/models/domain";
import { addDaysIso, instantInLondon } from "../../app/utils/dates";
import type { Db, DbOrTx } from "../client";
import { allocationRounds, applications, emailOutbox, opportunities, roundOpportunities, roundPreferences, traineeProfiles, users } from "../schema";

export interface RoundInput {
  name: string;
  trustId: string | null;
  opensAt: Date;
  closesAt: Date;
  maxChoices?: number;
  seed?: string | null;
  createdBy?: string | null;
  opportunityIds: readonly string[];
}

export async function createRound(db: DbOrTx, input: RoundInput): Promise<string> {
  const [round] = await db
    .insert(allocationRounds)
    .values({
      name: input.name,
      trustId: input.trustId,
      opensAt: input.opensAt,
      closesAt: input.closesAt,
      maxChoices: input.maxChoices ?? 5,
      seed: input.seed ?? null,
      createdBy: input.createdBy ?? null,
    })
    .returning({ id: allocationRounds.id });
  if (input.opportunityIds.length) {
    await db.insert(roundOpportunities).values(input.opportunityIds.map((opportunityId) => ({ roundId: round!.id, opportunityId })));
  }
  return round!.id;
}

export interface ChoiceInput {
  roundId: string;
  traineeId: string;
  opportunityId: string;
  rank: number;
  statement?: string;
  confidentialityAcceptedAt?: Date | null;
  createdAt?: Date;
  declined?: { by: string | null; reason: string; at?: Date };
}

export const CHOICE_STATEMENT =
  "I want to see how decisions about patient flow are made at a senior level and bring what I learn back to my ward team.";

export async function addRoundChoice(db: DbOrTx, input: ChoiceInput): Promise<void> {
  await db.insert(roundPreferences).values({
    roundId: input.roundId,
    traineeId: input.traineeId,
    opportunityId: input.opportunityId,
    rank: input.rank,
    statement: input.statement ?? CHOICE_STATEMENT,
    confidentialityAcceptedAt: input.confidentialityAcceptedAt ?? null,
    ...(input.createdAt ? { createdAt: input.createdAt, updatedAt: input.createdAt } : {}),
    ...(input.declined ? { declinedAt: input.declined.at ?? new Date(), declinedBy: input.declined.by, declineReason: input.declined.reason } : {}),
  });
}

const STATEMENTS = [
  "I led a small audit of handover quality last year and want to take it further with a multiprofessional team and a senior sponsor.",
  "Seeing how the organisation's objectives turn into day-to-day work would help me become a clinician who can lead change, not just follow it.",
  "I am interested in patient safety and would value learning how investigations are run, how staff are supported and how learning is shared.",
];

/**
 * Two rounds at the demo lead's trust (RRK, University Hospitals Birmingham): one allocated a
 * week before the seed date, whose page compares the allocation with first come, first served
 * (a first-timer takes the seat a trainee with a placement already this year chose first), and
 * one open for choices until three weeks after it. Each uses opportunities no other demo
 * application or round uses, so the rest of the demo keeps working as before.
 */
export async function seedDemoRounds(db: Db, today: string, staff: { adminId: string; leadId: string; trustId: string; demoTraineeId: string }) {
  const used = db.selectDistinct({ id: applications.opportunityId }).from(applications);
  const free = await db
    .select({ id: opportunities.id, seats: opportunities.seats, type: opportunities.type, eligibleGrades: opportunities.eligibleGrades, specialties: opportunities.specialties, startsOn: opportunities.startsOn })
    .from(opportunities)
    .where(
      and(
        eq(opportunities.trustId, staff.trustId),
        eq(opportunities.status, "published"),
        gt(opportunities.startsOn, addDaysIso(today, 21)),
        notInArray(opportunities.id, used),
      ),
    )
    .orderBy(asc(opportunities.startsOn), asc(opportunities.title));
  if (free.length < 3) return { allocated: null, open: null };
  const trainees = await db
    .select({ id: users.id, grade: traineeProfiles.grade, specialty: traineeProfiles.specialty })
    .from(users)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(and(eq(users.role, "trainee"), like(users.email, "%@demo.test"), isNull(users.disabledAt)))
    .orderBy(asc(users.email));
  const fits = (o: (typeof free)[number], t: (typeof trainees)[number]) =>
    o.eligibleGrades.includes(t.grade as Grade) && (!o.specialties.length || o.specialties.some((s) => s.toLowerCase() === t.specialty.toLowerCase()));
  const at = (date: string, time: string) => instantInLondon(date, time)!;
  const withConfidentiality = (o: (typeof free)[number], when: Date) => (o.type === "board_seat" || o.type === "patient_safety" ? when : null);

  // The allocated round: its busiest opportunity is the first choice of more trainees than it
  // has seats, and the trainee who saved it first already has a placement this year.
  const [popular, second] = [...free].sort((a, b) => a.seats - b.seats);
  if (!popular || !second) return { allocated: null, open: null };
  const allocatedId = await createRound(db, {
    name: "Autumn leadership round",
    trustId: staff.trustId,
    opensAt: at(addDaysIso(today, -21), "09:00"),
    closesAt: at(addDaysIso(today, -7), "17:00"),
    createdBy: staff.leadId,
    opportunityIds: [popular.id, second.id],
  });
  const saved = at(addDaysIso(today, -20), "10:00");
  const candidates = trainees.filter((t) => t.id !== staff.demoTraineeId && fits(popular, t) && fits(second, t));
  const alreadyPlaced = await db
    .selectDistinct({ id: applications.traineeId })
    .from(applications)
    .where(inArray(applications.status, ["offered", "approved", "completed"]));
  const placedIds = new Set(alreadyPlaced.map((r) => r.id));
  // A trainee with a placement already saves first: first come, first served would seat them.
  candidates.sort((a, b) => Number(placedIds.has(b.id)) - Number(placedIds.has(a.id)));
  // More first-timers want only the busiest opportunity than it has seats, so the allocation has
  // a real choice to make: every third trainee also ranks the other one second.
  const choosing = candidates.slice(0, popular.seats + 3);
  for (const [i, t] of choosing.entries()) {
    const when = new Date(saved.getTime() + i * 3_600_000);
    await addRoundChoice(db, { roundId: allocatedId, traineeId: t.id, opportunityId: popular.id, rank: 1, statement: STATEMENTS[i % STATEMENTS.length], createdAt: when, confidentialityAcceptedAt: withConfidentiality(popular, when) });
    if (i % 3 === 2) {
      await addRoundChoice(db, { roundId: allocatedId, traineeId: t.id, opportunityId: second.id, rank: 2, statement: STATEMENTS[(i + 1) % STATEMENTS.length], createdAt: when, confidentialityAcceptedAt: withConfidentiality(second, when) });
    }
  }
  const closing = await closeRound(db, allocatedId, { actor: { id: staff.adminId }, now: at(addDaysIso(today, -7), "17:05") });
  if (!closing.ok) throw new Error("The demo round could not be allocated");

  // The open round: the rest of the free opportunities, a few trainees' choices (not the demo
  // trainee's, who can make their own).
  const rest = free.filter((o) => o.id !== popular.id && o.id !== second.id).slice(0, 4);
  const openId = await createRound(db, {
    name: "Spring leadership round",
    trustId: staff.trustId,
    opensAt: at(addDaysIso(today, -3), "09:00"),
    closesAt: at(addDaysIso(today, 21), "17:00"),
    createdBy: staff.leadId,
    opportunityIds: rest.map((o) => o.id),
  });
  const openSaved = at(addDaysIso(today, -2), "11:00");
  let n = 0;
  for (const t of trainees.filter((x) => x.id !== staff.demoTraineeId && !choosing.includes(x))) {
    const mine = rest.filter((o) => fits(o, t)).slice(0, 3);
    if (!mine.length) continue;
    for (const [i, o] of mine.entries()) {
      const when = new Date(openSaved.getTime() + n * 600_000);
      await addRoundChoice(db, { roundId: openId, traineeId: t.id, opportunityId: o.id, rank: i + 1, statement: STATEMENTS[(n + i) % STATEMENTS.length], createdAt: when, confidentialityAcceptedAt: withConfidentiality(o, when) });
    }
    if (++n >= 5) break;
  }
  // @demo.test is no one's mailbox.
  await db.update(emailOutbox).set({ status: "cancelled", secret: null }).where(eq(emailOutbox.status, "pending"));
  return { allocated: allocatedId, open: openId };
}
