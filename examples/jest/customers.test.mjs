// Recipe: jest with msw, run as ES modules: NODE_OPTIONS=--experimental-vm-modules npx jest
// (jest.config.mjs beside this file). The code under test calls the real API's address; msw hands
// every request under it to an in-process customers-mock.
import { setupServer } from 'msw/node';
import { customersHandlers } from 'customers-mock/msw';

const API = 'https://api.devdraft.ai/api/v0/customers';
const credentials = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' };
const grace = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', phone_number: '+14155550124' };

const handlers = await customersHandlers({ count: 10, rateLimit: 0 });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => handlers.reset());
afterAll(() => server.close());

test('lists, creates and fetches a customer', async () => {
  const list = await fetch(`${API}?take=5`, { headers: credentials });
  expect((await list.json()).total).toBe(10);

  const created = await fetch(API, { method: 'POST', headers: { ...credentials, 'content-type': 'application/json' }, body: JSON.stringify(grace) });
  expect(created.status).toBe(201);
  const { id } = await created.json();

  const fetched = await fetch(`${API}/${id}`, { headers: credentials });
  expect((await fetched.json()).email).toBe('grace@example.com');
});

test('refuses wrong credentials (401) and an invalid customer (400)', async () => {
  expect((await fetch(API)).status).toBe(401);
  const invalid = await fetch(API, { method: 'POST', headers: { ...credentials, 'content-type': 'application/json' }, body: '{"first_name":"Grace"}' });
  expect(invalid.status).toBe(400);
});

test('starts every test from the same customers', async () => {
  const list = await fetch(API, { headers: credentials });
  expect((await list.json()).total).toBe(10);
});
