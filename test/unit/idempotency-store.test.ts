import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { IDEMPOTENCY_TTL_MS, IdempotencyStore, MAX_IDEMPOTENCY_KEYS } from '../../src/tenancy/idempotency-keys.js';

describe('IdempotencyStore', () => {
  it('keeps a key for 24 hours and forgets it after', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const store = new IdempotencyStore(clock);
    store.begin('k', 'fingerprint');
    clock.advance(IDEMPOTENCY_TTL_MS - 1);
    expect(store.lookup('k')?.fingerprint).toBe('fingerprint');
    clock.advance(1);
    expect(store.lookup('k')).toBeUndefined();
  });

  it('holds IDEMPOTENCY_TTL_MS at 24 hours, as documented', () => {
    expect(IDEMPOTENCY_TTL_MS).toBe(24 * 60 * 60 * 1000);
  });

  it('forgets one key, or all of them', () => {
    const store = new IdempotencyStore(new ManualClock(0));
    store.begin('a', 'x');
    store.begin('b', 'y');
    store.forget('a');
    expect(store.lookup('a')).toBeUndefined();
    expect(store.lookup('b')).toBeDefined();
    store.clear();
    expect(store.lookup('b')).toBeUndefined();
  });
});

describe('IdempotencyStore bound', () => {
  it('keeps MAX_IDEMPOTENCY_KEYS keys, forgetting the oldest first and never refusing a new one', () => {
    const store = new IdempotencyStore(new ManualClock(0));
    for (let i = 0; i < MAX_IDEMPOTENCY_KEYS + 5; i++) store.begin(`k${i}`, 'f');
    expect(store.lookup('k0')).toBeUndefined();
    expect(store.lookup('k4')).toBeUndefined();
    expect(store.lookup('k5')).toBeDefined();
    expect(store.lookup(`k${MAX_IDEMPOTENCY_KEYS + 4}`)).toBeDefined();
  });
});
