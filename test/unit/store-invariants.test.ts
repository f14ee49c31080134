import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { CustomerStore } from '../../src/store/customer-store.js';
import { aCustomer } from '../support/customers.js';
import { storeInvariantProblems } from '../support/store-invariants.js';

// The invariant check is the oracle of many tests (test/support/store-invariants.ts): it must find
// an index out of step, not only pass a sound store.

function storeOf(count: number): CustomerStore {
  const store = new CustomerStore({ clock: new ManualClock(0), appId: 'app_test' });
  store.replaceAll(Array.from({ length: count }, (_, n) => aCustomer({ first_name: `Name${n % 3}`, createdAt: new Date(Date.UTC(2025, 0, 1 + n)).toISOString(), status: n % 2 === 0 ? 'ACTIVE' : 'BLACKLISTED' })));
  return store;
}

describe('storeInvariantProblems', () => {
  it('finds nothing in a sound store, after writes too', () => {
    const store = storeOf(20);
    const [first, second] = store.customers();
    store.update(first!.id, { first_name: 'Renamed', status: 'DEACTIVATED' });
    store.delete(second!.id);
    store.create({ first_name: 'New', last_name: 'Customer', phone_number: '+14155550123', email: 'new@example.com', customer_type: 'Startup', status: 'ACTIVE' });
    expect(storeInvariantProblems(store)).toEqual([]);
  });

  it.each([
    ['an email index missing a customer', (store: CustomerStore) => store['indexes'].byEmail.clear(), /missing from email index/],
    ['a status index holding a stale entry', (store: CustomerStore) => store['indexes'].byStatus.get('ACTIVE')!.insert({ ...store['indexes'].all.slice(0, 1)[0]!, time: 0 }), /is stale in ACTIVE|index: /],
    ['an order index short of an entry', (store: CustomerStore) => store['indexes'].all.remove(store['indexes'].all.slice(3, 4)[0]!), /order index has 19, id index 20/],
    ['a name count off by one', (store: CustomerStore) => store['indexes'].names['totals'][0]!++, /name group ".*" counts/],
  ])('finds %s', (_what, breakIt, problem) => {
    const store = storeOf(20);
    breakIt(store);
    expect(storeInvariantProblems(store).join('\n')).toMatch(problem);
  });
});
