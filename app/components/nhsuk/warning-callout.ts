export { WarningCallout } from "nhsuk-react-components/dist/esm/components/content-presentation/warning-callout/WarningCallout.js";
