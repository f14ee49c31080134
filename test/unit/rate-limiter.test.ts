import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { FailedAttemptLimiter, MAX_TRACKED_FAILED_KEYS, RateWindow, TRACKED_KEY_LENGTH } from '../../src/tenancy/rate-windows.js';

const MINUTE = 60_000;
const start = Date.UTC(2026, 0, 1, 12, 0, 15, 500);

describe('RateWindow', () => {
  it('counts down per key and refuses past the limit until the minute boundary', () => {
    const clock = new ManualClock(start);
    const limiter = new RateWindow(3, clock);
    expect([1, 2, 3].map(() => limiter.hit().remaining)).toEqual([2, 1, 0]);
    const refused = limiter.hit();
    expect(refused).toMatchObject({ allowed: false, limit: 3, remaining: 0 });
    expect(refused.resetAt).toBe(Date.UTC(2026, 0, 1, 12, 1, 0) / 1000);
    // 44.5 s left in the window, rounded up.
    expect(refused.retryAfterSeconds).toBe(45);
  });

  it('resets on the minute boundary, not a minute after the first request', () => {
    const clock = new ManualClock(start);
    const limiter = new RateWindow(1, clock);
    limiter.hit();
    clock.set(Date.UTC(2026, 0, 1, 12, 0, 59, 999));
    expect(limiter.hit().allowed).toBe(false);
    clock.set(Date.UTC(2026, 0, 1, 12, 1, 0, 0));
    const fresh = limiter.hit();
    expect(fresh).toMatchObject({ allowed: true, remaining: 0, resetAt: Date.UTC(2026, 0, 1, 12, 2, 0) / 1000 });
  });

  it('never tells a client to retry in 0 seconds', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 12, 0, 59, 999));
    const limiter = new RateWindow(1, clock);
    limiter.hit();
    expect(limiter.hit().retryAfterSeconds).toBe(1);
  });

  it('forgets every count on reset', () => {
    const clock = new ManualClock(start);
    const limiter = new RateWindow(1, clock);
    limiter.hit();
    limiter.reset();
    expect(limiter.hit().allowed).toBe(true);
  });

  it('keeps refusing within the window however many requests arrive', () => {
    const clock = new ManualClock(start);
    const limiter = new RateWindow(2, clock);
    const allowed = Array.from({ length: 50 }, () => limiter.hit().allowed).filter(Boolean);
    expect(allowed).toHaveLength(2);
    clock.advance(MINUTE);
    expect(limiter.hit().allowed).toBe(true);
  });
});

describe('FailedAttemptLimiter', () => {
  it('counts per presented key, in the same fixed windows', () => {
    const clock = new ManualClock(start);
    const limiter = new FailedAttemptLimiter(2, clock);
    expect([limiter.hit('a'), limiter.hit('a'), limiter.hit('a')].map((d) => d.allowed)).toEqual([true, true, false]);
    expect(limiter.hit('b')).toMatchObject({ allowed: true, remaining: 1 });
    clock.advance(MINUTE);
    expect(limiter.hit('a').allowed).toBe(true);
  });

  it('tracks a bounded number of keys; the rest share one bucket, which refuses only them', () => {
    const limiter = new FailedAttemptLimiter(1, new ManualClock(start));
    for (let i = 0; i < MAX_TRACKED_FAILED_KEYS; i++) limiter.hit(`key-${i}`);
    expect(limiter.hit('late-1').allowed).toBe(true);
    expect(limiter.hit('late-2').allowed).toBe(false);
    // A key tracked before the table filled keeps its own count.
    expect(limiter.hit('key-0').allowed).toBe(false);
    expect(new FailedAttemptLimiter(1, new ManualClock(start)).hit('late-2').allowed).toBe(true);
  });

  it('counts a key by its first characters, so a huge key costs no more memory than a short one', () => {
    const limiter = new FailedAttemptLimiter(1, new ManualClock(start));
    const prefix = 'k'.repeat(TRACKED_KEY_LENGTH);
    limiter.hit(`${prefix}${'a'.repeat(60_000)}`);
    expect(limiter.hit(`${prefix}b`).allowed).toBe(false);
  });
});
