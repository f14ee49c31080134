import { describe, expect, it } from 'vitest';
import type { ApplicationConfig } from '../../src/config/application-config.js';
import { MAX_IDEMPOTENCY_KEYS } from '../../src/tenancy/idempotency-keys.js';
import { REQUEST_LOG_CAPACITY } from '../../src/tenancy/request-log.js';
import { CREDENTIALS, inProcessMock, ManualClock, type InProcessMock } from '../support/mock.js';
import { seededRandom } from '../support/seeded-random.js';

const WINDOW_START = Date.UTC(2026, 2, 1, 10, 0, 0);
const OTHER: ApplicationConfig = { clientKey: 'ci-job-b', clientSecret: 'ci-job-b-secret', appId: 'app_ci_job_b', seed: 2, count: 5 };
const OTHER_CREDENTIALS = { 'x-client-key': OTHER.clientKey, 'x-client-secret': OTHER.clientSecret };
const NEW = { first_name: 'Grace', last_name: 'Hopper', phone_number: '+12025550143' };
/** A few seconds on a quiet machine; several times that on a loaded one. */
const FLOOD_TIMEOUT_MS = 180_000;

/** Sends `count` requests, `inFlight` at a time, and tallies their statuses: a flood without a socket. */
async function flood(mock: InProcessMock, count: number, request: (i: number) => { path?: string; method?: string; headers: Record<string, string>; body?: string }) {
  const statuses = new Map<number, number>();
  const inFlight = 200;
  for (let start = 0; start < count; start += inFlight) {
    const batch = Array.from({ length: Math.min(inFlight, count - start) }, async (_, j) => {
      const { path = '/api/v0/customers?take=1', method = 'GET', headers, body } = request(start + j);
      const res = await mock.mock.app.request(path, { method, headers: body ? { ...headers, 'content-type': 'application/json' } : headers, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    });
    await Promise.all(batch);
  }
  return Object.fromEntries(statuses);
}

function randomKey(random: () => number): string {
  // Mostly key-like, now and then many kilobytes long.
  const length = random() < 0.01 ? 20_000 + Math.floor(random() * 20_000) : 1 + Math.floor(random() * 64);
  return Array.from({ length: Math.min(length, 64) }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('').padEnd(length, 'x');
}

describe('fairness between callers of one mock', () => {
  it('a flood under 100,000 random invalid keys and one under another application leave a valid client at 200 with its own count', async () => {
    const clock = new ManualClock(WINDOW_START + 5_000);
    const mock = await inProcessMock({ count: 10, rateLimit: 100, apps: [OTHER] }, clock);
    for (let i = 0; i < 3; i++) expect((await mock.get('/api/v0/customers')).status).toBe(200);

    const random = seededRandom(14);
    const invalid = await flood(mock, 100_000, (i) => ({
      // Half of them borrow the valid client's key with a wrong secret.
      headers: { 'x-client-key': i % 2 === 0 ? CREDENTIALS['x-client-key'] : randomKey(random), 'x-client-secret': randomKey(random) },
    }));
    expect(Object.keys(invalid).sort()).toEqual(['401', '429']);
    const other = await flood(mock, 5_000, () => ({ headers: OTHER_CREDENTIALS }));
    expect(other).toEqual({ 200: 100, 429: 4_900 });

    const next = await mock.get('/api/v0/customers');
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-remaining')).toBe('96');
    // The other application's window is its own, and spent.
    expect((await mock.request('GET', '/api/v0/customers', { auth: false, headers: OTHER_CREDENTIALS })).status).toBe(429);
  }, FLOOD_TIMEOUT_MS);

  it("another application's writes and the unauthenticated flood never evict a client's idempotency keys or log entries", async () => {
    const mock = await inProcessMock({ count: 0, rateLimit: 0, apps: [{ ...OTHER, count: 0 }] });
    const mine = await mock.request('POST', '/api/v0/customers', { body: NEW, headers: { 'idempotency-key': 'mine' } });
    expect(mine.status).toBe(201);

    const writes = await flood(mock, MAX_IDEMPOTENCY_KEYS + 10, (i) => ({
      method: 'POST',
      path: '/api/v0/customers',
      headers: { ...OTHER_CREDENTIALS, 'idempotency-key': `other-${i}` },
      body: JSON.stringify(NEW),
    }));
    expect(writes).toEqual({ 201: MAX_IDEMPOTENCY_KEYS + 10 });
    await flood(mock, REQUEST_LOG_CAPACITY + 10, () => ({ headers: { 'x-client-key': 'nobody', 'x-client-secret': 'nothing' } }));

    const replayed = await mock.request('POST', '/api/v0/customers', { body: NEW, headers: { 'idempotency-key': 'mine' } });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(mine.body);
    const log = (await mock.get('/__admin/requests')).body.requests as Array<{ method: string; status: number }>;
    // Its own two requests, after the newest 1,000 of the unauthenticated ones (which its log shows too).
    expect(log).toHaveLength(REQUEST_LOG_CAPACITY + 2);
    expect(log.filter((entry) => entry.method === 'POST')).toEqual([expect.objectContaining({ status: 201 }), expect.objectContaining({ status: 201 })]);
    const otherLog = (await mock.request('GET', '/__admin/requests', { auth: false, headers: OTHER_CREDENTIALS })).body.requests as unknown[];
    expect(otherLog).toHaveLength(REQUEST_LOG_CAPACITY);
  }, FLOOD_TIMEOUT_MS);
});
