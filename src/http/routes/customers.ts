import type { DeleteResult } from '../../domain/customer.js';
import { CustomerNotFoundError } from '../../domain/errors.js';
import type { CustomerStore } from '../../store/customer-store.js';
import type { OperationHandlers } from '../operation-handlers.js';

type CustomerOperation = 'listCustomers' | 'createCustomer' | 'fetchCustomer' | 'updateCustomer' | 'deleteCustomer';

/** Translates validated requests into store calls and store results into responses. */
export function customerHandlers(store: CustomerStore): OperationHandlers<CustomerOperation> {
  return {
    listCustomers(c, { query }) {
      // The same bytes as c.json(store.list(query)), without serialising kept customers again.
      return c.body(store.listJson(query), 200, { 'Content-Type': 'application/json' });
    },
    createCustomer(c, { body }) {
      return c.json(store.wire.toWire(store.create(body)), 201);
    },
    fetchCustomer(c, { path }) {
      const customer = store.get(path.id);
      if (!customer) throw new CustomerNotFoundError(path.id);
      return c.json(store.wire.toWire(customer));
    },
    updateCustomer(c, { path, body }) {
      return c.json(store.wire.toWire(store.update(path.id, body)));
    },
    deleteCustomer(c, { path }) {
      const { customer, deletedAt } = store.delete(path.id);
      const result: DeleteResult = {
        success: true,
        message: 'Customer successfully deleted',
        deletedAt: deletedAt.toISOString(),
        customerId: customer.id,
      };
      return c.json(result);
    },
  };
}
