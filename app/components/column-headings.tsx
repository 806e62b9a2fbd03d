import { TableContext } from "nhsuk-react-components";
import { useContext, type ReactNode } from "react";

/**
 * A responsive table's body with its column labels from the first render. nhsuk-react-components
 * reads them from the head in an effect, so the server's page (and a phone without
 * JavaScript) showed the cells with no labels.
 */
export function ColumnHeadings({ headings, children }: { headings: string[]; children: ReactNode }) {
  const table = useContext(TableContext);
  return <TableContext.Provider value={{ ...table, headings }}>{children}</TableContext.Provider>;
}
