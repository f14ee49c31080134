import { idKey, type Customer } from '../domain/customer.js';
import type { StoreChange } from './customer-store.js';
import type { StateRecord } from './state-format.js';

/**
 * The records of the customers' state: `put` (a created or updated customer, whole), `delete`
 * and `replace` (the whole data set: admin replace and reset). A snapshot is the `put` of every
 * customer, so a snapshot and a journal replay through the same `applyCustomerRecord`.
 */
export type CustomerRecord =
  | { readonly type: 'put'; readonly customer: Customer }
  | { readonly type: 'delete'; readonly id: string }
  | { readonly type: 'replace'; readonly customers: readonly Customer[] };

export const customerRecord = {
  put: (customer: Customer): CustomerRecord => ({ type: 'put', customer }),
  of(change: StoreChange): CustomerRecord {
    switch (change.kind) {
      case 'put':
        return { type: 'put', customer: change.customer };
      case 'delete':
        return { type: 'delete', id: change.customer.id };
      case 'replace':
        return { type: 'replace', customers: change.customers };
    }
  },
};

/** Applies one record to the customers by id key; throws on a record of a type it does not know. */
export function applyCustomerRecord(customers: Map<string, Customer>, record: StateRecord): void {
  const known = record as CustomerRecord;
  switch (known.type) {
    case 'put':
      customers.set(idKey(known.customer.id), known.customer);
      return;
    case 'delete':
      customers.delete(idKey(known.id));
      return;
    case 'replace':
      customers.clear();
      for (const customer of known.customers) customers.set(idKey(customer.id), customer);
      return;
    default:
      throw new Error(`unknown record type ${JSON.stringify(record.type)}`);
  }
}
