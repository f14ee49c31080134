// Recipe: vitest with msw. The code under test calls the real API's address; msw hands every
// request under it to an in-process customers-mock. No server process, no port, no network.
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createMockFetch } from 'customers-mock';
import { customersHandlers } from 'customers-mock/msw';

const API = 'https://api.devdraft.ai/api/v0/customers';
const credentials = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const ada = { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', phone_number: '+14155550123' };

const handlers = await customersHandlers({ count: 10, rateLimit: 0 });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
// Each test starts from the same ten customers.
afterEach(() => handlers.reset());
afterAll(() => server.close());

describe('customers, through msw', () => {
  it('lists, creates and fetches a customer', async () => {
    const list = await fetch(`${API}?take=5`, { headers: credentials });
    expect(list.status).toBe(200);
    expect((await list.json()).total).toBe(10);

    const created = await fetch(API, { method: 'POST', headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(ada) });
    expect(created.status).toBe(201);
    const { id } = await created.json();

    const fetched = await fetch(`${API}/${id}`, { headers: credentials });
    expect((await fetched.json()).email).toBe('ada@example.com');
  });

  it('refuses wrong credentials (401) and an invalid customer (400), as the API does', async () => {
    const unauthorised = await fetch(API, { headers: { ...credentials, 'x-client-secret': 'wrong' } });
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toEqual({ statusCode: 401, message: 'Invalid API credentials', error: 'Unauthorized' });

    const invalid = await fetch(API, { method: 'POST', headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify({ first_name: 'Ada' }) });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).message).toContain('last_name is required');
  });
});

describe('customers, through createMockFetch (no msw)', () => {
  it('gives the typed client a fetch of its own', async () => {
    const client = createClient({
      baseUrl: 'https://api.devdraft.ai',
      clientKey: 'mock-client-key',
      clientSecret: 'mock-client-secret',
      fetch: await createMockFetch({ count: 3 }),
    });
    const created = await client.customers.create(ada);
    expect(await client.customers.get(created.id)).toEqual(created);
    expect((await client.customers.list()).total).toBe(4);
  });
});
