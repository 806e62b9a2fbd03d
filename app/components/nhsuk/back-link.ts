export { BackLink } from "nhsuk-react-components/dist/esm/components/navigation/back-link/BackLink.js";
