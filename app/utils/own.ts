/**
 * The value a record holds under a key from the address or a form, only if the record itself
 * has it: `record[key]` would also find what every object inherits (`?done=__proto__` is
 * Object.prototype, which React refuses to render).
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string | null | undefined): T | undefined {
  return key != null && Object.hasOwn(record, key) ? record[key] : undefined;
}
