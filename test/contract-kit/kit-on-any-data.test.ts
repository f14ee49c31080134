import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { getSpecModel } from '../../src/openapi/index.js';
import { CONTRACT_MOCK_CONFIG, CONTRACT_RUN_TIMEOUT_MS, runContractCli } from '../support/contract-cli.js';
import { listeningMock } from '../support/mock.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

const BASE_TIME = Date.parse('2025-06-01T00:00:00.000Z');

function customer(fields: Partial<Customer> & Pick<Customer, 'first_name' | 'last_name'>, index: number): Customer {
  const createdAt = new Date(BASE_TIME + index * 60_000).toISOString();
  return {
    id: randomUUID(),
    email: null,
    phone_number: '+14155550123',
    customer_type: 'Individual',
    status: CUSTOMER_STATUSES[index % CUSTOMER_STATUSES.length]!,
    last_spent: 0,
    last_purchase_date: null,
    appId: 'app_customers_mock',
    createdAt,
    updatedAt: createdAt,
    ...fields,
  };
}

/**
 * Data sets built to trip a kit that assumed too much: more namesakes than a page holds, every
 * record created in the same millisecond, names beyond ASCII (whose case folding is not
 * one-to-one), emails in mixed case or missing, and arbitrary generated names.
 */
const DATA_SETS: Record<string, () => Customer[]> = {
  'namesakes beyond a page, all created at once': () =>
    Array.from({ length: 150 }, (_, i) =>
      customer({ first_name: 'John', last_name: 'Smith', email: `John.Smith.${i}@Example.com`, createdAt: new Date(BASE_TIME).toISOString(), updatedAt: new Date(BASE_TIME).toISOString() }, i),
    ),
  'names beyond ASCII, emails in mixed case or missing': () =>
    [
      ['Zoë', 'Straußberg'],
      ['İlker', 'Øster'],
      ['José María', "O'Brien-Nguyễn"],
      ['ǅemal', 'ΣΟΦΊΑ'],
      ['Ann', 'Lee'],
      ['李', '小龍'],
    ].map(([first, last], i) => customer({ first_name: first!, last_name: last!, email: i % 2 ? null : `Mixed.Case${i}@Example.ORG` }, i)),
  'generated names and statuses': () =>
    fc.sample(
      fc.record({
        first: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
        last: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }),
        status: fc.constantFrom(...CUSTOMER_STATUSES),
        minute: fc.integer({ min: 0, max: 20 }),
        hasEmail: fc.boolean(),
      }),
      { numRuns: 120, seed: 42 },
    ).map((g, i) => {
      const at = new Date(BASE_TIME + g.minute * 60_000).toISOString();
      return customer({ first_name: g.first, last_name: g.last, status: g.status, email: g.hasEmail ? `Gen.${i}@example.com` : null, createdAt: at, updatedAt: at }, i);
    }),
};

describe.concurrent('the contract kit never fails a correct server, whatever data it holds', { timeout: CONTRACT_RUN_TIMEOUT_MS }, () => {
  it.each(Object.keys(DATA_SETS))('%s', async (name) => {
    const customers = DATA_SETS[name]!();
    const validate = (await getSpecModel()).schemaValidator('Customer');
    expect(customers.filter((c) => !validate(c))).toEqual([]);
    const mock = await listeningMock(CONTRACT_MOCK_CONFIG);
    try {
      mock.store.replaceAll(customers);
      const run = await runContractCli(mock.url, { args: ['--allow-writes'] });
      expect(run.failed, run.stdout).toEqual([]);
      expect(run.code).toBe(0);
      expect(mock.store.size).toBe(customers.length);
    } finally {
      await mock.close();
    }
  });
});
