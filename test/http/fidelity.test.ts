import { beforeEach, describe, expect, it } from 'vitest';
import { referenceList } from '../support/reference-list.js';
import { inProcessMock, type InProcessMock } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

/**
 * What the platform's own spec (api.yml) and SDKs send, answered as api.yml allows (issue 12):
 * requests the mock used to refuse with a 400.
 */
const NEW = { first_name: 'Grace', last_name: 'Hopper', phone_number: '+14155550199' };
/** The SDK docs' example id: a well-formed UUID of version 1. */
const SDK_EXAMPLE_ID = '123e4567-e89b-12d3-a456-426614174000';
const UUID_V7 = '01936b2e-5f3a-7c4d-8e9f-0a1b2c3d4e5f';

let mock: InProcessMock;
beforeEach(async () => {
  mock = await inProcessMock({ count: 120 });
});

const list = (query: string) => mock.get(`/api/v0/customers?${query}`);

describe('status=DELETED (in every SDK enum)', () => {
  it('is a 200, never a 400: nobody in generated data has it, since DELETE removes records', async () => {
    const res = await list('status=DELETED');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], total: 0, skip: 0, take: 0 });
    await expectDocumented('listCustomers', res);
  });

  it('can be written by an update or a create, and then the filter finds exactly those customers', async () => {
    const target = mock.store.customers()[3]!;
    const updated = await mock.request('PATCH', `/api/v0/customers/${target.id}`, { body: { status: 'DELETED' } });
    expect(updated.status).toBe(200);
    expect(updated.body.status).toBe('DELETED');
    await expectDocumented('updateCustomer', updated);
    const created = await mock.request('POST', '/api/v0/customers', { body: { ...NEW, status: 'DELETED' } });
    expect(created.status).toBe(201);
    await expectDocumented('createCustomer', created);

    const res = await list('status=DELETED');
    expect(res.body.total).toBe(2);
    expect(res.body.data.map((c: { id: string }) => c.id).sort()).toEqual([target.id, created.body.id].sort());
    await expectDocumented('listCustomers', res);
    // A DELETED customer is a customer like any other: fetchable, listed, and restorable.
    expect((await mock.get(`/api/v0/customers/${target.id}`)).body.status).toBe('DELETED');
    const totals = await Promise.all(CUSTOMER_STATUSES.map(async (s) => (await list(`status=${s}`)).body.total as number));
    expect(totals.reduce((a, b) => a + b)).toBe((await list('')).body.total);
    expect((await mock.request('PATCH', `/api/v0/customers/${target.id}`, { body: { status: 'ACTIVE' } })).body.status).toBe('ACTIVE');
  });

  it('and the DELETE operation removes the record rather than setting the status', async () => {
    const target = mock.store.customers()[0]!;
    expect((await mock.request('DELETE', `/api/v0/customers/${target.id}`)).status).toBe(200);
    expect((await list('status=DELETED')).body.total).toBe(0);
    expect((await mock.get(`/api/v0/customers/${target.id}`)).status).toBe(404);
  });
});

describe('empty name and email filters (api.yml has no minLength; the TypeScript SDK sends name=)', () => {
  it.each(['name=', 'email=', 'name=&email=', 'name=&status=ACTIVE', 'email=&take=5&skip=3'])('%s answers as the same query without the empty filter', async (query) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    const without = new URLSearchParams(query);
    for (const [key, value] of [...without]) if (value === '') without.delete(key);
    expect(res.body).toEqual((await list(without.toString())).body);
    await expectDocumented('listCustomers', res);
  });
});

describe("phone numbers by api.yml's pattern (the + is optional)", () => {
  it('creates a customer whose number has no +, and keeps it as sent', async () => {
    const res = await mock.request('POST', '/api/v0/customers', { body: { ...NEW, phone_number: '14155550125' } });
    expect(res.status).toBe(201);
    expect(res.body.phone_number).toBe('14155550125');
    await expectDocumented('createCustomer', res);
    const fetched = await mock.get(`/api/v0/customers/${res.body.id}`);
    expect(fetched.body.phone_number).toBe('14155550125');
    await expectDocumented('fetchCustomer', fetched);
  });

  it('updates to a number without +', async () => {
    const target = mock.store.customers()[5]!;
    const res = await mock.request('PATCH', `/api/v0/customers/${target.id}`, { body: { phone_number: '442071838750' } });
    expect(res.status).toBe(200);
    expect(res.body.phone_number).toBe('442071838750');
    await expectDocumented('updateCustomer', res);
  });

  it("still refuses what api.yml's pattern refuses, its own hyphenated example included", async () => {
    for (const phone_number of ['+1-555-123-4567', '0155550199', '+1', '1234567890123456']) {
      const res = await mock.request('POST', '/api/v0/customers', { body: { ...NEW, phone_number } });
      expectError(res, 400, [expect.stringMatching(/^phone_number must match/)]);
    }
  });
});

describe('ids: any RFC 9562 UUID', () => {
  it.each([SDK_EXAMPLE_ID, UUID_V7, '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'])('an unknown %s is a 404 on fetch, update and delete', async (id) => {
    const fetched = await mock.get(`/api/v0/customers/${id}`);
    expectError(fetched, 404, 'Customer not found');
    await expectDocumented('fetchCustomer', fetched);
    expectError(await mock.request('PATCH', `/api/v0/customers/${id}`, { body: { status: 'ACTIVE' } }), 404, 'Customer not found');
    expectError(await mock.request('DELETE', `/api/v0/customers/${id}`), 404, 'Customer not found');
  });

  it.each(['cust_123456', 'cust_123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-02d3-a456-426614174000', '123e4567e89b12d3a456426614174000'])(
    'a non-UUID %s is still a 400',
    async (id) => {
      const res = await mock.get(`/api/v0/customers/${id}`);
      expectError(res, 400, ['id must be a UUID']);
      await expectDocumented('fetchCustomer', res);
    },
  );

  it('serves a customer whose id is a version 7 UUID, as a deployment may mint them', async () => {
    const [customer] = mock.store.customers();
    expect((await mock.request('PUT', '/__admin/customers', { body: [{ ...customer!, id: UUID_V7 }] })).status).toBe(200);
    const res = await mock.get(`/api/v0/customers/${UUID_V7}`);
    expect(res.status).toBe(200);
    await expectDocumented('fetchCustomer', res);
  });
});

describe('integral decimals for skip and take (the Python SDK sends its floats as 5.0)', () => {
  it.each([
    ['take=5.0', { skip: 0, take: 5 }],
    ['skip=2.0&take=3.00', { skip: 2, take: 3 }],
    ['skip=0.0', { skip: 0, take: 10 }],
  ])('%s pages as the whole numbers', async (query, page) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(JSON.parse(JSON.stringify(referenceList(mock.store.customers(), page))));
    await expectDocumented('listCustomers', res);
  });

  it.each(['take=1.5', 'skip=2.5', 'take=5.01', 'take=1e1'])('%s is still a 400: a fraction of a record means nothing', async (query) => {
    const res = await list(query);
    expectError(res, 400, [expect.stringMatching(/^(take|skip) must be an integer number$/)]);
  });
});

describe('last_spent', () => {
  it('carries no multipleOf, which validators test with binary floating point', async () => {
    const served = (await mock.request('GET', '/openapi.json', { auth: false })).body;
    const keywords = new Set<string>();
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node)) {
        keywords.add(key);
        walk(child);
      }
    };
    walk(served.components.schemas);
    expect(keywords).toContain('pattern');
    expect(keywords).not.toContain('multipleOf');
  });
});
