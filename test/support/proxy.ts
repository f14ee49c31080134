import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { editJson, wire } from './faults.js';

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

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

export interface ProxyProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything written to stdout and to stderr so far. */
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `customers-mock proxy` from the build on a free port and waits for its banner. */
export async function spawnProxy(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<ProxyProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const child = fork(CLI, ['proxy', '--port', '0', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 30 s:\n${stdout}${stderr}`)), 30_000);
    const look = () => {
      const found = /listening on (http:\/\/\S+)/.exec(stdout);
      if (!found || !stdout.includes('stop with Ctrl-C')) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve(found[1]!);
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the proxy exited (${code ?? signal}) before listening:\n${stdout}${stderr}`));
    });
  });
  return { child, url, stdout: () => stdout, stderr: () => stderr, exited };
}
