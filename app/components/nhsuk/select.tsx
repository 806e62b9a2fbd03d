// The NHS.UK select, as nhsuk-react-components renders it (see form-group.tsx).
import classNames from "classnames";
import { forwardRef, type ComponentPropsWithoutRef } from "react";

import { FormGroup, type ControlProps, type FieldProps } from "./form-group";

export type SelectProps = ComponentPropsWithoutRef<"select"> & FieldProps;

const SelectBox = /* @__PURE__ */ forwardRef<HTMLSelectElement, SelectProps>(function Select({ children, ...props }, ref) {
  return (
    <FormGroup
      inputType="select"
      {...props}
      render={(control) => {
        const { className, error, ...select } = control as ControlProps & SelectProps;
        return (
        <select className={classNames("nhsuk-select", { "nhsuk-select--error": error }, className)} ref={ref} {...select}>
          {children}
        </select>
        );
      }}
    />
  );
});

function SelectOption(props: ComponentPropsWithoutRef<"option">) {
  return <option {...props} />;
}

export const Select = /* @__PURE__ */ Object.assign(SelectBox, { Option: SelectOption });
