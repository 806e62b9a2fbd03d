import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import * as v from "valibot";

import { requireStaff } from "~/auth.server";
import { pageTitle } from "~/components/form-errors";
import { INVITATION_DONE_MESSAGES, InvitationsTable } from "~/components/invitations-table";
import { Pager } from "~/components/pager";
import { plural } from "~/utils/plural";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { cancelInvitation, listInvitations, resendInvitation } from "~/models/users.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Trainees who have not set up their account") }];

const PageSchema = v.fallback(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(10000)), 1);

export async function loader(args: LoaderFunctionArgs) {
  const dme = requireStaff(args, "dme");
  const page = v.parse(PageSchema, new URL(args.request.url).searchParams.get("page") ?? "1");
  const result = await listInvitations(await getDb(), { role: "dme", trustId: dme.trustId }, { who: "trainee", page }, { today: todayInLondon() });
  return json(result);
}

export async function action(args: ActionFunctionArgs) {
  const dme = requireStaff(args, "dme");
  const form = await args.request.formData();
  const intent = form.get("intent");
  const id = String(form.get("invitationId") ?? "");
  const actor = { role: "dme" as const, trustId: dme.trustId };
  const db = await getDb();
  // Outside the DME's trust (or not a trainee's), an invitation is not found: 404, like any other trust's data.
  if (intent === "cancel-invitation") {
    if (!(await cancelInvitation(db, actor, id, todayInLondon(), auditContext(args.context)))) throw notFound();
    return redirect("/dme/invitations?done=cancelled");
  }
  if (intent === "resend-invitation") {
    if (!(await resendInvitation(db, actor, id, { origin: appOrigin(args.request), today: todayInLondon(), audit: auditContext(args.context) }))) throw notFound();
    return redirect("/dme/invitations?done=resent");
  }
  return json({ message: "Choose an invitation to send again or cancel" }, { status: 400 });
}

export default function DmeInvitations() {
  const { invitations, total, page, pageSize } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  return (
    <>
      <BackLink href="/dme">Back to trainees at your trust</BackLink>
      {done === "cancelled" || done === "resent" ? <SuccessBanner>{INVITATION_DONE_MESSAGES[done]}</SuccessBanner> : null}
      <h1>Trainees who have not set up their account</h1>
      <p>
        Trainees added by a rotation import get an invitation by email to set a password. These are the invitations
        not yet accepted by trainees placed at your trust now or in a coming rotation.
      </p>
      <p>
        Send one again for a new link and 7 more days: the old link stops working. Cancel one sent to a wrong address,
        then ask your regional administrator to correct the address.
      </p>
      {total ? (
        <InvitationsTable invitations={invitations} caption={plural(total, "invitation")} traineesOnly />
      ) : (
        <p>
          Every trainee placed here has set up their account. <Link to="/dme">Back to trainees at your trust</Link>
        </p>
      )}
      <Pager page={page} lastPage={lastPage} href={(p) => `?page=${p}`} />
    </>
  );
}
