// What the shortlist's action answered (?shortlist=saved|removed|full|closed), on the journey and
// opportunity pages. Not on the home: there the saved list itself shows the change, and the
// home's first load is held to 100 KB of JavaScript.
import { MessageSummary } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { SHORTLIST_CLOSED, SHORTLIST_FULL } from "~/models/shortlist";

export type ShortlistOutcome = "saved" | "removed" | "full" | "closed";

/** A refused save, where it is sent: full to the journey's saved list, closed to the opportunity; or the confirmation. */
export function ShortlistMessage({ outcome, anchor }: { outcome: string | null; anchor: string }) {
  if (outcome === "saved") return <SuccessBanner>Saved for later. You will find it in your saved opportunities.</SuccessBanner>;
  if (outcome === "removed") return <SuccessBanner>Removed from your saved opportunities.</SuccessBanner>;
  if (outcome === "full") return <MessageSummary message={SHORTLIST_FULL} href={anchor} />;
  if (outcome === "closed") return <MessageSummary message={SHORTLIST_CLOSED} href={anchor} />;
  return null;
}
