import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

import { endSession } from "~/auth.server";
import { getDb } from "~/db.server";

export async function action({ context }: ActionFunctionArgs) {
  const cookie = await endSession(await getDb(), context.sessionId);
  return redirect("/", { headers: { "Set-Cookie": cookie } });
}

export async function loader() {
  return redirect("/");
}
