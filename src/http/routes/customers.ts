import type { DeleteResult } from '../../domain/customer.js';
import { CustomerNotFoundError } from '../../domain/errors.js';
import type { CustomerStore } from '../../store/customer-store.js';
import type { OperationHandlers } from '../operation-handlers.js';

type CustomerOperation = 'listCustomers' | 'createCustomer' | 'fetchCustomer' | 'updateCustomer' | 'deleteCustomer';

/**
 * Settles once every write made so far is durable, rejecting when the latest could not be saved
 * (it was taken back); undefined when nothing is waiting to be written, as always without `--state`.
 */
export type WhenDurable = () => Promise<void> | undefined;

/** Answers a write once it is durable: a write is acknowledged only after its journal record is written. */
export function respondWhenDurable(whenDurable: WhenDurable, respond: () => Response): Response | Promise<Response> {
  const pending = whenDurable();
  return pending ? pending.then(respond) : respond();
}

/** Translates validated requests into store calls and store results into responses. */
export function customerHandlers(store: CustomerStore, whenDurable: WhenDurable): OperationHandlers<CustomerOperation> {
  return {
    listCustomers(c, { query }) {
      // The same bytes as c.json(store.list(query)), without serialising kept customers again.
      return c.body(store.listJson(query), 200, { 'Content-Type': 'application/json' });
    },
    createCustomer(c, { body }) {
      const customer = store.create(body);
      return respondWhenDurable(whenDurable, () => c.json(store.wire.toWire(customer), 201));
    },
    fetchCustomer(c, { path }) {
      const customer = store.get(path.id);
      if (!customer) throw new CustomerNotFoundError(path.id);
      return c.json(store.wire.toWire(customer));
    },
    updateCustomer(c, { path, body }) {
      const customer = store.update(path.id, body);
      return respondWhenDurable(whenDurable, () => c.json(store.wire.toWire(customer)));
    },
    deleteCustomer(c, { path }) {
      const { customer, deletedAt } = store.delete(path.id);
      const result: DeleteResult = {
        success: true,
        message: 'Customer successfully deleted',
        deletedAt: deletedAt.toISOString(),
        customerId: customer.id,
      };
      return respondWhenDurable(whenDurable, () => c.json(result));
    },
  };
}
