import type { Context } from 'hono';
import type { Customer } from '../../domain/customer.js';
import type { Applications } from '../applications.js';
import { authenticatedApplication } from '../auth.js';
import { HttpError } from '../errors.js';
import type { OperationHandler } from './customers.js';

export interface AdminDeps {
  readonly applications: Applications;
  /** What a sandbox created without a body, or with only one of them, is generated from. */
  readonly defaultDataSet: { readonly seed: number; readonly count: number };
}

interface SandboxRequest {
  readonly seed?: number;
  readonly count?: number;
  readonly customers?: Customer[];
}

/**
 * Test-harness endpoints. Reset, the data set and the request log act on the caller's application
 * only; sandboxes are managed by the mock's own application alone.
 */
export function adminHandlers(deps: AdminDeps): Record<string, OperationHandler> {
  const { applications } = deps;
  const requireOwnApplication = (c: Context): void => {
    if (authenticatedApplication(c) !== applications.own) throw new HttpError(403, "Only the mock's own credentials (--client-key) can manage sandboxes");
  };
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
    adminCreateSandbox(c) {
      requireOwnApplication(c);
      const body = (c.get('valid').body ?? {}) as SandboxRequest;
      if (body.customers !== undefined && (body.seed !== undefined || body.count !== undefined)) {
        throw new HttpError(400, ['customers cannot be given together with seed or count']);
      }
      const sandbox = applications.createSandbox(
        body.customers !== undefined
          ? { customers: body.customers }
          : { seed: body.seed ?? deps.defaultDataSet.seed, count: body.count ?? deps.defaultDataSet.count },
      );
      const { clientKey, clientSecret, appId } = sandbox.identity;
      return c.json({ clientKey, clientSecret, appId, customers: sandbox.store.size }, 201);
    },
    adminListSandboxes(c) {
      requireOwnApplication(c);
      return c.json({ sandboxes: applications.listSandboxes() });
    },
    adminDeleteSandbox(c) {
      requireOwnApplication(c);
      const deleted = applications.deleteSandbox(c.get('valid').path.clientKey as string);
      if (!deleted) throw new HttpError(404, 'Sandbox not found');
      return c.json(deleted);
    },
  };
}
