// NHS CIS2's back-channel logout (OIDC Back-Channel Logout 1.0): the provider posts a signed
// logout token here, server to server, when a person's CIS2 session ends. No session and no
// same-origin check (server.ts lets exactly this address through); the token is the proof.
import type { ActionFunctionArgs } from "@remix-run/node";

import { acceptBackchannelLogout } from "~/cis2-logout.server";
import { getCis2 } from "~/cis2.server";
import { getDb } from "~/db.server";
import { notFound } from "~/utils/http.server";

// Cache-Control: no-store is on every answer already (server.ts).
const HEADERS = { "Content-Type": "text/plain; charset=utf-8" };

export async function action({ request }: ActionFunctionArgs) {
  if (!getCis2()) throw notFound();
  if (request.method !== "POST") return new Response("", { status: 405, headers: { ...HEADERS, Allow: "POST" } });
  let token: FormDataEntryValue | null = null;
  try {
    token = (await request.formData()).get("logout_token");
  } catch {
    // Not a form: the same answer as a bad token.
  }
  const result = await acceptBackchannelLogout(await getDb(), token);
  // The answer says nothing of why a token was refused (the spec's 400), and nothing is logged
  // but the request line's status.
  if (result.ok) return new Response("", { status: 200, headers: HEADERS });
  if (result.reason === "unavailable") return new Response("", { status: 503, headers: { ...HEADERS, "Retry-After": "60" } });
  return new Response("", { status: 400, headers: HEADERS });
}

// Only the provider posts here: a page opened in a browser is not found.
export async function loader() {
  throw notFound();
}
