import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../src/domain/customer.js';
import { matches, nameKey } from '../../src/domain/query.js';
import { NameIndex } from '../../src/store/name-index.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';
import { nameCountProblems, nameGroupKey } from '../support/store-invariants.js';

// Letters whose lower case depends on their neighbours or changes length, marks, apostrophes, spaces.
const tricky = fc.constantFrom('Σ', 'σ', 'ς', 'A', 'a', 'n', 'İ', 'I', '\u0307', '\u00ad', "'", ':', '.', ' ', 'ẞ', 'Ω', '\u0345');
const word = fc.array(fc.oneof(tricky, fc.string({ unit: 'grapheme', maxLength: 2 })), { maxLength: 6 }).map((parts) => parts.join(''));
const status = fc.constantFrom(...CUSTOMER_STATUSES);

describe('the name index', () => {
  it('rests on a fact: the name key is the first and last name lower-cased separately, joined by a space', () => {
    fc.assert(
      fc.property(word, word, (first, last) => {
        expect(nameKey({ first_name: first, last_name: last })).toBe(`${first.toLowerCase()} ${last.toLowerCase()}`);
      }),
      { numRuns: 5000 },
    );
  });

  it('matches exactly the groups whose customers `matches`, and counts them per status', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ first_name: word, last_name: word, status }), { maxLength: 30 }),
        fc.array(fc.oneof(word, fc.constantFrom(' ', 'σ ', ' ς', 'a a')).filter((needle) => needle.length > 0), { minLength: 1, maxLength: 8 }),
        fc.option(status, { nil: undefined }),
        fc.nat(),
        (people, needles, filterStatus, removeEvery) => {
          const index = new NameIndex();
          const held = people.map((person) => ({ person: person as unknown as Customer, group: index.add(person as unknown as Customer) }));
          // Removing some exercises the reuse of emptied groups.
          const kept = held.filter(({ person, group }, n) => {
            if (removeEvery === 0 || n % (removeEvery % 5 + 2) !== 0) return true;
            index.remove(group, person.status);
            return false;
          });
          for (const { person } of kept.slice(0, 3)) kept.push({ person, group: index.add(person) });
          for (const needle of needles) {
            const { matched, total } = index.search(needle, filterStatus);
            const expected = kept.filter(({ person }) => matches({ name: needle, status: filterStatus }, person));
            expect(total).toBe(expected.length);
            for (const { person, group } of kept) {
              expect(matched[group] === 1).toBe(matches({ name: needle }, person));
              expect(nameGroupKey(index, group)).toBe(nameKey(person));
            }
          }
          expect(nameCountProblems(index, kept.map(({ person, group }) => ({ nameGroup: group, status: person.status })))).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('groups and counts customers added all at once exactly as added one by one', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ first_name: fc.oneof(word, fc.constantFrom('Ana', 'ANA', 'ana')), last_name: word, status }), { maxLength: 40 }), (people) => {
        const customers = people as unknown as Customer[];
        const oneByOne = new NameIndex();
        const groups = customers.map((customer) => oneByOne.add(customer));
        const allAtOnce = new NameIndex();
        expect(customers.map(allAtOnce.adder())).toEqual(groups);
        expect(nameCountProblems(allAtOnce, customers.map((customer, n) => ({ nameGroup: groups[n]!, status: customer.status })))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});
