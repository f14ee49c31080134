import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { type ListQuery } from '../../src/domain/query.js';
import { referenceList } from '../support/reference-list.js';
import { inProcessMock, type InProcessMock } from '../support/mock.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

/** The indexed fast path serves, byte for byte, what the slow path's JSON would be. */
let mock: InProcessMock;
let customers: Customer[];

beforeAll(async () => {
  mock = await inProcessMock({ count: 2000, seed: 7 });
  customers = mock.store.customers();
});

const statuses = CUSTOMER_STATUSES;

describe('GET /api/v0/customers over the indexed store', () => {
  it('answers with exactly the bytes of JSON.stringify(referenceList(snapshot, query))', async () => {
    const needles = fc.oneof(
      fc.constantFrom('an', 'a', 'e', 'AN', 'n s', 'son', 'x', 'lee', "o'"),
      fc.constantFrom(...customers.slice(0, 50)).chain((c) => {
        const full = `${c.first_name} ${c.last_name}`;
        return fc.tuple(fc.nat(full.length - 1), fc.integer({ min: 1, max: 8 })).map(([at, length]) => full.slice(at, at + length));
      }),
    );
    const emails = fc.constantFrom(...customers.slice(0, 50).flatMap((c) => (c.email === null ? [] : [c.email, c.email.toUpperCase()])));
    const query = fc.record(
      { skip: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2100 })), take: fc.integer({ min: 1, max: 100 }), status: fc.constantFrom(...statuses), name: needles, email: emails },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const search = new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, String(v)]));
        const res = await mock.get(`/api/v0/customers?${search}`);
        expect(res.status).toBe(200);
        const model: ListQuery = { skip: 0, take: 10, ...q };
        expect(res.text).toBe(JSON.stringify(referenceList(customers, model)));
      }),
      { numRuns: 200 },
    );
  });
});
