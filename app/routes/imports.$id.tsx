// Rotation import, step 2: the preview to confirm (or cancel), and afterwards the result.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { InsetText } from "~/components/nhsuk/inset-text";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { trainingDetailChanges } from "~/models/rotation-import";
import { cancelImport, confirmImport, getImport, importerFrom, IMPORTER_ROLES, type RowToCheck } from "~/models/rotation-import.server";
import { formatDate, formatDateTime } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";
import { appOrigin } from "~/utils/origin.server";

const INVALID_SHOWN = 1000;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: pageTitle(data?.status === "confirmed" ? "Rotation import" : "Check the import") },
];

export async function loader(args: LoaderFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const found = await getImport(await getDb(), importer, args.params.id ?? "", { invalidLimit: INVALID_SHOWN, audit: auditContext(args.context) });
  if (!found) throw notFound();
  return json(found);
}

/** The lines ticked on the form: whole numbers only, anything else is not a line of the file. */
function acceptedLines(form: FormData): number[] {
  return form
    .getAll("accept")
    .map(String)
    .filter((v) => /^[1-9]\d{0,6}$/.test(v))
    .map(Number);
}

export async function action(args: ActionFunctionArgs) {
  const importer = importerFrom(requireUser(args, { role: IMPORTER_ROLES }));
  const id = args.params.id ?? "";
  const form = await args.request.formData();
  const db = await getDb();
  if (form.get("intent") === "cancel") {
    if (!(await cancelImport(db, importer, id, auditContext(args.context)))) return json({ message: "This preview can no longer be cancelled", accepted: [] }, { status: 409 });
    return redirect("/imports");
  }
  const accepted = acceptedLines(form);
  const result = await confirmImport(db, importer, id, { origin: appOrigin(args.request), accepted, audit: auditContext(args.context) });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    // The ticks stay ticked on the page shown again.
    return json({ message: result.message, accepted }, { status: result.status });
  }
  return redirect(`/imports/${id}?confirmed=1`);
}

type ImportData = ReturnType<typeof useLoaderData<typeof loader>>;

const count = (n: number) => n.toLocaleString("en-GB");

function Counts({ data }: { data: ImportData }) {
  const preview = data.status === "preview";
  const rows: [string, number, string][] = [
    ["New trainees", data.newTrainees, preview ? "get an account and an email inviting them to set a password" : "invited by email"],
    ["Updated trainees", data.updatedTrainees, "grade, specialty, programme or working pattern changed"],
    ["New placements", data.newPlacements, ""],
    ["Updated placements", data.updatedPlacements, "matched on GMC number, trust and Date From, with other details changed"],
    ["Unchanged rows", data.unchangedRows, "already held exactly as in the file"],
    [
      preview ? "Rows to check" : "Rows left out",
      data.rowsToCheck,
      preview
        ? "the name or email address is not the one on the account with that GMC number: imported only if you accept them"
        : "the name or email address was not the one on the account with that GMC number, and they were not accepted",
    ],
    ["Invalid rows", data.invalidRows - data.rowsToCheck, preview ? "will not be imported" : "not imported"],
  ];
  return (
    <SummaryList>
      {rows.map(([label, value, note]) => (
        <SummaryList.Row key={label}>
          <SummaryList.Key>{label}</SummaryList.Key>
          <SummaryList.Value>
            <span className="nhsuk-u-font-weight-bold">{count(value)}</span>
            {note && value ? <span className="app-secondary-text"> ({note})</span> : null}
          </SummaryList.Value>
        </SummaryList.Row>
      ))}
    </SummaryList>
  );
}

function FirstOf({ shown, total, what, order = "GMC number order" }: { shown: number; total: number; what: string; order?: string }) {
  if (total <= shown) return null;
  return (
    <p>
      The first {count(shown)} of {count(total)} {what} are shown, in {order}.
    </p>
  );
}

function UpdatedTrainees({ data }: { data: ImportData }) {
  if (!data.traineeUpdateList.length) return null;
  return (
    <>
      <h2>Trainees whose details change</h2>
      <p>
        Confirming changes these training details. Each trainee keeps the name and email address on their account.
        {data.trustId ? " From your trust's file, details change only where its row is the trainee's current placement." : ""}
      </p>
      <FirstOf shown={data.traineeUpdateList.length} total={data.updatedTrainees} what="updated trainees" />
      {data.traineeUpdateList.map((t) => (
        <div key={t.userId} className="nhsuk-u-margin-bottom-6">
          <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-2">
            {t.name}
            <span className="nhsuk-caption-m app-break-all">
              GMC {t.gmcNumber} · {t.email}
            </span>
          </h3>
          <ResponsiveTable caption={`Changes to ${t.name}'s training details`} captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={["Detail", "Now", "After the import"]}>
            {trainingDetailChanges(t).map((c) => (
              <Table.Row key={c.detail}>
                <Table.Cell>{c.detail}</Table.Cell>
                <Table.Cell>{c.before}</Table.Cell>
                <Table.Cell>{c.after}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        </div>
      ))}
    </>
  );
}

const holderOf = (row: { accountName: string | null }) => row.accountName ?? "the account holder";

function placementOf(row: { trust: string; startsOn: string; endsOn: string }) {
  return `${row.trust}, ${formatDate(row.startsOn)} to ${formatDate(row.endsOn)}`;
}

/** The rows to check, to tick (the importer, before confirming) or to read (anyone else, or once confirmed). */
function RowsToCheck({ data, tickable, ticked }: { data: ImportData; tickable: boolean; ticked: number[] }) {
  if (!data.rowsToCheck) return null;
  const preview = data.status === "preview";
  const rows: RowToCheck[] = data.toCheck;
  const one = data.rowsToCheck === 1;
  return (
    <div id="rows-to-check">
      <h2>{preview ? "Rows to check" : "Rows left out"}</h2>
      <p>
        The GMC number on {one ? "this row" : "these rows"} belongs to an account with another name or email address. It
        may be a mistyped GMC number, or the same doctor under another name or address.
      </p>
      {preview ? (
        <p>
          A row you tick is imported for the account holder: its placement is saved and their training details may change,
          and their account keeps its name and email address. A row you do not tick is left out.
        </p>
      ) : (
        <p>
          {one ? "It was" : "They were"} not accepted as the account holder's, so {one ? "it was" : "they were"} not imported.{" "}
          <a href={`/imports/${data.id}/invalid.csv`} download>
            Download the rows not imported (CSV)
          </a>
          , correct them and upload them again.
        </p>
      )}
      <FirstOf shown={rows.length} total={data.rowsToCheck} what={preview ? "rows to check" : "rows left out"} order="the file's order" />
      {tickable ? (
        <Checkboxes
          name="accept"
          id="accept"
          legend="Which rows are the account holder's?"
          legendProps={{ size: "s" }}
          hint="Tick each row that is the same doctor as the account with its GMC number"
        >
          {rows.map((r) => (
            <Checkboxes.Item
              key={r.line}
              id={`accept-${r.line}`}
              value={String(r.line)}
              defaultChecked={ticked.includes(r.line)}
              hint={
                <>
                  {r.reason}.
                  <br />
                  Placement: {placementOf(r)}.
                </>
              }
            >
              Import line {r.line} for {holderOf(r)} (GMC {r.gmcNumber})
            </Checkboxes.Item>
          ))}
        </Checkboxes>
      ) : (
        <ResponsiveTable caption={preview ? "Rows to check" : "Rows left out"} captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={[{ label: "Line", numeric: true }, "GMC number", "Account holder", "This row says", "Placement"]}>
          {rows.map((r) => (
            <Table.Row key={r.line}>
              <Table.Cell format="numeric">{r.line}</Table.Cell>
              <Table.Cell>{r.gmcNumber}</Table.Cell>
              <Table.Cell>{holderOf(r)}</Table.Cell>
              <Table.Cell className="app-break-all">
                {r.name}
                <br />
                {r.email}
              </Table.Cell>
              <Table.Cell>{placementOf(r)}</Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      )}
    </div>
  );
}

export default function ImportPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const preview = data.status === "preview";
  const downloadHref = `/imports/${data.id}/invalid.csv`;
  const otherInvalid = data.invalidRows - data.rowsToCheck;
  const canConfirm = preview && data.canConfirm && !data.expired && !data.nothingToImport;
  return (
    <>
      <BackLink href="/imports">Back to imports</BackLink>
      <MessageSummary message={actionData?.message} href={data.rowsToCheck && canConfirm ? "#rows-to-check" : "#confirm"} />
      {!preview && params.get("confirmed") ? (
        <SuccessBanner>
          The rotations are imported.
          {data.rowsToCheck
            ? ` ${count(data.rowsToCheck)} ${data.rowsToCheck === 1 ? "row was left out because it was" : "rows were left out because they were"} not ticked as the account holder's.`
            : ""}
        </SuccessBanner>
      ) : null}
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
          {data.nothingToImport ? (
            <InsetText>
              <h2 className="nhsuk-heading-m">There is nothing to import</h2>
              <p>
                Every valid row of this file is already held exactly as it is in the file
                {otherInvalid ? ", and the other rows cannot be imported" : ""}. Importing it would change nothing.
              </p>
            </InsetText>
          ) : null}
        </div>
      </div>

      {preview && data.newTraineeList.length ? (
        <>
          <h2>New trainees</h2>
          <p>
            {data.newTrainees === 1 ? "This trainee gets" : "These trainees get"} an account and an email to this address
            on confirming. Check the names and addresses before you confirm.
          </p>
          <FirstOf shown={data.newTraineeList.length} total={data.newTrainees} what="new trainees" />
          <ResponsiveTable caption="New trainees" captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={["Name", "GMC number", "Email address"]}>
            {data.newTraineeList.map((t) => (
              <Table.Row key={t.gmcNumber}>
                <Table.Cell>{t.name}</Table.Cell>
                <Table.Cell>{t.gmcNumber}</Table.Cell>
                <Table.Cell className="app-break-all">{t.email}</Table.Cell>
              </Table.Row>
            ))}
          </ResponsiveTable>
        </>
      ) : null}

      {preview ? <UpdatedTrainees data={data} /> : null}

      {otherInvalid ? (
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
          {otherInvalid > data.invalid.length ? (
            <p>
              The first {count(data.invalid.length)} of {count(otherInvalid)} invalid rows are shown. The download has them
              all.
            </p>
          ) : null}
          <ResponsiveTable caption="Invalid rows" captionProps={{ className: "nhsuk-u-visually-hidden" }} columns={[{ label: "Line", numeric: true }, "GMC number", "Column", "Reason"]}>
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

      {canConfirm ? (
        <Form method="post" id="confirm">
          <RowsToCheck data={data} tickable ticked={actionData?.accepted ?? []} />
          <h2>Confirm the import</h2>
          <p>
            Confirming saves every valid row{data.rowsToCheck ? " and each row to check that you ticked" : ""} in one go
            {data.newTrainees ? ", and sends each new trainee an email inviting them to set a password" : ""}.
          </p>
          <div className="app-actions">
            <Button type="submit" name="intent" value="confirm" disabled={busy}>
              Confirm import
            </Button>{" "}
            <Button type="submit" name="intent" value="cancel" secondary disabled={busy}>
              Cancel import
            </Button>
          </div>
        </Form>
      ) : (
        <>
          <RowsToCheck data={data} tickable={false} ticked={[]} />
          {preview ? (
            <div id="confirm">
              {data.expired ? (
                <WarningCallout>
                  <WarningCallout.Heading>This preview has expired</WarningCallout.Heading>
                  <p>Previews are kept for a day. Upload the file again to import it.</p>
                </WarningCallout>
              ) : !data.canConfirm ? (
                <InsetText>
                  <p>Only {data.importedByName ?? "the person who uploaded the file"} can confirm this import.</p>
                </InsetText>
              ) : (
                <Form method="post">
                  <Button type="submit" name="intent" value="cancel" secondary disabled={busy}>
                    Cancel import
                  </Button>
                </Form>
              )}
            </div>
          ) : null}
        </>
      )}
    </>
  );
}
