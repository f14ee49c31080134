import type { Customer } from '../../domain/customer.js';
import type { CustomerStore } from '../../store/customer-store.js';
import type { FixedWindowRateLimiter } from '../rate-limit.js';
import type { IdempotencyStore } from '../idempotency.js';
import type { RequestLog } from '../request-log.js';
import type { OperationHandler } from './customers.js';

export interface AdminDeps {
  readonly store: CustomerStore;
  /** The data set the mock started with, which a reset restores. */
  readonly initialCustomers: () => readonly Customer[];
  readonly idempotency: IdempotencyStore;
  readonly rateLimiter: FixedWindowRateLimiter | undefined;
  readonly requestLog: RequestLog;
}

/** Test-harness endpoints: reset, replace the data set, read and clear the request log. */
export function adminHandlers(deps: AdminDeps): Record<string, OperationHandler> {
  return {
    adminReset(c) {
      deps.store.replaceAll(deps.initialCustomers());
      deps.idempotency.clear();
      deps.rateLimiter?.reset();
      deps.requestLog.clear();
      return c.json({ customers: deps.store.size });
    },
    adminReplaceCustomers(c) {
      // Customers as the API returns them, in the spelling of the compat options in force.
      deps.store.replaceAll((c.get('valid').body as object[]).map((value) => deps.store.wire.fromWire(value)));
      deps.idempotency.clear();
      return c.json({ customers: deps.store.size });
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
