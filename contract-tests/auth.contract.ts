import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { changeCase, OwnRecords } from '#contract-kit';
import { kit } from './support.js';

const { clientKey, clientSecret } = kit.settings;

describe('auth: wrong or missing credentials -> 401', () => {
  const cases = [
    ['without any credentials', { clientKey: null, clientSecret: null }],
    ['with a wrong x-client-secret', { clientSecret: `${clientSecret}-wrong` }],
    ['with a wrong x-client-key', { clientKey: `${clientKey}-wrong` }],
  ] as const;

  it.each(cases)('list %s -> 401 with the error body', async (_name, credentials) => {
    kit.expectStatus('auth.required', await kit.send('listCustomers', { credentials }), 401);
  });

  it('fetch by id with a wrong x-client-secret -> 401, before the id is looked up', async () => {
    const exchange = await kit.send('fetchCustomer', { params: { id: randomUUID() }, credentials: { clientSecret: `${clientSecret}-wrong` } });
    kit.expectStatus('auth.required', exchange, 401);
  });

  // A refused write is no write: a read-only run may send it.
  it('a create with a wrong x-client-secret -> 401, and nothing is written', async () => {
    const { lookup, ...marker } = new OwnRecords(kit).nextMarker();
    const exchange = await kit.send('createCustomer', { body: { ...marker, phone_number: '+14155550123' }, credentials: { clientSecret: `${clientSecret}-wrong` } });
    kit.expectStatus('auth.required', exchange, 401);
    const { page } = await kit.list('auth.required', { name: lookup });
    kit.check('auth.required', page.total === 0, `no customer named ${lookup}`, `${page.total}`, exchange);
  });
});

/**
 * Credentials that are almost right. HTTP takes spaces and tabs around a header value off
 * (optional whitespace), so the whitespace that reaches the server is a non-breaking space, which
 * a server's `trim()` would take off too.
 */
function nearMisses(value: string): [string, string][] {
  const misses: [string, string][] = [
    ['one character short', value.slice(0, -1)],
    ['one character longer', `${value}x`],
    ['wrapped in whitespace', `\u00a0${value}\u00a0`],
  ];
  if (changeCase(value) !== value) misses.push(['in another case', changeCase(value)]);
  return misses;
}

describe('auth: credentials are compared exactly', () => {
  it.each([
    ['x-client-key', (miss: string) => ({ clientKey: miss })],
    ['x-client-secret', (miss: string) => ({ clientSecret: miss })],
  ] as const)('%s one character short, one longer, in another case or wrapped in whitespace -> 401', async (header, credentials) => {
    for (const [how, miss] of nearMisses(header === 'x-client-key' ? clientKey : clientSecret)) {
      const exchange = await kit.send('listCustomers', { query: { take: 1 }, credentials: credentials(miss) });
      kit.check('auth.exact-credentials', exchange.response.status === 401, `a 401 for ${header} ${how}`, `${exchange.response.status}`, exchange);
      kit.expectStatus('auth.exact-credentials', exchange, 401);
    }
  });

  it('the key and the secret swapped -> 401', async () => {
    const exchange = await kit.send('listCustomers', { query: { take: 1 }, credentials: { clientKey: clientSecret, clientSecret: clientKey } });
    kit.expectStatus('auth.exact-credentials', exchange, 401);
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
    kit.check('auth.required', status === 401 || status === 200, 'a 401, or a 200 where one header is enough', `${status}`, exchange);
    kit.atRule(
      'auth.both-headers',
      { observed: status === 401 ? 'both headers required' : `one header is enough (${status} without ${header})`, expected: 'both headers required', asDocument: status === 401, detail: `GET without ${header} answered ${status}` },
      exchange,
    );
    kit.expectStatus('auth.required', exchange, status);
  });

  // Which error wins when the credentials are wrong and the query is invalid too.
  it('wrong credentials and an invalid query', async () => {
    const exchange = await kit.send('listCustomers', { query: 'take=0', credentials: { clientSecret: `${clientSecret}-wrong` } });
    const status = exchange.response.status;
    kit.check('auth.required', status === 401 || status === 400, 'a 401, or a 400 where validation comes first', `${status}`, exchange);
    kit.expectStatus('auth.required', exchange, status);
    kit.atRule(
      'auth.before-validation',
      { observed: status === 401 ? 'credentials first (401)' : 'validation first (400)', expected: 'credentials first (401)', asDocument: status === 401, detail: `take=0 with a wrong secret answered ${status}` },
      exchange,
    );
  });
});
