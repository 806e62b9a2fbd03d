import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, MessageSummary, pageTitle } from "~/components/form-errors";
import { OpportunityFilter, RoundForm } from "~/components/round-form";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { canEditRound } from "~/models/round-rules";
import { getRoundForEdit, pickerFilters, roundFormOptions, updateRound } from "~/models/round-admin.server";
import { roundFormSchema } from "~/models/rounds.schema";
import { londonDateAndTime } from "~/utils/dates";
import { failure, parseForm } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `Change ${data.round.name}` : "Change a round") }];

const NOT_EDITABLE = "This round has opened, so it can no longer be changed. You can still cancel it until it closes.";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "trust_lead"] });
  const db = await getDb();
  const round = await getRoundForEdit(db, user, args.params.id ?? "");
  if (!round) throw notFound();
  if (!canEditRound(round.phase)) throw new Response(NOT_EDITABLE, { status: 409, statusText: "This round can no longer be changed" });
  const filters = pickerFilters(new URL(args.request.url).searchParams);
  const picker = await roundFormOptions(db, { trustId: round.trustId, roundId: round.id }, filters, round.opportunityIds);
  const [opensDate, opensTime] = londonDateAndTime(round.opensAt);
  const [closesDate, closesTime] = londonDateAndTime(round.closesAt);
  return json({
    ...picker,
    filters,
    forAdmin: user.role === "admin",
    // An admin may choose other trusts' opportunities only in an admin's round; a lead's round stays the lead's trust's.
    acrossTrusts: round.trustId === null,
    round: { id: round.id, name: round.name },
    initial: {
      name: round.name,
      opportunityIds: round.opportunityIds,
      opensDate,
      opensTime,
      closesDate,
      closesTime,
      maxChoices: String(round.maxChoices),
      seed: user.role === "admin" ? (round.seed ?? "") : "",
    },
  });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: ["admin", "trust_lead"] });
  // Another trust's round is not found before the form is read, as on the page.
  if (!(await getRoundForEdit(await getDb(), user, args.params.id ?? ""))) throw notFound();
  const formData = await args.request.formData();
  const parsed = parseForm(roundFormSchema(new Date()), formData, { arrayFields: ["opportunityIds"] });
  if (!parsed.ok) return invalid(parsed);
  const result = await updateRound(await getDb(), user, args.params.id ?? "", parsed.data, new Date(), auditContext(args.context));
  if (!result.ok && result.status === 404) throw notFound();
  if (!result.ok) return invalid(failure(formData, result.fieldErrors, result.message), result.status === 409 ? 409 : 400);
  return redirect(`/rounds/${result.id}?done=saved`);
}

export default function EditRound() {
  const { options, filtered, more, heldElsewhere, places, filters, forAdmin, acrossTrusts, round, initial } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/rounds/${round.id}`}>Back to the round</BackLink>
        {actionData?.formError && !Object.keys(actionData.fieldErrors).length ? (
          <MessageSummary message={actionData.formError} href="#maincontent" />
        ) : (
          <FormErrorSummary failure={actionData} />
        )}
        <h1>
          <span className="nhsuk-caption-l">Change the round</span>
          {round.name}
        </h1>
        {acrossTrusts && places ? <OpportunityFilter places={places} filters={filters} /> : null}
        <RoundForm
          failure={actionData}
          initial={initial}
          options={options}
          filtered={filtered}
          more={more}
          heldElsewhere={heldElsewhere}
          forAdmin={forAdmin && acrossTrusts}
          showSeed={forAdmin}
          submitLabel="Save changes"
        />
      </div>
    </div>
  );
}
