// What a trainee's placements say about an opportunity's dates, in the words of whoever reads
// them: the lead and DME ("placed elsewhere") and the trainee before applying ("you move to X").
// Pure, so both readings come from the same rules and are unit-tested without a database.
import { addDaysIso, formatDate } from "~/utils/dates";

import { placesTraineeAtTrust, type PlacementType } from "./domain";

export interface PlacementDates {
  trustId: string;
  trustName: string;
  startsOn: string;
  endsOn: string;
  placementType: string;
}

export interface OpportunityDates {
  trustId: string;
  trustName: string;
  startsOn: string;
  endsOn: string;
}

/** The placements that put the trainee at a trust (in post). */
function inPost<P extends Pick<PlacementDates, "placementType">>(list: readonly P[]): P[] {
  return list.filter((p) => placesTraineeAtTrust(p.placementType as PlacementType));
}

/** The staff's warning, given the placements over the opportunity's dates: placed at another trust, or not placed. */
export function placementWarning(list: readonly Pick<PlacementDates, "trustId" | "trustName" | "placementType">[], trustId: string, trustName: string): string | null {
  const placed = inPost(list);
  if (!placed.length) return "The trainee has no placement recorded during these dates";
  const elsewhere = placed.filter((p) => p.trustId !== trustId);
  if (elsewhere.length) return `The trainee is placed at ${[...new Set(elsewhere.map((p) => p.trustName))].join(" and ")}, not ${trustName}, for some or all of these dates`;
  return null;
}

/**
 * The trainee's warning before applying, given all their placements: the opportunity runs past
 * their placement at its trust. Back-to-back placements at the same trust (an extension) count as
 * one stay. Null when the stay covers the opportunity, or the trainee is not placed at the trust
 * during it at all (that is the eligibility's and the staff's concern, not a move).
 */
export function moveWarning(list: readonly PlacementDates[], o: OpportunityDates): string | null {
  const placed = inPost(list).sort((a, b) => a.startsOn.localeCompare(b.startsOn));
  const first = placed.findIndex((p) => p.trustId === o.trustId && p.startsOn <= o.endsOn && p.endsOn >= o.startsOn);
  if (first < 0) return null;
  let stayEnds = placed[first]!.endsOn;
  for (const p of placed.slice(first + 1)) {
    if (p.trustId !== o.trustId || p.startsOn > addDaysIso(stayEnds, 1)) break;
    if (p.endsOn > stayEnds) stayEnds = p.endsOn;
  }
  if (o.endsOn <= stayEnds) return null;
  const after = placed.find((p) => p.startsOn > stayEnds);
  const runsTo = `this runs to ${formatDate(o.endsOn)}`;
  if (!after) return `Your placement at ${o.trustName} ends on ${formatDate(stayEnds)}; you have no placement recorded after it, and ${runsTo}`;
  if (after.trustId === o.trustId) return `Your placement at ${o.trustName} ends on ${formatDate(stayEnds)} and starts again on ${formatDate(after.startsOn)}; ${runsTo}`;
  return `You move to ${after.trustName} on ${formatDate(after.startsOn)}; ${runsTo}`;
}
