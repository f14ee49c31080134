import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import { addResponseHeaders } from './responses.js';
import type { Step } from './pipeline.js';
import type { Applications } from '../tenancy/applications.js';
import type { RateDecision } from '../tenancy/rate-windows.js';

function limitHeaders(decision: RateDecision): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(decision.limit),
    'X-RateLimit-Remaining': String(decision.remaining),
    'X-RateLimit-Reset': String(decision.resetAt),
  };
}

/** The real API's 429: `Retry-After`, the limit headers, and `retryAfter` in the body. */
export function rateLimitExceeded(decision: RateDecision, extraHeaders: Record<string, string> = {}): HttpError {
  return new HttpError(
    429,
    'Rate limit exceeded',
    { retryAfter: decision.retryAfterSeconds },
    { ...limitHeaders(decision), 'Retry-After': String(decision.retryAfterSeconds), ...extraHeaders },
  );
}

/**
 * Counts the request in the tenancy model: against the window of the application its credentials
 * authenticate as (identified earlier in the pipeline), or, when they authenticate as none, as a
 * failed attempt under its presented key.
 */
export function rateLimit(applications: Applications): Step {
  // Not async: the limit is on by default, so every request would pay a frame and a promise for no await.
  return (c, next) => {
    const caller = c.get('application');
    // The headers are read only for a caller that is none: in process, reading them builds a record.
    const decision = caller ? caller.countRequest() : applications.countFailedAttempt(requestHeaders(c)['x-client-key'] ?? '');
    if (!decision.allowed) throw rateLimitExceeded(decision);
    addResponseHeaders(c, limitHeaders(decision));
    return next();
  };
}
