export { InsetText } from "nhsuk-react-components/dist/esm/components/content-presentation/inset-text/InsetText.js";
