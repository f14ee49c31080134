import { beforeEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { referenceList } from '../support/reference-list.js';
import { inProcessMock, ManualClock, type InProcessMock, type TestResponse } from '../support/mock.js';
import { expectDocumented, expectError } from '../support/documented.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

const NOW = Date.UTC(2026, 2, 1, 9, 30);
const UNKNOWN_ID = '6f1c2a52-8d3e-4c1b-9a57-3f2e8b7d4c10';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const NEW = { first_name: 'Grace', last_name: 'Hopper', phone_number: '+14155550199', email: 'grace.hopper@example.com' };

let mock: InProcessMock;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(NOW);
  mock = await inProcessMock({ count: 60, appId: 'app_writes' }, clock);
});

const create = (body: unknown) => mock.request('POST', '/api/v0/customers', { body });
const fetchOne = (id: string) => mock.request('GET', `/api/v0/customers/${id}`);
const update = (id: string, body: unknown) => mock.request('PATCH', `/api/v0/customers/${id}`, { body });
const remove = (id: string) => mock.request('DELETE', `/api/v0/customers/${id}`);
const someone = (): Customer => mock.store.customers().find((c) => c.email !== null && c.status === 'ACTIVE')!;

/** Sends a request that must be refused, checks that the store did not move, and hands back the response. */
async function refused(send: () => Promise<TestResponse<any>>): Promise<TestResponse<any>> {
  const before = mock.store.customers();
  const res = await send();
  expect(mock.store.customers()).toEqual(before);
  return res;
}

describe('POST /api/v0/customers', () => {
  it('creates with defaults and server-owned fields -> 201', async () => {
    const res = await create(NEW);
    expect(res.status).toBe(201);
    await expectDocumented('createCustomer', res);
    const at = new Date(NOW).toISOString();
    expect(res.body).toEqual({
      ...NEW,
      id: expect.stringMatching(UUID_V4),
      customer_type: 'Individual',
      status: 'ACTIVE',
      last_spent: 0,
      last_purchase_date: null,
      appId: 'app_writes',
      createdAt: at,
      updatedAt: at,
    });
    expect((await fetchOne(res.body.id)).body).toEqual(res.body);
  });

  it('keeps a given type and status, and a missing email is null', async () => {
    const { email: _none, ...withoutEmail } = NEW;
    const res = await create({ ...withoutEmail, customer_type: 'Non-Profit', status: 'DEACTIVATED' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: null, customer_type: 'Non-Profit', status: 'DEACTIVATED' });
  });

  it('shows the new customer in lists, filters and totals at once, newest first', async () => {
    const before = await mock.get('/api/v0/customers?status=ACTIVE');
    const created = (await create(NEW)).body as Customer;
    const after = await mock.get('/api/v0/customers?status=ACTIVE');
    expect(after.body.total).toBe(before.body.total + 1);
    expect(after.body.data[0]).toEqual(created);
    expect((await mock.get('/api/v0/customers?name=grace%20h')).body.data).toContainEqual(created);
    expect((await mock.get('/api/v0/customers?email=GRACE.HOPPER@EXAMPLE.COM')).body.data).toEqual([created]);
    expect((await mock.get('/api/v0/customers?take=100')).body).toEqual(referenceList(mock.store.customers(), { skip: 0, take: 100 }));
  });

  it.each([
    ['a missing first_name', { last_name: 'H', phone_number: '+12345' }, ['first_name is required']],
    ['no fields', {}, ['first_name is required', 'last_name is required', 'phone_number is required']],
    ['an unknown field', { ...NEW, nickname: 'amazing' }, ['property nickname should not exist']],
    ['a server-owned field', { ...NEW, id: UNKNOWN_ID }, ['property id should not exist']],
    ['createdAt', { ...NEW, createdAt: '2020-01-01T00:00:00.000Z' }, ['property createdAt should not exist']],
    ['an empty first_name', { ...NEW, first_name: '' }, ['first_name must be longer than or equal to 1 characters']],
    ['a 101-character last_name', { ...NEW, last_name: 'x'.repeat(101) }, ['last_name must be shorter than or equal to 100 characters']],
    ['a phone with the docs pages\' hyphens', { ...NEW, phone_number: '+1-555-123-4567' }, [expect.stringMatching(/^phone_number /)]],
    ['a phone starting with 0', { ...NEW, phone_number: '0155550199' }, [expect.stringMatching(/^phone_number /)]],
    ['a phone with 16 digits', { ...NEW, phone_number: '+1234567890123456' }, [expect.stringMatching(/^phone_number /)]],
    ['a phone with one digit', { ...NEW, phone_number: '+1' }, [expect.stringMatching(/^phone_number /)]],
    ['an invalid email', { ...NEW, email: 'grace@' }, ['email must be an email']],
    ['a null email', { ...NEW, email: null }, ['email must be a string']],
    ['an over-long email', { ...NEW, email: `${'g'.repeat(251)}@x.io` }, ['email must be shorter than or equal to 255 characters']],
    ['an unknown status', { ...NEW, status: 'GONE' }, ['status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED']],
    ['an unknown customer_type', { ...NEW, customer_type: 'Business' }, [expect.stringMatching(/^customer_type must be one of the following values: Individual, /)]],
    ['a number for a name', { ...NEW, first_name: 42 }, ['first_name must be a string']],
  ])('refuses %s -> 400 naming it, changing nothing', async (_what, body, messages) => {
    const res = await refused(() => create(body));
    expectError(res, 400, messages as string[]);
    await expectDocumented('createCustomer', res);
  });

  it.each([
    ['not JSON', '{"first_name": ', ['body must be valid JSON']],
    ['empty', '', ['body must be a JSON object']],
    ['an array', '[]', ['body must be a JSON object']],
    ['a string', '"Grace"', ['body must be a JSON object']],
    ['null', 'null', ['body must be a JSON object']],
    ['a number', '42', ['body must be a JSON object']],
  ])('refuses a body that is %s -> 400', async (_what, rawBody, messages) => {
    const before = mock.store.customers();
    const res = await mock.request('POST', '/api/v0/customers', { rawBody, headers: { 'content-type': 'application/json' } });
    expectError(res, 400, messages);
    await expectDocumented('createCustomer', res);
    expect(mock.store.customers()).toEqual(before);
  });

  it('refuses an email in use, compared case-insensitively -> 409, changing nothing', async () => {
    const taken = someone().email!;
    for (const email of [taken, taken.toUpperCase()]) {
      const res = await refused(() => create({ ...NEW, email }));
      expectError(res, 409, 'Customer with the same email already exists');
      expect(res.body.error).toBe('Conflict');
      await expectDocumented('createCustomer', res);
    }
  });

  it('refuses a body over the size limit -> 413', async () => {
    const res = await create({ ...NEW, first_name: 'x'.repeat(200 * 1024) });
    expectError(res, 413, /larger than/);
    await expectDocumented('createCustomer', res);
  });
});

describe('GET /api/v0/customers/{id}', () => {
  it('fetches a customer -> 200', async () => {
    const target = someone();
    const res = await fetchOne(target.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(target);
    await expectDocumented('fetchCustomer', res);
  });

  it.each(['abc', 'cust_123456', '123', '6f1c2a52-8d3e-0c1b-9a57-3f2e8b7d4c10', `${UNKNOWN_ID}0`])('refuses id %j -> 400', async (id) => {
    const res = await fetchOne(id);
    expectError(res, 400, ['id must be a UUID']);
    await expectDocumented('fetchCustomer', res);
  });

  it('answers an unknown id with 404 "Customer not found"', async () => {
    const res = await fetchOne(UNKNOWN_ID);
    expectError(res, 404, 'Customer not found');
    expect(res.body.error).toBe('Not Found');
    await expectDocumented('fetchCustomer', res);
  });
});

describe('PATCH /api/v0/customers/{id}', () => {
  it('changes only the given fields; updatedAt moves forward, id and createdAt stay -> 200', async () => {
    const target = someone();
    const res = await update(target.id, { last_name: 'Smith', customer_type: 'Small Business' });
    expect(res.status).toBe(200);
    await expectDocumented('updateCustomer', res);
    expect(res.body).toEqual({ ...target, last_name: 'Smith', customer_type: 'Small Business', updatedAt: new Date(NOW).toISOString() });
    expect((await fetchOne(target.id)).body).toEqual(res.body);
  });

  it('moves updatedAt forward on every update, even within the same millisecond', async () => {
    const target = someone();
    const stamps: number[] = [];
    for (const first_name of ['A', 'B', 'C']) stamps.push(Date.parse((await update(target.id, { first_name })).body.updatedAt));
    expect(stamps[1]).toBeGreaterThan(stamps[0]!);
    expect(stamps[2]).toBeGreaterThan(stamps[1]!);
  });

  it('blacklists with a reason that is not stored, and restores', async () => {
    const target = someone();
    const blacklisted = await update(target.id, { status: 'BLACKLISTED', reason: 'Fraudulent activity detected' });
    expect(blacklisted.status).toBe(200);
    expect(blacklisted.body.status).toBe('BLACKLISTED');
    expect(blacklisted.body).not.toHaveProperty('reason');
    expect(blacklisted.text).not.toContain('Fraudulent');
    const inFilter = await mock.get(`/api/v0/customers?status=BLACKLISTED&email=${encodeURIComponent(target.email!)}`);
    expect(inFilter.body.data).toEqual([blacklisted.body]);
    expect((await mock.get(`/api/v0/customers?status=ACTIVE&email=${encodeURIComponent(target.email!)}`)).body.total).toBe(0);
    const restored = await update(target.id, { status: 'ACTIVE' });
    expect(restored.body.status).toBe('ACTIVE');
    expect((await mock.get(`/api/v0/customers?status=BLACKLISTED&email=${encodeURIComponent(target.email!)}`)).body.total).toBe(0);
  });

  it('keeps list order by createdAt after an update', async () => {
    const target = mock.store.customers()[30]!;
    await update(target.id, { first_name: 'Renamed' });
    expect((await mock.get('/api/v0/customers?skip=30&take=1')).body.data[0].id).toBe(target.id);
  });

  it('lets a customer keep or re-case its own email', async () => {
    const target = someone();
    const res = await update(target.id, { email: target.email!.toUpperCase() });
    expect(res.status).toBe(200);
    expect(res.body.email).toBe(target.email!.toUpperCase());
    expect((await mock.get(`/api/v0/customers?email=${encodeURIComponent(target.email!)}`)).body.data[0].id).toBe(target.id);
  });

  it("refuses another customer's email -> 409, changing nothing", async () => {
    const [a, b] = mock.store.customers().filter((c) => c.email !== null);
    const res = await refused(() => update(a!.id, { email: b!.email!.toUpperCase(), first_name: 'Changed' }));
    expectError(res, 409, 'Customer with the same email already exists');
    await expectDocumented('updateCustomer', res);
  });

  it.each([
    ['an empty body', {}, ['body must contain at least 1 property']],
    ['a reason alone (nothing to change)', { reason: 'because' }, ['status is required when reason is given']],
    ['a reason without a status', { reason: 'because', first_name: 'X' }, ['status is required when reason is given']],
    ['an unknown field', { nickname: 'x' }, ['property nickname should not exist']],
    ['id', { id: UNKNOWN_ID }, ['property id should not exist']],
    ['createdAt', { createdAt: '2020-01-01T00:00:00.000Z' }, ['property createdAt should not exist']],
    ['last_spent', { last_spent: 5 }, ['property last_spent should not exist']],
    ['an unknown status', { status: 'GONE' }, ['status must be one of the following values: ACTIVE, BLACKLISTED, DEACTIVATED, DELETED']],
    ['an empty last_name', { last_name: '' }, ['last_name must be longer than or equal to 1 characters']],
    ['a null email', { email: null }, ['email must be a string']],
    ['an over-long reason', { status: 'BLACKLISTED', reason: 'r'.repeat(501) }, ['reason must be shorter than or equal to 500 characters']],
  ])('refuses %s -> 400, changing nothing', async (_what, body, messages) => {
    const res = await refused(() => update(someone().id, body));
    expectError(res, 400, messages);
    await expectDocumented('updateCustomer', res);
  });

  it('refuses a body that is not a JSON object -> 400', async () => {
    for (const rawBody of ['', 'nope', '[]', '"x"', 'null']) {
      const res = await mock.request('PATCH', `/api/v0/customers/${someone().id}`, { rawBody });
      expectError(res, 400);
    }
  });

  it('answers an unknown id with 404 and a bad id with 400', async () => {
    const missing = await update(UNKNOWN_ID, { status: 'BLACKLISTED' });
    expectError(missing, 404, 'Customer not found');
    await expectDocumented('updateCustomer', missing);
    expectError(await update('nope', { status: 'BLACKLISTED' }), 400, ['id must be a UUID']);
  });

  it('reports a bad id and a bad body together', async () => {
    expectError(await update('nope', {}), 400, ['id must be a UUID', 'body must contain at least 1 property']);
  });
});

describe('an id sent in capitals', () => {
  // UUIDs name the same value in either case; the real API keeps them in a UUID column.
  it('finds, updates (keeping its own email) and deletes the customer it names', async () => {
    const target = someone();
    const shouted = target.id.toUpperCase();
    expect(shouted).not.toBe(target.id);
    expect((await fetchOne(shouted)).body).toEqual(target);
    const updated = await update(shouted, { email: target.email!.toUpperCase(), last_name: 'Renamed' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: target.id, last_name: 'Renamed' });
    expect((await remove(shouted)).body).toMatchObject({ success: true, customerId: target.id });
    expect((await fetchOne(target.id)).status).toBe(404);
    expect(storeInvariantProblems(mock.store)).toEqual([]);
  });
});

describe('DELETE /api/v0/customers/{id}', () => {
  it('deletes -> 200 with the documented body; then fetch is 404 and the customer is gone from lists and totals', async () => {
    const target = someone();
    const before = await mock.get(`/api/v0/customers?status=${target.status}`);
    const res = await remove(target.id);
    expect(res.status).toBe(200);
    await expectDocumented('deleteCustomer', res);
    expect(res.body).toEqual({ success: true, message: 'Customer successfully deleted', deletedAt: new Date(NOW).toISOString(), customerId: target.id });
    expectError(await fetchOne(target.id), 404, 'Customer not found');
    const after = await mock.get(`/api/v0/customers?status=${target.status}`);
    expect(after.body.total).toBe(before.body.total - 1);
    expect((await mock.get(`/api/v0/customers?email=${encodeURIComponent(target.email!)}`)).body).toEqual({ data: [], total: 0, skip: 0, take: 0 });
    const everyone = await mock.get('/api/v0/customers?take=100');
    expect(everyone.body.total).toBe(59);
    expect((everyone.body.data as Customer[]).map((c) => c.id)).not.toContain(target.id);
  });

  it('frees the email of a deleted customer', async () => {
    const target = someone();
    await remove(target.id);
    expect((await create({ ...NEW, email: target.email })).status).toBe(201);
  });

  it('answers a second delete, an unknown id and a bad id in the error format', async () => {
    const target = someone();
    await remove(target.id);
    const again = await remove(target.id);
    expectError(again, 404, 'Customer not found');
    await expectDocumented('deleteCustomer', again);
    expectError(await remove(UNKNOWN_ID), 404, 'Customer not found');
    const bad = await remove('not-a-uuid');
    expectError(bad, 400, ['id must be a UUID']);
    await expectDocumented('deleteCustomer', bad);
  });
});
