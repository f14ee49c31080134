import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { FixedWindowRateLimiter } from '../../src/http/rate-limit.js';

const MINUTE = 60_000;
const start = Date.UTC(2026, 0, 1, 12, 0, 15, 500);

describe('FixedWindowRateLimiter', () => {
  it('counts down per key and refuses past the limit until the minute boundary', () => {
    const clock = new ManualClock(start);
    const limiter = new FixedWindowRateLimiter(3, clock);
    expect([1, 2, 3].map(() => limiter.hit('a').remaining)).toEqual([2, 1, 0]);
    const refused = limiter.hit('a');
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(refused.resetAt).toBe(Date.UTC(2026, 0, 1, 12, 1, 0) / 1000);
    // 44.5 s left in the window, rounded up.
    expect(refused.retryAfterSeconds).toBe(45);
    expect(limiter.hit('b')).toMatchObject({ allowed: true, remaining: 2 });
  });

  it('resets on the minute boundary, not a minute after the first request', () => {
    const clock = new ManualClock(start);
    const limiter = new FixedWindowRateLimiter(1, clock);
    limiter.hit('a');
    clock.set(Date.UTC(2026, 0, 1, 12, 0, 59, 999));
    expect(limiter.hit('a').allowed).toBe(false);
    clock.set(Date.UTC(2026, 0, 1, 12, 1, 0, 0));
    const fresh = limiter.hit('a');
    expect(fresh).toMatchObject({ allowed: true, remaining: 0, resetAt: Date.UTC(2026, 0, 1, 12, 2, 0) / 1000 });
  });

  it('never tells a client to retry in 0 seconds', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 59, 999));
    const limiter = new FixedWindowRateLimiter(1, clock);
    limiter.hit('a');
    expect(limiter.hit('a').retryAfterSeconds).toBe(1);
  });

  it('forgets every count on reset', () => {
    const clock = new ManualClock(start);
    const limiter = new FixedWindowRateLimiter(1, clock);
    limiter.hit('a');
    limiter.reset();
    expect(limiter.hit('a').allowed).toBe(true);
  });

  it('keeps refusing within the window however many requests arrive', () => {
    const clock = new ManualClock(start);
    const limiter = new FixedWindowRateLimiter(2, clock);
    const allowed = Array.from({ length: 50 }, () => limiter.hit('a').allowed).filter(Boolean);
    expect(allowed).toHaveLength(2);
    clock.advance(MINUTE);
    expect(limiter.hit('a').allowed).toBe(true);
  });
});
