import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { kit } from './support.js';

const { clientKey, clientSecret } = kit.settings;

describe('auth: wrong or missing credentials -> 401', () => {
  const cases = [
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

describe('auth at choice points', () => {
  // api.yml lists the two headers as alternative requirements; the document needs both.
  it.each([
    ['x-client-key', { clientKey: null }],
    ['x-client-secret', { clientSecret: null }],
  ] as const)('a list without %s', async (header, credentials) => {
    const exchange = await kit.send('listCustomers', { credentials });
    const status = exchange.response.status;
    kit.check(status === 401 || status === 200, 'a 401, or a 200 where one header is enough', `${status}`, exchange);
    kit.expectStatus(exchange, status);
    kit.atRule(
      '/components/securitySchemes/ClientKey',
      { observed: status === 401 ? 'both headers required' : `one header is enough (${status} without ${header})`, expected: 'both headers required', asDocument: status === 401, detail: `GET without ${header} answered ${status}` },
      exchange,
    );
  });

  // Which error wins when the credentials are wrong and the query is invalid too.
  it('wrong credentials and an invalid query', async () => {
    const exchange = await kit.send('listCustomers', { query: 'take=0', credentials: { clientSecret: `${clientSecret}-wrong` } });
    const status = exchange.response.status;
    kit.check(status === 401 || status === 400, 'a 401 or a 400', `${status}`, exchange);
    kit.expectStatus(exchange, status);
    kit.atRule(
      '/components/responses/Unauthorized',
      { observed: status === 401 ? 'credentials first (401)' : 'validation first (400)', expected: 'credentials first (401)', asDocument: status === 401, detail: `take=0 with a wrong secret answered ${status}` },
      exchange,
    );
  });
});
