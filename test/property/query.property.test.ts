import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { compareListOrder, matches, timestampMs } from '../../src/domain/query.js';
import { referenceList } from '../support/reference-list.js';
import { aCustomer } from '../support/customers.js';

/** Few distinct instants and short ids, so ties on createdAt (and their id tie-break) are common. */
const customerArb: fc.Arbitrary<Customer> = fc
  .record({
    createdAt: fc.integer({ min: 0, max: 4 }).map((d) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString()),
    id: fc.uuid({ version: 4 }),
    first_name: fc.string({ minLength: 1, maxLength: 8 }),
    last_name: fc.string({ minLength: 1, maxLength: 8 }),
  })
  .map((fields) => aCustomer(fields));

const randomCase = (text: string, flips: readonly boolean[]) =>
  [...text].map((ch, i) => (flips[i % Math.max(1, flips.length)] ? ch.toUpperCase() : ch.toLowerCase())).join('');

describe('list semantics (fast-check)', () => {
  it('name matches exactly when the issue says: first name, last name, or "first last", ignoring case', () => {
    fc.assert(
      fc.property(customerArb, fc.string({ minLength: 1, maxLength: 6 }), fc.array(fc.boolean()), (customer, fragment, flips) => {
        const name = randomCase(fragment, flips);
        const needle = name.toLowerCase();
        const naive = [customer.first_name, customer.last_name, `${customer.first_name} ${customer.last_name}`].some((field) =>
          field.toLowerCase().includes(needle),
        );
        expect(matches({ name }, customer)).toBe(naive);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds every customer by any fragment of "first last" in any case', () => {
    fc.assert(
      fc.property(customerArb, fc.nat(), fc.nat(), fc.array(fc.boolean()), (customer, a, b, flips) => {
        const full = `${customer.first_name} ${customer.last_name}`;
        const start = a % full.length;
        const fragment = full.slice(start, start + 1 + (b % (full.length - start)));
        expect(matches({ name: randomCase(fragment, flips) }, customer)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('orders by a total order: any shuffle sorts to the same list, newest first then id ascending', () => {
    fc.assert(
      fc.property(fc.uniqueArray(customerArb, { selector: (c) => c.id, maxLength: 40 }), fc.func(fc.integer()), (customers, key) => {
        const sorted = [...customers].sort(compareListOrder);
        const shuffled = [...customers].sort((x, y) => key(x.id) - key(y.id)).sort(compareListOrder);
        expect(shuffled).toEqual(sorted);
        for (let i = 1; i < sorted.length; i++) {
          const [prev, next] = [sorted[i - 1]!, sorted[i]!];
          expect(prev.createdAt > next.createdAt || (prev.createdAt === next.createdAt && prev.id < next.id)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('pages: take in the body equals data.length, total is the number matching, pages tile the list', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(customerArb, { selector: (c) => c.id, maxLength: 60 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 1, max: 100 }),
        (customers, skip, take) => {
          const everything = referenceList(customers, { skip: 0, take: 1000 });
          const page = referenceList(customers, { skip, take });
          expect(page.take).toBe(page.data.length);
          expect(page.total).toBe(customers.length);
          expect(page.skip).toBe(skip);
          expect(page.data).toEqual(everything.data.slice(skip, skip + take));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('timestampMs (fast-check)', () => {
  const digits = (count: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: count, maxLength: count }).map((chars) => chars.join(''));
  /** The mock's own form with any digits in each field (months 00-99 and so on), and now and then any character anywhere. */
  const timestampLike = fc
    .tuple(digits(4), digits(2), digits(2), digits(2), digits(2), digits(2), digits(3))
    .map(([year, month, day, hour, minute, second, ms]) => `${year}-${month}-${day}T${hour}:${minute}:${second}.${ms}Z`)
    .chain((text) => fc.oneof({ weight: 4, arbitrary: fc.constant(text) }, fc.tuple(fc.nat(23), fc.string({ minLength: 1, maxLength: 1 })).map(([at, ch]) => `${text.slice(0, at)}${ch}${text.slice(at + 1)}`)));

  it('reads exactly what Date.parse reads, NaN included', () => {
    fc.assert(
      fc.property(timestampLike, (text) => {
        expect(timestampMs(text)).toBe(Date.parse(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads every instant the mock writes as Date.parse does', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date(Date.UTC(100, 0, 1)), max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), noInvalidDate: true }), (date) => {
        const text = date.toISOString();
        expect(timestampMs(text)).toBe(Date.parse(text));
      }),
      { numRuns: 5_000 },
    );
  });
});
