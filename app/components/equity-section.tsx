// The equity section of the report: coverage and approvals by working pattern, grade stage
// and the trainees' voluntary sex, ethnic group and disability. Presentational only: it is
// given tables already through small-number suppression (app/models/equity.server.ts), so it
// can print nothing it was not allowed to.
import { useContext, type ReactNode } from "react";

import { Table, TableContext } from "~/components/nhsuk/table";
import type { EquityApprovalsTable, EquityCoverageTable, EquityReport } from "~/models/equity.server";
import type { DisplayCell } from "~/models/suppression";

function Headings({ headings, children }: { headings: string[]; children: ReactNode }) {
  const table = useContext(TableContext);
  return <TableContext.Provider value={{ ...table, headings }}>{children}</TableContext.Provider>;
}

// The cell needs its index for its label on a phone; the row gives it only to Table.Cell children.
function Count({ cell, index }: { cell: DisplayCell; index: number }) {
  return (
    <Table.Cell index={index} format="numeric" className={cell.suppressed ? "app-secondary-text" : undefined}>
      {cell.text}
    </Table.Cell>
  );
}

function GroupTable({ caption, headings, rows }: { caption: string; headings: string[]; rows: { label: string; cells: DisplayCell[] }[] }) {
  const all = ["", ...headings];
  return (
    <Table responsive firstCellIsHeader caption={caption} captionProps={{ className: "nhsuk-table__caption--m" }}>
      <Table.Head>
        <Table.Row>
          {all.map((h, i) => (
            <Table.Cell key={`${h}-${i}`} format={i === 0 ? undefined : "numeric"}>
              {h || <span className="nhsuk-u-visually-hidden">Figure</span>}
            </Table.Cell>
          ))}
        </Table.Row>
      </Table.Head>
      <Table.Body>
        <Headings headings={["Figure", ...headings]}>
          {rows.map((row) => (
            <Table.Row key={row.label}>
              <Table.Cell>{row.label}</Table.Cell>
              {row.cells.map((cell, i) => (
                <Count key={i} index={i + 1} cell={cell} />
              ))}
            </Table.Row>
          ))}
        </Headings>
      </Table.Body>
    </Table>
  );
}

function CoverageTable({ table: t }: { table: EquityCoverageTable }) {
  const { table } = t;
  return (
    <GroupTable
      caption={t.caption}
      headings={[...table.columns, "All trainees placed"]}
      rows={[
        { label: "Covered", cells: [...table.cells[0]!, table.rowTotals[0]!] },
        { label: "Not covered yet", cells: [...table.cells[1]!, table.rowTotals[1]!] },
        { label: "Trainees placed", cells: [...table.columnTotals, table.grandTotal] },
        { label: "Coverage", cells: [...t.coverage, t.overallCoverage] },
      ]}
    />
  );
}

function ApprovalsTable({ table: t }: { table: EquityApprovalsTable }) {
  const { table } = t;
  return <GroupTable caption={t.caption} headings={[...table.columns, "All"]} rows={[{ label: "Approvals", cells: [...table.cells[0]!, table.rowTotals[0]!] }]} />;
}

export function EquitySection({ report, headingId = "equity" }: { report: EquityReport; headingId?: string }) {
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>Equity: who the opportunities reach</h2>
      <p>
        Coverage and approvals for groups of trainees: by working pattern and grade stage (from each trainee&apos;s latest
        in-post placement in the area this year), and by sex, ethnic group and disability as trainees have chosen to tell us
        on their profile. Those three questions are optional, so &quot;Not answered&quot; and &quot;Prefer not to say&quot; are
        shown as groups of their own. Approvals count the approved or completed applications of the trainees placed, for
        opportunities starting this year.
      </p>
      <h3>Why some figures are not shown</h3>
      <p>
        These tables could identify a person in a small group, so any figure of 1 to 7 trainees is shown as &quot;fewer than
        8&quot;. Some other figures are &quot;not shown&quot; so that a small figure cannot be worked out by taking the others
        away from a total, and every figure of a group of fewer than 8 trainees is hidden, even a 0. A percentage is shown
        only when it is of 8 trainees or more and both its figures are shown.
      </p>
      {report.coverage.map((t) => (
        <CoverageTable key={t.dimension} table={t} />
      ))}
      {report.approvals.map((t) => (
        <ApprovalsTable key={t.dimension} table={t} />
      ))}
    </section>
  );
}
