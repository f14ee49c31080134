import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, it, type TestContext } from 'vitest';
import type { Customer } from '#contract-kit';
import { kit } from './support.js';

/** Unique to this run, so the suite only ever touches what it created itself. */
const MARKER_EMAIL = `contract-kit+${randomUUID()}@example.com`;
const INPUT = { first_name: 'Contract', last_name: 'Kit', phone_number: '+14155550123', email: MARKER_EMAIL };

let created: Customer | undefined;

/** Steps after a failed one have nothing to act on: they say so instead of failing again. */
function requireCreated(context: TestContext): Customer {
  if (!kit.settings.allowWrites) return context.skip('read-only run: pass --allow-writes to run the write lifecycle');
  if (!created) return context.skip('the customer was not created, so there is nothing to act on');
  return created;
}

describe.sequential('write lifecycle (only with --allow-writes; always cleaned up)', () => {
  // Whatever failed midway, every customer carrying the marker is deleted again. It is looked up
  // by email, so even a create whose response was lost or malformed is found; the lookup reads
  // ids leniently, since the list response may be the very thing that is broken.
  afterAll(async () => {
    if (!kit.settings.allowWrites) return;
    const leftovers: string[] = [];
    const lookup = await kit.send('listCustomers', { query: { email: MARKER_EMAIL } });
    const data = (lookup.response.body as { data?: unknown } | null)?.data;
    if (lookup.response.status !== 200 || !Array.isArray(data)) leftovers.push(`unknown: the lookup by ${MARKER_EMAIL} answered ${lookup.response.status}`);
    const listed = Array.isArray(data) ? data.map((c: { id?: unknown } | null) => c?.id).filter((id): id is string => typeof id === 'string') : [];
    const ids = new Set([...(created ? [created.id] : []), ...listed]);
    for (const id of ids) {
      const { response } = await kit.send('deleteCustomer', { params: { id } });
      if (response.status !== 200 && response.status !== 404) leftovers.push(`${id} (delete answered ${response.status})`);
    }
    kit.check(leftovers.length === 0, 'every customer the suite created deleted again', `left on the server: ${leftovers.join(', ')}`);
  });

  it('create -> 201 with the server-set fields', async (context) => {
    if (!kit.settings.allowWrites) return context.skip('read-only run: pass --allow-writes to run the write lifecycle');
    const exchange = await kit.send('createCustomer', { body: INPUT });
    const customer = kit.expectStatus<Customer>(exchange, 201);
    created = customer;
    const expected = { ...INPUT, status: 'ACTIVE', customer_type: 'Individual', last_spent: 0, last_purchase_date: null };
    const got = Object.fromEntries(Object.keys(expected).map((k) => [k, customer[k as keyof Customer]]));
    kit.check(isDeepStrictEqual(got, expected), JSON.stringify(expected), JSON.stringify(got), exchange);
  });

  it('the new customer is fetched, and found by its email', async (context) => {
    const customer = requireCreated(context);
    const fetch = await kit.send('fetchCustomer', { params: { id: customer.id } });
    const fetched = kit.expectStatus<Customer>(fetch, 200);
    kit.check(isDeepStrictEqual(fetched, customer), JSON.stringify(customer), JSON.stringify(fetched), fetch);
    const { exchange, page } = await kit.list({ email: MARKER_EMAIL });
    kit.check(page.total === 1 && page.data[0]?.id === customer.id, `exactly ${customer.id}`, `total ${page.total}`, exchange);
  });

  it('update changes only the given field and moves updatedAt forward', async (context) => {
    const before = requireCreated(context);
    const exchange = await kit.send('updateCustomer', { params: { id: before.id }, body: { last_name: 'Kit-Updated' } });
    const after = kit.expectStatus<Customer>(exchange, 200);
    const expected = { ...before, last_name: 'Kit-Updated', updatedAt: after.updatedAt };
    kit.check(isDeepStrictEqual(after, expected), JSON.stringify(expected), JSON.stringify(after), exchange);
    kit.check(Date.parse(after.updatedAt) > Date.parse(before.updatedAt), `updatedAt after ${before.updatedAt}`, after.updatedAt, exchange);
    created = after;
  });

  it('blacklist with a reason, then restore', async (context) => {
    const customer = requireCreated(context);
    const blacklist = await kit.send('updateCustomer', { params: { id: customer.id }, body: { status: 'BLACKLISTED', reason: 'contract test' } });
    const blacklisted = kit.expectStatus<Customer>(blacklist, 200);
    kit.check(blacklisted.status === 'BLACKLISTED', 'status BLACKLISTED', blacklisted.status, blacklist);
    const restore = await kit.send('updateCustomer', { params: { id: customer.id }, body: { status: 'ACTIVE' } });
    const restored = kit.expectStatus<Customer>(restore, 200);
    kit.check(restored.status === 'ACTIVE', 'status ACTIVE', restored.status, restore);
  });

  it('delete -> 200, then the customer is gone', async (context) => {
    const customer = requireCreated(context);
    const exchange = await kit.send('deleteCustomer', { params: { id: customer.id } });
    const result = kit.expectStatus<{ customerId: string }>(exchange, 200);
    kit.check(result.customerId === customer.id, `customerId ${customer.id}`, result.customerId, exchange);
    created = undefined;
    kit.expectStatus(await kit.send('fetchCustomer', { params: { id: customer.id } }), 404);
    const { exchange: list, page } = await kit.list({ email: MARKER_EMAIL });
    kit.check(page.total === 0, 'no customer with the marker email', `total ${page.total}`, list);
  });
});

