// Rotation import, step 2: the preview to confirm (or cancel), and afterwards the result.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { InsetText } from "~/components/nhsuk/inset-text";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { cancelImport, confirmImport, getImport, importerFrom, IMPORTER_ROLES } from "~/models/rotation-import.server";
import { formatDateTime } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";

const INVALID_SHOWN = 1000;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.status === "confirmed" ? "Rotation import" : "Check the import") },
];

export async function loader(args: LoaderFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const found = await getImport(await getDb(), importer, args.params.id ?? "", { invalidLimit: INVALID_SHOWN });
  if (!found) throw notFound();
  return json(found);
}

function appOrigin(request: Request): string {
  return process.env.APP_ORIGIN ?? new URL(request.url).origin;
}

export async function action(args: ActionFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const id = args.params.id ?? "";
  const form = await args.request.formData();
  const db = await getDb();
  if (form.get("intent") === "cancel") {
    if (!(await cancelImport(db, importer, id))) return json({ message: "This preview can no longer be cancelled" }, { status: 409 });
    return redirect("/imports");
  }
  const result = await confirmImport(db, importer, id, { origin: appOrigin(args.request) });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return json({ message: result.message }, { status: result.status });
  }
  return redirect(`/imports/${id}?confirmed=1`);
}

function Counts({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const preview = data.status === "preview";
  const rows: [string, number, string][] = [
    ["New trainees", data.newTrainees, preview ? "get an account and an email inviting them to set a password" : "invited by email"],
    ["Updated trainees", data.updatedTrainees, "grade, specialty, programme or working pattern changed"],
    ["New placements", data.newPlacements, ""],
    ["Updated placements", data.updatedPlacements, "matched on GMC number, trust and Date From, with other details changed"],
    ["Unchanged rows", data.unchangedRows, "already held exactly as in the file"],
    ["Invalid rows", data.invalidRows, preview ? "will not be imported" : "not imported"],
  ];
  return (
    <SummaryList>
      {rows.map(([label, value, note]) => (
        <SummaryList.Row key={label}>
          <SummaryList.Key>{label}</SummaryList.Key>
          <SummaryList.Value>
            <span className="nhsuk-u-font-weight-bold">{value.toLocaleString("en-GB")}</span>
            {note && value ? <span className="app-secondary-text"> ({note})</span> : null}
          </SummaryList.Value>
        </SummaryList.Row>
      ))}
    </SummaryList>
  );
}

export default function ImportPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const preview = data.status === "preview";
  const downloadHref = `/imports/${data.id}/invalid.csv`;
  return (
    <>
      <BackLink href="/imports">Back to imports</BackLink>
      <MessageSummary message={actionData?.message} href="#confirm" />
      {!preview && params.get("confirmed") ? <SuccessBanner>Import complete: the placements are saved</SuccessBanner> : null}
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h1>
            <span className="nhsuk-caption-l app-break-all">{data.fileName}</span>
            {preview ? "Check the import" : "Rotation import"}
          </h1>
          <p>
            {preview ? "Uploaded" : "Imported"} by {data.importedByName ?? "a former user"} on{" "}
            {formatDateTime(data.confirmedAt ?? data.createdAt)}
            {data.trustName ? ` for ${data.trustName} (${data.trustOds})` : ""}.
            {preview ? " Nothing has been saved yet." : ""}
          </p>
          <Counts data={data} />
        </div>
      </div>

      {preview && data.newTraineeList.length ? (
        <>
          <h2>New trainees</h2>
          <p>
            {data.newTrainees === 1 ? "This trainee gets" : "These trainees get"} an account and an email to this address
            on confirming. Check the names and addresses before you confirm.
          </p>
          {data.newTrainees > data.newTraineeList.length ? (
            <p>
              The first {data.newTraineeList.length.toLocaleString("en-GB")} of {data.newTrainees.toLocaleString("en-GB")} new
              trainees are shown, in GMC number order.
            </p>
          ) : null}
          <ResponsiveTable caption="New trainees" captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={["Name", "GMC Number", "Email"]}>
            {data.newTraineeList.map((t) => (
              <Table.Row key={t.gmcNumber}>
                <Table.Cell>
                  {t.forenames} {t.surname}
                </Table.Cell>
                <Table.Cell>{t.gmcNumber}</Table.Cell>
                <Table.Cell className="app-break-all">{t.email}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        </>
      ) : null}

      {data.invalidRows ? (
        <>
          <h2>Invalid rows</h2>
          <p>
            {preview ? "These rows will not be imported." : "These rows were not imported."} Download them, correct them and
            upload the file again: the download has the same columns, with the line, column and reason added.
          </p>
          <p>
            <a href={downloadHref} download>
              Download the invalid rows (CSV)
            </a>
          </p>
          {data.invalidRows > data.invalid.length ? (
            <p>
              The first {data.invalid.length.toLocaleString("en-GB")} of {data.invalidRows.toLocaleString("en-GB")} invalid
              rows are shown. The download has them all.
            </p>
          ) : null}
          <ResponsiveTable caption="Invalid rows" captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={[{ label: "Line", numeric: true }, "GMC Number", "Column", "Reason"]}>
            {data.invalid.map((row) => (
              <Table.Row key={row.line}>
                <Table.Cell format="numeric">{row.line}</Table.Cell>
                <Table.Cell>{row.gmcNumber}</Table.Cell>
                <Table.Cell>{[...new Set(row.errors.map((e) => e.column || "Whole row"))].join(", ")}</Table.Cell>
                <Table.Cell>
                  {row.errors.map((e, i) => (
                    <span key={i} className="app-preserve-lines">
                      {i ? <br /> : null}
                      {e.reason}
                    </span>
                  ))}
                </Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        </>
      ) : null}

      {preview ? (
        <div id="confirm">
          {data.expired ? (
            <WarningCallout>
              <WarningCallout.Heading>This preview has expired</WarningCallout.Heading>
              <p>Previews are kept for a day. Upload the file again to import it.</p>
            </WarningCallout>
          ) : data.canConfirm ? (
            <Form method="post" className="app-actions">
              <p>
                Confirming saves every valid row in one go
                {data.newTrainees ? " and sends each new trainee an email inviting them to set a password" : ""}.
              </p>
              <Button type="submit" name="intent" value="confirm" disabled={busy}>
                Confirm import
              </Button>{" "}
              <Button type="submit" name="intent" value="cancel" secondary disabled={busy}>
                Cancel import
              </Button>
            </Form>
          ) : (
            <InsetText>
              <p>Only {data.importedByName ?? "the person who uploaded the file"} can confirm this import.</p>
            </InsetText>
          )}
        </div>
      ) : null}
    </>
  );
}
