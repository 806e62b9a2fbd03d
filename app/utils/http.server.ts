import { json } from "@remix-run/node";

import type { FormFailure } from "./forms";

export function notFound(message = "Page not found"): Response {
  return new Response(message, { status: 404, statusText: "Not Found" });
}

export function forbidden(message = "You do not have permission to see this page"): Response {
  return new Response(message, { status: 403, statusText: "Forbidden" });
}

/** 400 for input the user can fix, 409 for a state conflict, 429 when throttled. */
export function invalid(body: FormFailure, status: 400 | 409 | 429 = 400) {
  return json(body, { status });
}
