import type { Customer } from '../../domain/customer.js';
import { authenticatedApplication } from '../auth.js';
import type { OperationHandler } from './customers.js';

/** Test-harness endpoints, each acting on the caller's application only: reset, replace the data set, the request log. */
export function adminHandlers(): Record<string, OperationHandler> {
  return {
    adminReset(c) {
      const application = authenticatedApplication(c);
      application.reset();
      return c.json({ customers: application.store.size });
    },
    adminReplaceCustomers(c) {
      const application = authenticatedApplication(c);
      application.replaceCustomers(c.get('valid').body as Customer[]);
      return c.json({ customers: application.store.size });
    },
    adminListRequests(c) {
      return c.json({ requests: authenticatedApplication(c).requests() });
    },
    adminClearRequests(c) {
      authenticatedApplication(c).clearRequests();
      return c.json({ requests: [] });
    },
  };
}
