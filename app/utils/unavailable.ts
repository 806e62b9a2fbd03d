// The words of the 503 pages, shared by the page the server writes (unavailable.server.ts) and
// the root error boundary, which shows them after a client-side navigation met the failure.
export type Unavailability = "database_unavailable" | "statement_timeout";

export const UNAVAILABLE_TEXT: Record<Unavailability, { title: string; paragraphs: string[] }> = {
  database_unavailable: {
    title: "Sorry, the service is unavailable",
    paragraphs: ["Try again in a minute."],
  },
  statement_timeout: {
    title: "Sorry, this is taking longer than it should",
    paragraphs: ["Try again in a minute.", "If you were saving a change, check whether it was saved before you make it again."],
  },
};

/** The kind carried by a 503 data response's body, or null when it is some other error. */
export function unavailabilityOf(data: unknown): Unavailability | null {
  const kind = (data as { unavailable?: unknown } | null)?.unavailable;
  return kind === "database_unavailable" || kind === "statement_timeout" ? kind : null;
}
