import { Tag } from "~/components/nhsuk/tag";

import { ROUND_PHASE_LABELS, type RoundPhase } from "~/models/round-rules";
import { formatMoment } from "~/utils/dates";

const COLOUR: Record<RoundPhase, "grey" | "green" | "orange" | "blue" | "red"> = {
  upcoming: "grey",
  open: "green",
  closing: "orange",
  allocated: "blue",
  cancelled: "red",
};

export function RoundPhaseTag({ phase }: { phase: RoundPhase }) {
  return <Tag modifier={COLOUR[phase]}>{ROUND_PHASE_LABELS[phase]}</Tag>;
}

/** "Closes 14 March 2027 at 5pm" and the like, for lists of rounds. */
export function roundTimesText(r: { phase: RoundPhase; opensAt: Date | string; closesAt: Date | string }): string {
  if (r.phase === "upcoming") return `Opens ${formatMoment(r.opensAt)}, closes ${formatMoment(r.closesAt)}`;
  if (r.phase === "open") return `Closes ${formatMoment(r.closesAt)}`;
  if (r.phase === "cancelled") return `Was to close ${formatMoment(r.closesAt)}`;
  return `Closed ${formatMoment(r.closesAt)}`;
}
