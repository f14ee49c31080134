import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, UNLIMITED_RATE } from '../../src/config/mock-config.js';
import { inProcessMock, ManualClock, type InProcessMock, type TestResponse } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';

const WINDOW_START = Date.UTC(2026, 2, 1, 10, 0, 0);
const NEXT_WINDOW_SECONDS = Date.UTC(2026, 2, 1, 10, 1, 0) / 1000;
const UNKNOWN_ID = '6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10';

async function limitedMock(limit: number, at = WINDOW_START + 20_500): Promise<{ mock: InProcessMock; clock: ManualClock }> {
  const clock = new ManualClock(at);
  return { mock: await inProcessMock({ count: 10, rateLimit: limit }, clock), clock };
}

function limitHeaders(res: TestResponse) {
  return {
    limit: res.headers.get('x-ratelimit-limit'),
    remaining: res.headers.get('x-ratelimit-remaining'),
    reset: res.headers.get('x-ratelimit-reset'),
  };
}

describe('rate limit', () => {
  it('ships with the real API limit of 100 per minute', async () => {
    const { mock } = await limitedMock(DEFAULT_CONFIG.rateLimit);
    expect(limitHeaders(await mock.get('/api/v0/customers'))).toEqual({ limit: '100', remaining: '99', reset: String(NEXT_WINDOW_SECONDS) });
  });

  it('puts the headers on every response of every operation: 200, 201, 400, 401, 404, 409, replays', async () => {
    const { mock } = await limitedMock(50);
    const [existing, other] = mock.store.customers().filter((c) => c.email !== null);
    const responses = [
      await mock.get('/api/v0/customers'),
      await mock.request('POST', '/api/v0/customers', { body: { first_name: 'A', last_name: 'B', phone_number: '+123456' } }),
      await mock.get('/api/v0/customers?take=0'),
      // The right key with a wrong secret: refused, and counted among failed attempts, not against the application.
      await mock.request('GET', '/api/v0/customers', { auth: false, headers: { 'x-client-key': DEFAULT_CONFIG.clientKey, 'x-client-secret': 'wrong' } }),
      await mock.get(`/api/v0/customers/${UNKNOWN_ID}`),
      await mock.request('PATCH', `/api/v0/customers/${other!.id}`, { body: { email: existing!.email } }),
      await mock.request('DELETE', `/api/v0/customers/${UNKNOWN_ID}`),
      await mock.request('POST', '/api/v0/customers', { body: { first_name: 'C', last_name: 'D', phone_number: '+123456' }, headers: { 'idempotency-key': 'k' } }),
      // An idempotent replay is a response like any other.
      await mock.request('POST', '/api/v0/customers', { body: { first_name: 'C', last_name: 'D', phone_number: '+123456' }, headers: { 'idempotency-key': 'k' } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 201, 400, 401, 404, 409, 404, 201, 201]);
    const [unauthenticated] = responses.splice(3, 1);
    expect(limitHeaders(unauthenticated!)).toEqual({ limit: '50', remaining: '49', reset: String(NEXT_WINDOW_SECONDS) });
    responses.forEach((res, i) => {
      expect(limitHeaders(res), `response ${i}`).toEqual({ limit: '50', remaining: String(49 - i), reset: String(NEXT_WINDOW_SECONDS) });
    });
  });

  it('answers past the limit with 429, Retry-After and the documented body, and changes nothing', async () => {
    const { mock } = await limitedMock(3);
    for (let i = 0; i < 3; i++) expect((await mock.get('/api/v0/customers')).status).toBe(200);
    const before = mock.store.customers();
    const refused = await mock.request('POST', '/api/v0/customers', { body: { first_name: 'A', last_name: 'B', phone_number: '+123456' } });
    expectError(refused, 429, 'Rate limit exceeded');
    // 20.5 s into the window: 39.5 s left, rounded up.
    expect(refused.body).toEqual({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: 40 });
    expect(refused.headers.get('retry-after')).toBe('40');
    expect(limitHeaders(refused)).toEqual({ limit: '3', remaining: '0', reset: String(NEXT_WINDOW_SECONDS) });
    await expectDocumented('createCustomer', refused);
    expect(mock.store.customers()).toEqual(before);
    expectError(await mock.get('/api/v0/customers'), 429);
  });

  it('counts failed attempts per presented key, apart from every application, and refuses them past the limit too', async () => {
    const { mock } = await limitedMock(3);
    const attempt = (key: string) => mock.request('GET', '/api/v0/customers', { auth: false, headers: { 'x-client-key': key, 'x-client-secret': 'wrong' } });
    expect((await Promise.all([1, 2, 3].map(() => attempt(DEFAULT_CONFIG.clientKey)))).map((r) => [r.status, limitHeaders(r).remaining])).toEqual([
      [401, '2'],
      [401, '1'],
      [401, '0'],
    ]);
    const refused = await attempt(DEFAULT_CONFIG.clientKey);
    expectError(refused, 429, 'Rate limit exceeded');
    await expectDocumented('listCustomers', refused);
    // Another presented key has attempts of its own, and the application all of its requests.
    expect((await attempt('another-key')).status).toBe(401);
    const own = await mock.get('/api/v0/customers');
    expect(own.status).toBe(200);
    expect(limitHeaders(own).remaining).toBe('2');
  });

  it('resets on the minute boundary, not a minute after the first request', async () => {
    const { mock, clock } = await limitedMock(2, WINDOW_START + 59_000);
    await mock.get('/api/v0/customers');
    await mock.get('/api/v0/customers');
    expect((await mock.get('/api/v0/customers')).status).toBe(429);
    clock.set(WINDOW_START + 59_999);
    const last = await mock.get('/api/v0/customers');
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toBe('1');
    clock.set(WINDOW_START + 60_000);
    const fresh = await mock.get('/api/v0/customers');
    expect(fresh.status).toBe(200);
    expect(limitHeaders(fresh)).toEqual({ limit: '2', remaining: '1', reset: String(NEXT_WINDOW_SECONDS + 60) });
  });

  it('counts per x-client-key: requests with another key do not use up the real one', async () => {
    const { mock } = await limitedMock(2);
    for (let i = 0; i < 5; i++) await mock.request('GET', '/api/v0/customers', { auth: false, headers: { 'x-client-key': 'intruder', 'x-client-secret': 'x' } });
    const res = await mock.get('/api/v0/customers');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-remaining')).toBe('1');
  });

  it('leaves the admin endpoints unlimited, as documented', async () => {
    const { mock } = await limitedMock(1);
    await mock.get('/api/v0/customers');
    for (let i = 0; i < 3; i++) expect((await mock.get('/__admin/requests')).status).toBe(200);
    expect((await mock.get('/__admin/requests')).headers.get('x-ratelimit-limit')).toBeNull();
  });

  it('is off with --rate-limit 0: no 429, and the headers the document requires stay, with the limit no client can use up', async () => {
    const { mock } = await limitedMock(0);
    for (let i = 1; i <= 150; i++) {
      const res = await mock.get('/api/v0/customers?take=1');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe(String(UNLIMITED_RATE));
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(UNLIMITED_RATE - i));
      expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
      await expectDocumented('listCustomers', res);
    }
    const refused = await mock.request('GET', '/api/v0/customers', { auth: false });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-ratelimit-limit')).toBe(String(UNLIMITED_RATE));
  });
});
