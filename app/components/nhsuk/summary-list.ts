export { SummaryList } from "nhsuk-react-components/dist/esm/components/content-presentation/summary-list/SummaryList.js";
