// The NHS.UK button as nhsuk-react-components renders it, without nhsuk-frontend's script
// (see the note on app/components/nhsuk/ in the README's "Where things live").
import classNames from "classnames";
import type { ButtonLinkProps, ButtonProps } from "nhsuk-react-components";
import type { ComponentPropsWithoutRef } from "react";

type ButtonLook = { secondary?: boolean; secondarySolid?: boolean; reverse?: boolean; warning?: boolean; login?: boolean; small?: boolean; preventDoubleClick?: boolean };

/** A button, or a link that looks like one when given an href. */
export function Button(props: ButtonProps | ButtonLinkProps) {
  const { className, secondary, secondarySolid, reverse, warning, login, small, preventDoubleClick, ...rest } = props as ButtonLook &
    ComponentPropsWithoutRef<"button"> &
    ComponentPropsWithoutRef<"a"> & { as?: string; asElement?: unknown };
  delete rest.as;
  delete rest.asElement;
  const classes = classNames(
    "nhsuk-button",
    { "nhsuk-button--secondary": secondary },
    { "nhsuk-button--secondary-solid": secondarySolid },
    { "nhsuk-button--reverse": reverse },
    { "nhsuk-button--warning": warning },
    { "nhsuk-button--login": login },
    { "nhsuk-button--small": small },
    className,
  );
  const doubleClick = preventDoubleClick === true ? "true" : undefined;
  if (typeof rest.href === "string") {
    return <a className={classes} data-module="nhsuk-button" data-prevent-double-click={doubleClick} role="button" draggable="false" {...(rest as ComponentPropsWithoutRef<"a">)} />;
  }
  const { type = "submit", disabled, ...button } = rest as ComponentPropsWithoutRef<"button">;
  return (
    <button
      className={classes}
      data-module="nhsuk-button"
      data-prevent-double-click={doubleClick}
      disabled={disabled}
      aria-disabled={disabled ? "true" : undefined}
      type={type}
      {...button}
    />
  );
}
