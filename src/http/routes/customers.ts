import type { Context } from 'hono';
import type { CreateCustomerInput, CustomerStatus, DeleteResult, UpdateCustomerInput } from '../../domain/customer.js';
import type { ListQuery } from '../../domain/query.js';
import type { CustomerStore } from '../../store/customer-store.js';
import { HttpError } from '../errors.js';

export type OperationHandler = (c: Context) => Response | Promise<Response>;

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
export function customerHandlers(store: CustomerStore, whenDurable: WhenDurable): Record<string, OperationHandler> {
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
      return c.body(store.listJson(query), 200, { 'Content-Type': 'application/json' });
    },
    createCustomer(c) {
      const customer = store.create(c.get('valid').body as CreateCustomerInput);
      return respondWhenDurable(whenDurable, () => c.json(store.wire.toWire(customer), 201));
    },
    fetchCustomer(c) {
      const id = customerId(c);
      const customer = store.get(id);
      if (!customer) throw new HttpError(404, 'Customer not found');
      return c.json(store.wire.toWire(customer));
    },
    updateCustomer(c) {
      const customer = store.update(customerId(c), c.get('valid').body as UpdateCustomerInput);
      return respondWhenDurable(whenDurable, () => c.json(store.wire.toWire(customer)));
    },
    deleteCustomer(c) {
      const { customer, deletedAt } = store.delete(customerId(c));
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

function customerId(c: Context): string {
  return c.get('valid').path.id as string;
}
