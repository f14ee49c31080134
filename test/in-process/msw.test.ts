import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MockOptionsError } from '../../src/in-process/mock-fetch.js';
import { customersHandlers, type CustomersHandlers } from '../../src/msw.js';
import { CREDENTIALS } from '../support/mock.js';

const API = 'https://api.devdraft.ai';
const NEW = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', phone_number: '+14155550124' };

describe('customersHandlers (msw, in Node)', () => {
  let handlers: CustomersHandlers;
  let proxied: CustomersHandlers;
  const server = setupServer();

  beforeAll(async () => {
    handlers = await customersHandlers({ count: 8, rateLimit: 0 });
    proxied = await customersHandlers({ count: 2, rateLimit: 0, baseUrl: 'http://localhost:3000/proxy/' });
    server.use(...handlers, ...proxied);
    // Anything the handlers do not take fails the test instead of reaching the network.
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => handlers.reset());
  afterAll(() => server.close());

  it('answers the real API\'s address by default: list, create, fetch', async () => {
    const list = await fetch(`${API}/api/v0/customers?take=3`, { headers: CREDENTIALS });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { total: number }).total).toBe(8);
    const created = await fetch(`${API}/api/v0/customers`, { method: 'POST', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: JSON.stringify(NEW) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const fetched = await fetch(`${API}/api/v0/customers/${id}`, { headers: CREDENTIALS });
    expect(((await fetched.json()) as { email: string }).email).toBe(NEW.email);
  });

  it('gives a path it does not know the API\'s 404, never a pass-through to the network', async () => {
    for (const path of ['/', '/api/v1/customers', '/favicon.ico']) {
      const response = await fetch(`${API}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ statusCode: 404, message: `Cannot GET ${path}`, error: 'Not Found' });
    }
  });

  it('takes the base URL\'s path off before the mock sees the request', async () => {
    const list = await fetch('http://localhost:3000/proxy/api/v0/customers', { headers: CREDENTIALS });
    expect(((await list.json()) as { total: number }).total).toBe(2);
    const created = await fetch('http://localhost:3000/proxy/api/v0/customers', { method: 'POST', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: JSON.stringify(NEW) });
    expect(created.status).toBe(201);
    expect(proxied.fetch.engine.store.size).toBe(3);
  });

  it('resets between tests through the handlers\' reset()', async () => {
    await fetch(`${API}/api/v0/customers`, { method: 'POST', headers: { ...CREDENTIALS, 'content-type': 'application/json' }, body: JSON.stringify(NEW) });
    expect(handlers.fetch.engine.store.size).toBe(9);
    handlers.reset();
    expect(handlers.fetch.engine.store.size).toBe(8);
  });

  it.each(['api.devdraft.ai', 'ftp://api.devdraft.ai', 'https://api.devdraft.ai?x=1', 42])('refuses a base URL that is not an http(s) address: %j', async (baseUrl) => {
    await expect(customersHandlers({ baseUrl: baseUrl as string })).rejects.toThrow(MockOptionsError);
  });
});
