// Who may apply, in words a trainee understands. Pure: unit-tested without a database.
import { formatDate } from "~/utils/dates";

import { GRADES, type Grade } from "./domain";

const TRACKS: Grade[][] = [
  ["FY1", "FY2"],
  ["CT1", "CT2", "CT3"],
  ["ST1", "ST2", "ST3", "ST4", "ST5", "ST6", "ST7", "ST8"],
  ["GPST1", "GPST2", "GPST3"],
];

/** "FY1 and FY2, ST3 and above": the eligible grades, compressed track by track. */
export function describeGrades(grades: readonly Grade[]): string {
  const set = new Set(grades);
  if (GRADES.every((g) => set.has(g))) return "all grades";
  const parts: string[] = [];
  for (const track of TRACKS) {
    const picked = track.filter((g) => set.has(g));
    if (!picked.length) continue;
    const first = track.indexOf(picked[0]!);
    const contiguous = picked.length === track.indexOf(picked[picked.length - 1]!) - first + 1;
    const reachesTop = picked[picked.length - 1] === track[track.length - 1];
    if (picked.length === track.length && track.length > 2) parts.push(`${track[0]}–${track[track.length - 1]}`);
    else if (contiguous && reachesTop && picked.length > 2) parts.push(`${picked[0]} and above`);
    else if (contiguous && picked.length > 2) parts.push(`${picked[0]}–${picked[picked.length - 1]}`);
    else parts.push(...picked);
  }
  if (parts.length < 2) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

export interface EligibilityOpportunity {
  eligibleGrades: readonly Grade[];
  specialties: readonly string[];
  applicationDeadline: string;
  status: string;
  seatsLeft: number;
}

export interface EligibilityViewer {
  role: string;
  grade: Grade | null;
  specialty: string;
}

export type Eligibility = { eligible: boolean; reason: string };

export function eligibilityFor(opportunity: EligibilityOpportunity, viewer: EligibilityViewer | null, today: string): Eligibility {
  const grades = describeGrades(opportunity.eligibleGrades);
  if (opportunity.status !== "published") return { eligible: false, reason: "This opportunity is not open for applications." };
  if (opportunity.applicationDeadline < today) {
    return { eligible: false, reason: `Applications closed on ${formatDate(opportunity.applicationDeadline)}.` };
  }
  if (!viewer) return { eligible: false, reason: `Open to ${grades}. Sign in as a trainee to check whether you can apply.` };
  if (viewer.role !== "trainee" || !viewer.grade) return { eligible: false, reason: `Open to trainees at ${grades}.` };
  if (!opportunity.eligibleGrades.includes(viewer.grade)) {
    return { eligible: false, reason: `Open to ${grades}; you are ${viewer.grade}.` };
  }
  if (opportunity.specialties.length) {
    const mine = viewer.specialty.trim().toLowerCase();
    if (!opportunity.specialties.some((s) => s.toLowerCase() === mine)) {
      return {
        eligible: false,
        reason: `Open to trainees in ${opportunity.specialties.join(", ")}; you are in ${viewer.specialty || "a specialty not recorded"}.`,
      };
    }
  }
  if (opportunity.seatsLeft <= 0) {
    return { eligible: true, reason: `You are eligible (${viewer.grade}), but every seat is taken: an application joins the waiting list.` };
  }
  return { eligible: true, reason: `You are eligible: open to ${grades}, and you are ${viewer.grade}.` };
}
