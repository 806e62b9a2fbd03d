import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { ResponsiveTable } from "~/components/responsive-table";
import { Table } from "~/components/nhsuk/table";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { SetBaselineSchema, trainingYearLabel } from "~/models/baselines.schema";
import { baselineYearChoices, currentTrainingYear, listBaselines, setBaseline } from "~/models/baselines.server";
import { formatDate } from "~/utils/dates";
import { failure, parseForm } from "~/utils/forms";
import { forbidden, invalid } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Baseline of the reports") }];

async function pageData() {
  const baselines = await listBaselines(await getDb());
  return {
    years: baselineYearChoices(),
    current: currentTrainingYear(),
    baselines: baselines.map((b) => ({ year: b.year, baselineOn: b.baselineOn })),
  };
}

export async function loader(args: LoaderFunctionArgs) {
  requireUser(args, { role: "admin" });
  return json(await pageData());
}

export async function action(args: ActionFunctionArgs) {
  const admin = requireUser(args, { role: "admin" });
  const formData = await args.request.formData();
  const parsed = parseForm(SetBaselineSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await setBaseline(await getDb(), admin, parsed.data);
  if (!result.ok) {
    if (result.status === 403) throw forbidden();
    return invalid(failure(formData, result.fieldErrors));
  }
  return json({ ok: true as const, year: result.baseline.year, baselineOn: result.baseline.baselineOn, replaced: result.replaced, ...(await pageData()) });
}

export default function ReportBaseline() {
  const loaded = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failed = actionData && !actionData.ok ? actionData : undefined;
  const saved = actionData?.ok ? actionData : undefined;
  // After saving, the table shows the row just written (the action read it back).
  const { years, current, baselines } = saved ?? loaded;
  const selectedYear = keptValue(failed, "year", String(saved?.year ?? current));
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/reports">Back to reports</BackLink>
        {saved ? (
          <SuccessBanner>
            Baseline for {trainingYearLabel(saved.year)} saved: {formatDate(saved.baselineOn)}
            {saved.replaced ? ` (it was ${formatDate(saved.replaced)})` : ""}
          </SuccessBanner>
        ) : null}
        <FormErrorSummary failure={failed} />
        <h1>Baseline of the reports</h1>
        <p>
          The baseline is the date each training year's figures are compared with, for example the day the service
          started at your trusts. The reports show every figure as it stood on that date beside the figure now, and the change.
        </p>
        <p>A training year runs from 1 August to 31 July. Each year has one baseline; saving a new date replaces the old one.</p>
        <Form method="post" noValidate>
          <Select id="year" name="year" label="Training year" defaultValue={selectedYear} error={fieldError(failed, "year")}>
            {years.map((y) => (
              <Select.Option key={y} value={String(y)}>
                {trainingYearLabel(y)}
              </Select.Option>
            ))}
          </Select>
          <TextInput
            id="baselineOn"
            name="baselineOn"
            type="date"
            label="Baseline date"
            hint="A date in the training year, today or earlier, for example 2026-09-01"
            width={10}
            defaultValue={keptValue(failed, "baselineOn")}
            error={fieldError(failed, "baselineOn")}
          />
          <Button type="submit">Save baseline</Button>
        </Form>
        <h2>Baselines recorded</h2>
        {baselines.length ? (
          <ResponsiveTable columns={["Training year", "Baseline date"]}>
            {baselines.map((b) => (
              <Table.Row key={b.year}>
                <Table.Cell>{trainingYearLabel(b.year)}</Table.Cell>
                <Table.Cell>{formatDate(b.baselineOn)}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        ) : (
          <p>No baseline has been recorded yet.</p>
        )}
      </div>
    </div>
  );
}
