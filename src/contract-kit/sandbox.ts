import { ApiError, createClient } from '../client/index.js';
import { kitClientOptions } from './kit.js';
import type { ContractSettings } from './settings.js';

/** The run could not get a sandbox: nothing was checked. */
export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError';
}

/**
 * `--sandbox`: runs `run` in a sandbox of its own on the server of `settings`, created with the
 * credentials of `settings` (the mock's own, which alone manage sandboxes), and deletes it
 * afterwards, whether the run passed, failed, was interrupted or threw. Parallel runs against one
 * mock then never see each other's writes, and each run, alone in its sandbox, is `--exclusive`.
 */
export async function inSandbox<T>(settings: ContractSettings, run: (inside: ContractSettings) => Promise<T>, out: NodeJS.WritableStream): Promise<T> {
  const admin = createClient(kitClientOptions(settings, () => {}));
  let sandbox;
  try {
    sandbox = await admin.createSandbox();
  } catch (error) {
    throw new SandboxUnavailableError(`--sandbox: could not create a sandbox on ${settings.baseUrl}: ${whyNot(error)}`);
  }
  out.write(`Sandbox ${sandbox.clientKey} created (${sandbox.customers} customers)\n`);
  try {
    // Nobody else has its credentials: the run is the sandbox's only client.
    return await run({ ...settings, clientKey: sandbox.clientKey, clientSecret: sandbox.clientSecret, exclusive: true });
  } finally {
    try {
      await admin.deleteSandbox(sandbox.clientKey);
      out.write(`Sandbox ${sandbox.clientKey} deleted\n`);
    } catch (error) {
      // The mock's idle expiry deletes it in the end; say so rather than hide the run's own result.
      out.write(`Sandbox ${sandbox.clientKey} could not be deleted (${whyNot(error)}); the mock deletes it once idle\n`);
    }
  }
}

function whyNot(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 404) return 'the server offers no /__admin/sandboxes (only customers-mock has them)';
    if (error.status === 401 || error.status === 403) return `${error.message} (sandboxes are created with the mock's own --client-key and --client-secret)`;
  }
  return error instanceof Error ? error.message : String(error);
}
