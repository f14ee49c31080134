import { describe, expect, it } from 'vitest';
import { UNLIMITED_RATE, type MockConfig } from '../../src/config/mock-config.js';
import { createMock } from '../../src/node-mock.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { InProcessMock, ManualClock } from '../support/mock.js';
import { seededRandom } from '../support/seeded-random.js';

const LIST = '/api/v0/customers?take=2';
// 12:00:15 UTC: 45 s left in the rate-limit window.
const NOW = Date.UTC(2026, 2, 1, 12, 0, 15);

/** A mock whose failure simulation waits on a recorder instead of a timer, with the given chance. */
async function simulatingMock(config: Partial<MockConfig> = {}, random: () => number = Math.random) {
  const sleeps: number[] = [];
  const mock = await createMock(
    { rateLimit: 0, count: 30, ...config },
    {
      clock: new ManualClock(NOW),
      random,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    },
  );
  return { mock: new InProcessMock(mock), sleeps };
}

async function responseProblems(operationId: string, res: { status: number; headers: Headers; body: unknown }) {
  const spec = await getSpecModel();
  return spec.responseValidator(operationId)({
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: res.body,
    bodyIsJson: typeof res.body === 'object',
  });
}

describe('Prefer forces a failure in the documented error format', () => {
  it('code=429 answers like the rate limiter: Retry-After, limit headers and retryAfter in the body', async () => {
    const { mock } = await simulatingMock();
    const res = await mock.request('GET', LIST, { headers: { prefer: 'code=429' } });
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: 45 });
    expect(res.headers.get('retry-after')).toBe('45');
    // The mock's limit is off here (--rate-limit 0): the limit it shows is the unlimited one, as on every other response.
    expect(res.headers.get('x-ratelimit-limit')).toBe(String(UNLIMITED_RATE));
    expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(res.headers.get('x-ratelimit-reset')).toBe(String(Date.UTC(2026, 2, 1, 12, 1) / 1000));
    expect(res.headers.get('preference-applied')).toBe('code=429');
    expect(await responseProblems('listCustomers', res)).toEqual([]);
  });

  it('reports the configured limit when the mock has one', async () => {
    const { mock } = await simulatingMock({ rateLimit: 7 });
    const res = await mock.request('GET', LIST, { headers: { prefer: 'code=429' } });
    expect(res.headers.get('x-ratelimit-limit')).toBe('7');
  });

  it.each([500, 502, 503, 504])('code=%i answers with the error body', async (code) => {
    const { mock } = await simulatingMock();
    const res = await mock.request('GET', LIST, { headers: { prefer: `code=${code}` } });
    expect(res.status).toBe(code);
    expect(res.body).toMatchObject({ statusCode: code, message: `Simulated failure (Prefer: code=${code})` });
    expect(res.body.error).toBe({ 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout' }[code]);
    expect(await responseProblems('listCustomers', res)).toEqual([]);
  });

  it('changes nothing: a forced failure never reaches the store', async () => {
    const { mock } = await simulatingMock();
    const before = mock.store.size;
    const res = await mock.request('POST', '/api/v0/customers', {
      headers: { prefer: 'code=503' },
      body: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone_number: '+14155550100' },
    });
    expect(res.status).toBe(503);
    expect(mock.store.size).toBe(before);
    const id = mock.store.customers()[0]!.id;
    expect((await mock.request('DELETE', `/api/v0/customers/${id}`, { headers: { prefer: 'code=500' } })).status).toBe(500);
    expect(mock.store.get(id)).toBeDefined();
  });

  it('lets a client retry with the same idempotency key: the write happens once, on the retry', async () => {
    const { mock } = await simulatingMock();
    const body = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone_number: '+14155550100' };
    const key = { 'idempotency-key': 'a5b0f0de-7c1e-4f67-9b1a-0c8d3e2f4a51' };
    const failed = await mock.request('POST', '/api/v0/customers', { headers: { ...key, prefer: 'code=500' }, body });
    expect(failed.status).toBe(500);
    const retried = await mock.request('POST', '/api/v0/customers', { headers: key, body });
    const replayed = await mock.request('POST', '/api/v0/customers', { headers: key, body });
    expect(retried.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(retried.body);
    expect(mock.store.customers().filter((c) => c.email === 'ada@example.com')).toHaveLength(1);
  });

  it('fails in front of authentication, as a gateway would', async () => {
    const { mock } = await simulatingMock();
    const res = await mock.request('GET', LIST, { auth: false, headers: { prefer: 'code=502' } });
    expect(res.status).toBe(502);
  });

  it('leaves the test-harness endpoints alone', async () => {
    const { mock } = await simulatingMock({ errorRate: 1 });
    const res = await mock.request('POST', '/__admin/reset', { headers: { prefer: 'code=500' } });
    expect(res.status).toBe(200);
  });

  it('answers a bad Prefer value with a 400 in the API\'s format', async () => {
    const { mock } = await simulatingMock();
    const res = await mock.request('GET', LIST, { headers: { prefer: 'code=418, delay=soon' } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      message: ['Prefer code must be one of the following values: 429, 500, 502, 503, 504', 'Prefer delay must be a whole number of milliseconds from 0 to 60000'],
      error: 'Bad Request',
    });
  });

  it('ignores preferences it does not know, as RFC 7240 asks', async () => {
    const { mock, sleeps } = await simulatingMock();
    const res = await mock.request('GET', LIST, { headers: { prefer: 'return=minimal' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('preference-applied')).toBeNull();
    expect(sleeps).toEqual([]);
  });
});

describe('delays', () => {
  it('delay=300 waits 300 ms, then answers normally', async () => {
    const { mock, sleeps } = await simulatingMock();
    const res = await mock.request('GET', LIST, { headers: { prefer: 'delay=300' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    expect(res.headers.get('preference-applied')).toBe('delay=300');
    expect(sleeps).toEqual([300]);
  });

  it('code and delay combine: wait, then fail', async () => {
    const { mock, sleeps } = await simulatingMock();
    const res = await mock.request('GET', LIST, { headers: { prefer: 'code=503, delay=120' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('preference-applied')).toBe('code=503, delay=120');
    expect(sleeps).toEqual([120]);
  });

  it('--latency adds a fixed delay to every API request, and Prefer: delay overrides it', async () => {
    const { mock, sleeps } = await simulatingMock({ latency: { minMs: 80, maxMs: 80 } });
    await mock.get(LIST);
    await mock.request('GET', LIST, { headers: { prefer: 'delay=0' } });
    await mock.request('POST', '/__admin/reset');
    expect(sleeps).toEqual([80]);
  });

  it('--latency with a range draws each delay within it', async () => {
    const { mock, sleeps } = await simulatingMock({ latency: { minMs: 50, maxMs: 150 } }, seededRandom(3));
    for (let i = 0; i < 40; i += 1) await mock.get(LIST);
    expect(sleeps).toHaveLength(40);
    expect(Math.min(...sleeps)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(150);
    expect(new Set(sleeps).size).toBeGreaterThan(20);
  });

  it('really waits when no sleep is injected', async () => {
    const mock = new InProcessMock(await createMock({ rateLimit: 0, count: 5 }));
    const started = performance.now();
    const res = await mock.request('GET', LIST, { headers: { prefer: 'delay=40' } });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(35);
  });
});

describe('--error-rate', () => {
  const REQUESTS = 400;

  async function statuses(errorRate: number, seed: number): Promise<number[]> {
    const { mock } = await simulatingMock({ errorRate }, seededRandom(seed));
    const seen: number[] = [];
    for (let i = 0; i < REQUESTS; i += 1) seen.push((await mock.get(LIST)).status);
    return seen;
  }

  it('fails about that share of requests, with 500s and 503s in the documented format', async () => {
    const seen = await statuses(0.2, 11);
    const failed = seen.filter((s) => s !== 200);
    // Binomial(400, 0.2): mean 80, standard deviation 8; the seed makes this exact and repeatable.
    expect(failed.length).toBeGreaterThan(80 - 4 * 8);
    expect(failed.length).toBeLessThan(80 + 4 * 8);
    expect(new Set(failed)).toEqual(new Set([500, 503]));
  });

  it('replays the same failures for the same seed', async () => {
    expect(await statuses(0.3, 5)).toEqual(await statuses(0.3, 5));
  });

  it('0 never fails and 1 always does', async () => {
    expect((await statuses(0, 1)).every((s) => s === 200)).toBe(true);
    expect((await statuses(1, 1)).every((s) => s === 500 || s === 503)).toBe(true);
  });

  it('gives way to an explicit Prefer: code', async () => {
    const { mock } = await simulatingMock({ errorRate: 1 });
    const res = await mock.request('GET', LIST, { headers: { prefer: 'code=429' } });
    expect(res.status).toBe(429);
  });

  it('words the error after its cause', async () => {
    const { mock } = await simulatingMock({ errorRate: 1 });
    const res = await mock.get(LIST);
    expect(res.body.message).toBe('Simulated failure (error rate 1)');
  });
});
