// Server-renders one route module for a signed-in request, as the server would without
// JavaScript, so a test can read the HTML a person gets.
import type { AppLoadContext } from "@remix-run/node";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";

import type { Db } from "../../db/client";
import { contextFor, getRequest } from "./context";

export async function renderRoute(
  db: Db,
  path: string,
  cookie: string | undefined,
  route: { loader: unknown; Component: () => unknown },
  params: Record<string, string> = {},
): Promise<string> {
  const request = getRequest(path, cookie);
  const context: AppLoadContext = await contextFor(db, request);
  const routes = [
    {
      path: new URL(request.url).pathname,
      loader: (args: { request: Request }) => (route.loader as (a: object) => Promise<Response>)({ request: args.request, params, context }),
      Component: route.Component as () => null,
    },
  ];
  const handler = createStaticHandler(routes);
  const result = await handler.query(request);
  if (result instanceof Response) throw new Error(`unexpected ${result.status}`);
  const router = createStaticRouter(handler.dataRoutes, result);
  return renderToString(createElement(StaticRouterProvider, { router, context: result, hydrate: false }));
}

/** The page's words, tags gone, spaces collapsed. */
export const textOf = (html: string) =>
  html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ").replace(/&#x27;/g, "'").replace(/&amp;/g, "&").replace(/\s+/g, " ");
