// NHS CIS2 sends the browser back here (the redirect_uri registered with the provider). The
// state, PKCE, nonce, ID token and acr are checked in cis2.server.ts; this route turns the
// verified identity into a session, an accepted invitation or a linked account, or into a plain
// page saying what happened. Nothing from the address or the tokens is logged.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";

import { createCis2Session, endSession, homePathFor } from "~/auth.server";
import { finishCis2SignIn, getCis2 } from "~/cis2.server";
import { CIS2_PROBLEMS, Cis2ProblemPage, type Cis2Problem } from "~/components/cis2-problem";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { acceptInvitationWithCis2, findCis2Account, linkCis2Identity } from "~/models/cis2-accounts.server";
import { notFound } from "~/utils/http.server";
import { pageTitle } from "~/utils/page-title";
import { safeRedirect } from "~/utils/redirect";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data && "problem" in data ? CIS2_PROBLEMS[data.problem as Cis2Problem].title : "Signing in with NHS CIS2") },
];

const STATUS: Record<Cis2Problem, number> = {
  cancelled: 400,
  provider_error: 400,
  state: 400,
  state_used: 400,
  code_expired: 400,
  invalid_response: 400,
  acr_too_low: 403,
  unavailable: 503,
  unknown_subject: 403,
  invitation_unavailable: 410,
  not_staff: 403,
  email_mismatch: 403,
  email_unverified: 403,
  subject_taken: 409,
  account_exists: 409,
  link_signed_out: 403,
  already_linked: 409,
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!getCis2()) throw notFound();
  const db = await getDb();
  const result = await finishCis2SignIn(db, request);
  const cookies = [result.clearCookie];
  const problem = (reason: Cis2Problem) => {
    const headers = new Headers({ "Cache-Control": "no-store" });
    for (const c of cookies) headers.append("Set-Cookie", c);
    if (reason === "unavailable") headers.set("Retry-After", "60");
    return json({ problem: reason }, { status: STATUS[reason], headers });
  };
  if (!result.ok) return problem(result.reason);
  const { claims } = result;
  const audit = auditContext(context);

  const signInAs = async (userId: string, home: string) => {
    // Whoever was signed in in this browser before is signed out: the new session replaces it.
    if (context.sessionId) await endSession(db, context.sessionId);
    const headers = new Headers();
    for (const c of cookies) headers.append("Set-Cookie", c);
    headers.append("Set-Cookie", await createCis2Session(db, userId, claims.sid));
    return redirect(safeRedirect(claims.redirectTo, home), { headers });
  };

  switch (claims.purpose) {
    case "sign_in": {
      const match = await findCis2Account(db, { issuer: claims.issuer, sub: claims.sub });
      if (!match.ok) return problem("unknown_subject");
      return signInAs(match.userId, homePathFor(match.role));
    }
    case "invitation": {
      const accepted = await acceptInvitationWithCis2(
        db,
        {
          issuer: claims.issuer,
          sub: claims.sub,
          invitationId: claims.invitationId!,
          email: claims.email,
          emailVerified: claims.emailVerified,
          name: claims.name,
        },
        new Date(),
        audit,
      );
      if (!accepted.ok) return problem(accepted.reason);
      return signInAs(accepted.userId, homePathFor(accepted.role));
    }
    case "link": {
      // The account that asked to link must still be the one signed in here.
      if (!context.user || context.user.id !== claims.userId) return problem("link_signed_out");
      const linked = await linkCis2Identity(db, { issuer: claims.issuer, sub: claims.sub, userId: context.user.id }, new Date(), audit);
      if (!linked.ok) return problem(linked.reason === "no_account" ? "link_signed_out" : linked.reason);
      const headers = new Headers();
      for (const c of cookies) headers.append("Set-Cookie", c);
      return redirect(safeRedirect(claims.redirectTo, "/trainee/profile"), { headers });
    }
  }
}

export default function Cis2Callback() {
  const data = useLoaderData<typeof loader>();
  return <Cis2ProblemPage problem={data.problem as Cis2Problem} />;
}
