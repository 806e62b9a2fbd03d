import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToString } from "react-dom/server";

import { messageWithReference, RequestIdProvider } from "./components/error-reference";
import { NonceProvider } from "./components/nonce";
import { logError, routePattern } from "./utils/log.server";

/**
 * Renders the whole document to one string and sends it as one body. No route defers data,
 * so streaming gains nothing here: React's streaming renderer turns the page into many small
 * encoded chunks (and writing them one by one cost more CPU than the render itself), where
 * renderToString builds one string, encoded once. A render that throws is answered by Remix
 * with the route's error boundary, as a failed shell was before.
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const nonce = loadContext.nonce ?? "";
  const requestId = loadContext.requestId ?? "";
  let html: string;
  try {
    html = renderToString(
      <NonceProvider value={nonce}>
        <RequestIdProvider value={requestId}>
          <RemixServer context={remixContext} url={request.url} nonce={nonce} />
        </RequestIdProvider>
      </NonceProvider>,
    );
  } catch (error) {
    const params = remixContext.staticHandlerContext.matches.at(-1)?.params;
    logError("Render error", error, { requestId, method: request.method, route: routePattern(new URL(request.url).pathname, params) });
    throw error;
  }
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  // As UTF-8 bytes: a string body is first checked character by character for lone surrogates
  // (replaced by U+FFFD, as the encoder does anyway), 1–2% of a page's CPU.
  return new Response(Buffer.from(`<!DOCTYPE html>${html}`, "utf8"), { headers: responseHeaders, status: responseStatusCode });
}

export const handleError: HandleErrorFunction = (error, { request, params, context }) => {
  if (request.signal.aborted) return;
  context.serverErrors?.push(error);
  logError("Unhandled error", error, {
    requestId: context.requestId,
    method: request.method,
    route: routePattern(new URL(request.url).pathname, params),
  });
};

/**
 * A loader or action that failed during a client-side navigation answers with its error's
 * message (the real one outside production). The browser gets only the reference instead,
 * so its error page can show the id a person can quote.
 */
export const handleDataRequest: HandleDataRequestFunction = async (response, { context }) => {
  if (response.headers.get("X-Remix-Error") !== "yes") return response;
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  headers.set("Content-Type", "application/json; charset=utf-8");
  return new Response(JSON.stringify({ message: messageWithReference(context.requestId) }), { status: response.status, headers });
};
