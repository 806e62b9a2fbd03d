import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { TextInput } from "~/components/nhsuk/text-input";
import { Textarea } from "~/components/nhsuk/textarea";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { UUID } from "~/models/accounts.schema";
import { getObjective, setObjectiveRetired, updateObjective } from "~/models/objectives.server";
import { ObjectiveSchema } from "~/models/opportunities.schema";
import { parseForm } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Edit objective") }];

async function load(trustId: string, id: string | undefined) {
  if (!id || !UUID.test(id)) throw notFound();
  const objective = await getObjective(await getDb(), trustId, id);
  if (!objective) throw notFound();
  return objective;
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const objective = await load(user.trustId, args.params.id);
  return json({ objective: { id: objective.id, title: objective.title, description: objective.description, retired: Boolean(objective.retiredAt) } });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const objective = await load(user.trustId, args.params.id);
  const formData = await args.request.formData();
  const db = await getDb();
  const intent = formData.get("intent");
  if (intent === "retire" || intent === "restore") {
    await setObjectiveRetired(db, user.trustId, objective.id, intent === "retire", auditContext(args.context));
    return redirect(`/trust/objectives?done=${intent}`);
  }
  const parsed = parseForm(ObjectiveSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  await updateObjective(db, user.trustId, objective.id, parsed.data, auditContext(args.context));
  return redirect("/trust/objectives?done=saved");
}

export default function EditObjective() {
  const { objective } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trust/objectives">Back to objectives</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>Edit objective</h1>
        <Form method="post" noValidate>
          <TextInput id="title" name="title" label="Objective" defaultValue={keptValue(actionData, "title", objective.title)} error={fieldError(actionData, "title")} />
          <Textarea id="description" name="description" label="Description (optional)" rows={3} defaultValue={keptValue(actionData, "description", objective.description)} error={fieldError(actionData, "description")} />
          <Button type="submit">Save objective</Button>
        </Form>
        <h2>{objective.retired ? "Use this objective again" : "Retire this objective"}</h2>
        <p>
          {objective.retired
            ? "Restoring it lets new opportunities choose it again."
            : "A retired objective stays on the opportunities that already support it, but new ones cannot choose it."}
        </p>
        <Form method="post">
          <Button type="submit" name="intent" value={objective.retired ? "restore" : "retire"} secondary>
            {objective.retired ? "Restore objective" : "Retire objective"}
          </Button>
        </Form>
      </div>
    </div>
  );
}
