import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { type CustomerFilter } from '../../src/domain/query.js';
import { referenceList } from '../support/reference-list.js';
import { inProcessMock, type InProcessMock } from '../support/mock.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';

let mock: InProcessMock;
let all: Customer[];
beforeAll(async () => {
  mock = await inProcessMock({ count: 250, seed: 2024 });
  all = mock.store.customers();
});

function url(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return `/api/v0/customers?${params}`;
}

const statuses = fc.option(fc.constantFrom(...CUSTOMER_STATUSES), { nil: undefined });

/** A fragment of someone's "first last", in random case: the filter must find them. */
const nameFragment = () =>
  fc
    .tuple(fc.nat(), fc.nat(), fc.nat({ max: 12 }), fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }))
    .map(([who, start, length, upper]) => {
      const full = `${all[who % all.length]!.first_name} ${all[who % all.length]!.last_name}`;
      const from = start % full.length;
      const fragment = full.slice(from, from + length + 1);
      return [...fragment].map((ch, i) => (upper[i % upper.length] ? ch.toUpperCase() : ch.toLowerCase())).join('');
    });

/** Someone's email in random case, or one nobody has; the store answers email lookups from its own index. */
const emailFilter = () =>
  fc.oneof(
    fc.tuple(fc.nat(), fc.boolean()).map(([who, upper]) => {
      const withEmail = all.filter((c) => c.email !== null);
      const email = withEmail[who % withEmail.length]!.email!;
      return upper ? email.toUpperCase() : email;
    }),
    fc.constant('nobody@example.com'),
  );

const filters: fc.Arbitrary<CustomerFilter> = fc.record({
  status: statuses,
  name: fc.option(nameFragment(), { nil: undefined }),
  email: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: emailFilter(), weight: 1 }),
});

describe('paging over HTTP (fast-check)', () => {
  it('concatenates every page, for any take, to exactly the filtered, ordered list, with a constant total', async () => {
    await fc.assert(
      fc.asyncProperty(filters, fc.integer({ min: 1, max: 100 }), async (filter, take) => {
        const expected = referenceList(all, { ...filter, skip: 0, take: all.length }).data;
        const seen: Customer[] = [];
        for (let skip = 0; skip <= expected.length; skip += take) {
          const res = await mock.get(url({ ...filter, skip, take }));
          expect(res.status).toBe(200);
          expect(res.body.total).toBe(expected.length);
          expect(res.body.skip).toBe(skip);
          expect(res.body.take).toBe(res.body.data.length);
          expect(res.body.data.length).toBe(Math.min(take, Math.max(0, expected.length - skip)));
          seen.push(...res.body.data);
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('answers a skip past the end with data [] and the true total', async () => {
    await fc.assert(
      fc.asyncProperty(filters, fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 100 }), async (filter, beyond, take) => {
        const total = referenceList(all, { ...filter, skip: 0, take: 1 }).total;
        const res = await mock.get(url({ ...filter, skip: total + beyond, take }));
        expect(res.body).toEqual({ data: [], total, skip: total + beyond, take: 0 });
      }),
      { numRuns: 100 },
    );
  });
});

describe('the name filter over HTTP (fast-check)', () => {
  it('finds the customer a random-case fragment came from, and agrees with the reference', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), fc.nat({ max: 15 }), fc.boolean(), async (who, start, length, upper) => {
        const customer = all[who % all.length]!;
        const full = `${customer.first_name} ${customer.last_name}`;
        const from = start % full.length;
        const fragment = full.slice(from, from + length + 1);
        const name = upper ? fragment.toUpperCase() : fragment.toLowerCase();
        const res = await mock.get(url({ name, take: 100 }));
        expect(res.body).toEqual(referenceList(all, { name, skip: 0, take: 100 }));
        expect((await mock.get(url({ name, take: 100, skip: 0, email: customer.email ?? undefined }))).body.total).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with the reference for arbitrary strings, Unicode included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), async (name) => {
        // maxLength counts code points; a few long graphemes could pass it.
        fc.pre([...name].length <= 100);
        const res = await mock.get(url({ name, take: 100 }));
        expect(res.status).toBe(200);
        expect(res.body).toEqual(referenceList(all, { name, skip: 0, take: 100 }));
      }),
      { numRuns: 200 },
    );
  });
});
