import type { Context } from 'hono';
import { mapping, runInSlices } from '../../domain/slices.js';
import type { Applications } from '../../tenancy/applications.js';
import { authenticatedApplication } from '../auth.js';
import { HttpError } from '../errors.js';
import type { OperationHandlers } from '../operation-handlers.js';
import type { Responses } from '../responses.js';

export interface AdminDeps {
  readonly applications: Applications;
  readonly responses: Responses;
  /** What a sandbox created without a body, or with only one of them, is generated from. */
  readonly defaultDataSet: { readonly seed: number; readonly count: number };
}

type AdminOperation =
  | 'adminReset'
  | 'adminReplaceCustomers'
  | 'adminListRequests'
  | 'adminClearRequests'
  | 'adminCreateSandbox'
  | 'adminListSandboxes'
  | 'adminDeleteSandbox';

/**
 * Test-harness endpoints. Reset, the data set and the request log act on the caller's application
 * only; sandboxes are managed by the mock's own application alone.
 */
export function adminHandlers(deps: AdminDeps): OperationHandlers<AdminOperation> {
  const { applications, responses } = deps;
  const requireOwnApplication = (c: Context): void => {
    if (authenticatedApplication(c) !== applications.own) throw new HttpError(403, "Only the mock's own credentials (--client-key) can manage sandboxes");
  };
  return {
    async adminReset(c) {
      const application = authenticatedApplication(c);
      await application.resetInSlices();
      return responses.json(c, { customers: application.store.size });
    },
    async adminReplaceCustomers(c, { body }) {
      const application = authenticatedApplication(c);
      // Customers as the API returns them, in the spelling of the compat options in force.
      await application.replaceCustomersInSlices(await runInSlices(mapping(body, (value) => application.store.wire.fromWire(value))));
      return responses.json(c, { customers: application.store.size });
    },
    adminListRequests(c) {
      return responses.json(c, { requests: authenticatedApplication(c).requests() });
    },
    adminClearRequests(c) {
      authenticatedApplication(c).clearRequests();
      return responses.json(c, { requests: [] });
    },
    async adminCreateSandbox(c, { body = {} }) {
      requireOwnApplication(c);
      if (body.customers !== undefined && (body.seed !== undefined || body.count !== undefined)) {
        throw new HttpError(400, ['customers cannot be given together with seed or count']);
      }
      const own = applications.own.store.wire;
      const { sandbox, clientSecret } = await applications.createSandbox(
        body.customers !== undefined
          ? { customers: await runInSlices(mapping(body.customers, (value) => own.fromWire(value))) }
          : { seed: body.seed ?? deps.defaultDataSet.seed, count: body.count ?? deps.defaultDataSet.count },
      );
      const { clientKey, appId } = sandbox.identity;
      return responses.json(c, { clientKey, clientSecret, appId, customers: sandbox.store.size }, 201);
    },
    adminListSandboxes(c) {
      requireOwnApplication(c);
      return responses.json(c, { sandboxes: applications.listSandboxes() });
    },
    adminDeleteSandbox(c, { path }) {
      requireOwnApplication(c);
      const deleted = applications.deleteSandbox(path.clientKey);
      if (!deleted) throw new HttpError(404, 'Sandbox not found');
      return responses.json(c, deleted);
    },
  };
}
