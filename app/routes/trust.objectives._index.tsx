import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";
import { TextInput } from "~/components/nhsuk/text-input";
import { Textarea } from "~/components/nhsuk/textarea";

import { requireStaff } from "~/auth.server";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { createObjective, listObjectives } from "~/models/objectives.server";
import { ObjectiveSchema } from "~/models/opportunities.schema";
import { parseForm } from "~/utils/forms";
import { invalid } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction = () => [{ title: pageTitle("Organisational objectives") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  return json({ objectives: await listObjectives(await getDb(), user.trustId, { includeRetired: true }) });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireStaff(args, "trust_lead");
  const formData = await args.request.formData();
  const parsed = parseForm(ObjectiveSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  await createObjective(await getDb(), user.trustId, parsed.data, auditContext(args.context));
  return redirect("/trust/objectives?added=1");
}

export default function Objectives() {
  const { objectives } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <>
      {params.get("added") && !actionData ? <SuccessBanner>The objective is added.</SuccessBanner> : null}
      {params.get("done") && !actionData ? (
        <SuccessBanner>
          {ownValue({ saved: "The objective is saved.", retire: "The objective is retired.", restore: "The objective can be chosen again." }, params.get("done")) ??
            "Done."}
        </SuccessBanner>
      ) : null}
      <FormErrorSummary failure={actionData} />
      <h1>Organisational objectives</h1>
      <p>
        What your trust is trying to achieve this year. Quality improvement projects must support one of them, so trainees
        see what the organisation wants.
      </p>
      {objectives.length ? (
        <ResponsiveTable columns={["Objective", { label: "Opportunities", numeric: true }, "Status"]}>
          {objectives.map((o) => (
            <Table.Row key={o.id}>
              <Table.Cell>
                <Link to={`/trust/objectives/${o.id}`}>{o.title}</Link>
                {o.description ? <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-secondary-text">{o.description}</p> : null}
              </Table.Cell>
              <Table.Cell format="numeric">{o.opportunities}</Table.Cell>
              <Table.Cell>{o.retiredAt ? <Tag modifier="grey">Retired</Tag> : <Tag modifier="green">Current</Tag>}</Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>Your trust has no objectives yet.</p>
      )}
      <h2>Add an objective</h2>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <Form method="post" noValidate>
            <TextInput id="title" name="title" label="Objective" hint="For example, Reduce delayed discharges by 20% by March 2027" defaultValue={keptValue(actionData, "title")} error={fieldError(actionData, "title")} />
            <Textarea id="description" name="description" label="Description (optional)" rows={3} defaultValue={keptValue(actionData, "description")} error={fieldError(actionData, "description")} />
            <Button type="submit">Add objective</Button>
          </Form>
        </div>
      </div>
    </>
  );
}
