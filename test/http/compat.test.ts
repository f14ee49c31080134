import { describe, expect, it } from 'vitest';
import { inProcessMock, type InProcessMock } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';

/**
 * Every `--compat` option, both ways: the document's own choice (the default) and the other value,
 * each through requests and through the served document, which must describe what is in force.
 */
const NEW = { first_name: 'Grace', last_name: 'Hopper', phone_number: '+14155550199' };
const V1_ID = '123e4567-e89b-12d3-a456-426614174000';

/** The served document, read loosely: the tests look up the nodes a compat option rewrites. */
type Served = any;

async function mockWith(compat: Record<string, string>): Promise<{ mock: InProcessMock; served: Served }> {
  const mock = await inProcessMock({ count: 40, compat });
  const served = (await mock.request('GET', '/openapi.json', { auth: false })).body;
  return { mock, served };
}

const customerSchema = (doc: Served) => doc.components.schemas.Customer;
const inForce = (doc: Served, choice: string): string => doc['x-choices'][choice].compat.inForce;

describe('--compat timestamps', () => {
  it('camelCase (default): createdAt / updatedAt in every body and in the schema', async () => {
    const { mock, served } = await mockWith({});
    const created = await mock.request('POST', '/api/v0/customers', { body: NEW });
    expect(Object.keys(created.body)).toEqual(expect.arrayContaining(['createdAt', 'updatedAt']));
    expect(customerSchema(served).required).toEqual(expect.arrayContaining(['createdAt', 'updatedAt']));
    expect(inForce(served, 'timestamp-keys')).toBe('camelCase');
  });

  it('snake_case: created_at / updated_at in list, fetch, create and update, the schema and the examples; the admin upload takes them too', async () => {
    const { mock, served } = await mockWith({ timestamps: 'snake_case' });
    const spec = mock.mock.spec;
    const page = await mock.get('/api/v0/customers?take=3');
    const created = await mock.request('POST', '/api/v0/customers', { body: NEW });
    const fetched = await mock.get(`/api/v0/customers/${created.body.id}`);
    const updated = await mock.request('PATCH', `/api/v0/customers/${created.body.id}`, { body: { last_name: 'Hopper-Smith' } });
    for (const customer of [...page.body.data, created.body, fetched.body, updated.body]) {
      expect(customer).toHaveProperty('created_at');
      expect(customer).toHaveProperty('updated_at');
      expect(customer).not.toHaveProperty('createdAt');
    }
    await expectDocumented('listCustomers', page, spec);
    await expectDocumented('createCustomer', created, spec);
    await expectDocumented('updateCustomer', updated, spec);
    // The store keeps the document's spelling; only the wire changes.
    expect(mock.store.get(created.body.id)).toHaveProperty('createdAt');

    const schema = customerSchema(served);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['created_at', 'updated_at']));
    expect(Object.keys(schema.properties)).not.toContain('createdAt');
    expect(schema.required).toEqual(expect.arrayContaining(['created_at', 'updated_at']));
    expect(served.components.examples.ExistingCustomer.value).toHaveProperty('created_at');
    expect(inForce(served, 'timestamp-keys')).toBe('snake_case');
    expect(served.info.description).toContain('**`--compat timestamps=snake_case` is in force**');

    const upload = await mock.request('PUT', '/__admin/customers', { body: [page.body.data[0]] });
    expect(upload.status).toBe(200);
    expect((await mock.get(`/api/v0/customers/${page.body.data[0].id}`)).body).toEqual(page.body.data[0]);
  });
});

describe('--compat take', () => {
  it('returned (default): take counts the records in data', async () => {
    const { mock, served } = await mockWith({});
    expect((await mock.get('/api/v0/customers?skip=38&take=10')).body.take).toBe(2);
    expect((await mock.get('/api/v0/customers?skip=100')).body.take).toBe(0);
    expect(served.components.schemas.CustomerList.properties.take.minimum).toBe(0);
  });

  it('requested: take is the take applied, whatever data holds', async () => {
    const { mock, served } = await mockWith({ take: 'requested' });
    const short = await mock.get('/api/v0/customers?skip=38&take=10');
    expect(short.body).toMatchObject({ total: 40, skip: 38, take: 10 });
    expect(short.body.data).toHaveLength(2);
    await expectDocumented('listCustomers', short, mock.mock.spec);
    expect((await mock.get('/api/v0/customers?skip=100')).body.take).toBe(10);
    expect(served.components.schemas.CustomerList.properties.take.minimum).toBe(1);
    expect(served.components.schemas.CustomerList.properties.take.description).toMatch(/take` applied/);
  });
});

describe('--compat delete', () => {
  it('supported (default): DELETE removes the customer, and the document has the operation', async () => {
    const { mock, served } = await mockWith({});
    const [target] = mock.store.customers();
    expect((await mock.request('DELETE', `/api/v0/customers/${target!.id}`)).status).toBe(200);
    expect(served.paths['/api/v0/customers/{id}'].delete.operationId).toBe('deleteCustomer');
  });

  it('absent: DELETE is an unknown route, nothing is removed, and the document has no such operation', async () => {
    const { mock, served } = await mockWith({ delete: 'absent' });
    const [target] = mock.store.customers();
    const res = await mock.request('DELETE', `/api/v0/customers/${target!.id}`);
    expectError(res, 404, `Cannot DELETE /api/v0/customers/${target!.id}`);
    expect(mock.store.get(target!.id)).toEqual(target);
    expect(served.paths['/api/v0/customers/{id}'].delete).toBeUndefined();
    expect(served.components.schemas.DeleteResult).toBeUndefined();
    expect(mock.mock.spec.operations.map((o) => o.operationId)).not.toContain('deleteCustomer');
  });
});

describe('--compat names', () => {
  const fullName = (mock: InProcessMock) => {
    const c = mock.store.customers()[0]!;
    return `${c.first_name} ${c.last_name.slice(0, 2)}`;
  };

  it('first-last (default): "first l" finds the customer', async () => {
    const { mock } = await mockWith({});
    expect((await mock.get(`/api/v0/customers?name=${encodeURIComponent(fullName(mock))}`)).body.total).toBeGreaterThan(0);
  });

  it('either: "first l" spans both names and finds nobody; one name still matches', async () => {
    const { mock, served } = await mockWith({ names: 'either' });
    expect((await mock.get(`/api/v0/customers?name=${encodeURIComponent(fullName(mock))}`)).body.total).toBe(0);
    const c = mock.store.customers()[0]!;
    expect((await mock.get(`/api/v0/customers?name=${encodeURIComponent(c.last_name)}`)).body.total).toBeGreaterThan(0);
    expect(served.components.parameters.NameFilter.description).toMatch(/`first_name` or `last_name` \(each on its own/);
  });
});

describe('--compat ids', () => {
  it('any (default): a version 1 UUID is looked up (404)', async () => {
    const { mock, served } = await mockWith({});
    expect((await mock.get(`/api/v0/customers/${V1_ID}`)).status).toBe(404);
    expect(new RegExp(served.components.schemas.CustomerId.pattern).test(V1_ID)).toBe(true);
  });

  it('v4: a version 1 UUID is a 400, a v4 one still looked up', async () => {
    const { mock, served } = await mockWith({ ids: 'v4' });
    const res = await mock.get(`/api/v0/customers/${V1_ID}`);
    expectError(res, 400, ['id must be a UUID']);
    await expectDocumented('fetchCustomer', res, mock.mock.spec);
    expect((await mock.get('/api/v0/customers/6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10')).status).toBe(404);
    expect(new RegExp(served.components.schemas.CustomerId.pattern).test(V1_ID)).toBe(false);
  });
});

describe('--compat unknown-fields', () => {
  it('reject (default): an unknown field is a 400 naming it', async () => {
    const { mock } = await mockWith({});
    expectError(await mock.request('POST', '/api/v0/customers', { body: { ...NEW, nickname: 'amazing' } }), 400, ['property nickname should not exist']);
  });

  it('ignore: an unknown field is accepted and never stored, on create and on update', async () => {
    const { mock, served } = await mockWith({ 'unknown-fields': 'ignore' });
    const created = await mock.request('POST', '/api/v0/customers', { body: { ...NEW, nickname: 'amazing', last_spent: 999 } });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('nickname');
    expect(created.body.last_spent).toBe(0);
    const updated = await mock.request('PATCH', `/api/v0/customers/${created.body.id}`, { body: { last_name: 'H', appId: 'stolen', nickname: 'x' } });
    expect(updated.status).toBe(200);
    expect(updated.body).not.toHaveProperty('nickname');
    expect(updated.body.appId).toBe(created.body.appId);
    expect(mock.store.get(created.body.id)).toEqual(updated.body);
    expect(served.components.schemas.CreateCustomer.additionalProperties).toBeUndefined();
  });
});

describe('--compat idempotency', () => {
  it('optional (default): a POST without a key creates', async () => {
    const { mock, served } = await mockWith({});
    expect((await mock.request('POST', '/api/v0/customers', { body: NEW })).status).toBe(201);
    expect(served.paths['/api/v0/customers'].post.parameters[0]).toEqual({ $ref: '#/components/parameters/IdempotencyKey' });
  });

  it('required-on-post: a POST without a key is a 400 naming it; with one it creates; PATCH still needs none', async () => {
    const { mock, served } = await mockWith({ idempotency: 'required-on-post' });
    const before = mock.store.size;
    const refused = await mock.request('POST', '/api/v0/customers', { body: NEW });
    expectError(refused, 400, ['idempotency-key is required']);
    await expectDocumented('createCustomer', refused, mock.mock.spec);
    expect(mock.store.size).toBe(before);
    expect((await mock.request('POST', '/api/v0/customers', { body: NEW, headers: { 'idempotency-key': 'k-1' } })).status).toBe(201);
    const [target] = mock.store.customers();
    expect((await mock.request('PATCH', `/api/v0/customers/${target!.id}`, { body: { last_name: 'X' } })).status).toBe(200);
    expect(served.paths['/api/v0/customers'].post.parameters[0]).toMatchObject({ name: 'idempotency-key', in: 'header', required: true });
  });
});

describe('--compat order', () => {
  const times = (res: { body: { data: Array<{ createdAt: string }> } }) => res.body.data.map((c) => Date.parse(c.createdAt));

  it('newest-first (default)', async () => {
    const { mock } = await mockWith({});
    const t = times(await mock.get('/api/v0/customers?take=40'));
    expect(t).toEqual([...t].sort((a, b) => b - a));
  });

  it('oldest-first: earliest first on every page, and a new customer comes last', async () => {
    const { mock, served } = await mockWith({ order: 'oldest-first' });
    const all = [...times(await mock.get('/api/v0/customers?take=20')), ...times(await mock.get('/api/v0/customers?take=20&skip=20'))];
    expect(all).toEqual([...all].sort((a, b) => a - b));
    const created = await mock.request('POST', '/api/v0/customers', { body: NEW });
    const last = await mock.get('/api/v0/customers?skip=40');
    expect(last.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    expect(served.paths['/api/v0/customers'].get.description).toMatch(/oldest first/);
  });
});

describe('several options at once', () => {
  it('serve a document that loads and validates, naming every option in force', async () => {
    const all = { timestamps: 'snake_case', take: 'requested', delete: 'absent', names: 'either', ids: 'v4', 'unknown-fields': 'ignore', idempotency: 'required-on-post', order: 'oldest-first' };
    const { served } = await mockWith(all);
    for (const [option, value] of Object.entries(all)) expect(served.info.description).toContain(`**\`--compat ${option}=${value}\` is in force**`);
  });

  it('refuse an unknown option or value, naming the valid ones', async () => {
    await expect(inProcessMock({ compat: { colour: 'blue' } })).rejects.toThrow(/unknown compat option "colour"; the options are timestamps=camelCase\|snake_case, /);
    await expect(inProcessMock({ compat: { ids: 'v9' } })).rejects.toThrow(/compat option ids has no value "v9"; its values are any, v4/);
  });
});
