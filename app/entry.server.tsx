import { PassThrough } from "node:stream";

import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";

import { NonceProvider } from "./components/nonce";
import { isProduction } from "./utils/env.server";

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
  return new Promise<Response>((resolve, reject) => {
    let failed = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
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
          // Log the failure without request data: URLs and bodies may carry personal data.
          console.error("Render error:", error instanceof Error ? error.message : "unknown");
        },
      },
    );
    const timer = setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  if (request.signal.aborted) return;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
  console.error(`Unhandled error on ${request.method} ${new URL(request.url).pathname}: ${message}`);
  if (!isProduction() && error instanceof Error && error.stack) console.error(error.stack);
}
