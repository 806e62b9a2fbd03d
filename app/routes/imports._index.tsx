// Rotation import, step 1: upload the placements CSV; below, the imports made before.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Details } from "~/components/nhsuk/details";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, pageTitle } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { IMPORT_COLUMNS } from "~/models/rotation-import";
import { createImportPreview, importerFrom, IMPORTER_ROLES, importScope, listImports, readRotationUpload } from "~/models/rotation-import.server";
import { formatDateTime } from "~/utils/dates";
import type { FormFailure } from "~/utils/forms";
import { ResponsiveTable } from "~/components/responsive-table";

export const meta: MetaFunction = () => [{ title: pageTitle("Import rotations") }];

export async function loader(args: LoaderFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const db = await getDb();
  const [imports, trust] = await Promise.all([listImports(db, importer), importScope(db, importer)]);
  return json({ role: importer.role, trust, imports });
}

export async function action(args: ActionFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const upload = await readRotationUpload(args.request);
  if (!upload.ok) {
    const body: FormFailure = { ok: false, fieldErrors: { file: upload.message }, values: {} };
    return json(body, { status: upload.status });
  }
  const { id } = await createImportPreview(await getDb(), importer, upload, { audit: auditContext(args.context) });
  return redirect(`/imports/${id}`);
}

/**
 * The NHS.UK file upload markup without its script: the script rebuilds the field's DOM, which
 * React then cannot update with an error message. A plain file input works without JavaScript too.
 */
function CsvFileInput({ error }: { error: string | undefined }) {
  return (
    <div className={`nhsuk-form-group${error ? " nhsuk-form-group--error" : ""}`}>
      <label className="nhsuk-label nhsuk-label--s" htmlFor="file">
        Upload a CSV file
      </label>
      <div className="nhsuk-hint" id="file--hint">
        Up to 20 MB and 100,000 rows
      </div>
      {error ? (
        <span className="nhsuk-error-message" id="file--error-message">
          <span className="nhsuk-u-visually-hidden">Error:</span> {error}
        </span>
      ) : null}
      <input
        className="nhsuk-file-upload__input"
        id="file"
        name="file"
        type="file"
        accept=".csv,text/csv"
        aria-describedby={error ? "file--hint file--error-message" : "file--hint"}
      />
    </div>
  );
}

export default function Imports() {
  const { role, trust, imports } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <FormErrorSummary failure={failed} />
          <h1>
            <span className="nhsuk-caption-l">{trust ? `${trust.name} (${trust.odsCode})` : "All trusts"}</span>
            Import rotations
          </h1>
          <p>
            Upload the placements export from the Trainee Information System as a CSV file. You will see what the import
            changes, and every row that cannot be imported, before anything is saved.
          </p>
          {role === "dme" && trust ? (
            <InsetText>
              <p>
                You can import placements at {trust.name} only: rows with another Employing Body Code are shown as not
                your trust. A trainee's grade, specialty, programme and working pattern change only from the row of
                their current placement.
              </p>
            </InsetText>
          ) : null}
          <Details>
            <Details.Summary>What the file needs</Details.Summary>
            <Details.Text>
              <p>A first row of column headings, in any order and any case, with at least these columns:</p>
              <ul>
                {IMPORT_COLUMNS.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
              <p>
                Other columns are ignored. Employing Body Code is the trust's ODS code. Dates are written like 2026-08-05
                or 05/08/2026. WTE is from 0.1 to 1.0 (below 1.0 is less than full time). Placement Type is In Post, In
                Post - Extension, Parental Leave, Long-term Sick, OOPE, OOPR, OOPT or OOPC.
              </p>
              <p>Rows are matched on GMC Number, Employing Body Code and Date From, so importing a file again changes nothing.</p>
              <p>
                A row whose name or email address is not the one on the account with its GMC Number is shown for you to
                check, and imported only if you accept it.
              </p>
            </Details.Text>
          </Details>
          <Form method="post" encType="multipart/form-data" noValidate>
            <CsvFileInput error={fieldError(failed, "file")} />
            <Button type="submit" disabled={busy}>
              Upload file
            </Button>
          </Form>
        </div>
      </div>

      <h2>Past imports</h2>
      {imports.length ? (
        <div className="app-table-wrapper">
          <ResponsiveTable caption="Imports, newest first" captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={["Date", "File", "By", "Trusts", "Trainees", "Placements", { label: "Unchanged", numeric: true }, { label: "Invalid", numeric: true }]}>
            {imports.map((i) => (
              <Table.Row key={i.id}>
                <Table.Cell>{formatDateTime(i.confirmedAt ?? i.createdAt)}</Table.Cell>
                <Table.Cell>
                  <Link to={`/imports/${i.id}`}>{i.fileName}</Link>
                  <br />
                  {i.status === "confirmed" ? <Tag modifier="green">Imported</Tag> : <Tag modifier="yellow">Not confirmed</Tag>}
                </Table.Cell>
                <Table.Cell>{i.importedByName ?? "A former user"}</Table.Cell>
                {role === "admin" ? <Table.Cell>{i.trustOds ?? "All"}</Table.Cell> : null}
                <Table.Cell>
                  {i.newTrainees} new, {i.updatedTrainees} updated
                </Table.Cell>
                <Table.Cell>
                  {i.newPlacements} new, {i.updatedPlacements} updated
                </Table.Cell>
                <Table.Cell format="numeric">{i.unchangedRows}</Table.Cell>
                <Table.Cell format="numeric">{i.invalidRows}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        </div>
      ) : (
        <p>No rotations have been imported yet.</p>
      )}
    </>
  );
}
