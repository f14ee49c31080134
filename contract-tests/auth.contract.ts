import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { kit } from './support.js';

describe('auth: x-client-key and x-client-secret must both be present and right', () => {
  const { clientKey, clientSecret } = kit.settings;
  const cases = [
    ['without x-client-key', { clientKey: null }],
    ['without x-client-secret', { clientSecret: null }],
    ['without any credentials', { clientKey: null, clientSecret: null }],
    ['with a wrong x-client-secret', { clientSecret: `${clientSecret}-wrong` }],
    ['with a wrong x-client-key', { clientKey: `${clientKey}-wrong` }],
  ] as const;

  it.each(cases)('list %s -> 401 with the error body', async (_name, credentials) => {
    kit.expectStatus(await kit.send('listCustomers', { credentials }), 401);
  });

  it('fetch by id with a wrong x-client-secret -> 401, before the id is looked up', async () => {
    const exchange = await kit.send('fetchCustomer', { params: { id: randomUUID() }, credentials: { clientSecret: `${clientSecret}-wrong` } });
    kit.expectStatus(exchange, 401);
  });
});
