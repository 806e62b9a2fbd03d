/**
 * "Your home – Invitational". In a module of its own: every route's meta uses it, and importing
 * it from components/form-errors tied every page, form or not, to the error summary's code.
 */
export function pageTitle(title: string): string {
  return `${title} – Invitational`;
}
