import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { describe, it } from 'vitest';
import { discoverSample, type Customer } from '#contract-kit';
import { kit } from './support.js';

describe('fetch by id', () => {
  it('a listed customer is fetched as listed', async (context) => {
    const { customers } = await discoverSample(kit);
    const listed = customers[0];
    if (!listed) return context.skip('the server has no customers to fetch');
    const exchange = await kit.send('fetchCustomer', { params: { id: listed.id } });
    const fetched = kit.expectStatus<Customer>(exchange, 200);
    kit.check(isDeepStrictEqual(fetched, listed), `the customer as the list showed it: ${JSON.stringify(listed)}`, JSON.stringify(fetched), exchange);
  });

  it('an id that is not a UUID -> 400', async () => {
    kit.expectStatus(await kit.send('fetchCustomer', { params: { id: 'not-a-uuid' } }), 400);
  });

  it('an unknown UUID -> 404', async () => {
    kit.expectStatus(await kit.send('fetchCustomer', { params: { id: randomUUID() } }), 404);
  });
});

describe('writes that must be rejected before anything is written', () => {
  it('create with a body that is not JSON -> 400', async () => {
    kit.expectStatus(await kit.send('createCustomer', { rawBody: '{"first_name": "Contract", ' }), 400);
  });

  // No customer can have this id, so even a server that skipped validation could not write.
  it('update of a non-UUID id -> 400', async () => {
    kit.expectStatus(await kit.send('updateCustomer', { params: { id: 'not-a-uuid' }, body: { last_name: 'Contract' } }), 400);
  });

  it('delete of a non-UUID id -> 400', async () => {
    kit.expectStatus(await kit.send('deleteCustomer', { params: { id: 'not-a-uuid' } }), 400);
  });
});
