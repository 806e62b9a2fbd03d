// The app's own NHS.UK components (app/components/nhsuk/) render exactly what
// nhsuk-react-components renders for the same props, without starting nhsuk-frontend's script.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { createElement as h, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import * as lib from "nhsuk-react-components";
import { StaticRouter } from "react-router-dom/server";
import { describe, expect, it } from "vitest";

import { Button } from "~/components/nhsuk/button";
import { Card } from "~/components/nhsuk/card";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { ErrorSummary } from "~/components/nhsuk/error-summary";
import { NotificationBanner } from "~/components/nhsuk/notification-banner";
import { Radios } from "~/components/nhsuk/radios";
import { Select } from "~/components/nhsuk/select";
import { SkipLink } from "~/components/nhsuk/skip-link";
import { Textarea } from "~/components/nhsuk/textarea";
import { TextInput } from "~/components/nhsuk/text-input";
import { SiteFooter } from "~/components/site-footer";
import { SiteHeader } from "~/components/site-header";

const html = (element: ReactElement) => renderToStaticMarkup(element);

describe("the app's NHS.UK components", () => {
  it.each([
    ["a submit button", { type: "submit", children: "Sign in" }],
    ["a secondary small button with a name and value", { type: "submit", secondary: true, small: true, name: "intent", value: "cancel", children: "Cancel", className: "nhsuk-u-margin-bottom-0" }],
    ["a disabled warning button", { type: "submit", warning: true, disabled: true, children: "Delete" }],
    ["a link that looks like a button", { href: "/trainee/data.json", secondary: true, download: true, children: "Download" }],
  ] as const)("Button: %s", (_name, props) => {
    expect(html(h(Button, props as never))).toBe(html(h(lib.Button, props as never)));
  });

  it.each([
    ["with a label only", { id: "email", name: "email", type: "email", label: "Email address", autoComplete: "email", spellCheck: false }],
    ["with a hint, an error, a width and a value", { id: "seats", name: "seats", label: "Number of seats", hint: "From 1 to 50", error: "Enter the number of seats", inputMode: "numeric", width: 3, defaultValue: "0" }],
    ["named but without an id", { name: "q", label: "Search" }],
    ["described by something else too", { id: "x", name: "x", label: "X", hint: "Hint", "aria-describedby": "other" }],
  ] as const)("TextInput %s", (_name, props) => {
    expect(html(h(TextInput, props as never))).toBe(html(h(lib.TextInput, props as never)));
  });

  it("Select with a hint, an error and options", () => {
    const tree = (S: typeof lib.Select) =>
      h(S, { id: "sort", name: "sort", label: "Sort by", hint: "Most useful first", error: "Choose an order", defaultValue: "deadline" }, [
        h(S.Option, { key: "a", value: "relevance" }, "Relevance"),
        h(S.Option, { key: "b", value: "deadline" }, "Soonest deadline"),
      ]);
    expect(html(tree(Select as unknown as typeof lib.Select))).toBe(html(tree(lib.Select)));
  });

  it("Textarea with a hint and an error", () => {
    const props = { id: "statement", name: "statement", label: "Why you want to take part", hint: "At least 50 characters", error: "Write at least 50 characters", rows: 8, defaultValue: "Because" };
    expect(html(h(Textarea, props))).toBe(html(h(lib.Textarea, props)));
  });

  it("SkipLink", () => {
    expect(html(h(SkipLink, { href: "#maincontent" }, "Skip to main content"))).toBe(html(h(lib.SkipLink, { href: "#maincontent" }, "Skip to main content")));
  });

  it("Checkboxes with a legend, hint and error, items with hints and their own names", () => {
    const tree = (C: typeof lib.Checkboxes) =>
      h(C, { name: "eligibleGrades", legend: "Eligible grades", hint: "Select all that apply", error: "Select at least one grade", small: true }, [
        h(C.Item, { key: "a", id: "eligibleGrades", value: "FY1", defaultChecked: true }, "FY1"),
        h(C.Item, { key: "b", id: "eligibleGrades-FY2", value: "FY2", hint: "Foundation year 2" }, "FY2"),
        h(C.Item, { key: "c", id: "other", name: "multiprofessional", value: "yes" }, "Works in a team"),
      ]);
    expect(html(tree(Checkboxes as unknown as typeof lib.Checkboxes))).toBe(html(tree(lib.Checkboxes)));
  });

  it("Radios with a legend, hint and error", () => {
    const tree = (R: typeof lib.Radios) =>
      h(R, { name: "role", legend: "Role", legendProps: { size: "m" }, hint: "Who they are", error: "Select a role" }, [
        h(R.Item, { key: "a", id: "role", value: "trust_lead", defaultChecked: true }, "Trust lead"),
        h(R.Item, { key: "b", id: "role-dme", value: "dme" }, "DME"),
      ]);
    expect(html(tree(Radios as unknown as typeof lib.Radios))).toBe(html(tree(lib.Radios)));
  });

  it("ErrorSummary", () => {
    const tree = (E: typeof lib.ErrorSummary) =>
      h(E, { tabIndex: -1 }, [
        h(E.Title, { key: "t" }, "There is a problem"),
        h(E.List, { key: "l" }, [h(E.ListItem, { key: "i", href: "#email" }, "Enter an email address")]),
      ]);
    expect(html(tree(ErrorSummary as unknown as typeof lib.ErrorSummary))).toBe(html(tree(lib.ErrorSummary)));
  });

  it("NotificationBanner, success", () => {
    const tree = (N: typeof lib.NotificationBanner) =>
      h(N, { success: true }, [h(N.Title, { key: "t" }, "Success"), h(N.Heading, { key: "h" }, "Your profile is saved")]);
    // Ours reads the page's address (it takes focus again on each visit), so it renders in a router.
    const routed = h(StaticRouter, { location: "/" }, tree(NotificationBanner as unknown as typeof lib.NotificationBanner));
    expect(html(routed)).toBe(html(tree(lib.NotificationBanner)));
  });

  it("Card, plain and clickable in a group", () => {
    const tree = (C: typeof lib.Card) =>
      h(C.Group, null, [
        h(C.GroupItem, { key: "a", width: "one-third" }, h(C, { clickable: true }, [h(C.Heading, { key: "h", headingLevel: "h3", className: "nhsuk-heading-s" }, h(C.Link, { href: "/x" }, "Users")), h(C.Description, { key: "d" }, "12 accounts")])),
        h(C.GroupItem, { key: "b", width: "one-third" }, h(C, null, [h(C.Heading, { key: "h" }, "Placement"), h("p", { key: "p" }, "At RRK")])),
      ]);
    expect(html(tree(Card as unknown as typeof lib.Card))).toBe(html(tree(lib.Card)));
  });

  it("the site header, signed in and out, is the library's header without the script's More menu", () => {
    const user = { name: "Dr Priya Patel", role: "trainee" as const, unread: 2 };
    for (const who of [null, user]) {
      const ours = html(h(StaticRouter, { location: "/trainee" }, h(SiteHeader, { user: who })));
      const theirs = html(
        h(
          lib.Header,
          { service: { text: "Invitational", href: "/" } },
          who
            ? h(lib.Header.Account, { "aria-label": "Your account" }, [
                h(lib.Header.AccountItem, { key: "n", icon: true }, who.name),
                h(lib.Header.AccountItem, { key: "u", href: "/notifications" }, h("span", null, "Notifications (2", h("span", { className: "nhsuk-u-visually-hidden" }, " unread"), ")")),
                h(lib.Header.AccountItem, { key: "e", href: "/account/notifications" }, "Settings"),
                h(lib.Header.AccountItem, { key: "p", href: "/account/password" }, "Change password"),
                h(lib.Header.AccountItem, { key: "s", formProps: { action: "/sign-out", method: "post" }, type: "submit" }, "Sign out"),
              ])
            : null,
          h(
            lib.Header.Navigation,
            { "aria-label": "Menu" },
            (who ? [["/trainee", "Home"], ["/trainee/journey", "Your journey"], ["/opportunities", "Find opportunities"]] : [["/opportunities", "Find opportunities"], ["/sign-in", "Sign in"], ["/register", "Create a trainee account"]]).map(([href, text]) =>
              h(lib.Header.NavigationItem, { key: href, href, current: href === "/trainee" ? true : undefined }, text),
            ),
          ),
        ),
      )
        .replace(' data-module="nhsuk-header"', "")
        .replace(/<li class="nhsuk-header__menu" hidden="">.*?<\/li>/, "");
      expect(ours).toBe(theirs);
    }
  });

  it("the site footer", () => {
    const theirs = html(
      h(lib.Footer, null, h(lib.Footer.Meta, null, [
        h(lib.Footer.ListItem, { key: "a", href: "/" }, "About Invitational"),
        h(lib.Footer.ListItem, { key: "b", href: "/accessibility" }, "Accessibility statement"),
        h(lib.Footer.ListItem, { key: "c", href: "/privacy" }, "Privacy"),
        h(lib.Footer.Copyright, { key: "d" }, "© NHS England"),
      ])),
    );
    expect(html(h(SiteFooter))).toBe(theirs);
  });
});

describe("imports of NHS.UK components", () => {
  it("no app module imports nhsuk-react-components' index or nhsuk-frontend's scripts", () => {
    // The index put every component into every page's first load, and nhsuk-frontend's
    // scripts added 13 KB gzipped more: components come one file each from app/components/nhsuk.
    const appDir = path.resolve(import.meta.dirname, "../../app");
    const files = readdirSync(appDir, { recursive: true, encoding: "utf8" }).filter((f) => /\.(tsx?|jsx?)$/.test(f));
    const offenders = files.filter((f) => {
      const source = readFileSync(path.join(appDir, f), "utf8");
      return /^import (?!type )[^;]*from "nhsuk-react-components";/m.test(source) || /from "nhsuk-frontend(?:\/dist\/nhsuk\/[^"]*\.m?js)?"/.test(source);
    });
    expect(offenders).toEqual([]);
  });
});
