// Where NHS CIS2 sends the browser back after signing out there (the post-logout redirect URI
// registered with the provider), and where signing out lands when CIS2 did not answer.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";

import { homePathFor } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";

export const meta: MetaFunction = () => [{ title: pageTitle("You have signed out") }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // Someone signed in (again, or in another tab) is not signed out: their home instead.
  if (context.user) throw redirect(homePathFor(context.user.role));
  return json({ cis2Unavailable: new URL(request.url).searchParams.get("cis2") === "unavailable" });
}

export default function SignedOut() {
  const { cis2Unavailable } = useLoaderData<typeof loader>();
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
