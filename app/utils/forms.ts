import * as v from "valibot";

import { isCalendarDate } from "./dates";

export type FieldErrors = Record<string, string>;

/** The shape every action returns on refusal: the page shows a summary and each field's message. */
export interface FormFailure {
  ok: false;
  fieldErrors: FieldErrors;
  formError?: string;
  values: Record<string, string | string[]>;
}

export type FormResult<T> = { ok: true; data: T } | FormFailure;

// Never echo secrets back into the page. A plain array: this module keeps no top-level code
// that runs (no schema, no Set), so a route that imports it only for its action does not
// bring it, and valibot, into the page's JavaScript.
const SECRET_FIELDS: readonly string[] = ["password", "confirmPassword", "currentPassword", "newPassword"];

/** PostgreSQL text cannot hold NUL: remove it (and other control characters but tab and newlines) from anything typed. */
export function cleanText(value: string): string {
  return value.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
}

function formStrings(formData: FormData, key: string): string[] {
  return formData
    .getAll(key)
    .filter((x): x is string => typeof x === "string")
    .map(cleanText);
}

export function formValues(formData: FormData): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const key of new Set(formData.keys())) {
    if (SECRET_FIELDS.includes(key)) continue;
    const all = formStrings(formData, key);
    values[key] = all.length > 1 ? all : (all[0] ?? "");
  }
  return values;
}

/** Plain object from a form: repeated names (checkboxes) become arrays when the schema wants them. */
export function formObject(formData: FormData, arrayFields: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(formData.keys())) {
    const all = formStrings(formData, key);
    out[key] = arrayFields.includes(key) ? all : (all[0] ?? "");
  }
  for (const key of arrayFields) if (!(key in out)) out[key] = [];
  return out;
}

/** The keys of an object schema, also when it is wrapped in a pipe of cross-field checks. */
function schemaKeys(schema: v.GenericSchema): string[] {
  const s = schema as unknown as { entries?: Record<string, unknown>; pipe?: v.GenericSchema[] };
  if (s.entries) return Object.keys(s.entries);
  if (s.pipe?.[0] && s.pipe[0] !== schema) return schemaKeys(s.pipe[0]);
  return [];
}

export function parseForm<TSchema extends v.GenericSchema>(
  schema: TSchema,
  formData: FormData,
  options: { arrayFields?: readonly string[] } = {},
): FormResult<v.InferOutput<TSchema>> {
  const input = formObject(formData, options.arrayFields);
  // An unticked radio or checkbox sends nothing: treat it as an empty answer, so the
  // schema's own "Select a role" message shows rather than a message about a missing key.
  for (const key of schemaKeys(schema)) if (!(key in input)) input[key] = "";
  const result = v.safeParse(schema, input);
  if (result.success) return { ok: true, data: result.output };
  return { ok: false, fieldErrors: issuesToFieldErrors(result.issues), values: formValues(formData) };
}

export function issuesToFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldErrors {
  const fieldErrors: FieldErrors = {};
  for (const issue of issues) {
    // A refused item of a checkbox group (`hlmDimensions.0`) is the group's error: the page has
    // one field, and one message, per group.
    const key = (v.getDotPath(issue) ?? "form").replace(/^([^.]+)(\.\d+)+$/, "$1");
    if (!(key in fieldErrors)) fieldErrors[key] = issue.message;
  }
  return fieldErrors;
}

export function failure(
  formData: FormData,
  fieldErrors: FieldErrors,
  formError?: string,
): FormFailure {
  return { ok: false, fieldErrors, formError, values: formValues(formData) };
}

/** A trimmed, required text field with a human message. */
export function requiredText(message: string, max = 200, maxMessage?: string) {
  return v.pipe(
    v.string(message),
    v.trim(),
    v.nonEmpty(message),
    v.maxLength(max, maxMessage ?? `Must be ${max} characters or fewer`),
  );
}

/**
 * The one schema for a date a person types or puts in a URL: required, YYYY-MM-DD and a day
 * that exists. `label` reads after "the": "start date", "\"starting on or after\" date".
 */
export function calendarDate(label: string, example = "2027-03-15") {
  return v.pipe(
    v.string(`Enter the ${label}`),
    v.trim(),
    v.nonEmpty(`Enter the ${label}`),
    v.check(isCalendarDate, `The ${label} must be a real date, like ${example}`),
  );
}
