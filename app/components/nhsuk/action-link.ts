export { ActionLink } from "nhsuk-react-components/dist/esm/components/navigation/action-link/ActionLink.js";
