export { Details } from "nhsuk-react-components/dist/esm/components/content-presentation/details/Details.js";
