// The NHS.UK notification banner as nhsuk-react-components renders it, without nhsuk-frontend's
// script; the one thing that script did, focusing a success banner so it is read out, is here.
import classNames from "classnames";
import type { NotificationBannerProps } from "nhsuk-react-components";
import { NotificationBannerHeading } from "nhsuk-react-components/dist/esm/components/content-presentation/notification-banner/components/NotificationBannerHeading.js";
import { NotificationBannerLink } from "nhsuk-react-components/dist/esm/components/content-presentation/notification-banner/components/NotificationBannerLink.js";
import { NotificationBannerTitle } from "nhsuk-react-components/dist/esm/components/content-presentation/notification-banner/components/NotificationBannerTitle.js";
import { useLocation } from "@remix-run/react";
import { Children, isValidElement, useEffect, useRef, type ReactElement } from "react";

function Banner({ children, className, title, titleId, success, role, disableAutoFocus, ...rest }: NotificationBannerProps) {
  const ref = useRef<HTMLDivElement>(null);
  // Again on every page visit, not only when the banner first mounts: a page that answers each
  // change with a banner (the round's choices: move up, move down, remove) keeps the same element,
  // and the second confirmation left focus at the page's start, unread.
  const { key: visit } = useLocation();
  useEffect(() => {
    if (!success || disableAutoFocus || !ref.current) return;
    if (!ref.current.hasAttribute("tabindex")) ref.current.setAttribute("tabindex", "-1");
    ref.current.focus();
  }, [success, disableAutoFocus, visit]);
  const items = Children.toArray(children);
  const titleElement = items.find((child) => isValidElement(child) && child.type === NotificationBannerTitle) as ReactElement<{ id?: string }> | undefined;
  const titleElementId = titleElement?.props.id || titleId || "nhsuk-notification-banner-title";
  return (
    <div
      className={classNames("nhsuk-notification-banner", { "nhsuk-notification-banner--success": success }, className)}
      aria-labelledby={titleElementId}
      data-module="nhsuk-notification-banner"
      data-disable-auto-focus={disableAutoFocus}
      ref={ref}
      role={role || (success ? "alert" : "region")}
      {...rest}
    >
      <div className="nhsuk-notification-banner__header">
        {titleElement ?? (
          <NotificationBannerTitle id={titleElementId} success={success}>
            {title}
          </NotificationBannerTitle>
        )}
      </div>
      <div className="nhsuk-notification-banner__content">{items.filter((child) => child !== titleElement)}</div>
    </div>
  );
}

export const NotificationBanner = /* @__PURE__ */ Object.assign(Banner, { Title: NotificationBannerTitle, Heading: NotificationBannerHeading, Link: NotificationBannerLink });
