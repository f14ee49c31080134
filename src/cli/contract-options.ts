import { DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_MS, type ContractSettings } from '../contract-runner/settings.js';
import { callerPath } from './caller-path.js';
import { FlagError, parseFlags } from './flags.js';

export const CONTRACT_HELP = `customers-contract: check a deployment of the Customers API against its OpenAPI contract

Usage:
  customers-contract --base-url URL --client-key KEY --client-secret SECRET [options]

Options:
  --base-url URL        the deployment, e.g. https://staging.example.com (env CONTRACT_BASE_URL)
  --client-key KEY      x-client-key to send (env CONTRACT_CLIENT_KEY)
  --client-secret S     x-client-secret to send (env CONTRACT_CLIENT_SECRET)
  --allow-writes        also create, update, blacklist, restore and delete one marked customer
                        (always deleted again); without it only reads and requests that must
                        be rejected are sent
  --sandbox             run in a sandbox of its own on a customers-mock, created with the
                        credentials given (the mock's own) and deleted afterwards, also on
                        failure: parallel runs against one mock never see each other's data
  --junit FILE          also write a JUnit XML report to FILE (relative to the current folder)
  --timeout-ms N        limit of each request (default ${DEFAULT_TIMEOUT_MS})
  --max-pages N         most pages of 100 read when walking the whole list (default ${DEFAULT_MAX_PAGES})
  -h, --help            show this help

Exit status: 0 when every check passed, 1 when any failed, 2 on a usage error.
`;

export class ContractUsageError extends Error {}

export type ContractCommand =
  | { kind: 'help' }
  /** `junitFile` is absolute: resolved from the caller's folder, as it is printed. */
  | { kind: 'run'; settings: ContractSettings; junitFile: string | undefined; sandbox: boolean };

const CONTRACT_FLAGS = {
  'base-url': { type: 'string' },
  'client-key': { type: 'string' },
  'client-secret': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  sandbox: { type: 'boolean' },
  junit: { type: 'string' },
  'timeout-ms': { type: 'string' },
  'max-pages': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags win over the environment; every value is checked before anything is sent. */
export function parseContractCommand(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): ContractCommand {
  let values;
  try {
    ({ values } = parseFlags(argv, CONTRACT_FLAGS));
  } catch (error) {
    throw error instanceof FlagError ? new ContractUsageError(error.message) : error;
  }
  if (values.help) return { kind: 'help' };
  const baseUrl = required('--base-url', values['base-url'] ?? env.CONTRACT_BASE_URL, 'CONTRACT_BASE_URL');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ContractUsageError(`--base-url must be a URL, got "${baseUrl}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ContractUsageError(`--base-url must be http or https, got "${baseUrl}"`);
  return {
    kind: 'run',
    junitFile: values.junit === undefined ? undefined : callerPath(nonEmpty('--junit', values.junit), env, cwd),
    sandbox: values.sandbox ?? false,
    settings: {
      baseUrl: url.href.replace(/\/+$/, ''),
      clientKey: required('--client-key', values['client-key'] ?? env.CONTRACT_CLIENT_KEY, 'CONTRACT_CLIENT_KEY'),
      clientSecret: required('--client-secret', values['client-secret'] ?? env.CONTRACT_CLIENT_SECRET, 'CONTRACT_CLIENT_SECRET'),
      allowWrites: values['allow-writes'] ?? false,
      timeoutMs: positive('--timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS),
      maxPages: positive('--max-pages', values['max-pages'], DEFAULT_MAX_PAGES),
    },
  };
}

function nonEmpty(flag: string, value: string): string {
  if (value.trim() === '') throw new ContractUsageError(`${flag} must not be empty`);
  return value;
}

function required(flag: string, value: string | undefined, envName: string): string {
  if (value === undefined || value.trim() === '') throw new ContractUsageError(`${flag} (or ${envName}) is required`);
  return value;
}

function positive(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new ContractUsageError(`${flag} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

