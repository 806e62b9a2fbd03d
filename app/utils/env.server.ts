// The Remix compiler replaces the literal expression `process.env.NODE_ENV` with
// "production" in the server bundle at build time. The mode must be read at run time
// (the same build runs in development and production), so read it through a reference.
const env: NodeJS.ProcessEnv = process.env;

export function isProduction(): boolean {
  return env.NODE_ENV === "production";
}

/** A setting (environment variable) that cannot be used: its message says what to change and is safe to print. */
export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingError";
  }
}
