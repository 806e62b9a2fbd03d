export { Tag } from "nhsuk-react-components/dist/esm/components/content-presentation/tag/Tag.js";
