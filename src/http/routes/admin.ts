import type { CustomerStore } from '../../store/customer-store.js';
import type { IdempotencyStore } from '../idempotency.js';
import type { RequestLog } from '../request-log.js';
import type { OperationHandlers } from '../operation-handlers.js';
import { respondWhenDurable, type WhenDurable } from './customers.js';

export interface AdminDeps {
  readonly store: CustomerStore;
  /** Back to the data set the mock started with, and to no remembered requests (see MockApp.reset). */
  readonly reset: () => void;
  readonly whenDurable: WhenDurable;
  readonly idempotency: IdempotencyStore;
  readonly requestLog: RequestLog;
}

/** Test-harness endpoints: reset, replace the data set, read and clear the request log. */
export function adminHandlers(deps: AdminDeps): OperationHandlers<'adminReset' | 'adminReplaceCustomers' | 'adminListRequests' | 'adminClearRequests'> {
  return {
    adminReset(c) {
      deps.reset();
      const customers = deps.store.size;
      return respondWhenDurable(deps.whenDurable, () => c.json({ customers }));
    },
    adminReplaceCustomers(c, { body }) {
      // Customers as the API returns them, in the spelling of the compat options in force.
      deps.store.replaceAll(body.map((value) => deps.store.wire.fromWire(value)));
      deps.idempotency.clear();
      const customers = deps.store.size;
      return respondWhenDurable(deps.whenDurable, () => c.json({ customers }));
    },
    adminListRequests(c) {
      return c.json({ requests: deps.requestLog.list() });
    },
    adminClearRequests(c) {
      deps.requestLog.clear();
      return c.json({ requests: [] });
    },
  };
}
