// Demo reflections and sponsors' structured sign-offs, made through the same model functions a
// trainee and a trust lead use: the history's completed trainees reflect (final, a rating, some
// shared with the trust), and the demo trainee has two completed opportunities at RRK, one with a
// draft reflection to finish and one final and shared, which the demo lead and DME can read.
import { eq } from "drizzle-orm";

import { applyForOpportunity, transitionApplication } from "../../app/models/applications.server";
import type { HlmDimension } from "../../app/models/domain";
import { saveReflection, setReflectionSharing } from "../../app/models/reflections.server";
import { addDaysIso, trainingYearOf } from "../../app/utils/dates";
import type { Db } from "../client";
import { emailOutbox, opportunities } from "../schema";
import { saveEdition, stamp } from "./history";
import { DEMO_OPPORTUNITIES } from "./opportunities-data";

const STRENGTHS = [
  "Well prepared for every meeting, asked sharp questions and followed up on what was agreed.",
  "Listened carefully to the team and brought quieter voices into the discussion.",
  "Turned a vague problem into clear measures and kept the project moving between sessions.",
  "Calm and clear when the discussion became difficult, and generous with credit to others.",
];
const NEXT_STEPS = [
  "Lead a small improvement cycle on your own ward, with a measure you report to the team each week.",
  "Chair a departmental meeting and ask for feedback on how you ran it.",
  "Present what you learned at the trust's resident doctors' forum.",
  "Take on a tier 2 opportunity: a quality improvement project with a multiprofessional team.",
];

/** The sponsor's feedback at a demo sign-off: the first one or two of the opportunity's dimensions. */
export function demoSignOff(dimensions: readonly HlmDimension[], n: number) {
  return {
    observedDimensions: dimensions.slice(0, 1 + (n % 2)),
    strengths: STRENGTHS[n % STRENGTHS.length]!,
    nextStep: NEXT_STEPS[n % NEXT_STEPS.length]!,
  };
}

const WHAT_HAPPENED = [
  "I attended the sessions, read the papers beforehand and kept notes on how decisions were reached and who was asked for a view.",
  "I worked with the ward team on a small change, collected the data each week and presented it at the team huddle.",
  "I spent the sessions alongside the sponsor, in meetings with managers, clinicians and partners from outside the trust.",
];
const SO_WHAT = [
  "I saw how much of leading is preparation and follow-up, and how a clear question changes a discussion. I was less confident speaking up than I expected.",
  "Measuring the problem before changing anything made the team trust the result. I learned to ask for help earlier.",
  "Decisions at this level balance safety, money and people at once. I understand my own service's pressures better now.",
];
const NOW_WHAT = [
  "I will prepare one question for each departmental meeting and ask it, and look for a quality improvement project next rotation.",
  "I will share the results with the next rotation's trainees and hand the measures over so the change lasts.",
  "I will ask my educational supervisor for a chance to chair a meeting, and reflect on it afterwards.",
];
const RATINGS = [5, 4, 4, 5, 3, 4, 5, 4, 2, 4, 5];

/**
 * One trainee's reflection as if written on `day`. A final one is rated (mostly 4 or 5, one low)
 * and every third is shared with the trust. A draft has only its first part.
 */
export async function demoReflection(
  db: Db,
  r: { traineeId: string; applicationId: string; day: string; n: number; final: boolean; share?: boolean; hlmDimensions: readonly HlmDimension[] },
) {
  const at = new Date(`${r.day}T18:00:00Z`);
  const rating = RATINGS[r.n % RATINGS.length]!;
  const form = r.final
    ? {
        whatHappened: WHAT_HAPPENED[r.n % WHAT_HAPPENED.length],
        soWhat: SO_WHAT[r.n % SO_WHAT.length],
        nowWhat: NOW_WHAT[r.n % NOW_WHAT.length],
        hlmDimensions: [...r.hlmDimensions],
        gpcDomains: r.n % 2 ? ["leadership_teamworking", "patient_safety_qi"] : ["leadership_teamworking"],
        rating: String(rating),
        wouldRecommend: rating >= 3 ? "yes" : "no",
      }
    : { whatHappened: WHAT_HAPPENED[r.n % WHAT_HAPPENED.length], hlmDimensions: [...r.hlmDimensions] };
  const saved = await saveReflection(db, r.traineeId, r.applicationId, form, { finalise: r.final, today: r.day, now: at });
  if (!saved.ok) throw new Error(`Demo reflection refused: ${JSON.stringify(saved)}`);
  if (r.final && (r.share ?? r.n % 3 === 0)) await setReflectionSharing(db, r.traineeId, r.applicationId, true, at);
}

/**
 * The demo trainee's two completed opportunities at the demo trust, this training year when
 * they fit before today, else last year: a week shadowing the chief medical officer (final
 * reflection, shared) and buddying with a general manager (a draft to finish).
 */
export async function seedDemoTraineeReflections(db: Db, today: string, people: { demoTraineeId: string; lead: { id: string; trustId: string }; dme: { id: string; trustId: string } }) {
  const [yearStart] = trainingYearOf(today);
  const previousYearStart = `${Number(yearStart.slice(0, 4)) - 1}-08-01`;
  const lead = { id: people.lead.id, role: "trust_lead" as const, trustId: people.lead.trustId };
  const dme = { id: people.dme.id, role: "dme" as const, trustId: people.dme.trustId };
  const plans = [
    { title: "A week shadowing the Chief Medical Officer", after: 14, final: true },
    { title: "Buddy with the general manager for acute medicine at Heartlands", after: 24, final: false },
  ];
  for (const [n, plan] of plans.entries()) {
    const template = DEMO_OPPORTUNITIES.find((o) => o.title === plan.title);
    if (!template) throw new Error(`No demo opportunity titled "${plan.title}"`);
    // Signed off 3 days after the end and reflected on a week later, all before today.
    const fits = (start: string) => addDaysIso(start, template.durationDays + 10) < today;
    const start = fits(addDaysIso(yearStart, plan.after)) ? addDaysIso(yearStart, plan.after) : addDaysIso(previousYearStart, plan.after + 60);
    const ends = addDaysIso(start, template.durationDays);
    const deadline = addDaysIso(start, -template.deadlineDaysBeforeStart);
    const opportunityId = await saveEdition(db, template, start, template.seats, { trustId: people.lead.trustId, leadId: people.lead.id });
    const appliedOn = addDaysIso(deadline, -5);
    const applied = await stamp(db, appliedOn, () =>
      applyForOpportunity(
        db,
        people.demoTraineeId,
        { opportunityId, statement: "I want to see how senior leaders make decisions and bring what I learn back to my ward team.", confidentiality: true },
        appliedOn,
      ),
    );
    if (!applied.ok) throw new Error(`Demo trainee's application to "${plan.title}" refused: ${JSON.stringify(applied)}`);
    const act = async (day: string, who: typeof lead | typeof dme, action: "offer" | "approve" | "complete") => {
      const result = await stamp(db, day, () =>
        transitionApplication(db, who, applied.applicationId, action, { today: day, signOff: action === "complete" ? demoSignOff(template.hlmDimensions, n + 1) : undefined }),
      );
      if (!result.ok) throw new Error(`Demo trainee's ${action} on "${plan.title}" refused: ${result.message}`);
    };
    await act(addDaysIso(deadline, 1), lead, "offer");
    await act(addDaysIso(deadline, 2), dme, "approve");
    await act(addDaysIso(ends, 3), lead, "complete");
    await demoReflection(db, { traineeId: people.demoTraineeId, applicationId: applied.applicationId, day: addDaysIso(ends, 9), n, final: plan.final, share: plan.final, hlmDimensions: template.hlmDimensions });
    await db.update(opportunities).set({ status: "closed" }).where(eq(opportunities.id, opportunityId));
  }
  // @demo.test is no one's mailbox (as in applications.ts).
  await db.update(emailOutbox).set({ status: "cancelled", secret: null }).where(eq(emailOutbox.status, "pending"));
}
