import { editJson, wire } from './faults.js';
import { spawnBuiltCli, type CliProcess } from './mock-process.js';

/**
 * An upstream that breaks a documented rule the way real backends do: a fetched customer's
 * `last_spent` comes back as a string (a decimal column serialised as text). The type of
 * `last_spent` is no choice of the document.
 */
export const SPEND_AS_TEXT = wire({
  response: async (response, request) =>
    request.method === 'GET' && /^\/api\/v0\/customers\/[^/]+$/.test(new URL(request.url).pathname) && response.status === 200
      ? editJson(response, (customer: Record<string, unknown>) => ({ ...customer, last_spent: String(customer.last_spent) }))
      : response,
});

export type ProxyProcess = Omit<CliProcess, 'output'>;

/** Starts `customers-mock proxy` from the build on a free port and waits for its banner. */
export async function spawnProxy(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProxyProcess> {
  return spawnBuiltCli(['proxy', '--port', '0', ...args], { env, ready: (stdout) => stdout.includes('stop with Ctrl-C') });
}
