// "Save for later" and the saved list. Plain form posts to /trainee/saved, so they work without
// JavaScript; each sends the page it is on, and the action returns there.
import { Form, Link, useLocation } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Tag } from "~/components/nhsuk/tag";

import { MessageSummary } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { closesSoon, deadlineWords, isOpen, MAX_SAVED, SHORTLIST_CLOSED, SHORTLIST_FULL } from "~/models/shortlist";
import { formatDate } from "~/utils/dates";

/** What the action says on its return: ?shortlist=saved|removed|full|closed. */
export const SHORTLIST_OUTCOMES = ["saved", "removed", "full", "closed"] as const;
export type ShortlistOutcome = (typeof SHORTLIST_OUTCOMES)[number];

/** The page the form is on, without the last answer's ?shortlist=, to come back to. */
function useReturnTo(): string {
  const { pathname, search } = useLocation();
  const params = new URLSearchParams(search);
  params.delete("shortlist");
  const rest = params.toString();
  return `${pathname}${rest ? `?${rest}` : ""}`;
}

export function ShortlistButton({ opportunityId, title, saved, small }: { opportunityId: string; title: string; saved: boolean; small?: boolean }) {
  const returnTo = useReturnTo();
  const label = saved ? "Remove from saved" : "Save for later";
  return (
    <Form method="post" action="/trainee/saved" className="app-inline-form" noValidate>
      <input type="hidden" name="intent" value={saved ? "remove" : "save"} />
      <input type="hidden" name="opportunityId" value={opportunityId} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {/* The title in the name tells apart the buttons of a list; the visible words start it, so speech control finds them. */}
      <Button type="submit" secondary small={small} className="nhsuk-u-margin-bottom-0" aria-label={`${label}: ${title}`}>
        {label}
      </Button>
    </Form>
  );
}

/** The answer to the last save or removal, at the top of the page it returned to. */
export function ShortlistMessage({ outcome, anchor }: { outcome: string | null; anchor: string }) {
  if (outcome === "saved") return <SuccessBanner>Saved for later. You will find it in your saved opportunities.</SuccessBanner>;
  if (outcome === "removed") return <SuccessBanner>Removed from your saved opportunities.</SuccessBanner>;
  if (outcome === "full") return <MessageSummary message={SHORTLIST_FULL} href={anchor} />;
  if (outcome === "closed") return <MessageSummary message={SHORTLIST_CLOSED} href={anchor} />;
  return null;
}

export interface SavedItem {
  id: string;
  title: string;
  trustName: string;
  status: string;
  applicationDeadline: string;
  startsOn: string;
  endsOn: string;
  seatsLeft: number;
}

export function SavedList({ saved, today, headingLevel = "h2" }: { saved: SavedItem[]; today: string; headingLevel?: "h2" | "h3" }) {
  const Heading = headingLevel;
  return (
    <section aria-labelledby="saved-heading" id="saved">
      <Heading id="saved-heading">Saved for later</Heading>
      {saved.length ? (
        <>
          <ul className="app-results">
            {saved.map((o) => {
              const open = isOpen(o, today);
              return (
                <li className="app-result" key={o.id}>
                  <p className="nhsuk-u-margin-bottom-1">
                    <Link to={`/opportunities/${o.id}`}>{o.title}</Link> – {o.trustName}
                  </p>
                  <p className="nhsuk-body-s nhsuk-u-margin-bottom-2 app-secondary-text">
                    {formatDate(o.startsOn)} to {formatDate(o.endsOn)}. Apply by {formatDate(o.applicationDeadline)}.
                  </p>
                  <p className="nhsuk-u-margin-bottom-2">
                    {open ? (
                      <Tag modifier={closesSoon(o, today) ? "orange" : "green"}>{deadlineWords(o, today)}</Tag>
                    ) : (
                      <Tag modifier="grey">{deadlineWords(o, today)}</Tag>
                    )}{" "}
                    {open && o.seatsLeft <= 0 ? <span className="nhsuk-body-s">All seats taken: an application joins the waiting list.</span> : null}
                  </p>
                  <ShortlistButton opportunityId={o.id} title={o.title} saved small />
                </li>
              );
            })}
          </ul>
          {saved.length >= MAX_SAVED ? <p>You have saved {MAX_SAVED} opportunities, the most you can. Remove one to save another.</p> : null}
        </>
      ) : (
        <p>
          You have not saved any opportunities. Use "Save for later" on an opportunity to keep it here while you decide. <Link to="/opportunities">Find opportunities</Link>
        </p>
      )}
    </section>
  );
}
