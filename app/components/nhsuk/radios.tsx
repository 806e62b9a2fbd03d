// NHS.UK radios (see choices.tsx).
import { ChoiceGroup, ChoiceItem, type ChoicesProps } from "./choices";

function RadiosGroup(props: ChoicesProps) {
  return <ChoiceGroup kind="radios" {...props} />;
}

export const Radios = /* @__PURE__ */ Object.assign(RadiosGroup, { Item: ChoiceItem });
