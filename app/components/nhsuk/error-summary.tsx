// The NHS.UK error summary as nhsuk-react-components renders it, without nhsuk-frontend's
// script: FormErrorSummary moves focus to it, which is the one thing that script did.
import classNames from "classnames";
import type { ErrorSummaryProps } from "nhsuk-react-components";
import { ErrorSummaryList } from "nhsuk-react-components/dist/esm/components/form-elements/error-summary/components/ErrorSummaryList.js";
import { ErrorSummaryListItem } from "nhsuk-react-components/dist/esm/components/form-elements/error-summary/components/ErrorSummaryListItem.js";
import { ErrorSummaryTitle } from "nhsuk-react-components/dist/esm/components/form-elements/error-summary/components/ErrorSummaryTitle.js";
import { Children, forwardRef, isValidElement } from "react";

const ErrorSummaryBox = /* @__PURE__ */ forwardRef<HTMLDivElement, ErrorSummaryProps>(function ErrorSummary({ children, className, disableAutoFocus, ...rest }, ref) {
  const items = Children.toArray(children);
  const title = items.find((child) => isValidElement(child) && child.type === ErrorSummaryTitle);
  return (
    <div className={classNames("nhsuk-error-summary", className)} data-module="nhsuk-error-summary" data-disable-auto-focus={disableAutoFocus} ref={ref} {...rest}>
      <div role="alert">
        {title}
        <div className="nhsuk-error-summary__body">{items.filter((child) => child !== title)}</div>
      </div>
    </div>
  );
});

export const ErrorSummary = /* @__PURE__ */ Object.assign(ErrorSummaryBox, { Title: ErrorSummaryTitle, List: ErrorSummaryList, ListItem: ErrorSummaryListItem });
