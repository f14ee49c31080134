/**
 * What the request log (`GET /__admin/requests`) and `--log` keep of a request's target, with
 * every credential a client put in the URL masked: headers are never kept, but a client may send
 * a secret as a query parameter (`?token=...`) or a path segment, and a log is shared with every
 * caller of the mock's credentials and pasted into bug reports. One rule for both.
 */
export const REDACTED = '[redacted]';

/** Query parameters whose values are secrets by their name alone. */
const SECRET_NAME = /key|secret|token|password|passwd|auth|signature|credential/i;
/** The shape of the secrets the mock generates (a sandbox's: a UUID's 32 hex digits), which it keeps only as digests. */
const GENERATED_SECRET = /^[0-9a-f]{32}$/i;
/** Found in any text that holds a generated secret, escaped or not. */
const GENERATED_SECRET_RUN = /[0-9a-f]{32}/i;

export interface TargetRedactor {
  /** The path with each segment that holds a credential replaced by REDACTED. */
  path(path: string): string;
  /** The query string (`?` included, or empty) with credential values, and names holding one, masked. */
  search(search: string): string;
  /** Any text with each known secret in it masked (for a line put together from the parts). */
  text(text: string): string;
}

/** A redactor of `secrets` (the configured client keys and secrets) and of anything shaped like a generated secret. */
export function targetRedactor(secrets: readonly string[]): TargetRedactor {
  const known = secrets.filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  const holdsSecret = (text: string) => GENERATED_SECRET.test(text) || known.some((secret) => text.includes(secret));
  const maskKnown = (text: string) => known.reduce((masked, secret) => masked.replaceAll(secret, REDACTED), text);
  const mask = (text: string) => (GENERATED_SECRET.test(text) ? REDACTED : maskKnown(text));
  // Runs on every request's target, and almost none holds a secret. A target without an escape
  // is its parts as they decode, so when the whole of it holds no secret, neither does a part:
  // one scan of it answers without splitting and decoding it (an escape, or in a query a `+`,
  // which decodes to a space, sends it the long way).
  const surelyHoldsNone = (target: string) => !target.includes('%') && !GENERATED_SECRET_RUN.test(target) && !known.some((secret) => target.includes(secret));
  return {
    text: maskKnown,
    path(path) {
      if (surelyHoldsNone(path)) return path;
      const segments = path.split('/');
      let changed = false;
      for (let i = 0; i < segments.length; i++) {
        if (!holdsSecret(safeDecode(segments[i]!))) continue;
        segments[i] = REDACTED;
        changed = true;
      }
      return changed ? segments.join('/') : path;
    },
    search(search) {
      if (search === '' || (surelyHoldsNone(search) && !search.includes('+') && !SECRET_NAME.test(search))) return search;
      const params = new URLSearchParams(search);
      let changed = false;
      const masked = new URLSearchParams();
      for (const [name, value] of params) {
        const maskedValue = SECRET_NAME.test(name) || holdsSecret(name) || holdsSecret(value) ? REDACTED : value;
        const maskedName = holdsSecret(name) ? mask(name) : name;
        if (maskedValue !== value || maskedName !== name) changed = true;
        masked.append(maskedName, maskedValue);
      }
      return changed ? `?${masked.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED)}` : search;
    },
  };
}

function safeDecode(text: string): string {
  // Most segments hold no escape: they are what they say, and a request's path is redacted on every request.
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
