/**
 * Headers whose values are secrets: the API's credentials, and the usual carriers of others, for an
 * upstream behind a gateway that wants its own.
 */
const SECRET_HEADERS = new Set(['x-client-key', 'x-client-secret', 'authorization', 'proxy-authorization', 'cookie']);

export const REDACTED = '[redacted]';

/**
 * Takes the request's secret header values out of any text about it (a verdict's message, the
 * path in a log line): an upstream may echo a credential in an error, or a client may put one in
 * the query. The values pass to the upstream; they are never logged, recorded or reported.
 */
export function credentialRedactor(rawHeaders: readonly string[]): (text: string) => string {
  const secrets: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!SECRET_HEADERS.has(rawHeaders[i]!.toLowerCase())) continue;
    const value = rawHeaders[i + 1]!.trim();
    if (value !== '') secrets.push(value, encodeURIComponent(value));
  }
  if (secrets.length === 0) return (text) => text;
  // Longest first, so a secret that contains another is taken out whole.
  const ordered = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((redacted, secret) => redacted.split(secret).join(REDACTED), text);
}
