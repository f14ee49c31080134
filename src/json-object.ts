/**
 * A JSON object (not null, not an array), whose fields are then read as `unknown` and each checked:
 * the one guard for values read from files, documents and response bodies before their shape is known.
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON object whose every field is a string. */
export function isTextRecord(value: unknown): value is Record<string, string> {
  return isJsonObject(value) && Object.values(value).every((field) => typeof field === 'string');
}
