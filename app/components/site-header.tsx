import { useLocation } from "@remix-run/react";
import { Header } from "nhsuk-react-components";

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
        { href: "/opportunities", text: "Find opportunities" },
      ];
    case "trust_lead":
      return [
        { href: "/trust", text: "Your trust" },
        { href: "/trust/opportunities", text: "Opportunities" },
        { href: "/trust/objectives", text: "Objectives" },
      ];
    case "dme":
      return [
        { href: "/dme", text: "Trainees at your trust" },
        { href: "/dme/approvals", text: "Approvals" },
        { href: "/imports", text: "Imports" },
        { href: "/opportunities", text: "Find opportunities" },
      ];
    case "admin":
      return [
        { href: "/admin", text: "Overview" },
        { href: "/admin/trusts", text: "Trusts" },
        { href: "/admin/users", text: "Users" },
        { href: "/imports", text: "Imports" },
      ];
  }
}

export function SiteHeader({ user }: { user: HeaderUser | null }) {
  const { pathname } = useLocation();
  const items = navigationFor(user);
  const current = items
    .filter((i) => pathname === i.href || (i.href !== "/" && pathname.startsWith(i.href + "/")))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return (
    <Header service={{ text: "Invitational", href: "/" }}>
      {user ? (
        <Header.Account aria-label="Your account">
          <Header.AccountItem icon>{user.name}</Header.AccountItem>
          <Header.AccountItem href="/notifications" aria-current={pathname === "/notifications" ? "page" : undefined}>
            {user.unread ? (
              // One element: the header lays out a link's children as flex items, with gaps between.
              <span>
                {`Notifications (${user.unread}`}
                <span className="nhsuk-u-visually-hidden"> unread</span>)
              </span>
            ) : (
              "Notifications"
            )}
          </Header.AccountItem>
          <Header.AccountItem href="/account/password" aria-current={pathname === "/account/password" ? "page" : undefined}>
            Change password
          </Header.AccountItem>
          <Header.AccountItem formProps={{ action: "/sign-out", method: "post" }} type="submit">
            Sign out
          </Header.AccountItem>
        </Header.Account>
      ) : null}
      <Header.Navigation aria-label="Menu">
        {items.map((item) => (
          <Header.NavigationItem key={item.href} href={item.href} current={item === current ? true : undefined}>
            {item.text}
          </Header.NavigationItem>
        ))}
      </Header.Navigation>
    </Header>
  );
}
