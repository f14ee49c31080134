/**
 * A `catch` receives `unknown`: JavaScript lets anything be thrown. These narrow it, in one place,
 * instead of an `as Error` at every catch that would be wrong the day a string is thrown.
 */

/** The caught value as an Error: itself when it is one, else an Error whose message is what was thrown. */
export function asError(caught: unknown): Error {
  return caught instanceof Error ? caught : new Error(String(caught), { cause: caught });
}

/** The code a Node error carries (`ENOENT`, `EADDRINUSE`, `ERR_PARSE_ARGS_UNKNOWN_OPTION`), if it has one. */
export function errorCode(caught: unknown): string | undefined {
  if (typeof caught !== 'object' || caught === null || !('code' in caught)) return undefined;
  return typeof caught.code === 'string' ? caught.code : undefined;
}
