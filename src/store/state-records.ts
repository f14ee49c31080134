import { idKey, type Customer } from '../domain/customer.js';
import type { StoreChange } from './customer-store.js';
import type { StateRecord } from './state-format.js';

/**
 * The records of the customers' state: `put` (a created or updated customer, whole), `delete`
 * and `replace` (the whole data set: admin replace and reset). A snapshot is the `put` of every
 * customer, each once.
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

/**
 * The customers as a snapshot and the journals after it leave them. A snapshot holds each customer
 * once, so its records are gathered as they come; only a journal record, which may change or
 * remove one, needs them by id, and that index is built at the first. A million customers load
 * without a map of a million when the journals are empty.
 */
export class CustomerReplay {
  private readonly gathered: Customer[] = [];
  private byId: Map<string, Customer> | undefined;

  /** A record of the snapshot; throws on one that is not a customer's `put`. */
  applySnapshotRecord(record: StateRecord): void {
    const known = record as CustomerRecord;
    if (known.type !== 'put') throw new Error(`a snapshot holds put records only, not ${JSON.stringify(record.type)}`);
    this.gathered.push(known.customer);
  }

  /** A record of a journal; throws on a record of a type it does not know. */
  applyJournalRecord(record: StateRecord): void {
    this.byId ??= new Map(this.gathered.map((customer) => [idKey(customer.id), customer]));
    applyCustomerRecord(this.byId, record);
  }

  get customers(): Customer[] {
    return this.byId === undefined ? this.gathered : [...this.byId.values()];
  }
}

function applyCustomerRecord(customers: Map<string, Customer>, record: StateRecord): void {
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
