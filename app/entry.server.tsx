import { PassThrough } from "node:stream";

import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";

import { messageWithReference, RequestIdProvider } from "./components/error-reference";
import { NonceProvider } from "./components/nonce";
import { logError, routePattern } from "./utils/log.server";

const ABORT_DELAY = 5_000;

/**
 * Renders the whole document, then sends it as one body. No route defers data, so
 * streaming gains nothing here, and writing React's small chunks one by one to the
 * socket cost more CPU than the render itself under load. Waiting for the whole
 * document also lets an error late in the render still answer 500.
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
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RequestIdProvider value={requestId}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </RequestIdProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          clearTimeout(timer);
          const chunks: Buffer[] = [];
          const body = new PassThrough();
          body.on("data", (chunk: Buffer) => chunks.push(chunk));
          body.on("error", reject);
          body.on("end", () => {
            responseHeaders.set("Content-Type", "text/html; charset=utf-8");
            resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: failed ? 500 : responseStatusCode }));
          });
          pipe(body);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          failed = true;
          const params = remixContext.staticHandlerContext.matches.at(-1)?.params;
          logError("Render error", error, { requestId, method: request.method, route: routePattern(new URL(request.url).pathname, params) });
        },
      },
    );
    const timer = setTimeout(abort, ABORT_DELAY);
  });
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
