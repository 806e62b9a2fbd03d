import { ErrorSummary } from "~/components/nhsuk/error-summary";
import { useEffect, useRef } from "react";

import type { FormFailure } from "~/utils/forms";

/**
 * Field id convention: the input's id is its name, so the summary can link to it. Remix's
 * meta cannot see action data, so the "Error: " title prefix is added here once the page
 * shows a refusal in the browser.
 */
export function FormErrorSummary({ failure, labels }: { failure: FormFailure | undefined | null; labels?: Record<string, string> }) {
  const ref = useRef<HTMLDivElement>(null);
  const entries = failure ? Object.entries(failure.fieldErrors) : [];
  useEffect(() => {
    // After a client-side submission the summary takes focus, as it does on a full page load,
    // and the page's title starts with "Error: " so a screen reader announces the refusal.
    if (!failure) return;
    // nhsuk-frontend makes the summary focusable when it starts it, once per element; after a
    // second refusal the summary may be a new element it has not reached yet.
    if (ref.current) {
      if (!ref.current.hasAttribute("tabindex")) ref.current.setAttribute("tabindex", "-1");
      ref.current.focus();
    }
    const title = document.title;
    if (!title.startsWith(ERROR_PREFIX)) document.title = ERROR_PREFIX + title;
    return () => {
      if (document.title === ERROR_PREFIX + title) document.title = title;
    };
  }, [failure]);
  if (!failure || (!entries.length && !failure.formError)) return null;
  return (
    <ErrorSummary ref={ref}>
      <ErrorSummary.Title>There is a problem</ErrorSummary.Title>
      <ErrorSummary.List>
        {failure.formError ? <ErrorSummary.ListItem href="#maincontent">{failure.formError}</ErrorSummary.ListItem> : null}
        {entries.map(([field, message]) => (
          <ErrorSummary.ListItem key={field} href={`#${field}`} title={labels?.[field]}>
            {message}
          </ErrorSummary.ListItem>
        ))}
      </ErrorSummary.List>
    </ErrorSummary>
  );
}

export function fieldError(failure: FormFailure | undefined | null, name: string): string | undefined {
  return failure?.fieldErrors[name];
}

/** The value the user typed, kept after a refusal, else the stored one. */
export function keptValue(failure: FormFailure | undefined | null, name: string, fallback = ""): string {
  const v = failure?.values[name];
  if (Array.isArray(v)) return v[0] ?? fallback;
  return v ?? fallback;
}

export function keptValues(failure: FormFailure | undefined | null, name: string, fallback: string[] = []): string[] {
  if (!failure) return fallback;
  const v = failure.values[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

const ERROR_PREFIX = "Error: ";

export { pageTitle } from "~/utils/page-title";

/**
 * A password field is never filled back in after a refusal. Without JavaScript the page is
 * new anyway; after a client-side submission this empties the field the same way.
 */
export function usePasswordReset(failure: unknown) {
  const ref = useRef<HTMLInputElement>(null);
  const mounted = useRef(false);
  useEffect(() => {
    // Not on the first render: a refused form sent without JavaScript arrives with its password
    // fields already empty, and clearing them once the page's script starts would wipe what the
    // person has typed since (seen on a slow machine: the second try went out empty).
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    if (failure && ref.current) ref.current.value = "";
  }, [failure]);
  return ref;
}

/** A single refusal that belongs to a page section rather than a field (a 409 from a button). */
/** `href` is what the message is about; without one (nothing left on the page to go to) it leads to the page's content, as a form's own refusal does. */
export function MessageSummary({ message, href }: { message: string | undefined; href: string | undefined }) {
  if (!message) return null;
  return (
    <ErrorSummary>
      <ErrorSummary.Title>There is a problem</ErrorSummary.Title>
      <ErrorSummary.List>
        <ErrorSummary.ListItem href={href ?? "#maincontent"}>{message}</ErrorSummary.ListItem>
      </ErrorSummary.List>
    </ErrorSummary>
  );
}
