// Demo applications, made through the same model functions a trainee, trust lead and DME use,
// so the demo holds only what the service itself would accept and every role finds living
// work: applicants to decide at the lead's trust, placements waiting for the DME, and the demo
// trainee's own applications and notifications.
import { and, asc, eq, gte, like } from "drizzle-orm";

import { applyForOpportunity, transitionApplication } from "../../app/models/applications.server";
import type { Grade } from "../../app/models/domain";
import type { Db } from "../client";
import { emailOutbox, opportunities, placements, traineeProfiles, users } from "../schema";

const STATEMENTS = [
  "I want to understand how decisions about patient flow are made at a senior level, and to bring what I learn back to my ward team's daily huddle.",
  "I led a small audit of handover quality last year and want to take it further as part of a real improvement project with a multiprofessional team.",
  "Seeing how the organisation's objectives turn into day-to-day work would help me become the kind of clinician who can lead change, not just follow it.",
  "I am interested in patient safety and would value learning how investigations are run, how staff are supported and how learning is shared.",
];

type Staff = { id: string; role: "trust_lead" | "dme"; trustId: string };

export async function seedDemoApplications(db: Db, today: string, staff: { lead: Staff; dme: Staff; demoTraineeId: string }): Promise<number> {
  const open = await db
    .select({ id: opportunities.id, type: opportunities.type, eligibleGrades: opportunities.eligibleGrades, specialties: opportunities.specialties })
    .from(opportunities)
    .where(and(eq(opportunities.trustId, staff.lead.trustId), eq(opportunities.status, "published"), gte(opportunities.applicationDeadline, today)))
    .orderBy(asc(opportunities.startsOn), asc(opportunities.title));
  const trainees = await db
    .select({ id: users.id, grade: traineeProfiles.grade, specialty: traineeProfiles.specialty })
    .from(users)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(and(eq(users.role, "trainee"), like(users.email, "%@demo.test")))
    .orderBy(asc(users.email));
  // Mostly the trust's own trainees (placed there now or next) apply; a few come from elsewhere.
  const here = new Set(
    (await db.selectDistinct({ id: placements.traineeId }).from(placements).where(eq(placements.trustId, staff.lead.trustId))).map((r) => r.id),
  );
  trainees.sort((a, b) => Number(here.has(b.id)) - Number(here.has(a.id)));
  const eligible = (o: (typeof open)[number], t: (typeof trainees)[number]) =>
    o.eligibleGrades.includes(t.grade as Grade) && (!o.specialties.length || o.specialties.some((s) => s.toLowerCase() === t.specialty.toLowerCase()));

  let made = 0;
  const apply = async (traineeId: string, opportunityId: string, n: number) => {
    const result = await applyForOpportunity(db, traineeId, { opportunityId, statement: STATEMENTS[n % STATEMENTS.length]!, confidentiality: true }, today);
    if (!result.ok) return null;
    made++;
    return result.applicationId;
  };
  const act = (who: Staff, applicationId: string, action: "offer" | "waitlist" | "approve") => transitionApplication(db, who, applicationId, action, { today });

  // The demo trainee: one placement confirmed, one waiting for the trust.
  const priya = trainees.find((t) => t.id === staff.demoTraineeId)!;
  const [first, second] = open.filter((o) => eligible(o, priya));
  const confirmed = first ? await apply(priya.id, first.id, 0) : null;
  if (confirmed) {
    await act(staff.lead, confirmed, "offer");
    await act(staff.dme, confirmed, "approve");
  }
  if (second) await apply(priya.id, second.id, 1);

  // Others: on each of the first opportunities a few applicants, in every state a lead and a DME meet.
  let n = 0;
  for (const [index, o] of open.slice(0, 6).entries()) {
    const applicants = trainees.filter((t) => t.id !== priya.id && eligible(o, t)).slice(index, index + 4);
    const ids: string[] = [];
    for (const t of applicants) {
      const id = await apply(t.id, o.id, n++);
      if (id) ids.push(id);
    }
    if (index % 3 === 0 && ids[0]) await act(staff.lead, ids[0], "offer"); // waits for the DME
    if (index % 3 === 1 && ids[0]) {
      await act(staff.lead, ids[0], "offer");
      await act(staff.dme, ids[0], "approve");
      if (ids[1]) await act(staff.lead, ids[1], "waitlist");
    }
    // The rest stay submitted: the lead's queue.
  }
  // @demo.test is no one's mailbox: the e-mails these made are never sent (the in-app
  // notifications stay).
  await db.update(emailOutbox).set({ status: "cancelled", secret: null }).where(eq(emailOutbox.status, "pending"));
  return made;
}
