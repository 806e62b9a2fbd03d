import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";

import { endSession } from "~/auth.server";
import { cis2EndSessionUrl, POST_LOGOUT_PATH, sessionAuthMethod } from "~/cis2-logout.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Sign out") }];

export async function action({ request, context }: ActionFunctionArgs) {
  const db = await getDb();
  const intent = (await request.formData()).get("intent");
  const signedInWithCis2 = (await sessionAuthMethod(db, context.sessionId)) === "cis2";
  const cookie = await endSession(db, context.sessionId);
  const headers = { "Set-Cookie": cookie };
  if (intent === "cis2" && signedInWithCis2) {
    // Our session has ended whatever the provider does; the provider then ends its own and
    // sends the browser back to the signed-out page.
    const endSessionUrl = await cis2EndSessionUrl(appOrigin(request));
    return redirect(endSessionUrl ?? `${POST_LOGOUT_PATH}?cis2=unavailable`, { headers });
  }
  return redirect("/", { headers });
}

// Only a POST ends the session; opening the address shows the button that sends one.
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!context.user) throw redirect("/");
  const db = await getDb();
  // Offered only for a session made with NHS CIS2, and only when the provider has an end-session endpoint.
  const offerCis2 = (await sessionAuthMethod(db, context.sessionId)) === "cis2" && (await cis2EndSessionUrl(appOrigin(request))) !== null;
  return json({ name: context.user.name, offerCis2 });
}

export default function SignOut() {
  const { name, offerCis2 } = useLoaderData<typeof loader>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>Sign out of Invitational</h1>
        <p>You are signed in as {name}.</p>
        {offerCis2 ? (
          <p>
            You signed in with NHS CIS2. Signing out of NHS CIS2 too also signs you out of other NHS services you opened with it in
            this browser.
          </p>
        ) : null}
        <Form method="post" action="/sign-out">
          <Button type="submit">Sign out</Button>
          {offerCis2 ? (
            <>
              {" "}
              <Button type="submit" name="intent" value="cis2" secondary>
                Sign out of NHS CIS2 too
              </Button>
            </>
          ) : null}
        </Form>
      </div>
    </div>
  );
}
