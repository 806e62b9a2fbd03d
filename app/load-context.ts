import type { SessionUser } from "./auth.server";

declare module "@remix-run/server-runtime" {
  interface AppLoadContext {
    /** Per-request CSP nonce for Remix's inline scripts. */
    nonce: string;
    /** This request's id: in the X-Request-Id header, every log line about it and the error page. */
    requestId: string;
    clientIp: string;
    user: SessionUser | null;
    sessionId: string | null;
    /** Errors thrown by this request's loaders and actions (entry.server's handleError), so server.ts can answer an unavailable database with 503. */
    serverErrors?: unknown[];
    /** The user's unread notifications, read with the session (server.ts); absent where a caller did not read them. */
    unreadNotifications?: number | null;
  }
}

export {};
