// The NHS.UK textarea, as nhsuk-react-components renders it (see form-group.tsx).
import classNames from "classnames";
import { forwardRef, type ComponentPropsWithoutRef } from "react";

import { FormGroup, type ControlProps, type FieldProps } from "./form-group";

export type TextareaProps = ComponentPropsWithoutRef<"textarea"> & FieldProps;

export const Textarea = /* @__PURE__ */ forwardRef<HTMLTextAreaElement, TextareaProps>(function Textarea(props, ref) {
  return (
    <FormGroup
      inputType="textarea"
      {...props}
      render={(control) => {
        const { children, className, error, ...textarea } = control as ControlProps & TextareaProps;
        return (
        <>
          <textarea className={classNames("nhsuk-textarea", { "nhsuk-textarea--error": error }, className)} ref={ref} {...textarea} />
          {children}
        </>
        );
      }}
    />
  );
});
