// The NHS.UK form group as nhsuk-react-components builds it (label or fieldset and legend,
// hint, error message, aria-describedby), for the props the app uses. The library's version
// brings its form registration context, headings and generated ids into every form page; the
// markup is the same (tests/unit/nhsuk-components.test.ts compares the two).
import classNames from "classnames";
import { useId, type ReactNode } from "react";

export interface FieldProps {
  id?: string;
  name?: string;
  label?: ReactNode;
  legend?: ReactNode;
  legendProps?: { size?: "s" | "m" | "l" | "xl"; className?: string };
  hint?: ReactNode;
  error?: ReactNode;
  "aria-describedby"?: string;
}

export function ErrorMessage({ id, children }: { id: string; children: ReactNode }) {
  if (!children) return null;
  return (
    <span className="nhsuk-error-message" id={id}>
      <span className="nhsuk-u-visually-hidden">Error: </span>
      {children}
    </span>
  );
}

export function HintText({ id, children }: { id: string; children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="nhsuk-hint" id={id}>
      {children}
    </div>
  );
}

/**
 * Renders the group and calls `render` with the props for the control itself: its id and
 * name, the error (for the control's error class) and aria-describedby (on the fieldset
 * instead when there is a legend), plus every other prop given.
 */
/** What the control itself is given: its id and name, the error and every prop not the group's. */
export type ControlProps = Record<string, unknown> & { id: string; name: string; error?: ReactNode; "aria-describedby"?: string };

export function FormGroup({
  inputType,
  render,
  ...props
}: FieldProps & Record<string, unknown> & { inputType: "input" | "select" | "textarea" | "checkboxes" | "radios"; render: (control: ControlProps) => ReactNode }) {
  const { hint, label, legend, legendProps, error, id, name, ...rest } = props as FieldProps & Record<string, unknown>;
  const generated = useId();
  const elementId = name && !id ? `${name}-${inputType}` : (id ?? generated);
  const hintId = `${elementId}--hint`;
  const errorId = `${elementId}--error-message`;
  const hasFieldset = Boolean(legend || legendProps);
  const describedBy = [rest["aria-describedby"], hint ? hintId : undefined, error ? errorId : undefined].filter(Boolean).join(" ") || undefined;
  const control = render({ ...rest, error, id: elementId, name: name ?? elementId, "aria-describedby": hasFieldset ? undefined : describedBy });
  return (
    <div className={classNames("nhsuk-form-group", { "nhsuk-form-group--error": Boolean(error) })}>
      {hasFieldset ? (
        <fieldset className="nhsuk-fieldset" aria-describedby={describedBy}>
          {legend ? (
            <legend className={classNames("nhsuk-fieldset__legend", { [`nhsuk-fieldset__legend--${legendProps?.size}`]: legendProps?.size }, legendProps?.className)}>{legend}</legend>
          ) : null}
          <HintText id={hintId}>{hint}</HintText>
          <ErrorMessage id={errorId}>{error}</ErrorMessage>
          {control}
        </fieldset>
      ) : (
        <>
          {label ? (
            <label className="nhsuk-label" id={`${elementId}--label`} htmlFor={elementId}>
              {label}
            </label>
          ) : null}
          <HintText id={hintId}>{hint}</HintText>
          <ErrorMessage id={errorId}>{error}</ErrorMessage>
          {control}
        </>
      )}
    </div>
  );
}
