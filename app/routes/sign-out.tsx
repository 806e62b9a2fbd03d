import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";

import { endSession } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Sign out") }];

export async function action({ context }: ActionFunctionArgs) {
  const cookie = await endSession(await getDb(), context.sessionId);
  return redirect("/", { headers: { "Set-Cookie": cookie } });
}

// Only a POST ends the session; opening the address shows the button that sends one.
export async function loader({ context }: LoaderFunctionArgs) {
  if (!context.user) throw redirect("/");
  return json({ name: context.user.name });
}

export default function SignOut() {
  const { name } = useLoaderData<typeof loader>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>Sign out of Invitational</h1>
        <p>You are signed in as {name}.</p>
        <Form method="post" action="/sign-out">
          <Button type="submit">Sign out</Button>
        </Form>
      </div>
    </div>
  );
}
