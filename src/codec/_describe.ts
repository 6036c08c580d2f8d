/**
 * Names the type of a value for an error message: `"null"`, the constructor
 * name of an object, or `typeof`.
 *
 * @param value Any value.
 * @returns A short type name.
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
