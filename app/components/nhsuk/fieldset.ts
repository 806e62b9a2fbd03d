export { Fieldset } from "nhsuk-react-components/dist/esm/components/form-elements/fieldset/Fieldset.js";
