import type { Context } from 'hono';
import type { DeleteResult } from '../../domain/customer.js';
import { CustomerNotFoundError } from '../../domain/errors.js';
import type { CustomerStore } from '../../store/customer-store.js';
import { authenticatedApplication } from '../auth.js';
import type { OperationHandlers } from '../operation-handlers.js';
import type { Responses } from '../responses.js';

type CustomerOperation = 'listCustomers' | 'createCustomer' | 'fetchCustomer' | 'updateCustomer' | 'deleteCustomer';

/** Translates validated requests into calls on the caller's store, and its results into responses. */
export function customerHandlers(responses: Responses): OperationHandlers<CustomerOperation> {
  return {
    listCustomers(c, { query }) {
      // The same bytes as responses.json(c, store.list(query)), without serialising kept customers again.
      return responses.body(c, storeOf(c).listJson(query), 200, 'application/json');
    },
    createCustomer(c, { body }) {
      const store = storeOf(c);
      const customer = store.create(body);
      return responses.json(c, store.wire.toWire(customer), 201);
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
      return responses.json(c, store.wire.toWire(customer));
    },
    deleteCustomer(c, { path }) {
      const { customer, deletedAt } = storeOf(c).delete(path.id);
      const result: DeleteResult = {
        success: true,
        message: 'Customer successfully deleted',
        deletedAt: deletedAt.toISOString(),
        customerId: customer.id,
      };
      return responses.json(c, result);
    },
  };
}

function storeOf(c: Context): CustomerStore {
  return authenticatedApplication(c).store;
}
