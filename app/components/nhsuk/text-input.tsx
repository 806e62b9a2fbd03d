// The NHS.UK text input, as nhsuk-react-components renders it (see form-group.tsx).
import classNames from "classnames";
import { forwardRef, type ComponentPropsWithoutRef } from "react";

import { FormGroup, type ControlProps, type FieldProps } from "./form-group";

export type TextInputProps = Omit<ComponentPropsWithoutRef<"input">, "width"> & FieldProps & { width?: 2 | 3 | 4 | 5 | 10 | 20 | 30 | "2" | "3" | "4" | "5" | "10" | "20" | "30" };

export const TextInput = /* @__PURE__ */ forwardRef<HTMLInputElement, TextInputProps>(function TextInput(props, ref) {
  return (
    <FormGroup
      inputType="input"
      {...props}
      render={(control) => {
        const { width, className, error, type = "text", ...input } = control as ControlProps & TextInputProps;
        return (
        <input
          className={classNames("nhsuk-input", { [`nhsuk-input--width-${width}`]: width }, { "nhsuk-input--error": error }, className)}
          ref={ref}
          type={type}
          {...input}
        />
        );
      }}
    />
  );
});
