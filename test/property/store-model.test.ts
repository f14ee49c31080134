import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { emailKey, type Customer, type CustomerStatus, type UpdateCustomerInput } from '../../src/domain/customer.js';
import { CustomerNotFoundError, EmailTakenError } from '../../src/domain/errors.js';
import { type ListQuery } from '../../src/domain/query.js';
import { referenceList } from '../support/reference-list.js';
import { CustomerStore } from '../../src/store/customer-store.js';
import { CUSTOMER_STATUSES } from '../../src/openapi/contract-facts.generated.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

/**
 * The store against the naive model: whatever the data and whatever the sequence of writes, every
 * list answer is byte for byte what `referenceList` gives over the same customers, and the indexes
 * never disagree with each other.
 */

const STATUSES = CUSTOMER_STATUSES;
// Shared names, names with spaces and apostrophes, and letters whose lower case depends on context
// or changes length (final sigma, dotted capital I), so the name index's decomposition is tested.
const FIRST_NAMES = ['Ann', 'ann', 'Anna', 'John', 'Mary Ann', 'ΟΔΥΣΣΕΥΣ', 'İlkay', 'Zoë', 'Jo', 'A', "D'Arcy", 'an'];
const LAST_NAMES = ['Lee', 'Doe', 'Dean', 'Van Dyke', "O'Neil", 'ΣΑΣ', 'Ng', 'n', 'Annan', 'DOE'];
const TIMES = ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00Z', '2024-06-30T12:00:00.000Z', '2025-03-01T08:30:00.500Z', '2023-12-31T23:59:59.999Z'];
const EMAIL_LOCALS = ['ann', 'ANN', 'john.doe', 'John.Doe', 'x', 'mary', 'Zoe'];
const EMAILS = EMAIL_LOCALS.flatMap((local) => [`${local}@example.com`, `${local}@Mail.org`]);

const email = fc.option(fc.constantFrom(...EMAILS), { nil: null, freq: 4 });
const firstName = fc.constantFrom(...FIRST_NAMES);
const lastName = fc.constantFrom(...LAST_NAMES);
const status = fc.constantFrom(...STATUSES);

let nextId = 0;
const customer: fc.Arbitrary<Customer> = fc
  .record({
    first_name: firstName,
    last_name: lastName,
    email,
    status,
    createdAt: fc.constantFrom(...TIMES),
    idSuffix: fc.integer({ min: 0, max: 0xfff }),
  })
  .map(({ idSuffix, ...fields }) => ({
    // Ids unique within a data set, in an order unrelated to creation so ties on createdAt are tested.
    id: `${idSuffix.toString(16).padStart(3, '0')}e0000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`,
    phone_number: '+15555550100',
    customer_type: 'Individual',
    last_spent: 0,
    last_purchase_date: null,
    appId: 'app_test',
    updatedAt: fields.createdAt,
    ...fields,
  }));

/** Data sets the store accepts: ids and emails unique (emails case-insensitively). */
const dataSet = fc.uniqueArray(customer, { maxLength: 40, selector: (c) => (c.email === null ? `id:${c.id}` : emailKey(c.email)) });

/** Needles that hit names whole, in part, across the space, in other cases, or nothing. */
const needle = fc.oneof(
  fc.constantFrom('a', 'n', ' ', 'an', 'AN', 'n l', 'ann lee', 'y v', 'ς', 'σ', 'i̇', "'", 'mary ann d', 'zz', 'e d', 'Σ ', ' Σ'),
  fc.string({ unit: fc.constantFrom('a', 'n', 'e', ' ', 'N', 'o', 'σ'), minLength: 1, maxLength: 4 }),
);

const query: fc.Arbitrary<ListQuery> = fc.record(
  {
    skip: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 60 })),
    take: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 })),
    status,
    name: needle,
    email: fc.constantFrom(...EMAILS, 'nobody@example.com'),
  },
  { requiredKeys: ['skip', 'take'] },
);

type Operation =
  | { kind: 'list'; query: ListQuery }
  | { kind: 'create'; first_name: string; last_name: string; email: string | null; status: CustomerStatus }
  | { kind: 'update'; target: number; patch: UpdateCustomerInput }
  | { kind: 'delete'; target: number }
  | { kind: 'replaceAll'; customers: Customer[] }
  | { kind: 'tick'; ms: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 4, arbitrary: query.map((q) => ({ kind: 'list' as const, query: q })) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), first_name: firstName, last_name: lastName, email, status }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      target: fc.nat(),
      patch: fc.record(
        { first_name: firstName, last_name: lastName, email: fc.constantFrom(...EMAILS), status, reason: fc.constant('test') },
        { requiredKeys: [] },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), target: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replaceAll' as const), customers: dataSet }) },
  // Zero keeps several writes in one millisecond: equal createdAt, ordered by id.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(0, 1, 1000) }) },
);

function newStore(clock: ManualClock): CustomerStore {
  let created = 0;
  return new CustomerStore({
    clock,
    appId: 'app_test',
    // Small, so kept JSON texts are evicted and served again within a run.
    servedJsonCapacity: 5,
    // Descending ids, so creation order and id order disagree.
    newId: () => `${(0xfff - (created++ % 0x1000)).toString(16).padStart(3, '0')}f0000-0000-4000-8000-${String(created).padStart(12, '0')}`,
  });
}

/** The id a `target` number picks: usually a customer that exists, sometimes one that does not. */
function pickId(model: readonly Customer[], target: number): string {
  if (model.length === 0 || target % 7 === 0) return '00000000-0000-4000-8000-000000000000';
  return model[target % model.length]!.id;
}

function emailHolder(model: readonly Customer[], address: string | null | undefined): Customer | undefined {
  if (address === null || address === undefined) return undefined;
  return model.find((c) => c.email !== null && emailKey(c.email) === emailKey(address));
}

/** Applies one operation to the store and the model, asserting they agree. */
function step(store: CustomerStore, model: Customer[], clock: ManualClock, op: Operation): void {
  switch (op.kind) {
    case 'list': {
      const expected = JSON.stringify(referenceList(model, op.query));
      expect(store.listJson(op.query)).toBe(expected);
      return;
    }
    case 'tick':
      clock.advance(op.ms);
      return;
    case 'replaceAll':
      store.replaceAll(op.customers);
      model.splice(0, model.length, ...op.customers);
      return;
    case 'create': {
      const { kind: _kind, email: address, ...fields } = op;
      const input = { ...fields, phone_number: '+15555550100', customer_type: 'Startup' as const, ...(address === null ? {} : { email: address }) };
      if (emailHolder(model, address)) {
        expect(() => store.create(input)).toThrow(EmailTakenError);
        return;
      }
      model.push(store.create(input));
      return;
    }
    case 'update': {
      const id = pickId(model, op.target);
      const index = model.findIndex((c) => c.id === id);
      const holder = emailHolder(model, op.patch.email);
      if (index < 0) expect(() => store.update(id, op.patch)).toThrow(CustomerNotFoundError);
      else if (holder && holder.id !== id) expect(() => store.update(id, op.patch)).toThrow(EmailTakenError);
      else model[index] = store.update(id, op.patch);
      return;
    }
    case 'delete': {
      const id = pickId(model, op.target);
      const index = model.findIndex((c) => c.id === id);
      if (index < 0) {
        expect(() => store.delete(id)).toThrow(CustomerNotFoundError);
        return;
      }
      expect(store.delete(id).customer).toEqual(model[index]);
      model.splice(index, 1);
      return;
    }
  }
}

describe('the indexed store against the naive model', () => {
  it('answers every list query as listCustomers does, through any sequence of writes', () => {
    fc.assert(
      fc.property(dataSet, fc.array(operation, { maxLength: 60 }), (initial, operations) => {
        const clock = new ManualClock(Date.parse('2024-06-30T12:00:00.000Z'));
        const store = newStore(clock);
        const model: Customer[] = [];
        step(store, model, clock, { kind: 'replaceAll', customers: initial });
        for (const op of operations) {
          step(store, model, clock, op);
          expect(storeInvariantProblems(store)).toEqual([]);
        }
        expect(store.customers()).toEqual(referenceList(model, { skip: 0, take: model.length + 1 }).data);
      }),
      { numRuns: 300 },
    );
  });

  it('answers every filter combination, at every skip, over a data set with shared names and equal timestamps', () => {
    fc.assert(
      fc.property(dataSet, fc.array(query, { minLength: 1, maxLength: 20 }), (customers, queries) => {
        const store = newStore(new ManualClock(0));
        store.replaceAll(customers);
        for (const q of queries) {
          const expected = JSON.stringify(referenceList(customers, q));
          expect(store.listJson(q)).toBe(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects a data set with a clash and keeps answering from the previous one', () => {
    fc.assert(
      fc.property(dataSet, dataSet, query, (kept, offered, q) => {
        fc.pre(kept.length > 0);
        const store = newStore(new ManualClock(0));
        store.replaceAll(kept);
        expect(() => store.replaceAll([...offered, kept[0]!, kept[0]!])).toThrow();
        expect(storeInvariantProblems(store)).toEqual([]);
        expect(store.listJson(q)).toBe(JSON.stringify(referenceList(kept, q)));
      }),
      { numRuns: 100 },
    );
  });
});
