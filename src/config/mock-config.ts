import { applicationConfigs, type ApplicationConfig } from './application-config.js';
import { compatSwitches } from './compat-option.js';
import { configSchema, defaultValues } from './option-table.js';
import { BATCH_SYNC_MS, DEFAULT_FSYNC, FSYNC_POLICIES } from '../store/fsync-policy.js';
import { oneOf, onOff, option, path, text, wholeNumber, type JsonSchema, type OptionValues } from './option.js';
import { corsOrigins, latency, MAX_DELAY_MS, probability } from './values.js';

/**
 * The mock's options. `customers-mock`'s flags, `--help`, environment variables, config file and
 * its JSON Schema (customers-mock.config.schema.json) are derived from this table: an option is
 * added here and nowhere else.
 */
export const MOCK_OPTIONS = [
  option({ flag: 'port', key: 'port', kind: wholeNumber(0, 65_535), default: 4010, help: 'port to listen on; 0 picks a free one' }),
  option({ flag: 'host', key: 'host', kind: text('HOST'), default: '127.0.0.1', help: 'address to bind; by default, this machine only' }),
  option({ flag: 'seed', key: 'seed', kind: wholeNumber(0, 2 ** 32 - 1), default: 42, help: 'seed of the generated data', generate: true }),
  option({ flag: 'count', key: 'count', kind: wholeNumber(0, 10_000_000), default: 500, help: 'number of generated customers', generate: true }),
  option({
    flag: 'data',
    key: 'dataFile',
    kind: path(),
    default: undefined,
    help: 'start from this JSON array of customers instead of generated data',
  }),
  option({
    flag: 'state',
    key: 'stateFile',
    kind: path(),
    default: undefined,
    help: 'keep the data across restarts: load this file (a snapshot) and its journal FILE.journal.N when they exist, else start as usual and create them; every write is journaled before it is acknowledged',
  }),
  option({
    flag: 'fsync',
    key: 'fsync',
    kind: oneOf('WHEN', FSYNC_POLICIES),
    default: DEFAULT_FSYNC,
    help: `with --state: batch acknowledges a write once its journal record is written and flushes the journal to the disk every ${BATCH_SYNC_MS} ms (a kill -9 or crash of the mock loses nothing acknowledged; a power loss or OS crash can lose the last ${BATCH_SYNC_MS} ms); always flushes it before each acknowledgement (a power loss loses nothing acknowledged either)`,
  }),
  option({ flag: 'client-key', key: 'clientKey', env: 'MOCK_CLIENT_KEY', kind: text('KEY'), default: 'mock-client-key', help: 'accepted x-client-key' }),
  option({
    flag: 'client-secret',
    key: 'clientSecret',
    env: 'MOCK_CLIENT_SECRET',
    kind: text('S'),
    default: 'mock-client-secret',
    help: 'accepted x-client-secret',
  }),
  option({
    flag: 'docs-credentials',
    key: 'docsCredentials',
    kind: onOff(),
    default: false,
    help: 'let /docs pre-fill --client-key and --client-secret for "Try it out", for anyone who can open the page; the built-in demo credentials are pre-filled anyway, others are asked for',
  }),
  option({ flag: 'app-id', key: 'appId', kind: text('ID'), default: 'app_customers_mock', help: 'the appId of the customers', generate: true }),
  option({
    flag: 'rate-limit',
    key: 'rateLimit',
    kind: wholeNumber(0, 1_000_000_000),
    // The real API's limit, so integrators meet it offline before production does; 0 for load tests.
    default: 100,
    help: "requests per minute per client key; 0 turns the limit off; the default is the real API's",
  }),
  option({
    flag: 'latency',
    key: 'latency',
    kind: latency(),
    // Failure simulation is for rehearsals and stays off unless asked for.
    default: { minMs: 0, maxMs: 0 },
    help: `failure simulation: delay added to every API request, in milliseconds: fixed (250) or drawn uniformly from MIN-MAX (100-400), at most ${MAX_DELAY_MS}`,
  }),
  option({
    flag: 'error-rate',
    key: 'errorRate',
    kind: probability(),
    default: 0,
    help: 'failure simulation: share of API requests (0 to 1) that fail with a simulated 500 or 503',
  }),
  option({ flag: 'log', key: 'log', kind: onOff(), default: false, help: 'print a line per request: method, path, status, duration (never credentials)' }),
  option({
    flag: 'cors',
    key: 'corsOrigins',
    kind: corsOrigins(),
    default: [],
    help: 'let browser apps on these origins call the mock: * or comma-separated origins such as http://localhost:3000; off when absent',
  }),
  option({
    flag: 'apps',
    key: 'apps',
    kind: applicationConfigs(),
    default: [] as readonly ApplicationConfig[],
    help: "applications beside the mock's own, each with its own credentials and data set",
  }),
  option({
    flag: 'max-sandboxes',
    key: 'maxSandboxes',
    kind: wholeNumber(0, 100_000),
    default: 100,
    help: 'sandboxes (POST /__admin/sandboxes) the mock holds at most at once',
  }),
  option({
    flag: 'sandbox-idle-minutes',
    key: 'sandboxIdleMinutes',
    kind: wholeNumber(1, 525_600),
    default: 60,
    help: 'a sandbox that no request has used for this many minutes is deleted',
  }),
  option({
    flag: 'max-sandbox-customers',
    key: 'maxSandboxCustomers',
    kind: wholeNumber(0, 10_000_000),
    // With --max-sandboxes at 100: at about 25 MiB a sandbox of 20,000 (bench/RESULTS.md), the
    // sandboxes a mock can hold by default fit in 4 GB.
    default: 20_000,
    help: 'customers a sandbox holds at most',
  }),
  option({
    flag: 'compat',
    key: 'compat',
    kind: compatSwitches(),
    // The document's own choices; an option switches one to what a real deployment does.
    default: {},
    help: "behave as a real deployment where it differs from the document's choices: KEY=VALUE (the keys and values are the x-choices compat options of the OpenAPI document), or FILE, a drift report of the contract kit, whose compat pairs are applied",
  }),
] as const;

/** Limits of the Node server that no flag sets. */
interface ServerLimits {
  readonly bodyLimitBytes: number;
  /** Larger limit for the admin data-set upload. */
  readonly adminBodyLimitBytes: number;
  /** A client must have sent its headers within this time, else 408 and the connection closes. */
  readonly headersTimeoutMs: number;
  /** A client must have sent its whole request within this time, else 408 and the connection closes. */
  readonly requestTimeoutMs: number;
}

/** Everything that shapes a running mock; the CLI, the config file and tests all produce one of these. */
export type MockConfig = OptionValues<typeof MOCK_OPTIONS> & ServerLimits;

/**
 * The limit the `X-RateLimit-*` headers show when `--rate-limit 0` turns limiting off: the largest
 * 32-bit integer, a window no client can use up. The document requires the headers on every
 * response, so they stay, with an integer a client's own pacing takes as "never wait".
 */
export const UNLIMITED_RATE = 2_147_483_647;

/** The requests per window in force for a configured `--rate-limit` (0: no limit). */
export function windowLimit(configured: number): number {
  return configured === 0 ? UNLIMITED_RATE : configured;
}


export const DEFAULT_CONFIG: MockConfig = {
  ...defaultValues(MOCK_OPTIONS),
  bodyLimitBytes: 100 * 1024,
  adminBodyLimitBytes: 64 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

/** The JSON Schema of customers-mock.config.json, shipped for editors (`npm run config-schema` writes it). */
export function mockConfigSchema(): JsonSchema {
  return configSchema(MOCK_OPTIONS, {
    title: 'customers-mock configuration',
    description:
      'customers-mock.config.json: the options of `customers-mock` (the same as its flags, camelCased). Flags and environment variables override it; it overrides the defaults.',
  });
}
