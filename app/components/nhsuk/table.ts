export { Table } from "nhsuk-react-components/dist/esm/components/content-presentation/table/Table.js";
export { TableContext } from "nhsuk-react-components/dist/esm/components/content-presentation/table/TableContext.js";
