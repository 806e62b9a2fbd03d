// POST starts an NHS CIS2 sign-in ("Sign in with NHS CIS2" on /sign-in, "Accept with NHS CIS2"
// on an invitation): a state row is kept and the browser is sent to the provider. Answers 404
// while CIS2 is not configured.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import * as v from "valibot";

import { getCis2, startCis2SignIn } from "~/cis2.server";
import { Cis2Button } from "~/components/cis2-button";
import { Cis2ProblemPage } from "~/components/cis2-problem";
import { MessageSummary } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { CIS2_INVITATION_ROLES } from "~/models/cis2-accounts.server";
import { findInvitation, INVITATION_MESSAGES } from "~/models/users.server";
import { cleanText } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { appOrigin } from "~/utils/origin.server";
import { pageTitle } from "~/utils/page-title";
import { safeRedirect } from "~/utils/redirect";

export const meta: MetaFunction = () => [{ title: pageTitle("Sign in with NHS CIS2") }];

const MAX_REDIRECT_LENGTH = 2000;

const StartSchema = v.object({
  purpose: v.picklist(["sign_in", "invitation"], "Choose “Sign in with NHS CIS2” to sign in"),
  redirectTo: v.optional(v.string(), ""),
  token: v.optional(v.string(), ""),
});

const INVITATION_STATUS = { unknown: 404, used: 409, expired: 410 } as const;

// Opening the address shows the button alone. (Not a redirect: Remix runs this loader for the
// page after the action too, and a redirect here would hide the action's refusal.)
export async function loader(_args: LoaderFunctionArgs) {
  if (!getCis2()) throw notFound();
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  if (!getCis2()) throw notFound();
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? cleanText(value) : undefined;
  };
  const parsed = v.safeParse(StartSchema, { purpose: text("purpose") ?? "", redirectTo: text("redirectTo"), token: text("token") });
  if (!parsed.success) return json({ refusal: { title: "Sign in with NHS CIS2", message: parsed.issues[0].message } }, { status: 400 });
  const { purpose, token } = parsed.output;
  const redirectTo = parsed.output.redirectTo.length <= MAX_REDIRECT_LENGTH ? safeRedirect(parsed.output.redirectTo, "") : "";
  const db = await getDb();

  let invitationId: string | null = null;
  if (purpose === "invitation") {
    const lookup = await findInvitation(db, token);
    if (!lookup.ok) {
      return json(
        { refusal: { title: "You cannot use this invitation", message: INVITATION_MESSAGES[lookup.reason] } },
        { status: INVITATION_STATUS[lookup.reason] },
      );
    }
    if (!CIS2_INVITATION_ROLES.includes(lookup.invitation.role) || lookup.invitation.userId)
      return json({ problem: "not_staff" as const }, { status: 403 });
    invitationId = lookup.invitation.id;
  }

  const started = await startCis2SignIn(db, { purpose, invitationId, redirectTo, origin: appOrigin(request) });
  if (!started.ok) return json({ problem: "unavailable" as const }, { status: 503, headers: { "Retry-After": "60" } });
  return redirect(started.url, { headers: { "Set-Cookie": started.cookie, "Cache-Control": "no-store" } });
}

export default function StartCis2SignIn() {
  const data = useActionData<typeof action>();
  if (data && "problem" in data) return <Cis2ProblemPage problem={data.problem} />;
  const refusal = data && "refusal" in data ? data.refusal : null;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <MessageSummary message={refusal?.message} href="#cis2-sign-in" />
        <h1>{refusal?.title ?? "Sign in with NHS CIS2"}</h1>
        <p>
          Sign in with NHS CIS2 from here, or go to the <Link to="/sign-in">sign-in page</Link> to sign in with a password.
        </p>
        <Cis2Button purpose="sign_in" label="Sign in with NHS CIS2" />
      </div>
    </div>
  );
}
