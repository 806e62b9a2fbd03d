import "./load-context";

import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { SkipLink } from "~/components/nhsuk/skip-link";
import type { ReactNode } from "react";

import { ErrorReference } from "./components/error-reference";
import { useNonce } from "./components/nonce";
import { SiteFooter } from "./components/site-footer";
import { SiteHeader } from "./components/site-header";
import { getDb } from "./db.server";
import { countUnread } from "./models/notifications.server";
// nhsuk-frontend's stylesheet without its remote font (scripts/nhsuk-styles.mjs writes it at build).
import nhsukStyles from "./styles/nhsuk-frontend.css";
import appStyles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: nhsukStyles },
  { rel: "stylesheet", href: appStyles },
  { rel: "icon", href: "/assets/images/favicon.ico", sizes: "48x48" },
  { rel: "icon", href: "/assets/images/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The header's count of unread notifications was read with the session. An action may have
  // just marked some read (a POST runs it before this loader), so then it is counted again.
  const readWithSession = (request.method === "GET" || request.method === "HEAD") && typeof context.unreadNotifications === "number";
  const user = context.user
    ? {
        name: context.user.name,
        role: context.user.role,
        unread: readWithSession ? context.unreadNotifications! : await countUnread(await getDb(), context.user.id),
      }
    : null;
  return json({ user });
}


export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const data = useRouteLoaderData<typeof loader>("root");
  return (
    <html lang="en-GB">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="theme-color" content="#005eb8" />
        <Meta />
        <Links />
      </head>
      {/* No nhsuk-frontend-supported class on <body>: nhsuk-frontend's scripts are not loaded
          (see components/nhsuk.tsx), so its CSS shows each component as it works without them. */}
      <body>
        <SkipLink href="#maincontent">Skip to main content</SkipLink>
        <SiteHeader user={data?.user ?? null} />
        <div className="nhsuk-width-container">
          <main className="nhsuk-main-wrapper" id="maincontent" role="main">
            {children}
          </main>
        </div>
        <SiteFooter />
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) {
      return (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <title>Page not found – Invitational</title>
            <h1>Page not found</h1>
            <p>If you typed the web address, check it is correct.</p>
            <p>If you pasted the web address, check you copied the entire address.</p>
            <p>
              <a href="/">Go to the Invitational home page</a>
            </p>
          </div>
        </div>
      );
    }
    if (error.status === 403) {
      return (
        <div className="nhsuk-grid-row">
          <div className="nhsuk-grid-column-two-thirds">
            <title>You cannot see this page – Invitational</title>
            <h1>You cannot see this page</h1>
            <p>Your account does not give you access to this page.</p>
            <p>
              <a href="/">Go to your home page</a>
            </p>
          </div>
        </div>
      );
    }
    return (
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <title>{`${error.statusText || "Error"} – Invitational`}</title>
          <h1>{error.statusText || "Something went wrong"}</h1>
          <p>{typeof error.data === "string" ? error.data : "Try again later."}</p>
        </div>
      </div>
    );
  }
  // Never show a stack trace: the details are in the server log, without personal data,
  // under the reference shown here.
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <title>Sorry, there is a problem with the service – Invitational</title>
        <h1>Sorry, there is a problem with the service</h1>
        <p>Try again later.</p>
        <ErrorReference error={error} />
      </div>
    </div>
  );
}
