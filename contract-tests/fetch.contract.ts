import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'vitest';
import { discoverSample, type Customer } from '#contract-kit';
import { kit } from './support.js';

describe('fetch by id', () => {
  it('a listed customer is fetched as listed', async (context) => {
    const { customers } = await discoverSample(kit);
    const listed = customers[0];
    if (!listed) return kit.skip(context, 'the server has no customers to fetch', ['fetch.by-id']);
    const exchange = await kit.send('fetchCustomer', { params: { id: listed.id } });
    const fetched = kit.expectStatus<Customer>('fetch.by-id', exchange, 200);
    kit.check('fetch.by-id', isDeepStrictEqual(fetched, listed), `the customer as the list showed it: ${JSON.stringify(listed)}`, JSON.stringify(fetched), exchange);
  });

  it('an id that is not a UUID -> 400', async () => {
    kit.expectStatus('request.validation', await kit.send('fetchCustomer', { params: { id: 'not-a-uuid' } }), 400);
  });

  it('an unknown UUID -> 404', async () => {
    kit.expectStatus('fetch.unknown-id', await kit.send('fetchCustomer', { params: { id: randomUUID() } }), 404);
  });

  // api.yml's `format: uuid` names no version; the developers' pages say v4.
  it.each([
    ['a version 1 UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['a UUID in upper case', '6F1C2A52-8D3E-4C1B-9A57-3F2E8B7D4C1F'],
  ])('%s that names no customer', async (what, id) => {
    const exchange = await kit.send('fetchCustomer', { params: { id } });
    const status = exchange.response.status;
    kit.check('fetch.unknown-id', status === 404 || status === 400, 'a 404, or a 400 where only UUID v4 are ids', `${status}`, exchange);
    kit.expectStatus('fetch.unknown-id', exchange, status);
    kit.atRule('id.any-version', { observed: status === 404 ? 'any' : 'v4', expected: 'any', asDocument: status === 404, detail: `a fetch of ${what} (${id}) answered ${status}` }, exchange);
  });
});

// No DELETE here: the platform's own spec has no DELETE operation, so a read-only run never sends one.
describe('writes that must be rejected before anything is written', () => {
  it('create with a body that is not JSON -> 400', async () => {
    kit.expectStatus('request.validation', await kit.send('createCustomer', { rawBody: '{"first_name": "Contract", ' }), 400);
  });

  // No customer can have this id, so even a server that skipped validation could not write.
  it('update of a non-UUID id -> 400', async () => {
    kit.expectStatus('request.validation', await kit.send('updateCustomer', { params: { id: 'not-a-uuid' }, body: { last_name: 'Contract' } }), 400);
  });
});

describe('customer fields at choice points', () => {
  it('timestamp key spelling', async (context) => {
    const { customers, exchange } = await discoverSample(kit);
    const customer = customers[0];
    if (!customer) return kit.skip(context, 'the server has no customers to look at', ['response.timestamp-keys']);
    const keys = Object.keys(customer);
    const observed = keys.includes('createdAt') && keys.includes('updatedAt') ? 'camelCase' : keys.includes('created_at') && keys.includes('updated_at') ? 'snake_case' : 'neither';
    // Either spelling is a reading of the platform's sources; a mix of the two is none.
    kit.check('response.schema', observed !== 'neither', 'createdAt and updatedAt, or created_at and updated_at', `keys ${keys.join(', ')}`, exchange);
    kit.atRule('response.timestamp-keys', { observed, expected: 'camelCase', asDocument: observed === 'camelCase', detail: `a listed customer's keys: ${keys.join(', ')}` }, exchange);
  });

  it('fields beyond the documented ones', async (context) => {
    const { customers, exchange } = await discoverSample(kit);
    if (customers.length === 0) return kit.skip(context, 'the server has no customers to look at', ['response.closed-schema']);
    const schema = kit.document.spec.dereferenced.components?.schemas?.Customer as { properties?: object } | undefined;
    const documented = Object.keys(schema?.properties ?? {});
    const extra = [...new Set(customers.flatMap((c) => Object.keys(c).filter((k) => !documented.includes(k))))];
    const observed = extra.length === 0 ? 'no extra fields' : `extra fields: ${extra.join(', ')}`;
    kit.atRule('response.closed-schema', { observed, expected: 'no extra fields', asDocument: extra.length === 0, detail: `${customers.length} listed customers` }, exchange);
  });
});
