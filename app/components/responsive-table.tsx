import { Table, TableContext } from "~/components/nhsuk/table";
import { useContext, type ComponentProps, type ReactNode } from "react";

export type Column = string | { label: string; numeric: true };

const labelOf = (c: Column) => (typeof c === "string" ? c : c.label);

/**
 * A responsive NHS table whose columns are named once: the head, and the labels each body
 * cell shows on a phone. nhsuk-react-components reads those labels from the head in an
 * effect, so the server's page (and a phone without JavaScript) showed unlabelled cells;
 * here they are there from the first render.
 */
export function ResponsiveTable({
  columns,
  children,
  ...table
}: { columns: Column[]; children: ReactNode } & Pick<ComponentProps<typeof Table>, "caption" | "captionProps">) {
  return (
    <Table responsive {...table}>
      <Table.Head>
        <Table.Row>
          {columns.map((c) => (
            <Table.Cell key={labelOf(c)} format={typeof c === "string" ? undefined : "numeric"}>
              {labelOf(c)}
            </Table.Cell>
          ))}
        </Table.Row>
      </Table.Head>
      <Table.Body>
        <ColumnHeadings headings={columns.map(labelOf)}>{children}</ColumnHeadings>
      </Table.Body>
    </Table>
  );
}

function ColumnHeadings({ headings, children }: { headings: string[]; children: ReactNode }) {
  const table = useContext(TableContext);
  return <TableContext.Provider value={{ ...table, headings }}>{children}</TableContext.Provider>;
}
