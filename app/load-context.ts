import type { SessionUser } from "./auth.server";

declare module "@remix-run/server-runtime" {
  interface AppLoadContext {
    /** Per-request CSP nonce for Remix's inline scripts. */
    nonce: string;
    clientIp: string;
    user: SessionUser | null;
    sessionId: string | null;
  }
}

export {};
