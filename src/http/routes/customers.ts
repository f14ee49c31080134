import type { Context } from 'hono';
import type { DeleteResult } from '../../domain/customer.js';
import { CustomerNotFoundError } from '../../domain/errors.js';
import type { CustomerStore } from '../../store/customer-store.js';
import { authenticatedApplication } from '../auth.js';
import type { OperationHandlers } from '../operation-handlers.js';
import type { Responses } from '../responses.js';

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

/** Translates validated requests into calls on the caller's store, and its results into responses. */
export function customerHandlers(whenDurable: WhenDurable, responses: Responses): OperationHandlers<CustomerOperation> {
  return {
    listCustomers(c, { query }) {
      // The same bytes as responses.json(c, store.list(query)), without serialising kept customers again.
      return responses.body(c, storeOf(c).listJson(query), 200, 'application/json');
    },
    createCustomer(c, { body }) {
      const store = storeOf(c);
      const customer = store.create(body);
      return respondWhenDurable(whenDurable, () => responses.json(c, store.wire.toWire(customer), 201));
    },
    fetchCustomer(c, { path }) {
      const store = storeOf(c);
      const customer = store.get(path.id);
      if (!customer) throw new CustomerNotFoundError(path.id);
      return responses.json(c, store.wire.toWire(customer));
    },
    updateCustomer(c, { path, body }) {
      const store = storeOf(c);
      const customer = store.update(path.id, body);
      return respondWhenDurable(whenDurable, () => responses.json(c, store.wire.toWire(customer)));
    },
    deleteCustomer(c, { path }) {
      const { customer, deletedAt } = storeOf(c).delete(path.id);
      const result: DeleteResult = {
        success: true,
        message: 'Customer successfully deleted',
        deletedAt: deletedAt.toISOString(),
        customerId: customer.id,
      };
      return respondWhenDurable(whenDurable, () => responses.json(c, result));
    },
  };
}

function storeOf(c: Context): CustomerStore {
  return authenticatedApplication(c).store;
}
