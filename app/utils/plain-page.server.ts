// A page the server sends itself, outside Remix (413, a malformed address, a failure before
// routing): the NHS.UK header and footer, the message and the app's own stylesheets, nothing else.

export interface PlainPageOptions {
  title: string;
  paragraphs: string[];
  /** The app's stylesheet URLs (root's links), so the page looks like the rest of the service. */
  stylesheets?: string[];
  /** Shown so a person can quote it; the same id is in the log and the X-Request-Id header. */
  reference?: string;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

const NHS_LOGO =
  '<svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS"><title>NHS</title><path fill="currentcolor" d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"></path></svg>';

/** The footer of every page (app/components/site-footer.tsx), as markup: a unit test keeps the two the same. */
export const FOOTER_HTML =
  '<footer class="nhsuk-footer" role="contentinfo"><div class="nhsuk-width-container"><div class="nhsuk-footer__meta"><h2 class="nhsuk-u-visually-hidden">Support links</h2><ul class="nhsuk-footer__list"><li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/">About Invitational</a></li><li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/accessibility">Accessibility statement</a></li><li class="nhsuk-footer__list-item"><a class="nhsuk-footer__list-item-link" href="/privacy">Privacy</a></li></ul><p class="nhsuk-body-s">© NHS England</p></div></div></footer>';

export function plainPage({ title, paragraphs, stylesheets = [], reference }: PlainPageOptions): string {
  const links = stylesheets.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join("");
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("");
  const quote = reference
    ? `<p>If you report this problem, quote this reference: <strong id="error-reference">${escapeHtml(reference)}</strong></p>`
    : "";
  return `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Invitational</title>${links}</head><body><a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a><header class="nhsuk-header" role="banner"><div class="nhsuk-width-container nhsuk-header__container"><div class="nhsuk-header__service"><a class="nhsuk-header__service-logo" href="/" aria-label="NHS Invitational homepage">${NHS_LOGO}<span class="nhsuk-header__service-name">Invitational</span></a></div></div></header><div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" id="maincontent" role="main"><div class="nhsuk-grid-row"><div class="nhsuk-grid-column-two-thirds"><h1>${escapeHtml(title)}</h1>${body}${quote}<p><a href="/">Go to the Invitational home page</a></p></div></div></main></div>${FOOTER_HTML}</body></html>`;
}
