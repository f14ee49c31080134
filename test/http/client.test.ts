import { describe, expect, it } from 'vitest';
import { ApiError, createClient, TransportError, UnexpectedResponseError, type ClientOptions, type FetchLike } from '../../src/client/index.js';
import { CREDENTIALS, inProcessMock, ManualClock, type InProcessMock } from '../support/mock.js';

const BASE_URL = 'http://mock.test';

/** A fetch served by the in-process app: no socket, no real time. */
function appFetch(mock: InProcessMock): FetchLike {
  return (input, init) => Promise.resolve(mock.mock.app.request(input, init));
}

/** Records every wait instead of waiting, moving the clock by it when one is given. */
function recordingSleep(clock?: ManualClock) {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number) => {
      waits.push(ms);
      clock?.advance(ms);
    },
  };
}

function clientFor(mock: InProcessMock, options: Partial<ClientOptions> = {}) {
  return createClient({
    baseUrl: BASE_URL,
    clientKey: CREDENTIALS['x-client-key'],
    clientSecret: CREDENTIALS['x-client-secret'],
    fetch: appFetch(mock),
    sleep: recordingSleep().sleep,
    random: () => 0.5,
    ...options,
  });
}

const NEW_CUSTOMER = { first_name: 'Ada', last_name: 'Lovelace', phone_number: '+14155550123', email: 'ada@example.com' };

describe('typed client against the mock', () => {
  it('lists with filters and returns the documented envelope', async () => {
    const mock = await inProcessMock();
    const page = await clientFor(mock).customers.list({ status: 'BLACKLISTED', take: 5 });
    expect(page.take).toBe(page.data.length);
    expect(page.data.every((c) => c.status === 'BLACKLISTED')).toBe(true);
    expect(page.total).toBe(mock.store.customers().filter((c) => c.status === 'BLACKLISTED').length);
  });

  it('walks every page with all(), in list order, without gaps or repeats', async () => {
    const mock = await inProcessMock();
    const seen = [];
    for await (const customer of clientFor(mock).customers.all({ status: 'ACTIVE', take: 7 })) seen.push(customer.id);
    const expected = mock.store.customers().filter((c) => c.status === 'ACTIVE').map((c) => c.id);
    expect(seen).toEqual(expected);
  });

  it('ends all() at an empty page even when total promises more, so a wrong total cannot loop', async () => {
    const mock = await inProcessMock();
    const lying: FetchLike = async () => Response.json({ data: [], total: 1_000_000, skip: 0, take: 0 });
    const seen = [];
    for await (const customer of clientFor(mock, { fetch: lying }).customers.all()) seen.push(customer);
    expect(seen).toEqual([]);
  });

  it('runs the whole write lifecycle', async () => {
    const mock = await inProcessMock();
    const { customers } = clientFor(mock);
    const created = await customers.create(NEW_CUSTOMER);
    expect(created).toMatchObject({ ...NEW_CUSTOMER, status: 'ACTIVE', customer_type: 'Individual' });
    expect(await customers.get(created.id)).toEqual(created);
    expect((await customers.update(created.id, { last_name: 'King' })).last_name).toBe('King');
    expect((await customers.blacklist(created.id, 'chargebacks')).status).toBe('BLACKLISTED');
    expect((await customers.restore(created.id)).status).toBe('ACTIVE');
    expect(await customers.delete(created.id)).toMatchObject({ success: true, customerId: created.id });
    await expect(customers.get(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it("throws typed errors carrying the status and the API's error body", async () => {
    const mock = await inProcessMock();
    const error = await clientFor(mock).customers.get('not-a-uuid').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect((error as ApiError).errorBody?.message).toEqual(['id must be a UUID']);
  });

  it('refuses a success whose body is not JSON', async () => {
    const mock = await inProcessMock();
    const html: FetchLike = async () => new Response('<h1>hello</h1>', { status: 200, headers: { 'content-type': 'text/html' } });
    await expect(clientFor(mock, { fetch: html }).customers.list()).rejects.toThrow(UnexpectedResponseError);
  });

  it('lets the low-level request send what the typed methods would not, and masks the secret', async () => {
    const mock = await inProcessMock();
    const response = await clientFor(mock).request({ method: 'GET', path: '/api/v0/customers', query: 'take=1.5&take=2', credentials: { clientSecret: 'wrong' } });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' });
    expect(response.request.url).toBe(`${BASE_URL}/api/v0/customers?take=1.5&take=2`);
    expect(response.request.headers['x-client-secret']).toBe('***');
  });
});

describe('sandboxes through the typed client', () => {
  it('creates a sandbox to work in and deletes it, after which its credentials are refused', async () => {
    const mock = await inProcessMock({ count: 3 });
    const admin = clientFor(mock);
    const sandbox = await admin.createSandbox({ seed: 1, count: 2 });
    expect(sandbox).toMatchObject({ customers: 2, clientKey: expect.any(String), clientSecret: expect.any(String) });
    const inSandbox = clientFor(mock, { clientKey: sandbox.clientKey, clientSecret: sandbox.clientSecret });
    const created = await inSandbox.customers.create(NEW_CUSTOMER);
    expect(created.appId).toBe(sandbox.appId);
    expect((await admin.customers.list()).total).toBe(3);
    expect(await admin.deleteSandbox(sandbox.clientKey)).toMatchObject({ clientKey: sandbox.clientKey, customers: 3 });
    await expect(inSandbox.customers.list()).rejects.toMatchObject({ status: 401 });
    await expect(admin.deleteSandbox(sandbox.clientKey)).rejects.toBeInstanceOf(ApiError);
  });

  it('creates one from the mock\'s own seed and count when given nothing', async () => {
    const mock = await inProcessMock({ count: 3 });
    expect((await clientFor(mock).createSandbox()).customers).toBe(3);
  });
});

describe('retries', () => {
  it('waits out a forced 429 burst for as long as Retry-After says, then succeeds', async () => {
    // 10 s into a minute: the window resets in 50 s.
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:10Z'));
    const mock = await inProcessMock({ rateLimit: 3 }, clock);
    const { waits, sleep } = recordingSleep(clock);
    const attempts: number[] = [];
    const client = clientFor(mock, { sleep, clock, random: () => 0, onAttempt: (a) => attempts.push(a.attempt) });
    const pages = [];
    for (let i = 0; i < 5; i++) pages.push(await client.customers.list({ take: 1 }));
    expect(pages).toHaveLength(5);
    // The 4th request met the limit, waited the full 50 s (no earlier), and its retry went through.
    expect(waits).toEqual([50_000]);
    expect(attempts).toEqual([1, 1, 1, 1, 2, 1]);
  });

  it("honours the 429 body's retryAfter when the header is missing", async () => {
    const mock = await inProcessMock();
    let calls = 0;
    const fetch: FetchLike = async (input, init) => {
      if (calls++ === 0) return Response.json({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: 7 }, { status: 429 });
      return mock.mock.app.request(input, init);
    };
    const { waits, sleep } = recordingSleep();
    await clientFor(mock, { fetch, sleep, random: () => 0 }).customers.list();
    expect(waits).toEqual([7_000]);
  });

  it('returns the 429 to the caller when Retry-After is beyond what the policy waits', async () => {
    const mock = await inProcessMock();
    const fetch: FetchLike = async () => Response.json({ statusCode: 429, message: 'Rate limit exceeded', error: 'Too Many Requests', retryAfter: 3600 }, { status: 429, headers: { 'retry-after': '3600' } });
    const { waits, sleep } = recordingSleep();
    await expect(clientFor(mock, { fetch, sleep }).customers.list()).rejects.toMatchObject({ status: 429 });
    expect(waits).toEqual([]);
  });

  it('retries 5xx with growing backoff and gives up after the bounded number of attempts', async () => {
    const mock = await inProcessMock();
    let calls = 0;
    const failTwice: FetchLike = async (input, init) => (calls++ < 2 ? new Response('upstream down', { status: 503 }) : mock.mock.app.request(input, init));
    const first = recordingSleep();
    await clientFor(mock, { fetch: failTwice, sleep: first.sleep, random: () => 0.5, retry: { baseDelayMs: 100 } }).customers.list();
    expect(first.waits).toEqual([50, 100]);

    calls = 0;
    const alwaysDown: FetchLike = async () => {
      calls++;
      return new Response('upstream down', { status: 503 });
    };
    const error = await clientFor(mock, { fetch: alwaysDown, retry: { maxAttempts: 3 } }).customers.list().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, body: 'upstream down' });
    expect(calls).toBe(3);
  });

  it('times out each attempt and reports a TransportError', async () => {
    const mock = await inProcessMock();
    let calls = 0;
    const hang: FetchLike = (_input, init) =>
      new Promise((_resolve, reject) => {
        calls++;
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      });
    const error = await clientFor(mock, { fetch: hang, timeoutMs: 30, retry: { maxAttempts: 2 } }).customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect(calls).toBe(2);

    // The contract kit's setting: a server that does not answer is the finding, not something to retry.
    calls = 0;
    await expect(clientFor(mock, { fetch: hang, timeoutMs: 30, retry: { retryTransportErrors: false } }).customers.list()).rejects.toThrow(TransportError);
    expect(calls).toBe(1);
  });

  it('reuses the idempotency key across retries, so a create whose response was lost is not made twice', async () => {
    const mock = await inProcessMock();
    const keys: (string | null)[] = [];
    let posts = 0;
    // The first create reaches the server, but its response is lost on the way back.
    const loseFirstResponse: FetchLike = async (input, init) => {
      const response = await mock.mock.app.request(input, init);
      if (init.method !== 'POST') return response;
      keys.push(new Headers(init.headers).get('idempotency-key'));
      return posts++ === 0 ? new Response('bad gateway', { status: 502 }) : response;
    };
    const before = mock.store.size;
    const client = clientFor(mock, { fetch: loseFirstResponse });
    const created = await client.customers.create(NEW_CUSTOMER);
    expect(mock.store.size).toBe(before + 1);
    expect(mock.store.get(created.id)).toEqual(created);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);

    await client.customers.create({ ...NEW_CUSTOMER, email: 'other@example.com' });
    expect(new Set(keys.slice(2)).size).toBe(1);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('does not retry a write sent without an idempotency key', async () => {
    const mock = await inProcessMock();
    let calls = 0;
    const down: FetchLike = async () => {
      calls++;
      return new Response('down', { status: 503 });
    };
    const response = await clientFor(mock, { fetch: down }).request({ method: 'POST', path: '/api/v0/customers', body: NEW_CUSTOMER, idempotencyKey: false });
    expect(response.status).toBe(503);
    expect(calls).toBe(1);
  });
});
