import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';

export interface Credentials {
  readonly clientKey: string;
  readonly clientSecret: string;
}

/** Compares in time that depends on neither value: both sides are hashed to the same length first. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Both headers must be present and right; which one failed is not said, so nothing leaks. */
export function requireCredentials(credentials: Credentials): MiddlewareHandler {
  return async (c, next) => {
    const key = c.req.header('x-client-key');
    const secret = c.req.header('x-client-secret');
    // Evaluate both comparisons every time, so timing does not tell which header was wrong.
    const keyOk = constantTimeEqual(key ?? '', credentials.clientKey);
    const secretOk = constantTimeEqual(secret ?? '', credentials.clientSecret);
    if (key === undefined || secret === undefined || !keyOk || !secretOk) {
      throw new HttpError(401, 'Invalid API credentials');
    }
    await next();
  };
}
