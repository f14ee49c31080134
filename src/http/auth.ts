import { timingSafeEqual } from 'node:crypto';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import type { Step } from './pipeline.js';

export interface Credentials {
  readonly clientKey: string;
  readonly clientSecret: string;
}

/**
 * A comparison against a fixed value in time that depends only on that value's length: the given
 * string is written into a buffer of that length (cut short or zero-padded) and compared with
 * `timingSafeEqual`; unequal lengths are told apart after the comparison, never before it.
 * Hashing both sides would do the same job, at the cost of two hashes on every request.
 */
export function constantTimeMatcher(expected: string): (given: string) => boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  const scratch = Buffer.alloc(expectedBytes.length);
  return (given) => {
    scratch.fill(0);
    scratch.write(given, 'utf8');
    const sameBytes = timingSafeEqual(scratch, expectedBytes);
    return sameBytes && Buffer.byteLength(given, 'utf8') === expectedBytes.length;
  };
}

/** Both headers must be present and right; which one failed is not said, so nothing leaks. */
export function requireCredentials(credentials: Credentials): Step {
  const keyMatches = constantTimeMatcher(credentials.clientKey);
  const secretMatches = constantTimeMatcher(credentials.clientSecret);
  // Not async: a frame and a promise per request for no await.
  return (c, next) => {
    const headers = requestHeaders(c);
    const key = headers['x-client-key'];
    const secret = headers['x-client-secret'];
    // Evaluate both comparisons every time, so timing does not tell which header was wrong.
    const keyOk = keyMatches(key ?? '');
    const secretOk = secretMatches(secret ?? '');
    if (key === undefined || secret === undefined || !keyOk || !secretOk) {
      throw new HttpError(401, 'Invalid API credentials');
    }
    return next();
  };
}
