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
import nhsukStyles from "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css";
import { SkipLink } from "nhsuk-react-components";
import type { ReactNode } from "react";

import { ErrorReference } from "./components/error-reference";
import { useNonce } from "./components/nonce";
import { SiteFooter } from "./components/site-footer";
import { SiteHeader } from "./components/site-header";
import { getDb } from "./db.server";
import { countUnread } from "./models/notifications.server";
import appStyles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: nhsukStyles },
  { rel: "stylesheet", href: appStyles },
  { rel: "icon", href: "/assets/images/favicon.ico", sizes: "48x48" },
  { rel: "icon", href: "/assets/images/favicon.svg", type: "image/svg+xml" },
];

export async function loader({ context }: LoaderFunctionArgs) {
  // One count on notifications_user_idx (user_id, read_at), for the header on every page.
  const user = context.user
    ? { name: context.user.name, role: context.user.role, unread: await countUnread(await getDb(), context.user.id) }
    : null;
  return json({ user });
}

// Marks the page as able to run nhsuk-frontend's scripts before first paint, as its docs ask.
const SUPPORT_SCRIPT =
  "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');";

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
      {/* The support script adds classes to <body> before hydration: React must leave them. */}
      <body suppressHydrationWarning>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: SUPPORT_SCRIPT }} suppressHydrationWarning />
        <SkipLink href="#maincontent">Skip to main content</SkipLink>
        {/* nhsuk-frontend's header script moves menu items into "More" behind React's back:
            a new set of items (another user) gets a new header rather than a patched one. */}
        <SiteHeader key={data?.user ? `${data.user.role}:${data.user.name}` : "signed-out"} user={data?.user ?? null} />
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

// nhsuk-react-components start nhsuk-frontend's behaviours (header menu, error summary
// focus) themselves when they mount: calling initAll as well would initialise them twice.
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
