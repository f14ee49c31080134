import type { Clock } from '../domain/clock.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import { addResponseHeaders } from './responses.js';
import type { Step } from './pipeline.js';

const WINDOW_MS = 60_000;
/**
 * Failed attempts are counted under at most this many presented keys per window; the rest share
 * one bucket. Only unauthenticated callers ever land in that bucket, so filling it (with random
 * keys, say) can refuse other unauthenticated requests but never an application's.
 */
export const MAX_TRACKED_FAILED_KEYS = 10_000;
/** A presented key is counted by its first this-many characters, so a 60 KB key costs no more than a short one. */
export const TRACKED_KEY_LENGTH = 128;
const OVERFLOW_BUCKET = '\u0000overflow';

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Unix seconds at which the window ends. */
  readonly resetAt: number;
  readonly retryAfterSeconds: number;
}

/** The real API's limiter for one application: a fixed window that resets on the minute boundary. */
export class RateWindow {
  private window = -1;
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
  ) {}

  hit(): RateDecision {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
    this.used++;
    return windowDecision(this.limit, this.used, now);
  }

  reset(): void {
    this.used = 0;
  }
}

/**
 * Requests that authenticate as no application, counted per presented `x-client-key` in the same
 * fixed windows, in a table of bounded size whose entries have a bounded length: at most
 * MAX_TRACKED_FAILED_KEYS keys of TRACKED_KEY_LENGTH characters (under 4 MB), emptied every minute.
 */
export class FailedAttemptLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
  ) {}

  hit(presentedKey: string): RateDecision {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const key = presentedKey.slice(0, TRACKED_KEY_LENGTH);
    const bucket = this.counts.has(key) || this.counts.size < MAX_TRACKED_FAILED_KEYS ? key : OVERFLOW_BUCKET;
    const used = (this.counts.get(bucket) ?? 0) + 1;
    this.counts.set(bucket, used);
    return windowDecision(this.limit, used, now);
  }

  reset(): void {
    this.counts = new Map();
  }
}

/** The decision for the `used`-th request of the fixed window that `now` falls in. */
function windowDecision(limit: number, used: number, now: number): RateDecision {
  const resetMs = (Math.floor(now / WINDOW_MS) + 1) * WINDOW_MS;
  return {
    allowed: used <= limit,
    limit,
    remaining: Math.max(0, limit - used),
    resetAt: Math.ceil(resetMs / 1000),
    retryAfterSeconds: Math.max(1, Math.ceil((resetMs - now) / 1000)),
  };
}

/** The decision once a client has used up `limit` requests in the current window. */
export function exhaustedWindow(limit: number, now: number): RateDecision {
  return windowDecision(limit, limit + 1, now);
}

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
 * Counts the request against the application its credentials authenticate as (identified
 * earlier in the pipeline), or, when they authenticate as none, against the failed attempts under
 * its presented key: a request that fails authentication never spends an application's limit.
 */
export function rateLimit(failedAttempts: FailedAttemptLimiter): Step {
  // Not async: the limit is on by default, so every request would pay a frame and a promise for no await.
  return (c, next) => {
    const application = c.get('application');
    const decision = application ? application.rateWindow.hit() : failedAttempts.hit(requestHeaders(c)['x-client-key'] ?? '');
    if (!decision.allowed) throw rateLimitExceeded(decision);
    addResponseHeaders(c, limitHeaders(decision));
    return next();
  };
}
