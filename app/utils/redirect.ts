// The one check for every address that comes from a person (a redirectTo parameter, the
// Referer, a stored notification link) before the app sends anyone to it.

// Relative paths are resolved against a host that cannot exist, so "same origin" means
// "a path on whatever host served the page".
const PLACEHOLDER_ORIGIN = "http://invitational.invalid";

// Browsers remove tabs and newlines from an address and read "\" as "/", so "/\t/evil.example"
// and "/\evil.example" both reach another host although neither starts with "//".
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/**
 * `to` as a path on this site (path, query and fragment), or `fallback` when it could lead
 * anywhere else. A relative path must start with one "/"; an absolute address is accepted only
 * when `origin` is given and it is that origin (the Referer of a page of this site).
 */
export function safeRedirect<F extends string | null>(to: unknown, fallback: F, options: { origin?: string } = {}): string | F {
  if (typeof to !== "string" || to === "" || UNSAFE_CHARACTERS.test(to)) return fallback;
  const relative = to.startsWith("/");
  if (!relative && !options.origin) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(relative ? PLACEHOLDER_ORIGIN : (options.origin ?? PLACEHOLDER_ORIGIN));
    // Anything not starting with "/" must be a whole address on its own, never resolved against ours.
    url = relative ? new URL(to, base) : new URL(to);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  // "/..//evil.example" resolves to the path "//evil.example", which a browser reads as a host.
  if (url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
