import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryableStatus, retryDelayMs, serverWaitMs } from '../../src/client/retry.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000 };

describe('backoff and retry delay: full-jitter exponential backoff', () => {
  it('draws within [0, min(max, base * 2^(retry-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (retry, r) => {
        const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
        const delay = backoffMs(retry, policy, () => r);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('never comes back earlier than the server asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.integer({ min: 0, max: 60_000 }), (retry, r, wait) => {
        expect(retryDelayMs(retry, policy, () => r, wait)).toBeGreaterThanOrEqual(wait);
      }),
    );
  });

  it('gives up when the server asks for longer than the policy allows', () => {
    expect(retryDelayMs(1, policy, () => 0, 60_001)).toBeUndefined();
  });

  it('doubles the ceiling per retry', () => {
    const almostOne = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, almostOne))).toEqual([99, 199, 399, 799, 999]);
  });
});

describe('serverWaitMs: what the response asks for', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads Retry-After in seconds', () => {
    expect(serverWaitMs(new Headers({ 'retry-after': '7' }), undefined, now)).toBe(7_000);
  });
  it('reads Retry-After as an HTTP date', () => {
    expect(serverWaitMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), undefined, now)).toBe(30_000);
  });
  it("falls back to the API body's retryAfter", () => {
    expect(serverWaitMs(new Headers(), { statusCode: 429, retryAfter: 12 }, now)).toBe(12_000);
  });
  it('prefers the header over the body', () => {
    expect(serverWaitMs(new Headers({ 'retry-after': '3' }), { retryAfter: 12 }, now)).toBe(3_000);
  });
  it('ignores what it cannot read', () => {
    expect(serverWaitMs(new Headers({ 'retry-after': 'soon' }), 'text', now)).toBeUndefined();
    expect(serverWaitMs(new Headers(), { retryAfter: -1 }, now)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx only', () => {
    expect([200, 400, 401, 404, 409, 429, 500, 502, 503].filter(isRetryableStatus)).toEqual([429, 500, 502, 503]);
  });
});
