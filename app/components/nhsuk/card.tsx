// The NHS.UK card as nhsuk-react-components renders it, for the parts the app uses (heading,
// description, link, groups). The library's Card imports every card part, its icons and the
// grid components, all of which came with it into the trainee's home page.
import classNames from "classnames";
import type { ComponentPropsWithoutRef } from "react";

type Width = "one-quarter" | "one-third" | "one-half" | "two-thirds" | "three-quarters" | "full";
type HeadingLevel = "h2" | "h3" | "h4" | "h5" | "h6";

function CardBox({ className, clickable, children, ...rest }: ComponentPropsWithoutRef<"div"> & { clickable?: boolean }) {
  return (
    <div className={classNames("nhsuk-card", { "nhsuk-card--clickable": clickable }, className)} {...rest}>
      <div className="nhsuk-card__content">{children}</div>
    </div>
  );
}

function CardHeading({ className, headingLevel: Level = "h2", ...rest }: ComponentPropsWithoutRef<"h2"> & { headingLevel?: HeadingLevel }) {
  return <Level className={classNames("nhsuk-card__heading", className)} {...rest} />;
}

function CardDescription({ className, ...rest }: ComponentPropsWithoutRef<"p">) {
  return <p className={classNames("nhsuk-card__description", className)} {...rest} />;
}

function CardLink({ className, ...rest }: ComponentPropsWithoutRef<"a">) {
  return <a className={classNames("nhsuk-card__link", className)} {...rest} />;
}

function CardGroup({ className, ...rest }: ComponentPropsWithoutRef<"div">) {
  return <div className={classNames("nhsuk-grid-row", "nhsuk-card-group", className)} {...rest} />;
}

function CardGroupItem({ className, width, ...rest }: ComponentPropsWithoutRef<"div"> & { width: Width }) {
  return <div className={classNames(`nhsuk-grid-column-${width}`, "nhsuk-card-group__item", className)} {...rest} />;
}

export const Card = /* @__PURE__ */ Object.assign(CardBox, {
  Heading: CardHeading,
  Description: CardDescription,
  Link: CardLink,
  Group: CardGroup,
  GroupItem: CardGroupItem,
});
