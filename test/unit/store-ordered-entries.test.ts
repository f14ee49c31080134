import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { runAll } from '../../src/domain/slices.js';
import { compareEntries, OrderedEntries, type Entry } from '../../src/store/ordered-entries.js';
import { orderProblems } from '../support/store-invariants.js';

/** Fills the index with entries in any order, as a store's load does (sorted first). */
function filled(index: OrderedEntries, entries: readonly Entry[]): void {
  runAll(index.filling([...entries].sort(compareEntries), false));
}

/** Entries large enough in number to split and merge chunks many times over. */
function entry(n: number, time: number, nameGroup: number): Entry {
  return { customer: { id: `id-${String(n).padStart(6, '0')}` } as Customer, time, nameGroup };
}

const GROUPS = 5;

describe('OrderedEntries', () => {
  it('stays equal to a sorted array through thousands of inserts and removes across chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.boolean()), { minLength: 3000, maxLength: 5000 }),
        fc.integer({ min: 0, max: 1500 }),
        (steps, initialCount) => {
          const index = new OrderedEntries();
          const initial = Array.from({ length: initialCount }, (_, n) => entry(n, n % 97, n % GROUPS));
          filled(index, initial);
          const model = [...initial].sort(compareEntries);
          steps.forEach(([time, removeOne], n) => {
            if (removeOne && model.length > 0) {
              const [removed] = model.splice((n * 7919) % model.length, 1);
              index.remove(removed!);
            } else {
              const added = entry(initialCount + n, time, n % GROUPS);
              index.insert(added);
              const after = model.findIndex((e) => compareEntries(e, added) > 0);
              model.splice(after < 0 ? model.length : after, 0, added);
            }
          });
          expect(orderProblems(index)).toEqual([]);
          expect(index.length).toBe(model.length);
          expect(index.slice(0, index.length)).toEqual(model);
          // Starts are offsets (skip is never negative): Array.slice would count a negative one from the end.
          for (const start of [0, 1, 511, 512, 1023, 1025, Math.max(0, model.length - 3), model.length]) {
            expect(index.slice(start, start + 100)).toEqual(model.slice(start, start + 100));
          }
        },
      ),
      { numRuns: 8 },
    );
  });

  it('pages the entries of the matched name groups from either end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.boolean(), { minLength: GROUPS, maxLength: GROUPS }),
        fc.nat(),
        fc.integer({ min: 1, max: 100 }),
        (count, flags, skipSeed, take) => {
          const entries = Array.from({ length: count }, (_, n) => entry(n, (n * 31) % 101, (n * n) % GROUPS));
          const index = new OrderedEntries();
          filled(index, entries);
          const matched = Uint8Array.from(flags, (flag) => (flag ? 1 : 0));
          const expected = [...entries].sort(compareEntries).filter((e) => flags[e.nameGroup]);
          const skip = skipSeed % (expected.length + 10);
          expect(index.pageOfGroups(matched, expected.length, skip, take)).toEqual(expected.slice(skip, skip + take));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses to remove an entry it does not hold, instead of removing a neighbour', () => {
    const index = new OrderedEntries();
    filled(index, [entry(1, 5, 0), entry(2, 6, 0)]);
    expect(() => index.remove(entry(3, 5, 0))).toThrow(/index out of step/);
    expect(index.length).toBe(2);
  });
});
