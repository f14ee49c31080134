import { beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { generateCustomers } from '../../src/store/seed.js';
import { aCustomer } from '../support/customers.js';
import { expectDocumented, expectError } from '../support/documented.js';
import { CREDENTIALS, inProcessMock, ManualClock, type InProcessMock, type TestResponse } from '../support/mock.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const NEW = { first_name: 'Barbara', last_name: 'Liskov', phone_number: '+16175550100', email: 'barbara@example.com' };

interface Sandbox {
  clientKey: string;
  clientSecret: string;
  appId: string;
  customers: number;
}

let mock: InProcessMock;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(NOW);
  mock = await inProcessMock({ count: 12, seed: 3 }, clock);
});

function credentialsOf(sandbox: Sandbox) {
  return { 'x-client-key': sandbox.clientKey, 'x-client-secret': sandbox.clientSecret };
}

/** A request with the sandbox's credentials instead of the mock's own. */
function as(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<TestResponse<any>> {
  return mock.request(method, path, { auth: false, headers: credentialsOf(sandbox), body });
}

async function createSandbox(body?: unknown): Promise<Sandbox> {
  const res = await mock.request('POST', '/__admin/sandboxes', { body });
  expect(res.status, res.text).toBe(201);
  await expectDocumented('adminCreateSandbox', res);
  return res.body as Sandbox;
}

async function listSandboxes(): Promise<Array<Record<string, unknown>>> {
  const res = await mock.get('/__admin/sandboxes');
  expect(res.status).toBe(200);
  await expectDocumented('adminListSandboxes', res);
  return res.body.sandboxes;
}

describe('POST /__admin/sandboxes', () => {
  it("creates a sandbox with fresh credentials and the mock's seed and count, under its own appId", async () => {
    const sandbox = await createSandbox();
    expect(sandbox).toEqual({ clientKey: expect.any(String), clientSecret: expect.any(String), appId: expect.any(String), customers: 12 });
    expect(sandbox.clientKey).not.toBe(CREDENTIALS['x-client-key']);
    expect(sandbox.appId).not.toBe(mock.mock.config.appId);
    const page = await as(sandbox, 'GET', '/api/v0/customers?take=100');
    expect(page.status).toBe(200);
    const expected = generateCustomers({ seed: 3, count: 12, appId: sandbox.appId });
    expect(new Set(page.body.data.map((c: Customer) => c.id))).toEqual(new Set(expected.map((c) => c.id)));
    expect(page.body.data.every((c: Customer) => c.appId === sandbox.appId)).toBe(true);
  });

  it('generates from a given seed and count, or starts from given customers', async () => {
    const generated = await createSandbox({ seed: 7, count: 4 });
    expect(generated.customers).toBe(4);
    const ids = (await as(generated, 'GET', '/api/v0/customers')).body.data.map((c: Customer) => c.id).sort();
    expect(ids).toEqual(generateCustomers({ seed: 7, count: 4, appId: generated.appId }).map((c) => c.id).sort());

    const given = [aCustomer({ first_name: 'Only' })];
    const fromCustomers = await createSandbox({ customers: given });
    expect(fromCustomers.customers).toBe(1);
    expect((await as(fromCustomers, 'GET', `/api/v0/customers/${given[0]!.id}`)).body).toEqual(given[0]);
    expect((await createSandbox({})).customers).toBe(12);
  });

  it("keeps each sandbox's data, idempotency keys and request log apart from the mock's own and from each other", async () => {
    const [a, b] = [await createSandbox({ count: 2 }), await createSandbox({ count: 2 })];
    const ownBefore = mock.store.customers();
    const created = await as(a, 'POST', '/api/v0/customers', NEW);
    expect(created.status).toBe(201);
    expect(created.body.appId).toBe(a.appId);
    // The same email is free in every other application.
    expect((await as(b, 'POST', '/api/v0/customers', NEW)).status).toBe(201);
    expect((await mock.request('POST', '/api/v0/customers', { body: NEW })).status).toBe(201);
    expect((await as(b, 'GET', `/api/v0/customers/${created.body.id}`)).status).toBe(404);
    expect((await mock.get(`/api/v0/customers/${created.body.id}`)).status).toBe(404);
    expect((await as(a, 'GET', '/api/v0/customers')).body.total).toBe(3);
    expect(mock.store.size).toBe(ownBefore.length + 1);

    const log = await as(a, 'GET', '/__admin/requests');
    expect(log.body.requests.map((r: { method: string; status: number }) => [r.method, r.status])).toEqual([
      ['POST', 201],
      ['GET', 200],
    ]);
  });

  it('lets a sandbox reset, replace and read the log of itself only', async () => {
    const sandbox = await createSandbox({ count: 3 });
    const initial = (await as(sandbox, 'GET', '/api/v0/customers')).body;
    const ownBefore = mock.store.customers();
    await as(sandbox, 'POST', '/api/v0/customers', NEW);
    await mock.request('POST', '/api/v0/customers', { body: NEW });
    const reset = await as(sandbox, 'POST', '/__admin/reset');
    expect(reset.body).toEqual({ customers: 3 });
    expect((await as(sandbox, 'GET', '/api/v0/customers')).body).toEqual(initial);
    expect(mock.store.size).toBe(ownBefore.length + 1);

    const replaced = await as(sandbox, 'PUT', '/__admin/customers', [aCustomer()]);
    expect(replaced.body).toEqual({ customers: 1 });
    expect(mock.store.size).toBe(ownBefore.length + 1);

    await as(sandbox, 'GET', '/api/v0/customers?take=1');
    await mock.get('/api/v0/customers?take=2');
    // Since its reset: the list read after it, and this one; never the mock's own requests.
    expect((await as(sandbox, 'GET', '/__admin/requests')).body.requests.map((r: { query: object }) => r.query)).toEqual([{}, { take: '1' }]);
    await as(sandbox, 'DELETE', '/__admin/requests');
    expect((await mock.get('/__admin/requests')).body.requests.map((r: { query: object }) => r.query)).toContainEqual({ take: '2' });
  });

  it.each([
    ['a negative seed', { seed: -1 }, 'seed must not be less than 0'],
    ['a count that is no integer', { count: 'many' }, 'count must be an integer number'],
    ['an unknown field', { size: 3 }, 'property size should not exist'],
    ['an invalid customer', { customers: [{ ...aCustomer(), status: 'GONE' }] }, /^customers\[0\]\.status must be one of/],
    ['customers together with a seed', { customers: [], seed: 1 }, 'customers cannot be given together with seed or count'],
    ['an array', [], 'body must be a JSON object'],
  ])('refuses %s with a 400 naming the field, creating nothing', async (_what, body, message) => {
    const res = await mock.request('POST', '/__admin/sandboxes', { body });
    expectError(res, 400);
    await expectDocumented('adminCreateSandbox', res);
    expect((res.body.message as string[]).some((m) => (typeof message === 'string' ? m === message : message.test(m))), res.text).toBe(true);
    expect(await listSandboxes()).toEqual([]);
  });

  it('refuses customers with clashing ids, or a body that is not JSON, creating nothing', async () => {
    const customer = aCustomer();
    const clash = await mock.request('POST', '/__admin/sandboxes', { body: { customers: [customer, customer] } });
    expectError(clash, 400, /is used twice/);
    expectError(await mock.request('POST', '/__admin/sandboxes', { rawBody: '{"seed":' }), 400, ['body must be valid JSON']);
    expect(await listSandboxes()).toEqual([]);
  });
});

describe('GET and DELETE /__admin/sandboxes', () => {
  it('lists sandboxes without their secrets; a deleted one is gone and its credentials get 401', async () => {
    const [a, b] = [await createSandbox({ count: 1 }), await createSandbox({ count: 2 })];
    const listed = await listSandboxes();
    expect(listed.map((s) => [s.clientKey, s.appId, s.customers])).toEqual([
      [a.clientKey, a.appId, 1],
      [b.clientKey, b.appId, 2],
    ]);
    expect(JSON.stringify(listed)).not.toContain(a.clientSecret);
    expect(listed[0]).toMatchObject({ createdAt: new Date(NOW).toISOString(), expiresAt: new Date(NOW + 3_600_000).toISOString() });

    const deleted = await mock.request('DELETE', `/__admin/sandboxes/${a.clientKey}`);
    expect(deleted.status).toBe(200);
    await expectDocumented('adminDeleteSandbox', deleted);
    expect(deleted.body).toMatchObject({ clientKey: a.clientKey, appId: a.appId });
    expectError(await as(a, 'GET', '/api/v0/customers'), 401, 'Invalid API credentials');
    expect((await as(b, 'GET', '/api/v0/customers')).status).toBe(200);
    expect((await listSandboxes()).map((s) => s.clientKey)).toEqual([b.clientKey]);
    const again = await mock.request('DELETE', `/__admin/sandboxes/${a.clientKey}`);
    expectError(again, 404, 'Sandbox not found');
    await expectDocumented('adminDeleteSandbox', again);
  });

  it("refuses to let a sandbox's credentials, or wrong ones, manage sandboxes", async () => {
    const sandbox = await createSandbox({ count: 0 });
    for (const [method, path, operationId] of [
      ['POST', '/__admin/sandboxes', 'adminCreateSandbox'],
      ['GET', '/__admin/sandboxes', 'adminListSandboxes'],
      ['DELETE', `/__admin/sandboxes/${sandbox.clientKey}`, 'adminDeleteSandbox'],
    ] as const) {
      const forbidden = await as(sandbox, method, path);
      expectError(forbidden, 403, "Only the mock's own credentials (--client-key) can manage sandboxes");
      await expectDocumented(operationId, forbidden);
      const unauthenticated = await mock.request(method, path, { auth: false });
      expectError(unauthenticated, 401);
      await expectDocumented(operationId, unauthenticated);
    }
    expect((await listSandboxes()).length).toBe(1);
  });
});

describe('sandbox limits', () => {
  it('refuses one sandbox past --max-sandboxes with a 409 naming the limit, until one is deleted', async () => {
    const limited = await inProcessMock({ count: 1, maxSandboxes: 2 });
    const create = () => limited.request('POST', '/__admin/sandboxes');
    const first = await create();
    expect((await create()).status).toBe(201);
    const refused = await create();
    expectError(refused, 409, 'Sandbox limit reached: this mock holds at most 2 sandboxes at once (--max-sandboxes); delete one first');
    await expectDocumented('adminCreateSandbox', refused);
    await limited.request('DELETE', `/__admin/sandboxes/${(first.body as Sandbox).clientKey}`);
    expect((await create()).status).toBe(201);
  });

  it('refuses customers past --max-sandbox-customers with a 413 naming the limit, everywhere a sandbox grows', async () => {
    const limited = await inProcessMock({ count: 50, maxSandboxCustomers: 3 });
    const message = 'Sandbox customer limit reached: a sandbox holds at most 3 customers (--max-sandbox-customers)';
    expectError(await limited.request('POST', '/__admin/sandboxes'), 413, message);
    expectError(await limited.request('POST', '/__admin/sandboxes', { body: { count: 4 } }), 413, message);
    expectError(await limited.request('POST', '/__admin/sandboxes', { body: { customers: [aCustomer(), aCustomer(), aCustomer(), aCustomer()] } }), 413, message);
    expect((await limited.get('/__admin/sandboxes')).body.sandboxes).toEqual([]);

    const sandbox = (await limited.request('POST', '/__admin/sandboxes', { body: { count: 3 } })).body as Sandbox;
    const full = await limited.request('POST', '/api/v0/customers', { auth: false, headers: credentialsOf(sandbox), body: NEW });
    expectError(full, 413, message);
    await expectDocumented('createCustomer', full);
    const replace = await limited.request('PUT', '/__admin/customers', { auth: false, headers: credentialsOf(sandbox), body: [aCustomer(), aCustomer(), aCustomer(), aCustomer()] });
    expectError(replace, 413, message);
    await expectDocumented('adminReplaceCustomers', replace);
    expect((await limited.request('GET', '/api/v0/customers', { auth: false, headers: credentialsOf(sandbox) })).body.total).toBe(3);
    // The mock's own application has no such limit.
    expect((await limited.request('POST', '/api/v0/customers', { body: NEW })).status).toBe(201);
  });

  it('deletes a sandbox idle for --sandbox-idle-minutes: its credentials get 401; each request keeps it alive', async () => {
    const limited = await inProcessMock({ count: 1, sandboxIdleMinutes: 10 }, clock);
    const sandbox = (await limited.request('POST', '/__admin/sandboxes')).body as Sandbox;
    const use = () => limited.request('GET', '/api/v0/customers', { auth: false, headers: credentialsOf(sandbox) });
    clock.advance(10 * 60_000 - 1);
    expect((await use()).status).toBe(200);
    clock.advance(10 * 60_000 - 1);
    expect((await use()).status).toBe(200);
    clock.advance(10 * 60_000);
    expectError(await use(), 401, 'Invalid API credentials');
    expect((await limited.get('/__admin/sandboxes')).body.sandboxes).toEqual([]);
  });

  it('counts an idle sandbox out of --max-sandboxes once it expires', async () => {
    const limited = await inProcessMock({ count: 1, maxSandboxes: 1, sandboxIdleMinutes: 1 }, clock);
    expect((await limited.request('POST', '/__admin/sandboxes')).status).toBe(201);
    expect((await limited.request('POST', '/__admin/sandboxes')).status).toBe(409);
    clock.advance(60_000);
    expect((await limited.request('POST', '/__admin/sandboxes')).status).toBe(201);
  });
});
