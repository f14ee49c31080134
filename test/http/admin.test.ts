import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { CUSTOMER_FIELDS } from '../../src/openapi/contract-facts.generated.js';
import { generateCustomers } from '../../src/store/seed.js';
import { CREDENTIALS, inProcessMock, ManualClock, type InProcessMock } from '../support/mock.js';
import { aCustomer } from '../support/customers.js';
import { expectDocumented, expectError } from '../support/documented.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 10);
const NEW = { first_name: 'Edsger', last_name: 'Dijkstra', phone_number: '+31201234567' };

let mock: InProcessMock;
let clock: ManualClock;
let seeded: Customer[];
beforeEach(async () => {
  clock = new ManualClock(NOW);
  mock = await inProcessMock({ count: 30, seed: 5, rateLimit: 5 }, clock);
  seeded = mock.store.customers();
});

describe('POST /__admin/reset', () => {
  it('restores the seeded state after creates, updates and deletes', async () => {
    await mock.request('POST', '/api/v0/customers', { body: NEW });
    await mock.request('PATCH', `/api/v0/customers/${seeded[0]!.id}`, { body: { status: 'BLACKLISTED' } });
    await mock.request('DELETE', `/api/v0/customers/${seeded[1]!.id}`);
    const res = await mock.request('POST', '/__admin/reset');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ customers: 30 });
    await expectDocumented('adminReset', res);
    expect(mock.store.customers()).toEqual(seeded);
    expect(storeInvariantProblems(mock.store)).toEqual([]);
    // The seeded state is the generator's output for the mock's seed and count.
    const generated = generateCustomers({ seed: 5, count: 30, appId: mock.mock.config.appId });
    expect(new Set(mock.store.customers().map((c) => c.id))).toEqual(new Set(generated.map((c) => c.id)));
  });

  it('clears idempotency keys, rate-limit counters and the request log', async () => {
    await mock.request('POST', '/api/v0/customers', { body: NEW, headers: { 'idempotency-key': 'k' } });
    for (let i = 0; i < 4; i++) await mock.get('/api/v0/customers');
    expect((await mock.get('/api/v0/customers')).status).toBe(429);
    expect((await mock.get('/__admin/requests')).body.requests).toHaveLength(6);

    await mock.request('POST', '/__admin/reset');
    expect((await mock.get('/__admin/requests')).body.requests).toEqual([]);
    const reused = await mock.request('POST', '/api/v0/customers', { body: { ...NEW, first_name: 'Other' }, headers: { 'idempotency-key': 'k' } });
    expect(reused.status).toBe(201);
    expect(reused.headers.get('x-ratelimit-remaining')).toBe('4');
  });

  it('restores a --data file, not generated data', async () => {
    const fromFile = await inProcessMock({ dataFile: join(import.meta.dirname, '..', '..', 'fixtures', 'customers.seed-42.json') });
    const initial = fromFile.store.customers();
    expect(initial).toHaveLength(50);
    await fromFile.request('DELETE', `/api/v0/customers/${initial[0]!.id}`);
    await fromFile.request('POST', '/__admin/reset');
    expect(fromFile.store.customers()).toEqual(initial);
  });
});

describe('PUT /__admin/customers', () => {
  it('replaces the data set with a valid one; lists reflect it; reset brings the seed back', async () => {
    const replacement = [aCustomer({ first_name: 'Only', createdAt: '2025-01-01T00:00:00.000Z' }), aCustomer({ email: null, createdAt: '2025-02-01T00:00:00.000Z' })];
    const res = await mock.request('PUT', '/__admin/customers', { body: replacement });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ customers: 2 });
    await expectDocumented('adminReplaceCustomers', res);
    expect((await mock.get('/api/v0/customers')).body).toEqual({ data: [replacement[1], replacement[0]], total: 2, skip: 0, take: 2 });
    expect((await mock.get(`/api/v0/customers/${replacement[0]!.id}`)).body).toEqual(replacement[0]);
    await mock.request('POST', '/__admin/reset');
    expect(mock.store.customers()).toEqual(seeded);
  });

  it("answers with the document's field order whatever order the upload gave", async () => {
    const given = aCustomer();
    const reversed = Object.fromEntries(Object.entries(given).reverse());
    expect((await mock.request('PUT', '/__admin/customers', { body: [reversed] })).status).toBe(200);
    const { text } = await mock.get(`/api/v0/customers/${given.id}`);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(CUSTOMER_FIELDS);
    expect(text).toBe(JSON.stringify(given));
  });

  it('accepts an empty data set', async () => {
    expect((await mock.request('PUT', '/__admin/customers', { body: [] })).body).toEqual({ customers: 0 });
    expect((await mock.get('/api/v0/customers')).body).toEqual({ data: [], total: 0, skip: 0, take: 0 });
  });

  it.each([
    ['an invalid customer', () => [aCustomer(), { ...aCustomer(), status: 'GONE' }], /^\[1\]\.status must be one of/],
    ['a customer with an extra field', () => [{ ...aCustomer(), app_id: 'x' }], /^property app_id should not exist$/],
    ['a duplicate id', () => { const c = aCustomer(); return [c, aCustomer({ id: c.id })]; }, /is used twice/],
    ['emails equal but for case', () => [aCustomer({ email: 'A@x.io' }), aCustomer({ email: 'a@X.io' })], /email a@X\.io is used twice/],
    ['an object instead of an array', () => ({ customers: [] }), /^body must be an array$/],
  ])('refuses %s -> 400, changing nothing', async (_what, body, message) => {
    const res = await mock.request('PUT', '/__admin/customers', { body: body() });
    expectError(res, 400);
    expect((res.body.message as string[]).some((m) => message.test(m)), res.text).toBe(true);
    await expectDocumented('adminReplaceCustomers', res);
    expect(mock.store.customers()).toEqual(seeded);
  });

  it('refuses a body that is not JSON -> 400, changing nothing', async () => {
    expectError(await mock.request('PUT', '/__admin/customers', { rawBody: '[{' }), 400, ['body must be valid JSON']);
    expect(mock.store.customers()).toEqual(seeded);
  });
});

describe('GET and DELETE /__admin/requests', () => {
  it('records method, path, query, status and time of API requests, oldest first', async () => {
    await mock.get('/api/v0/customers?take=2&name=an');
    clock.advance(1500);
    await mock.request('POST', '/api/v0/customers', { body: NEW });
    await mock.get('/api/v0/customers?take=0');
    await mock.request('GET', '/nowhere');
    const res = await mock.get('/__admin/requests');
    expect(res.status).toBe(200);
    await expectDocumented('adminListRequests', res);
    const entries = res.body.requests as Array<Record<string, unknown>>;
    expect(entries.map(({ durationMs: _d, ...rest }) => rest)).toEqual([
      { method: 'GET', path: '/api/v0/customers', query: { take: '2', name: 'an' }, status: 200, time: new Date(NOW).toISOString() },
      { method: 'POST', path: '/api/v0/customers', query: {}, status: 201, time: new Date(NOW + 1500).toISOString() },
      { method: 'GET', path: '/api/v0/customers', query: { take: '0' }, status: 400, time: new Date(NOW + 1500).toISOString() },
      { method: 'GET', path: '/nowhere', query: {}, status: 404, time: new Date(NOW + 1500).toISOString() },
    ]);
    expect(entries.every((e) => typeof e.durationMs === 'number' && e.durationMs >= 0)).toBe(true);
  });

  it('records refused requests (401, 429) but never the credentials', async () => {
    await mock.request('GET', '/api/v0/customers', { auth: false, headers: { 'x-client-key': 'leaked-key', 'x-client-secret': 'leaked-secret' } });
    await mock.request('POST', '/api/v0/customers', { body: NEW, headers: { 'idempotency-key': 'idem' } });
    const res = await mock.get('/__admin/requests');
    expect((res.body.requests as Array<{ status: number }>).map((e) => e.status)).toEqual([401, 201]);
    for (const secret of ['leaked-key', 'leaked-secret', CREDENTIALS['x-client-key'], CREDENTIALS['x-client-secret'], 'idem']) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('does not record the admin requests themselves, and clears on DELETE', async () => {
    await mock.get('/api/v0/customers');
    await mock.get('/__admin/requests');
    expect((await mock.get('/__admin/requests')).body.requests).toHaveLength(1);
    const cleared = await mock.request('DELETE', '/__admin/requests');
    expect(cleared.body).toEqual({ requests: [] });
    await expectDocumented('adminClearRequests', cleared);
    expect((await mock.get('/__admin/requests')).body.requests).toEqual([]);
  });

  it('keeps the most recent 1,000 requests', async () => {
    const unlimited = await inProcessMock({ count: 1 });
    for (let i = 0; i < 1005; i++) await unlimited.get(`/api/v0/customers?skip=${i}`);
    const entries = (await unlimited.get('/__admin/requests')).body.requests as Array<{ query: { skip: string } }>;
    expect(entries).toHaveLength(1000);
    expect(entries[0]!.query.skip).toBe('5');
    expect(entries.at(-1)!.query.skip).toBe('1004');
  });
});
