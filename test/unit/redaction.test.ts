import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, targetRedactor } from '../../src/domain/redaction.js';

// Configured credentials as a config file may spell them: one holds a space (a `+` in a query),
// one a slash (only escaped can it sit in one path segment).
const SECRETS = ['mock-client-key', 'mock-client-secret', 'open sesame 7', 'k/9x'];
const GENERATED = '0123456789abcdef0123456789ABCDEF';
const SECRET_NAME = /key|secret|token|password|passwd|auth|signature|credential/i;
const redact = targetRedactor(SECRETS);

/** A part as the redactor reads it: path segments decoded (left as sent when they cannot be). */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** What holding a secret means, part by part: a configured credential in it, or the whole of it shaped like a generated secret. */
const holdsSecret = (part: string) => /^[0-9a-f]{32}$/i.test(part) || SECRETS.some((secret) => part.includes(secret));

const pathSecrets = (path: string) => path.split('/').map(decodedSegment).filter(holdsSecret);
const queryPairs = (search: string) => [...new URLSearchParams(search)];
const querySecrets = (search: string) => queryPairs(search).filter(([name, value]) => SECRET_NAME.test(name) || holdsSecret(name) || holdsSecret(value));

/** Pieces of targets, plain and escaped: credentials whole and in part, escapes broken and sound, secret-like names. */
const piece = fc.constantFrom(
  'api', 'v0', 'customers', 'take', '10', 'name', 'an', 'é', '-', '.', '',
  '/', '?', '&', '=', '+', '%', '%2', '%zz', '%20', '%2F', '%2B',
  'token', 'Key', 'x-client-secret', 'auth', 'passwd',
  ...SECRETS,
  ...SECRETS.map(encodeURIComponent),
  'open+sesame+7', 'mock-client-', 'secret', GENERATED, GENERATED.slice(1), `%30${GENERATED.slice(1)}`, `${GENERATED}0`,
);
const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));
const path = text.map((rest) => `/${rest}`);
const search = fc.oneof(fc.constant(''), text.map((rest) => `?${rest}`));

describe('targetRedactor', () => {
  it('leaves a path whose segments hold no secret as it is, and masks exactly the segments that hold one', () => {
    fc.assert(
      fc.property(path, (given) => {
        const masked = redact.path(given);
        if (pathSecrets(given).length === 0) expect(masked).toBe(given);
        const [before, after] = [given.split('/'), masked.split('/')];
        expect(after).toHaveLength(before.length);
        before.forEach((segment, i) => expect(after[i]).toBe(holdsSecret(decodedSegment(segment)) ? REDACTED : segment));
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves a query without a secret as it is; otherwise masks every value under a secret name or holding a secret, and leaves none in clear', () => {
    fc.assert(
      fc.property(search, (given) => {
        const masked = redact.search(given);
        if (querySecrets(given).length === 0) {
          expect(masked).toBe(given);
          return;
        }
        const [before, after] = [queryPairs(given), queryPairs(masked)];
        expect(after).toHaveLength(before.length);
        before.forEach(([name, value], i) => {
          if (SECRET_NAME.test(name) || holdsSecret(name) || holdsSecret(value)) expect(after[i]![1]).toBe(REDACTED);
          else expect(after[i]).toEqual([name, value]);
        });
        expect(querySecrets(masked).filter(([name, value]) => holdsSecret(name) || (holdsSecret(value) && value !== REDACTED))).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['/api/v0/customers', '/api/v0/customers'],
    ['/api/v0/customers/mock-client-key', `/api/v0/customers/${REDACTED}`],
    ['/api/v0/customers/k%2F9x', `/api/v0/customers/${REDACTED}`],
    [`/x/${GENERATED}/y`, `/x/${REDACTED}/y`],
    [`/x/%30${GENERATED.slice(1)}`, `/x/${REDACTED}`],
  ])('path %s is logged as %s', (given, expected) => {
    expect(redact.path(given)).toBe(expected);
  });

  it.each([
    ['?status=ACTIVE&name=an&skip=5&take=50', '?status=ACTIVE&name=an&skip=5&take=50'],
    ['?name=open+sesame+7', `?name=${REDACTED}`],
    ['?api_token=abc&take=1', `?api_token=${REDACTED}&take=1`],
    ['?mock-client-key=1', `?${REDACTED}=${REDACTED}`],
  ])('query %s is logged as %s', (given, expected) => {
    expect(redact.search(given)).toBe(expected);
  });
});
