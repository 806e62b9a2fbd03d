// NHS.UK checkboxes (see choices.tsx).
import { ChoiceGroup, ChoiceItem, type ChoicesProps } from "./choices";

function CheckboxesGroup(props: ChoicesProps) {
  return <ChoiceGroup kind="checkboxes" {...props} />;
}

export const Checkboxes = /* @__PURE__ */ Object.assign(CheckboxesGroup, { Item: ChoiceItem });
