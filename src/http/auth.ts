import type { Context } from 'hono';
import type { Application, Applications } from './applications.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import type { Step } from './pipeline.js';

export interface Credentials {
  readonly clientKey: string;
  readonly clientSecret: string;
}

const utf8 = new TextEncoder();

/**
 * A comparison against a fixed value in time that depends only on that value's length: the given
 * string is written into a buffer of that length (cut short or zero-padded) and every byte is
 * compared, with no early exit; unequal lengths are told apart after the comparison, never before
 * it. Written with web APIs rather than node:crypto's timingSafeEqual so that the mock runs in a
 * browser too. Hashing both sides would do the same job, at the cost of two hashes on every request.
 */
export function constantTimeMatcher(expected: string): (given: string) => boolean {
  const expectedBytes = utf8.encode(expected);
  const scratch = new Uint8Array(expectedBytes.length);
  return (given) => {
    scratch.fill(0);
    const { read, written } = utf8.encodeInto(given, scratch);
    let difference = 0;
    for (let i = 0; i < expectedBytes.length; i++) difference |= scratch[i]! ^ expectedBytes[i]!;
    // Whole when encodeInto read all of it and it filled exactly the expected length.
    return difference === 0 && read === given.length && written === expectedBytes.length;
  };
}

declare module 'hono' {
  interface ContextVariableMap {
    /** The application the request's credentials authenticate as; unset when they authenticate as none. */
    application: Application | undefined;
  }
}

/**
 * Finds the application the credentials authenticate as, for every request (the request log and
 * the rate limit need it, not only the API), before anything can refuse it.
 */
export function identifyCaller(applications: Applications): Step {
  return (c, next) => {
    const headers = requestHeaders(c);
    const application = applications.authenticate(headers['x-client-key'], headers['x-client-secret']);
    if (application) c.set('application', application);
    return next();
  };
}

/** Both headers must be present and name one application; which one failed is not said, so nothing leaks. */
export const requireCredentials: Step = (c, next) => {
  if (!c.get('application')) throw new HttpError(401, 'Invalid API credentials');
  return next();
};

/** The caller of a request that passed `requireCredentials`. */
export function authenticatedApplication(c: Context): Application {
  const application = c.get('application');
  if (!application) throw new Error('A handler ran for a request that did not authenticate');
  return application;
}
