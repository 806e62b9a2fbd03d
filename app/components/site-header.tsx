import { useLocation } from "@remix-run/react";

import type { Role } from "~/models/domain";

export interface HeaderUser {
  name: string;
  role: Role;
  /** Unread notifications; the link shows the number when there are any. */
  unread?: number;
}

interface NavItem {
  href: string;
  text: string;
}

export function navigationFor(user: HeaderUser | null): NavItem[] {
  if (!user) {
    return [
      { href: "/opportunities", text: "Find opportunities" },
      { href: "/sign-in", text: "Sign in" },
      { href: "/register", text: "Create a trainee account" },
    ];
  }
  switch (user.role) {
    case "trainee":
      return [
        { href: "/trainee", text: "Home" },
        { href: "/trainee/journey", text: "Your journey" },
        { href: "/opportunities", text: "Find opportunities" },
      ];
    case "trust_lead":
      return [
        { href: "/trust", text: "Your trust" },
        { href: "/trust/opportunities", text: "Opportunities" },
        { href: "/trust/objectives", text: "Objectives" },
        { href: "/rounds", text: "Allocation rounds" },
        { href: "/reports", text: "Reports" },
      ];
    case "dme":
      return [
        { href: "/dme", text: "Trainees at your trust" },
        { href: "/dme/approvals", text: "Approvals" },
        { href: "/rounds", text: "Allocation rounds" },
        { href: "/imports", text: "Imports" },
        { href: "/reports", text: "Reports" },
        { href: "/opportunities", text: "Find opportunities" },
      ];
    case "admin":
      return [
        { href: "/admin", text: "Overview" },
        { href: "/admin/trusts", text: "Trusts" },
        { href: "/admin/users", text: "Users" },
        { href: "/admin/audit", text: "Audit trail" },
        { href: "/rounds", text: "Allocation rounds" },
        { href: "/imports", text: "Imports" },
        { href: "/reports", text: "Reports" },
      ];
  }
}

/**
 * The NHS.UK header, written out (it is on every page, and the library's version with its
 * script was a large part of every first load). Without nhsuk-frontend's script the items wrap
 * on a narrow screen instead of folding into a "More" menu, as the header does without JavaScript.
 */
export function SiteHeader({ user }: { user: HeaderUser | null }) {
  const { pathname } = useLocation();
  const items = navigationFor(user);
  const current = items
    .filter((i) => pathname === i.href || (i.href !== "/" && pathname.startsWith(i.href + "/")))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return (
    <header className="nhsuk-header" role="banner">
      <div className="nhsuk-width-container nhsuk-header__container">
        <div className="nhsuk-header__service">
          <a className="nhsuk-header__service-logo" href="/" aria-label="NHS Invitational homepage">
            <svg className="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS">
              <title>NHS</title>
              <path fill="currentcolor" d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z" />
            </svg>
            <span className="nhsuk-header__service-name">Invitational</span>
          </a>
        </div>
        {user ? (
          <nav className="nhsuk-header__account" aria-label="Your account">
            <ul className="nhsuk-header__account-list">
              <li className="nhsuk-header__account-item">
                <svg className="nhsuk-icon nhsuk-icon--user" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">
                  <path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z" />
                </svg>
                {user.name}
              </li>
              <li className="nhsuk-header__account-item">
                <a className="nhsuk-header__account-link" href="/notifications" aria-current={pathname === "/notifications" ? "page" : undefined}>
                  {user.unread ? (
                    // One element: the header lays out a link's children as flex items, with gaps between.
                    <span>
                      {`Notifications (${user.unread}`}
                      <span className="nhsuk-u-visually-hidden"> unread</span>)
                    </span>
                  ) : (
                    "Notifications"
                  )}
                </a>
              </li>
              <li className="nhsuk-header__account-item">
                <a className="nhsuk-header__account-link" href="/account/notifications" aria-current={pathname === "/account/notifications" ? "page" : undefined}>
                  Settings
                </a>
              </li>
              <li className="nhsuk-header__account-item">
                <a className="nhsuk-header__account-link" href="/account/password" aria-current={pathname === "/account/password" ? "page" : undefined}>
                  Change password
                </a>
              </li>
              <li className="nhsuk-header__account-item">
                <form className="nhsuk-header__account-form" action="/sign-out" method="post" noValidate>
                  <button className="nhsuk-header__account-button" type="submit">
                    Sign out
                  </button>
                </form>
              </li>
            </ul>
          </nav>
        ) : null}
      </div>
      <nav className="nhsuk-header__navigation" aria-label="Menu">
        <div className="nhsuk-width-container nhsuk-header__navigation-container">
          <ul className="nhsuk-header__navigation-list">
            {items.map((item) => (
              <li key={item.href} className={item === current ? "nhsuk-header__navigation-item nhsuk-header__navigation-item--current" : "nhsuk-header__navigation-item"}>
                <a className="nhsuk-header__navigation-link" aria-current={item === current ? "page" : undefined} href={item.href}>
                  {item.text}
                </a>
              </li>
            ))}
          </ul>
        </div>
      </nav>
    </header>
  );
}
