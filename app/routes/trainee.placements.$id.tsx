import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { SummaryList } from "~/components/nhsuk/summary-list";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, pageTitle } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { PlacementSchema } from "~/models/profile.schema";
import { deletePlacement, getOwnPlacement, placementFormOptions, savePlacement } from "~/models/profile.server";
import { formatDate } from "~/utils/dates";
import { failure, parseForm } from "~/utils/forms";
import { notFound } from "~/utils/http.server";

import { PLACEMENT_TYPE_LABELS, PlacementForm, refusedPlacement, valuesFromAddress, type PlacementFormValues } from "./trainee.placements.new";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.placement.source === "manual" ? "Change a placement" : "Placement") },
];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  // Another trainee's placement, or no placement: the same 404.
  const placement = await getOwnPlacement(db, user.id, args.params.id ?? "");
  if (!placement) throw notFound();
  if (placement.source !== "manual") return json({ placement, form: null });
  const initial: PlacementFormValues = {
    trustId: placement.trustId,
    siteId: placement.siteId ?? "",
    specialty: placement.specialty,
    grade: placement.grade,
    startsOn: placement.startsOn,
    endsOn: placement.endsOn,
    wte: Number(placement.wte).toFixed(2).replace(/0$/, ""),
    placementType: placement.placementType,
    // The form sent to "Show the trust's sites" (without JavaScript) comes back with its values.
    ...valuesFromAddress(new URL(args.request.url).searchParams),
  };
  return json({ placement, form: { initial, options: await placementFormOptions(db, initial.trustId || null) } });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const id = args.params.id ?? "";
  const db = await getDb();
  const formData = await args.request.formData();
  if (formData.get("intent") === "delete") {
    const result = await deletePlacement(db, user.id, id, auditContext(args.context));
    if (!result.ok) {
      if (result.status === 404) throw notFound();
      return refusedPlacement(db, failure(formData, {}, result.message), result.status);
    }
    return redirect("/trainee/profile?done=deleted#placements");
  }
  if (!(await getOwnPlacement(db, user.id, id))) throw notFound();
  const parsed = parseForm(PlacementSchema, formData);
  if (!parsed.ok) return refusedPlacement(db, parsed);
  const result = await savePlacement(db, user.id, parsed.data, id, auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return refusedPlacement(db, failure(formData, result.fieldErrors, result.formError), result.status);
  }
  return redirect("/trainee/profile?done=saved#placements");
}

export default function EditPlacement() {
  const { placement, form } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const heading = `${placement.trustName}, ${formatDate(placement.startsOn)} to ${formatDate(placement.endsOn)}`;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trainee/profile#placements">Back to your profile</BackLink>
        <FormErrorSummary failure={actionData} />
        {form ? (
          <>
            <h1>
              <span className="nhsuk-caption-l">{heading}</span>
              Change a placement
            </h1>
            <PlacementForm failure={actionData} options={form.options} initial={form.initial} submitLabel="Save placement" />
            <h2>Delete this placement</h2>
            <p>Delete it if you added it by mistake or it did not happen. You can add it again later.</p>
            <Form method="post">
              <Button type="submit" name="intent" value="delete" warning>
                Delete placement
              </Button>
            </Form>
          </>
        ) : (
          <>
            <h1>
              <span className="nhsuk-caption-l">Your placements</span>
              {heading}
            </h1>
            <InsetText>
              <p>
                From the training-information system. It cannot be changed here: if it is wrong, ask your deanery to
                correct it.
              </p>
            </InsetText>
            <SummaryList>
              <SummaryList.Row>
                <SummaryList.Key>Site</SummaryList.Key>
                <SummaryList.Value>{placement.siteName || "Not recorded"}</SummaryList.Value>
              </SummaryList.Row>
              <SummaryList.Row>
                <SummaryList.Key>Specialty and grade</SummaryList.Key>
                <SummaryList.Value>{[placement.specialty, placement.grade].filter(Boolean).join(", ")}</SummaryList.Value>
              </SummaryList.Row>
              <SummaryList.Row>
                <SummaryList.Key>Whole-time equivalent</SummaryList.Key>
                <SummaryList.Value>{Number(placement.wte).toFixed(2)}</SummaryList.Value>
              </SummaryList.Row>
              <SummaryList.Row>
                <SummaryList.Key>Type</SummaryList.Key>
                <SummaryList.Value>{PLACEMENT_TYPE_LABELS[placement.placementType]}</SummaryList.Value>
              </SummaryList.Row>
            </SummaryList>
          </>
        )}
      </div>
    </div>
  );
}
