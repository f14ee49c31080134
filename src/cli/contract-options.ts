import { DEFAULT_PROFILE, PROFILES, type Profile } from '../contract-kit/profile.js';
import { DEFAULT_CLOCK_TOLERANCE_MS, DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT_MS, minimumBudget, type ContractSettings } from '../contract-kit/settings.js';
import { callerPath } from './caller-path.js';
import { FlagError, parseFlags } from './flags.js';

export const CONTRACT_HELP = `customers-contract: check a deployment of the Customers API against its OpenAPI contract

Usage:
  customers-contract --base-url URL --client-key KEY --client-secret SECRET [options]

Options:
  --base-url URL        the deployment, e.g. https://staging.example.com (env CONTRACT_BASE_URL)
  --client-key KEY      x-client-key to send (env CONTRACT_CLIENT_KEY)
  --client-secret S     x-client-secret to send (env CONTRACT_CLIENT_SECRET)
  --profile P           documented (default): assert the platform's documented rules and report
                        what the deployment does at each choice point; strict: assert the whole
                        document, choices included (env CONTRACT_PROFILE)
  --allow-writes        also run a seeded random sequence of creates, updates, blacklists,
                        restores and deletes on the kit's own marked customers (always cleaned
                        up); without it only reads and requests that must be rejected are sent
  --sandbox             run in a sandbox of its own on a customers-mock, created with the
                        credentials given (the mock's own) and deleted afterwards, also on
                        failure: parallel runs against one mock never see each other's data
  --seed N              replay the random sequence of an earlier run (default: a new seed, printed)
  --max-requests N      send at most N requests (cleanup of the kit's own records excepted);
                        checks beyond the budget are reported as skipped
  --exclusive           nobody else writes during the run: also assert totals of the whole data set
  --clock-tolerance-ms N  how far a new customer's createdAt may be from the server's clock
                        (default ${DEFAULT_CLOCK_TOLERANCE_MS})
  --drift FILE          also write the drift report (what was observed at each choice point) as
                        JSON to FILE (relative to the current folder)
  --junit FILE          also write a JUnit XML report, one test case per rule of the document, to
                        FILE (relative to the current folder)
  --coverage FILE       also write what the run found per rule as JSON to FILE: {"rules": [{"id",
                        "provenance", "status": passed, failed or not-exercised, "checks"}]}
  --require-coverage    fail the run when it left a documented rule unexercised (a read-only run
                        leaves the write rules so)
  --timeout-ms N        limit of each request (default ${DEFAULT_TIMEOUT_MS})
  --max-pages N         most pages of 100 read when walking the whole list (default ${DEFAULT_MAX_PAGES})
  -h, --help            show this help

Exit status: 0 when every check passed, 1 when any failed, 2 on a usage error; 130 (Ctrl-C) or
143 (SIGTERM) when stopped, after the records the run created were removed.
`;

export class ContractUsageError extends Error {}

export type ContractCommand =
  | { kind: 'help' }
  /** `junitFile`, `driftFile` and `coverageFile` are absolute: resolved from the caller's folder, as they are printed. */
  | { kind: 'run'; settings: ContractSettings; junitFile: string | undefined; driftFile: string | undefined; coverageFile: string | undefined; requireCoverage: boolean; sandbox: boolean };

const CONTRACT_FLAGS = {
  'base-url': { type: 'string' },
  'client-key': { type: 'string' },
  'client-secret': { type: 'string' },
  'allow-writes': { type: 'boolean' },
  sandbox: { type: 'boolean' },
  profile: { type: 'string' },
  seed: { type: 'string' },
  'max-requests': { type: 'string' },
  exclusive: { type: 'boolean' },
  'clock-tolerance-ms': { type: 'string' },
  drift: { type: 'string' },
  junit: { type: 'string' },
  coverage: { type: 'string' },
  'require-coverage': { type: 'boolean' },
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
  const settings: ContractSettings = {
    baseUrl: url.href.replace(/\/+$/, ''),
    clientKey: required('--client-key', values['client-key'] ?? env.CONTRACT_CLIENT_KEY, 'CONTRACT_CLIENT_KEY'),
    clientSecret: required('--client-secret', values['client-secret'] ?? env.CONTRACT_CLIENT_SECRET, 'CONTRACT_CLIENT_SECRET'),
    allowWrites: values['allow-writes'] ?? false,
    timeoutMs: positive('--timeout-ms', values['timeout-ms'], DEFAULT_TIMEOUT_MS),
    maxPages: positive('--max-pages', values['max-pages'], DEFAULT_MAX_PAGES),
    profile: profile(values.profile ?? env.CONTRACT_PROFILE),
    seed: seed(values.seed),
    maxRequests: values['max-requests'] === undefined ? undefined : positive('--max-requests', values['max-requests'], 0),
    exclusive: values.exclusive ?? false,
    clockToleranceMs: positive('--clock-tolerance-ms', values['clock-tolerance-ms'], DEFAULT_CLOCK_TOLERANCE_MS),
  };
  const needed = minimumBudget(settings);
  if (settings.maxRequests !== undefined && settings.maxRequests < needed) {
    throw new ContractUsageError(
      `--max-requests ${settings.maxRequests} is below the ${needed} requests the first request and one check may need (the walk of up to --max-pages ${settings.maxPages} pages${settings.allowWrites ? ', or one write step with its reads' : ''})`,
    );
  }
  return {
    kind: 'run',
    junitFile: values.junit === undefined ? undefined : callerPath(nonEmpty('--junit', values.junit), env, cwd),
    driftFile: values.drift === undefined ? undefined : callerPath(nonEmpty('--drift', values.drift), env, cwd),
    coverageFile: values.coverage === undefined ? undefined : callerPath(nonEmpty('--coverage', values.coverage), env, cwd),
    requireCoverage: values['require-coverage'] ?? false,
    settings,
    sandbox: values.sandbox ?? false,
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


function profile(raw: string | undefined): Profile {
  if (raw === undefined) return DEFAULT_PROFILE;
  if ((PROFILES as readonly string[]).includes(raw)) return raw as Profile;
  throw new ContractUsageError(`unknown --profile "${raw}": use ${PROFILES.join(' or ')}`);
}

/** A seed fast-check and the kit's own random choices accept: a whole number that fits 32 bits. */
function seed(raw: string | undefined): number {
  if (raw === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^\d{1,10}$/.test(raw) || Number(raw) >= 2 ** 31) throw new ContractUsageError(`--seed must be a whole number from 0 to ${2 ** 31 - 1}, got "${raw}"`);
  return Number(raw);
}
