import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS, inProcessMock, type InProcessMock } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';

let mock: InProcessMock;
beforeAll(async () => {
  mock = await inProcessMock({ count: 20 });
});

const KEY = CREDENTIALS['x-client-key'];
const SECRET = CREDENTIALS['x-client-secret'];

describe('authentication', () => {
  it.each([
    ['no headers', {}],
    ['a missing secret', { 'x-client-key': KEY }],
    ['a missing key', { 'x-client-secret': SECRET }],
    ['a wrong key', { 'x-client-key': 'wrong', 'x-client-secret': SECRET }],
    ['a wrong secret', { 'x-client-key': KEY, 'x-client-secret': 'wrong' }],
    ['both wrong', { 'x-client-key': 'wrong', 'x-client-secret': 'wrong' }],
    ['key and secret swapped', { 'x-client-key': SECRET, 'x-client-secret': KEY }],
    ['empty values', { 'x-client-key': '', 'x-client-secret': '' }],
    ['a secret that is a prefix', { 'x-client-key': KEY, 'x-client-secret': SECRET.slice(0, -1) }],
    ['a key in other case', { 'x-client-key': KEY.toUpperCase(), 'x-client-secret': SECRET }],
  ])('refuses %s with a 401 in the error format', async (_what, headers) => {
    const res = await mock.request('GET', '/api/v0/customers', { auth: false, headers });
    expectError(res, 401, 'Invalid API credentials');
    expect(res.body.error).toBe('Unauthorized');
    await expectDocumented('listCustomers', res);
  });

  it('accepts the right headers whatever their case', async () => {
    const res = await mock.request('GET', '/api/v0/customers', { auth: false, headers: { 'X-Client-Key': KEY, 'X-CLIENT-SECRET': SECRET } });
    expect(res.status).toBe(200);
  });

  it('checks credentials before the request: a 401 beats a 400 and a 404', async () => {
    expectError(await mock.request('GET', '/api/v0/customers?take=0', { auth: false }), 401);
    expectError(await mock.request('GET', '/api/v0/customers/not-a-uuid', { auth: false }), 401);
    expectError(await mock.request('GET', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10', { auth: false }), 401);
  });

  it.each([
    ['POST', '/api/v0/customers', 'createCustomer'],
    ['PATCH', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10', 'updateCustomer'],
    ['DELETE', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10', 'deleteCustomer'],
    ['GET', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10', 'fetchCustomer'],
    ['POST', '/__admin/reset', 'adminReset'],
    ['PUT', '/__admin/customers', 'adminReplaceCustomers'],
    ['GET', '/__admin/requests', 'adminListRequests'],
    ['DELETE', '/__admin/requests', 'adminClearRequests'],
  ])('guards %s %s, changing nothing', async (method, path, operationId) => {
    const before = mock.store.customers();
    const res = await mock.request(method, path, { auth: false, headers: { 'x-client-key': KEY }, body: bodyFor(method) });
    expectError(res, 401, 'Invalid API credentials');
    await expectDocumented(operationId, res);
    expect(mock.store.customers()).toEqual(before);
  });

  it('honours configured credentials and refuses the defaults then', async () => {
    const custom = await inProcessMock({ count: 1, clientKey: 'k-1', clientSecret: 's-1' });
    expectError(await custom.request('GET', '/api/v0/customers'), 401);
    const ok = await custom.request('GET', '/api/v0/customers', { auth: false, headers: { 'x-client-key': 'k-1', 'x-client-secret': 's-1' } });
    expect(ok.status).toBe(200);
  });
});

function bodyFor(method: string): unknown {
  if (method === 'GET' || method === 'DELETE') return undefined;
  return method === 'PUT' ? [] : { status: 'BLACKLISTED' };
}
