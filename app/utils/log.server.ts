/**
 * Logs an error without personal data: its class, where it happened and the SQL state, never
 * its message (drizzle puts a failed query's parameters in it; mail servers quote addresses).
 */
export function logError(error: unknown, context: { where: string }): void {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  const code = sqlState(error);
  console.error(`Error in ${context.where}: ${name}${code ? ` (SQL state ${code})` : ""}`);
}

function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: unknown } | null;
  if (e && typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  if (e?.cause) return sqlState(e.cause);
  return undefined;
}
