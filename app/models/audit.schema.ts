// The admin's audit trail search, read from the page's address (a GET form, so a search can be
// shared and works without JavaScript). Safe for the browser bundle: no server imports.
import * as v from "valibot";

import { isCalendarDate } from "~/utils/dates";
import { cleanText, issuesToFieldErrors, type FieldErrors } from "~/utils/forms";

import { UUID } from "./ids";

const text = v.fallback(v.pipe(v.string(), v.trim(), v.maxLength(200)), "");
const page = v.fallback(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(10000)), 1);

const AuditFiltersSchema = v.object({
  person: text,
  trainee: text,
  // An unknown trust is ignored, as every filter menu's stale value is: the address is the admin's to edit.
  trustId: v.fallback(v.optional(v.pipe(v.string(), v.regex(UUID))), undefined),
  page,
});

const date = (label: string) =>
  v.optional(v.pipe(v.string(), v.trim(), v.check(isCalendarDate, `The ${label} must be a real date, like 2027-03-15`)));

const AuditDatesSchema = v.pipe(
  v.object({ from: date("\"from\" date"), to: date("\"to\" date") }),
  v.forward(
    v.check((d) => !d.from || !d.to || d.from <= d.to, "The \"to\" date must be the same as or after the \"from\" date"),
    ["to"],
  ),
);

export type AuditFilters = v.InferOutput<typeof AuditFiltersSchema> & { from?: string; to?: string };

/** The search and, for a date that is no day (or a range the wrong way round), its field's message. */
export function readAuditSearch(params: URLSearchParams): { filters: AuditFilters; fieldErrors: FieldErrors; values: Record<string, string> } {
  const raw: Record<string, string> = {};
  for (const [k, val] of params) if (val !== "" && !(k in raw)) raw[k] = cleanText(val);
  const filters: AuditFilters = v.parse(AuditFiltersSchema, { ...raw, page: raw.page ?? "1" });
  const dates = v.safeParse(AuditDatesSchema, { from: raw.from, to: raw.to });
  if (!dates.success) return { filters, fieldErrors: issuesToFieldErrors(dates.issues), values: raw };
  return { filters: { ...filters, from: dates.output.from, to: dates.output.to }, fieldErrors: {}, values: raw };
}
