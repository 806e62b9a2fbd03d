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
    /** The user's unread notifications, read with the session (server.ts); absent where a caller did not read them. */
    unreadNotifications?: number | null;
  }
}

export {};
