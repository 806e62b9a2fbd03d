// NHS.UK checkboxes and radios as nhsuk-react-components renders them, for what the app uses:
// a group with a legend, hint and error, and items with their own id and an optional hint. No
// conditional reveals or "none of these" items: those need nhsuk-frontend's script, which is
// not loaded (see form-group.tsx). tests/unit/nhsuk-components.test.ts compares the markup.
import classNames from "classnames";
import { createContext, useContext, type ComponentPropsWithoutRef, type ReactNode } from "react";

import { FormGroup, type ControlProps, type FieldProps } from "./form-group";

type Kind = "checkboxes" | "radios";

const GroupContext = createContext<{ kind: Kind; name: string }>({ kind: "checkboxes", name: "" });

export type ChoicesProps = FieldProps & Omit<ComponentPropsWithoutRef<"div">, "id"> & { small?: boolean; inline?: boolean; children?: ReactNode };

export function ChoiceGroup({ kind, children, ...props }: ChoicesProps & { kind: Kind }) {
  return (
    <FormGroup
      inputType={kind}
      {...props}
      render={(control) => {
        const { className, small, inline, name, id, error: _error, ...rest } = control as ControlProps & ChoicesProps;
        return (
          <div
            className={classNames(`nhsuk-${kind}`, { [`nhsuk-${kind}--inline`]: kind === "radios" && inline, [`nhsuk-${kind}--small`]: small }, className)}
            data-module={`nhsuk-${kind}`}
            id={id === props.id ? id : undefined}
            {...rest}
          >
            <GroupContext.Provider value={{ kind, name }}>{children}</GroupContext.Provider>
          </div>
        );
      }}
    />
  );
}

export type ChoiceItemProps = Omit<ComponentPropsWithoutRef<"input">, "type"> & { id: string; hint?: ReactNode; children?: ReactNode };

export function ChoiceItem({ className, children, id, hint, checked, defaultChecked, ...input }: ChoiceItemProps) {
  const { kind, name } = useContext(GroupContext);
  return (
    <div className={`nhsuk-${kind}__item`}>
      <input
        className={classNames(`nhsuk-${kind}__input`, className)}
        id={id}
        name={name}
        type={kind === "checkboxes" ? "checkbox" : "radio"}
        checked={checked}
        defaultChecked={defaultChecked ?? (checked === undefined ? false : undefined)}
        aria-describedby={hint ? `${id}--hint` : undefined}
        {...input}
      />
      <label className={`nhsuk-label nhsuk-${kind}__label`} id={`${id}--label`} htmlFor={id}>
        {children}
      </label>
      {hint ? (
        <div className={`nhsuk-hint nhsuk-${kind}__hint`} id={`${id}--hint`}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}
