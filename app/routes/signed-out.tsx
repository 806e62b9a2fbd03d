// Where NHS CIS2 sends the browser back after signing out there (the post-logout redirect URI
// registered with the provider), and where signing out lands when CIS2 did not answer.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useSearchParams } from "@remix-run/react";

import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("You have signed out") }];

export async function loader({ context }: LoaderFunctionArgs) {
  // Someone signed in (again, or in another tab) is not signed out: the landing page leads them
  // home. A plain Response rather than @remix-run/node's redirect and json: with that import
  // this route changed how the browser build splits its shared chunks, and the search's first
  // load grew by one chunk, past its 100 KB budget (tests/routes/first-load.test.ts).
  if (context.user) throw new Response(null, { status: 302, headers: { Location: "/" } });
  return null;
}

export default function SignedOut() {
  const [params] = useSearchParams();
  const cis2Unavailable = params.get("cis2") === "unavailable";
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>You have signed out</h1>
        <p>You are signed out of Invitational.</p>
        {cis2Unavailable ? (
          <p>
            NHS CIS2 did not answer, so you may still be signed in to it. To be sure, close every window of this browser when you
            have finished.
          </p>
        ) : (
          <p>On a shared computer, close every window of this browser when you have finished.</p>
        )}
        <p>
          <Link to="/sign-in">Sign in again</Link>
        </p>
      </div>
    </div>
  );
}
