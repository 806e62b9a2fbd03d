// The plain pages of an NHS CIS2 sign-in that did not end in a session (issue 14): each says
// what happened and what to do. The words live here, not in the loader: the loader sends only
// the reason.
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

// A type only: erased from the browser's bundle.
import type { Cis2Failure } from "~/cis2.server";

import { Cis2Button } from "./cis2-button";

/** Why a sign-in ended without a session: the callback's failures, and the account checks after it. */
export type Cis2Problem =
  | Cis2Failure
  | "unknown_subject"
  | "invitation_unavailable"
  | "not_staff"
  | "email_mismatch"
  | "email_unverified"
  | "subject_taken"
  | "account_exists"
  | "link_signed_out"
  | "already_linked";

const START_AGAIN = (
  <p>
    To try again, choose &ldquo;Sign in with NHS CIS2&rdquo; below. If you were accepting an invitation, open the link in your
    invitation email again instead.
  </p>
);

export const CIS2_PROBLEMS: Record<Cis2Problem, { title: string; body: ReactNode }> = {
  cancelled: {
    title: "You did not finish signing in with NHS CIS2",
    body: (
      <>
        <p>Signing in was cancelled or refused at NHS CIS2, so you have not been signed in and nothing has changed.</p>
        {START_AGAIN}
      </>
    ),
  },
  provider_error: {
    title: "NHS CIS2 could not sign you in",
    body: (
      <>
        <p>NHS CIS2 answered with an error, so you have not been signed in.</p>
        {START_AGAIN}
        <p>If it happens again, contact your organisation&apos;s registration authority or IT service desk.</p>
      </>
    ),
  },
  state: {
    title: "Signing in with NHS CIS2 did not start in this browser",
    body: (
      <>
        <p>
          A sign-in with NHS CIS2 must finish in the same browser it started in, within 10 minutes. This one started somewhere else, or too
          long ago, so you have not been signed in.
        </p>
        {START_AGAIN}
      </>
    ),
  },
  state_used: {
    title: "This NHS CIS2 sign-in has already been used or has expired",
    body: (
      <>
        <p>
          Each sign-in with NHS CIS2 can be used once, within 10 minutes. This one was used already or is older than that, so you have not
          been signed in again. Going back in the browser after signing in can cause this.
        </p>
        {START_AGAIN}
      </>
    ),
  },
  code_expired: {
    title: "Your NHS CIS2 sign-in expired",
    body: (
      <>
        <p>NHS CIS2 no longer accepts the sign-in it sent back (it lasts a few minutes and works once), so you have not been signed in.</p>
        {START_AGAIN}
      </>
    ),
  },
  invalid_response: {
    title: "We could not check your NHS CIS2 sign-in",
    body: (
      <>
        <p>The answer from NHS CIS2 did not pass our security checks, so you have not been signed in.</p>
        {START_AGAIN}
        <p>If it happens again, contact your regional administrator.</p>
      </>
    ),
  },
  acr_too_low: {
    title: "Sign in again with your smartcard or authenticator app",
    body: (
      <>
        <p>
          Invitational needs a stronger NHS CIS2 sign-in than the one you used (a password alone is not enough). You have not been signed
          in.
        </p>
        <p>
          Choose &ldquo;Sign in with NHS CIS2&rdquo; below and sign in with your smartcard, or with NHS CIS2 Authenticator or
          another authenticator app.
        </p>
      </>
    ),
  },
  unavailable: {
    title: "NHS CIS2 is not answering",
    body: (
      <>
        <p>We cannot reach NHS CIS2 at the moment, so you cannot sign in with it now.</p>
        <p>
          Try again in a few minutes. If you have an Invitational password, you can <Link to="/sign-in">sign in with it</Link>.
        </p>
      </>
    ),
  },
  unknown_subject: {
    title: "Your NHS CIS2 identity is not linked to an Invitational account",
    body: (
      <>
        <p>You signed in to NHS CIS2, but no Invitational account uses that identity yet, so you have not been signed in.</p>
        <ul>
          <li>
            If you were invited (trust leads, directors of medical education, regional teams), open the link in your invitation email and
            choose &ldquo;Accept with NHS CIS2&rdquo;.
          </li>
          <li>
            If you are a trainee, <Link to="/sign-in">sign in with your password</Link>, then link NHS CIS2 from your profile.
          </li>
          <li>Otherwise, ask your regional administrator for an invitation.</li>
        </ul>
      </>
    ),
  },
  invitation_unavailable: {
    title: "You cannot use this invitation",
    body: (
      <>
        <p>The invitation has been used, cancelled or has expired, so no account was set up.</p>
        <p>
          If you already set up your account, <Link to="/sign-in">sign in</Link>. Otherwise open the link in your invitation email to ask
          for a new one, or contact your regional administrator.
        </p>
      </>
    ),
  },
  not_staff: {
    title: "This invitation is accepted with a password",
    body: (
      <>
        <p>Trainees set a password when they accept their invitation, and can link NHS CIS2 from their profile afterwards.</p>
        <p>Open the link in your invitation email again and create a password.</p>
      </>
    ),
  },
  email_mismatch: {
    title: "Your NHS CIS2 email address does not match the invitation",
    body: (
      <>
        <p>
          The invitation was sent to a different email address from the one on your NHS CIS2 account, so we have not set up your account.
        </p>
        <p>
          Ask your regional administrator to invite the email address on your NHS CIS2 account, or check that you signed in to NHS CIS2 as
          yourself.
        </p>
      </>
    ),
  },
  email_unverified: {
    title: "NHS CIS2 has not confirmed your email address",
    body: (
      <>
        <p>Your NHS CIS2 account says its email address is not confirmed, so we cannot match it to the invitation.</p>
        <p>Ask your organisation&apos;s registration authority to confirm your email address, then open the invitation link again.</p>
      </>
    ),
  },
  subject_taken: {
    title: "This NHS CIS2 identity is already linked to another Invitational account",
    body: (
      <>
        <p>One NHS CIS2 identity can be linked to one Invitational account only, so nothing has changed.</p>
        <p>
          <Link to="/sign-in">Sign in with NHS CIS2</Link> to use the account it is linked to, or ask your regional administrator to unlink
          it.
        </p>
      </>
    ),
  },
  account_exists: {
    title: "An account with this email address already exists",
    body: (
      <p>
        You already have an Invitational account, so the invitation was not needed. <Link to="/sign-in">Sign in</Link> instead.
      </p>
    ),
  },
  link_signed_out: {
    title: "Sign in to link NHS CIS2",
    body: (
      <p>
        Linking NHS CIS2 must finish in the account it started from. <Link to="/sign-in">Sign in</Link> with your password, then choose
        &ldquo;Link NHS CIS2&rdquo; on your profile again.
      </p>
    ),
  },
  already_linked: {
    title: "Your account already has an NHS CIS2 identity linked",
    body: <p>Unlink it from your profile first if you want to link a different one.</p>,
  },
};

/** Problems a new sign-in may cure: their page offers the button to start again. */
const START_AGAIN_HERE: readonly Cis2Problem[] = ["cancelled", "provider_error", "state", "state_used", "code_expired", "invalid_response", "acr_too_low"];

export function Cis2ProblemPage({ problem }: { problem: Cis2Problem }) {
  const { title, body } = CIS2_PROBLEMS[problem];
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <h1>{title}</h1>
        {body}
        {START_AGAIN_HERE.includes(problem) ? <Cis2Button purpose="sign_in" label="Sign in with NHS CIS2" /> : null}
      </div>
    </div>
  );
}
