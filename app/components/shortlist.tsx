// The shortlist's parts: "Save for later" / "Remove from saved", the confirmation after it, and the
// saved list on the trainee's home and journey. Kept small, as they sit on the trainee's home, whose
// first load is held to 100 KB of JavaScript: the deadline words come worked out from the loader
// (listSaved), so the list is only markup here. A plain form post to /trainee/saved (it works
// without JavaScript) sends the page it is on to return to.
import { Form, Link } from "@remix-run/react";
import { Tag } from "~/components/nhsuk/tag";

/** `returnTo`: the page the button is on, where the action sends the trainee back. */
export function ShortlistButton({ opportunityId, title, saved, small, returnTo }: { opportunityId: string; title: string; saved: boolean; small?: boolean; returnTo: string }) {
  const label = saved ? "Remove from saved" : "Save for later";
  return (
    <Form method="post" action="/trainee/saved" className="app-inline-form" noValidate>
      <input type="hidden" name="intent" value={saved ? "remove" : "save"} />
      <input type="hidden" name="opportunityId" value={opportunityId} />
      <input type="hidden" name="returnTo" value={returnTo} />
      {/* The NHS.UK secondary button's markup (app/components/nhsuk/button.tsx renders the same).
          The title in the name tells apart the buttons of a list; the visible words start it, so speech control finds them. */}
      <button type="submit" className={`nhsuk-button nhsuk-button--secondary${small ? " nhsuk-button--small" : ""} nhsuk-u-margin-bottom-0`} aria-label={`${label}: ${title}`}>
        {label}
      </button>
    </Form>
  );
}

export interface SavedItem {
  id: string;
  title: string;
  trustName: string;
  open: boolean;
  closesSoon: boolean;
  /** "Closes in 3 days", "Closed on 30 November 2026". */
  deadline: string;
  /** "Apply by 3 December 2026.", and when every seat is taken, that an application joins the waiting list. */
  note: string;
}

/** `full`: the words saying the shortlist is at its limit, or null. */
export function SavedList({ saved, full, returnTo }: { saved: SavedItem[]; full: string | null; returnTo: string }) {
  return (
    <section aria-labelledby="saved-heading" id="saved">
      <h2 id="saved-heading">Saved for later</h2>
      {saved.length ? (
        <>
          <ul className="app-results">
            {saved.map((o) => (
              <li className="app-result" key={o.id}>
                <p className="nhsuk-u-margin-bottom-2">
                  <Link to={`/opportunities/${o.id}`}>{o.title}</Link> – {o.trustName}
                </p>
                <p className="nhsuk-u-margin-bottom-2">
                  <Tag modifier={!o.open ? "grey" : o.closesSoon ? "orange" : "green"}>{o.deadline}</Tag> <span className="nhsuk-body-s">{o.note}</span>
                </p>
                <ShortlistButton opportunityId={o.id} title={o.title} saved small returnTo={returnTo} />
              </li>
            ))}
          </ul>
          {full ? <p>{full}.</p> : null}
        </>
      ) : (
        <p>You have not saved any opportunities. Use &ldquo;Save for later&rdquo; on one to keep it here while you decide.</p>
      )}
    </section>
  );
}
