import type { Context } from 'hono';
import type { CreateCustomerInput, CustomerStatus, DeleteResult, UpdateCustomerInput } from '../../domain/customer.js';
import type { ListQuery } from '../../domain/query.js';
import type { CustomerStore } from '../../store/customer-store.js';
import { authenticatedApplication } from '../auth.js';
import { HttpError } from '../errors.js';

export type OperationHandler = (c: Context) => Response | Promise<Response>;

/** Translates validated requests into calls on the caller's store, and their results into responses. */
export function customerHandlers(): Record<string, OperationHandler> {
  return {
    listCustomers(c) {
      const q = c.get('valid').query;
      // The validator applied the document's defaults, so skip and take are always set.
      const query: ListQuery = {
        skip: q.skip as number,
        take: q.take as number,
        status: q.status as CustomerStatus | undefined,
        name: q.name as string | undefined,
        email: q.email as string | undefined,
      };
      // The same bytes as c.json(store.list(query)), without serialising kept customers again.
      return c.body(storeOf(c).listJson(query), 200, { 'Content-Type': 'application/json' });
    },
    createCustomer(c) {
      return c.json(storeOf(c).create(c.get('valid').body as CreateCustomerInput), 201);
    },
    fetchCustomer(c) {
      const id = customerId(c);
      const customer = storeOf(c).get(id);
      if (!customer) throw new HttpError(404, 'Customer not found');
      return c.json(customer);
    },
    updateCustomer(c) {
      return c.json(storeOf(c).update(customerId(c), c.get('valid').body as UpdateCustomerInput));
    },
    deleteCustomer(c) {
      const { customer, deletedAt } = storeOf(c).delete(customerId(c));
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

function storeOf(c: Context): CustomerStore {
  return authenticatedApplication(c).store;
}

function customerId(c: Context): string {
  return c.get('valid').path.id as string;
}
