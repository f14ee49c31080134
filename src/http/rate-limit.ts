import type { Clock } from '../domain/clock.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import type { Step } from './pipeline.js';

const WINDOW_MS = 60_000;
/** Beyond this many distinct keys in one window, the rest share a bucket: memory stays bounded. */
const MAX_TRACKED_KEYS = 10_000;
const OVERFLOW_BUCKET = '\u0000overflow';

export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Unix seconds at which the window ends. */
  readonly resetAt: number;
  readonly retryAfterSeconds: number;
}

/** The real API's limiter: a fixed window per client key that resets on the minute boundary. */
export class FixedWindowRateLimiter {
  private window = -1;
  private counts = new Map<string, number>();

  constructor(
    readonly limit: number,
    private readonly clock: Clock,
  ) {}

  hit(clientKey: string): RateDecision {
    const now = this.clock.now();
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.counts = new Map();
    }
    const bucket = this.counts.has(clientKey) || this.counts.size < MAX_TRACKED_KEYS ? clientKey : OVERFLOW_BUCKET;
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

export function rateLimit(limiter: FixedWindowRateLimiter): Step {
  // Not async: the limit is on by default, so every request would pay a frame and a promise for no await.
  return (c, next) => {
    const decision = limiter.hit(requestHeaders(c)['x-client-key'] ?? '');
    if (!decision.allowed) throw rateLimitExceeded(decision);
    for (const [name, value] of Object.entries(limitHeaders(decision))) c.header(name, value);
    return next();
  };
}
