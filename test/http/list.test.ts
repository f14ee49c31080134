import { beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { type ListQuery } from '../../src/domain/query.js';
import { referenceList } from '../support/reference-list.js';
import { inProcessMock, type InProcessMock } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

let mock: InProcessMock;
let all: Customer[];
beforeAll(async () => {
  mock = await inProcessMock({ count: 300, seed: 7 });
  all = mock.store.customers();
});

function url(query: Record<string, string | number>): string {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return `/api/v0/customers?${params}`;
}

/** Lists over HTTP and checks the answer against the domain reference over the same customers. */
async function expectReference(query: Partial<ListQuery>): Promise<Customer[]> {
  const res = await mock.get(url(query as Record<string, string | number>));
  expect(res.status, res.text).toBe(200);
  await expectDocumented('listCustomers', res);
  const expected = referenceList(mock.store.customers(), { skip: 0, take: 10, ...query });
  expect(res.body).toEqual(expected);
  return expected.data;
}

describe('GET /api/v0/customers: parameters', () => {
  it('defaults to skip 0 and take 10', async () => {
    const res = await mock.get('/api/v0/customers');
    expect(res.body).toMatchObject({ skip: 0, take: 10, total: 300 });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it.each([
    ['take', '0', 'take must not be less than 1'],
    ['take', '101', 'take must not be greater than 100'],
    ['take', '-1', 'take must not be less than 1'],
    ['take', '1.5', 'take must be an integer number'],
    ['take', 'abc', 'take must be an integer number'],
    ['take', '', 'take must be an integer number'],
    ['take', '1e1', 'take must be an integer number'],
    ['take', '0x10', 'take must be an integer number'],
    ['skip', '-1', 'skip must not be less than 0'],
    ['skip', '1.5', 'skip must be an integer number'],
    ['skip', 'abc', 'skip must be an integer number'],
    ['skip', '', 'skip must be an integer number'],
    ['status', 'UNKNOWN', 'status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED'],
    ['status', 'active', 'status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED'],
    ['status', '', 'status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED'],
    ['name', 'n'.repeat(101), 'name must be shorter than or equal to 100 characters'],
    ['email', `${'e'.repeat(247)}@mail.com`, 'email must be shorter than or equal to 255 characters'],
  ])('%s=%j -> 400 naming the parameter', async (name, value, message) => {
    const res = await mock.get(`/api/v0/customers?${name}=${encodeURIComponent(value)}`);
    expectError(res, 400, [message]);
    expect(res.body.error).toBe('Bad Request');
    await expectDocumented('listCustomers', res);
  });

  it.each(['take', 'skip', 'status', 'name', 'email'])('a repeated %s -> 400 naming it', async (name) => {
    const value = name === 'take' || name === 'skip' ? '5' : name === 'status' ? 'ACTIVE' : 'x';
    const res = await mock.get(`/api/v0/customers?${name}=${value}&${name}=${value}`);
    expectError(res, 400, [`${name} must be given once, not 2 times`]);
  });

  it('names every failing parameter, once each', async () => {
    const res = await mock.get(`/api/v0/customers?take=0&skip=-1&status=x&name=${'n'.repeat(101)}&email=${'e'.repeat(256)}`);
    expectError(res, 400);
    const messages = res.body.message as string[];
    expect(messages).toHaveLength(5);
    for (const name of ['take', 'skip', 'status', 'name', 'email']) expect(messages.filter((m) => m.startsWith(`${name} `))).toHaveLength(1);
  });

  it('accepts the bounds themselves', async () => {
    await expectReference({ take: 1 });
    await expectReference({ take: 100 });
    await expectReference({ skip: 0 });
    await expectReference({ name: 'a'.repeat(100) });
    await expectReference({ email: `${'e'.repeat(246)}@mail.com` });
  });

  it('ignores unknown parameters', async () => {
    const res = await mock.get('/api/v0/customers?page=2&limit=1000&sort=name&foo=&foo=bar&take=3');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(referenceList(all, { skip: 0, take: 3 }));
  });
});

describe('GET /api/v0/customers: filters agree with the reference semantics', () => {
  it.each(CUSTOMER_STATUSES)('status=%s', async (status) => {
    const data = await expectReference({ status, take: 100 });
    expect(data.length).toBe(Math.min(100, all.filter((c) => c.status === status).length));
    expect(data.every((c) => c.status === status)).toBe(true);
  });

  it('name: a first name, a last name, "first l", any case, and a fragment', async () => {
    const someone = all.find((c) => all.filter((o) => o.first_name === c.first_name).length > 1)!;
    const full = `${someone.first_name} ${someone.last_name}`;
    for (const name of [someone.first_name, someone.last_name, full.slice(0, someone.first_name.length + 2), full.toUpperCase(), full.toLowerCase(), someone.last_name.slice(1, 4)]) {
      const data = await expectReference({ name, take: 100 });
      expect(data.map((c) => c.id)).toContain(someone.id);
    }
    const shared = await expectReference({ name: someone.first_name, take: 100 });
    expect(shared.length).toBeGreaterThan(1);
  });

  it('name: something nobody is called gives no data and total 0', async () => {
    const res = await mock.get(url({ name: 'zzqx-nobody' }));
    expect(res.body).toEqual({ data: [], total: 0, skip: 0, take: 0 });
  });

  it('email: exact and case-insensitive, never partial', async () => {
    const someone = all.find((c) => c.email !== null)!;
    const email = someone.email!;
    expect((await expectReference({ email })).map((c) => c.id)).toEqual([someone.id]);
    expect((await expectReference({ email: email.toUpperCase() })).map((c) => c.id)).toEqual([someone.id]);
    expect(await expectReference({ email: email.slice(0, -1) })).toEqual([]);
    expect(await expectReference({ email: email.slice(1) })).toEqual([]);
    expect(await expectReference({ email: email.split('@')[0]! })).toEqual([]);
  });

  it('email: "null" does not find customers without an email', async () => {
    expect(all.some((c) => c.email === null)).toBe(true);
    expect(await expectReference({ email: 'null' })).toEqual([]);
  });

  it('combines filters with AND', async () => {
    const someone = all.find((c) => c.email !== null && c.status !== 'ACTIVE')!;
    const other = someone.status === 'BLACKLISTED' ? 'DEACTIVATED' : 'BLACKLISTED';
    expect((await expectReference({ status: someone.status, name: someone.last_name, email: someone.email! })).map((c) => c.id)).toEqual([someone.id]);
    expect(await expectReference({ status: other, email: someone.email! })).toEqual([]);
    expect(await expectReference({ name: 'zzqx', email: someone.email! })).toEqual([]);
    for (const status of CUSTOMER_STATUSES) {
      await expectReference({ status, name: 'an', take: 100 });
      await expectReference({ status, name: 'an', skip: 3, take: 5 });
    }
  });
});

describe('GET /api/v0/customers: order and pages', () => {
  it('orders by createdAt descending, then id ascending, including ties', async () => {
    const tied = { createdAt: '2024-05-05T05:05:05.000Z', updatedAt: '2024-05-05T05:05:05.000Z' };
    const withTies = await inProcessMock({ count: 0 });
    const ids = ['c', 'a', 'b'].map((l) => `${l.repeat(8)}-0000-4000-8000-000000000000`);
    withTies.store.replaceAll([...all.slice(0, 5), ...ids.map((id, i) => ({ ...all[10 + i]!, id, ...tied }))]);
    const res = await withTies.get('/api/v0/customers?take=100');
    const data = res.body.data as Customer[];
    const tiedIds = data.filter((c) => c.createdAt === tied.createdAt).map((c) => c.id);
    expect(tiedIds).toEqual([...ids].sort());
    for (let i = 1; i < data.length; i++) {
      const [a, b] = [data[i - 1]!, data[i]!];
      const ordered = Date.parse(a.createdAt) > Date.parse(b.createdAt) || (a.createdAt === b.createdAt && a.id < b.id);
      expect(ordered, `${a.id} before ${b.id}`).toBe(true);
    }
  });

  it('pages through every record exactly once', async () => {
    const seen: string[] = [];
    for (let skip = 0; ; skip += 17) {
      const res = await mock.get(url({ skip, take: 17 }));
      expect(res.body.total).toBe(300);
      expect(res.body.skip).toBe(skip);
      expect(res.body.take).toBe(res.body.data.length);
      if (res.body.data.length === 0) break;
      seen.push(...(res.body.data as Customer[]).map((c) => c.id));
    }
    expect(seen).toEqual(all.map((c) => c.id));
  });

  it('gives data [] with the true total past the end', async () => {
    for (const skip of [300, 301, 1_000_000]) {
      const res = await mock.get(url({ skip, take: 5 }));
      expect(res.body).toEqual({ data: [], total: 300, skip, take: 0 });
      await expectDocumented('listCustomers', res);
    }
    const filtered = await mock.get(url({ skip: 1000, status: 'BLACKLISTED' }));
    expect(filtered.body.total).toBe(all.filter((c) => c.status === 'BLACKLISTED').length);
  });
});

describe('unknown routes and wrong methods', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/api/v0'],
    ['GET', '/api/v1/customers'],
    ['GET', '/api/v0/customer'],
    ['GET', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10/orders'],
    ['PUT', '/api/v0/customers'],
    ['DELETE', '/api/v0/customers'],
    ['PATCH', '/api/v0/customers'],
    ['POST', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10'],
    ['PUT', '/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10'],
    ['GET', '/__admin/reset'],
  ])('%s %s -> 404 "Cannot METHOD /path", as documented', async (method, path) => {
    const res = await mock.request(method, path);
    expectError(res, 404, `Cannot ${method} ${path}`);
    expect(res.body.error).toBe('Not Found');
  });

  it('ignores a trailing slash, as the Express router under the real API does', async () => {
    const plain = await mock.request('GET', '/api/v0/customers?take=3');
    const slashed = await mock.request('GET', '/api/v0/customers/?take=3');
    expect(slashed.status).toBe(200);
    expect(slashed.body).toEqual(plain.body);
  });

  it('answers an unknown route in the error format without credentials too', async () => {
    expectError(await mock.request('GET', '/nope', { auth: false }), 404, 'Cannot GET /nope');
  });
});
