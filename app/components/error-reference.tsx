import { createContext, useContext, useState } from "react";

// The request id of a failed request, shown on the error page so a person can quote it; the
// same id is in the server's log line and the X-Request-Id header.
//
// Where it comes from: on the server, the document request's id through this context. In the
// browser, hydrating that page, the id already on the page. After a client-side navigation,
// the failed data request's error message, which entry.server.tsx's handleDataRequest writes
// as "Unexpected Server Error (reference …)".
const RequestIdContext = createContext<string>("");
export const RequestIdProvider = RequestIdContext.Provider;

export const ERROR_REFERENCE_ID = "error-reference";
const REFERENCE_IN_MESSAGE = /\(reference ([0-9a-f-]{36})\)$/;

export function messageWithReference(requestId: string): string {
  return `Unexpected Server Error (reference ${requestId})`;
}

export function useErrorReference(error: unknown): string | null {
  const fromServer = useContext(RequestIdContext);
  const [onPage] = useState(() =>
    typeof document === "undefined" ? "" : (document.getElementById(ERROR_REFERENCE_ID)?.textContent ?? ""),
  );
  const fromMessage = error instanceof Error ? REFERENCE_IN_MESSAGE.exec(error.message)?.[1] : undefined;
  return fromMessage ?? (fromServer || onPage || null);
}

export function ErrorReference({ error }: { error: unknown }) {
  const reference = useErrorReference(error);
  if (!reference) return null;
  return (
    <p>
      If you report this problem, quote this reference: <strong id={ERROR_REFERENCE_ID}>{reference}</strong>
    </p>
  );
}
