// The NHS.UK error summary as nhsuk-react-components renders it, without nhsuk-frontend's
// script: FormErrorSummary moves focus to it, and the click handler below does what that
// script's link handling does.
import classNames from "classnames";
import type { ErrorSummaryProps } from "nhsuk-react-components";
import { ErrorSummaryList } from "nhsuk-react-components/dist/esm/components/form-elements/error-summary/components/ErrorSummaryList.js";
import { ErrorSummaryListItem } from "nhsuk-react-components/dist/esm/components/form-elements/error-summary/components/ErrorSummaryListItem.js";
import { ErrorSummaryTitle } from "nhsuk-react-components/dist/esm/components/form-elements/error-summary/components/ErrorSummaryTitle.js";
import { Children, forwardRef, isValidElement, type MouseEvent } from "react";

/**
 * The legend or label to bring into view above the field, as nhsuk-frontend's ErrorSummary
 * chooses it: a checkbox's or radio's legend; another field's legend when the field would still
 * be in the top half of the screen; else the field's label.
 */
function questionOf(field: HTMLElement): Element | null {
  const legend = field.closest("fieldset")?.getElementsByTagName("legend")[0];
  if (legend) {
    if (field instanceof HTMLInputElement && (field.type === "checkbox" || field.type === "radio")) return legend;
    const rect = field.getBoundingClientRect();
    if (rect.height && rect.top + rect.height - legend.getBoundingClientRect().top < window.innerHeight / 2) return legend;
  }
  return document.querySelector(`label[for="${CSS.escape(field.id)}"]`) ?? field.closest("label");
}

/**
 * A link in the summary moves focus to its field without changing the address. Left to the
 * browser, the "#field" link is a navigation: Remix then forgets the action's answer, so every
 * message on the page vanished (and a refused form inside a closed details was hidden again)
 * the moment someone followed the summary to the field. Without JavaScript the plain link works.
 */
function followToField(event: MouseEvent<HTMLDivElement>) {
  const link = (event.target as Element).closest("a");
  if (!link || !link.hash || link.pathname !== window.location.pathname) return;
  const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!target) return;
  event.preventDefault();
  (questionOf(target) ?? target).scrollIntoView();
  // A section the summary points to (the round's buttons, the page's main content) is not
  // focusable of itself: it takes focus once, so the next Tab starts from there.
  if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}

const ErrorSummaryBox = /* @__PURE__ */ forwardRef<HTMLDivElement, ErrorSummaryProps>(function ErrorSummary({ children, className, disableAutoFocus, ...rest }, ref) {
  const items = Children.toArray(children);
  const title = items.find((child) => isValidElement(child) && child.type === ErrorSummaryTitle);
  return (
    // The click is the links' (each a real link, so Enter on it clicks too); the box only listens.
    <div className={classNames("nhsuk-error-summary", className)} data-module="nhsuk-error-summary" data-disable-auto-focus={disableAutoFocus} ref={ref} onClick={followToField} {...rest}>
      <div role="alert">
        {title}
        <div className="nhsuk-error-summary__body">{items.filter((child) => child !== title)}</div>
      </div>
    </div>
  );
});

export const ErrorSummary = /* @__PURE__ */ Object.assign(ErrorSummaryBox, { Title: ErrorSummaryTitle, List: ErrorSummaryList, ListItem: ErrorSummaryListItem });
