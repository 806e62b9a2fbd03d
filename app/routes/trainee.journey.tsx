import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";

import { requireUser } from "~/auth.server";
import { CoverageGrid, JourneyYears, SuggestedNext, TierStanding } from "~/components/journey";
import { SavedList } from "~/components/shortlist";
import { ShortlistMessage } from "~/components/shortlist-messages";
import { getDb } from "~/db.server";
import { getJourney } from "~/models/journey.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("Your leadership journey") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const today = todayInLondon();
  const journey = await getJourney(db, user.id, today);
  return json({ ...journey, today });
}

/** " at A or at B, where you move on 3 February 2027": the trusts the suggestions come from. */
function whereNext(current: { trustName: string } | null, next: { trustName: string; startsOn: string } | null): string {
  const later = next ? `${next.trustName}, where you ${current ? "move" : "start"} on ${formatDate(next.startsOn)}` : "";
  if (current && next) return ` at ${current.trustName} or at ${later}`;
  if (current) return ` at ${current.trustName}`;
  return next ? ` at ${later}` : "";
}

export default function JourneyPage() {
  const { years, grid, tiers, suggested, shortlist, current, next, today } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <>
      <ShortlistMessage outcome={params.get("shortlist")} anchor="#saved" />
      <h1>
        <span className="nhsuk-caption-l">Trainee</span>
        Your leadership journey
      </h1>
      <p className="nhsuk-lede-text">What you have done, what it covers in the Healthcare Leadership Model, and what could come next{whereNext(current, next)}.</p>

      <h2>Where you stand on the tiers</h2>
      <p>The tiers build on each other: leadership literacy first, then change and improvement in your workplace, then a sustained role.</p>
      <TierStanding tiers={tiers} />

      <h2>Dimensions and focuses you have covered</h2>
      <p>
        Each opportunity works at one focus (self, team, organisation or system) and develops some of the nine dimensions of the Healthcare Leadership Model. "Done" means a
        completed opportunity; "Confirmed" means a place approved and still to finish.
      </p>
      <CoverageGrid grid={grid} />

      <h2 id="suggested">Suggested next</h2>
      <p>Open opportunities you can apply for, at the trust you are placed at now or your next one, that fill a gap in your journey.</p>
      <SuggestedNext suggested={suggested} today={today} />

      <SavedList saved={shortlist.saved} full={shortlist.full} returnTo="/trainee/journey" />

      <h2>What you have done, by training year</h2>
      <JourneyYears years={years} />

      <p>
        <Link to="/trainee">Back to your home</Link>
      </p>
    </>
  );
}
