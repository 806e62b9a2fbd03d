// The NHS.UK skip link without nhsuk-frontend's script (see app/components/nhsuk/ in the README).
import classNames from "classnames";
import type { SkipLinkProps } from "nhsuk-react-components";

export function SkipLink({ children = "Skip to main content", className, href = "#maincontent", ...rest }: SkipLinkProps) {
  return (
    <a href={href} className={classNames("nhsuk-skip-link", className)} data-module="nhsuk-skip-link" {...rest}>
      {children}
    </a>
  );
}
