import { describe, expect, expectTypeOf, it } from 'vitest';
import { MOCK_OPTIONS } from '../../src/config/mock-config.js';
import { fileKey } from '../../src/config/option-table.js';
import type { Customer } from '../../src/domain/customer.js';
import { createMockFetch, MockOptionsError, type MockFetch, type MockFetchOptions } from '../../src/in-process/mock-fetch.js';
import { customersHandlers } from '../../src/msw.js';
import { ManualClock } from '../../src/domain/clock.js';
import { generateCustomers } from '../../src/store/seed.js';
import { expectDocumented, expectError } from '../support/documented.js';
import { CREDENTIALS, type TestResponse } from '../support/mock.js';

const NEW = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone_number: '+14155550123' };

async function call(mockFetch: MockFetch, input: string, init: RequestInit = {}): Promise<TestResponse<any>> {
  const response = await mockFetch(input, { ...init, headers: { ...CREDENTIALS, ...(init.headers as Record<string, string>) } });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Left as text for the assertion that reads it.
  }
  return { status: response.status, headers: response.headers, body, text };
}

const post = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

describe('createMockFetch', () => {
  it('lists, creates and fetches customers, and refuses bad credentials and bad bodies, as the API documents', async () => {
    const mockFetch = await createMockFetch({ count: 12, rateLimit: 0 });
    const list = await call(mockFetch, 'https://api.devdraft.ai/api/v0/customers?take=5');
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(12);
    expect(list.body.data).toHaveLength(5);
    await expectDocumented('listCustomers', list);

    const created = await call(mockFetch, 'https://api.devdraft.ai/api/v0/customers', post(NEW));
    expect(created.status).toBe(201);
    await expectDocumented('createCustomer', created);
    const fetched = await call(mockFetch, `https://api.devdraft.ai/api/v0/customers/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);

    const anonymous = await mockFetch('https://api.devdraft.ai/api/v0/customers');
    const unauthorised: TestResponse<any> = { status: anonymous.status, headers: anonymous.headers, text: '', body: await anonymous.json() };
    expectError(unauthorised, 401, 'Invalid API credentials');
    const invalid = await call(mockFetch, 'https://api.devdraft.ai/api/v0/customers', post({ first_name: 'Ada' }));
    expectError(invalid, 400);
    await expectDocumented('createCustomer', invalid);
  });

  it('answers whatever the host, a path alone included, and opens no socket to do it', async () => {
    const mockFetch = await createMockFetch({ count: 3, rateLimit: 0 });
    const bodies = await Promise.all(
      ['http://localhost:1/api/v0/customers', 'https://example.invalid/api/v0/customers', '/api/v0/customers', new URL('http://10.255.255.1/api/v0/customers')].map(
        async (input) => (await mockFetch(input, { headers: CREDENTIALS })).text(),
      ),
    );
    expect(new Set(bodies).size).toBe(1);
    const request = new Request('https://api.devdraft.ai/api/v0/customers?take=1', { headers: CREDENTIALS });
    expect(JSON.parse(await (await mockFetch(request)).text()).data).toHaveLength(1);
  });

  it('gives each instance its own state, which reset() restores: customers, idempotency keys, rate windows', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 10, 0, 5));
    const first = await createMockFetch({ count: 4, rateLimit: 3, clock });
    const second = await createMockFetch({ count: 4, rateLimit: 3, clock });
    const created = await call(first, '/api/v0/customers', post(NEW, { 'idempotency-key': 'k1' }));
    expect(created.status).toBe(201);
    expect((await call(first, '/api/v0/customers')).body.total).toBe(5);
    expect((await call(second, '/api/v0/customers')).body.total).toBe(4);
    expect((await call(first, '/api/v0/customers')).status).toBe(200);
    expect((await call(first, '/api/v0/customers')).status).toBe(429);

    first.reset();
    const afterReset = await call(first, '/api/v0/customers');
    expect(afterReset.status).toBe(200);
    expect(afterReset.body.total).toBe(4);
    // The key is forgotten: the same request creates again rather than replaying.
    const again = await call(first, '/api/v0/customers', post(NEW, { 'idempotency-key': 'k1' }));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(again.body.id).not.toBe(created.body.id);
  });

  it('starts from the customers given, checked as a data file is', async () => {
    const customers = generateCustomers({ seed: 7, count: 3, appId: 'app_given' });
    const mockFetch = await createMockFetch({ customers, rateLimit: 0 });
    const list = await call(mockFetch, '/api/v0/customers');
    expect(list.body.data.map((c: { id: string }) => c.id).sort()).toEqual(customers.map((c) => c.id).sort());
    expect(mockFetch.engine.store.size).toBe(3);
  });

  it('serves the admin endpoints and the failure simulation', async () => {
    const mockFetch = await createMockFetch({ count: 5, rateLimit: 0 });
    await call(mockFetch, '/api/v0/customers?take=2');
    const log = await call(mockFetch, '/__admin/requests');
    expect(log.body.requests.map((r: { path: string; query: unknown }) => [r.path, r.query])).toEqual([['/api/v0/customers', { take: '2' }]]);
    const simulated = await call(mockFetch, '/api/v0/customers', { headers: { prefer: 'code=503' } });
    expectError(simulated, 503);
    expect(simulated.headers.get('preference-applied')).toBe('code=503');
    const reset = await call(mockFetch, '/__admin/reset', { method: 'POST' });
    expect(reset.body).toEqual({ customers: 5 });
    const unknown = await call(mockFetch, '/api/v0/nothing-here');
    expectError(unknown, 404, 'Cannot GET /api/v0/nothing-here');
  });

  it("serves the config's apps and sandboxes as the server does, each with its own data", async () => {
    const team = { clientKey: 'team-b', clientSecret: 'team-b-secret', appId: 'app_team_b', seed: 4, count: 2 };
    const mockFetch = await createMockFetch({ count: 3, rateLimit: 0, apps: [team] });
    const asTeam = { headers: { 'x-client-key': team.clientKey, 'x-client-secret': team.clientSecret } };
    const teamList = await call(mockFetch, '/api/v0/customers', asTeam);
    expect(teamList.body.data.map((c: { id: string }) => c.id).sort()).toEqual(generateCustomers({ ...team }).map((c) => c.id).sort());

    const created = await call(mockFetch, '/__admin/sandboxes', post({ seed: 9, count: 4 }));
    expect(created.status).toBe(201);
    await expectDocumented('adminCreateSandbox', created);
    const asSandbox = { headers: { 'x-client-key': created.body.clientKey, 'x-client-secret': created.body.clientSecret } };
    expect((await call(mockFetch, '/api/v0/customers', post(NEW, asSandbox.headers))).status).toBe(201);
    expect((await call(mockFetch, '/api/v0/customers', asSandbox)).body.total).toBe(5);
    expect((await call(mockFetch, '/api/v0/customers')).body.total).toBe(3);
    expect((await call(mockFetch, '/api/v0/customers', asTeam)).body.total).toBe(2);
    expect((await call(mockFetch, `/__admin/sandboxes/${created.body.clientKey}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(mockFetch, '/api/v0/customers', asSandbox)).status).toBe(401);
  });

  it("behaves as a deployment the compat options describe, as the server does with --compat", async () => {
    const mockFetch = await createMockFetch({ count: 2, rateLimit: 0, compat: { timestamps: 'snake_case', delete: 'absent' } });
    const [customer] = (await call(mockFetch, '/api/v0/customers')).body.data;
    expect(Object.keys(customer)).toEqual(expect.arrayContaining(['created_at', 'updated_at']));
    expect(customer).not.toHaveProperty('createdAt');
    const deleted = await call(mockFetch, `/api/v0/customers/${customer.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(404);
    expect((await call(mockFetch, '/api/v0/customers')).body.total).toBe(2);
  });

  it('rejects with the signal\'s reason when aborted, also during a simulated delay', async () => {
    const mockFetch = await createMockFetch({ count: 1, rateLimit: 0 });
    const already = AbortSignal.abort();
    await expect(mockFetch('/api/v0/customers', { headers: CREDENTIALS, signal: already })).rejects.toBe(already.reason);
    const controller = new AbortController();
    const pending = mockFetch('/api/v0/customers', { headers: { ...CREDENTIALS, prefer: 'delay=60000' }, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBe(controller.signal.reason);
  });

  it.each([
    [{ count: -1 }, /count must be a whole number from 0 to 10000000, got -1/],
    [{ count: 2.5 }, /count must be a whole number/],
    [{ seed: 'forty-two' }, /seed must be a whole number/],
    [{ countt: 5 }, /countt is not an option \(did you mean count\?\); the options are seed, count, /],
    [{ rate_limit: 0 }, /rate_limit is not an option \(did you mean rateLimit\?\)/],
    [{ port: 4010 }, /port is an option of the server \(customers-mock, startMock\), not in process/],
    [{ fsync: 'always' }, /fsync is an option of the server/],
    [{ latency: '400-100' }, /latency must be/],
    [{ errorRate: 2 }, /errorRate must be/],
    [{ clientKey: '' }, /clientKey must be/],
    [{ clock: { now: 5 } }, /clock must have a now\(\) method/],
    [{ data: [] }, /data is an option of the server .* in process give the customers themselves as customers/],
    [{ customers: 'customers.json' }, /customers must hold a JSON array of customers/],
    [{ customers: [{ id: 'x' }] }, /customers: \[0\] first_name is required/],
    [{ customers: (() => { const [c] = generateCustomers({ seed: 1, count: 1, appId: 'a' }); return [c, c]; })() }, /is used twice/],
    [{ apps: [{ clientKey: 'b', clientSecret: 's', appId: 'app_b', data: 'b.json' }] }, /apps: an application's data file cannot be read in process/],
  ])('refuses bad options at creation, saying what is wrong: %j', async (options, message) => {
    const creating = createMockFetch(options as never);
    await expect(creating).rejects.toThrow(MockOptionsError);
    await expect(creating).rejects.toThrow(message);
  });

  it('names every valid option when one is unknown: the config file\'s, less those needing Node, and the in-process ones', async () => {
    const inProcess = MOCK_OPTIONS.map(fileKey).filter((name) => !['port', 'host', 'data', 'state', 'fsync', 'log', 'docsCredentials'].includes(name));
    await expect(createMockFetch({ frobnicate: true } as never)).rejects.toThrow(`frobnicate is not an option; the options are ${[...inProcess, 'customers', 'clock', 'random'].join(', ')}`);
    await expect(customersHandlers({ frobnicate: true } as never)).rejects.toThrow(`customersHandlers: frobnicate is not an option; the options are ${[...inProcess, 'customers', 'clock', 'random', 'baseUrl'].join(', ')}`);
  });

  it('takes each option as the config file writes it, derived from the option table', () => {
    expectTypeOf<MockFetchOptions['cors']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<MockFetchOptions['latency']>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<MockFetchOptions['rateLimit']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<MockFetchOptions['customers']>().toEqualTypeOf<readonly Customer[] | undefined>();
    expectTypeOf<MockFetchOptions>().not.toHaveProperty('data');
    expectTypeOf<MockFetchOptions>().not.toHaveProperty('corsOrigins');
    expectTypeOf<MockFetchOptions>().not.toHaveProperty('port');
    // The type's names are those the run-time check accepts: the table's, less those needing Node.
    const tableNames = ['seed', 'count', 'clientKey', 'clientSecret', 'appId', 'rateLimit', 'latency', 'errorRate', 'cors', 'apps', 'maxSandboxes', 'sandboxIdleMinutes', 'maxSandboxCustomers', 'compat'] as const;
    expectTypeOf<keyof MockFetchOptions>().toEqualTypeOf<(typeof tableNames)[number] | 'customers' | 'clock' | 'random'>();
    expect(MOCK_OPTIONS.map(fileKey).filter((name) => !['port', 'host', 'data', 'state', 'fsync', 'log', 'docsCredentials'].includes(name))).toEqual(tableNames);
  });
});
