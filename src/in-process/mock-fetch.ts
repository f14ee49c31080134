import { asError } from '../caught-error.js';
import type { WrittenApplicationConfig } from '../config/application-config.js';
import { DEFAULT_CONFIG, MOCK_OPTIONS, type MockConfig } from '../config/mock-config.js';
import { nearestName } from '../config/nearest-name.js';
import { fileKey, OptionError, readConfigObject } from '../config/option-table.js';
import type { WrittenValues } from '../config/option.js';
import type { Clock } from '../domain/clock.js';
import type { Customer } from '../domain/customer.js';
import { createEngine, customerCheck, type Engine } from '../engine.js';
import { getSpecModel, loadSpec } from '../openapi/index.js';
import { checkDataSet } from '../store/data-set.js';
import { seededCustomers } from '../store/seeded-customers.js';
import { InMemoryResponse } from './in-memory-response.js';

/**
 * The options of the server (`customers-mock`) that need Node (a socket, files, a terminal), by
 * their flag, which is also their config-file name; each says why it is not an option in process.
 */
const NODE_ONLY = {
  port: 'the server listens on a port; in process there is no socket',
  host: 'the server binds an address; in process there is no socket',
  data: 'in the config file data is a file of customers; in process give the customers themselves as customers',
  state: 'state is kept in files by the server only',
  fsync: 'state is kept in files by the server only',
  log: 'the server prints its request log; in process read it at /__admin/requests',
  'docs-credentials': 'the docs page (/docs) is the server\'s; in process there is none',
} as const;

type InProcessEntry = Exclude<(typeof MOCK_OPTIONS)[number], { flag: keyof typeof NODE_ONLY }>;
const IN_PROCESS_TABLE = MOCK_OPTIONS.filter((entry): entry is InProcessEntry => !Object.hasOwn(NODE_ONLY, entry.flag));
const IN_PROCESS_KEYS = IN_PROCESS_TABLE.map(fileKey);

/**
 * The server's options, with the names and values its config file has (`rateLimit: 0`,
 * `latency: '100-400'`, `cors: '*'`), derived from the option table, except those that need Node
 * (`port`, `host`, `data`, `state`, `fsync`, `log`, `docsCredentials`); and what only in-process use has.
 */
export type MockFetchOptions = Omit<WrittenValues<InProcessEntry>, 'apps'> & {
  /** Applications beside the mock's own, as the config file's `apps`, each generated from its seed and count (no data files in process). */
  readonly apps?: ReadonlyArray<Omit<WrittenApplicationConfig, 'data'>>;
  /** Start from these customers instead of generated ones (checked as the server's data file is). */
  readonly customers?: readonly Customer[];
  /** Where time comes from (timestamps, rate-limit windows, key expiry): a `ManualClock` to move it. */
  readonly clock?: Clock;
  /** Chance for failure simulation (`errorRate`, `latency` ranges), like Math.random: a seeded one replays a run. */
  readonly random?: () => number;
};

/** The options only in-process use has, beside the option table's. */
const IN_PROCESS_ONLY = ['customers', 'clock', 'random'] as const;

/** What `fetch` takes as its first argument. */
export type FetchInput = Request | URL | string;

/** `fetch`, answered by an engine of its own in this process: no socket, and the URL's host is not looked at. */
export interface MockFetch {
  (input: FetchInput, init?: RequestInit): Promise<Response>;
  /** Back to the start: the initial customers, no idempotency keys, fresh rate windows, an empty request log. */
  reset(): void;
  /** The engine behind it, for a test that reads the store or the request log directly. */
  readonly engine: Engine;
}

/** Raised at creation for options the mock cannot start with, before any request is made. */
export class MockOptionsError extends Error {
  override name = 'MockOptionsError';
}

/** The address relative URLs are resolved against: the real API's, as the document lists it. */
export const REAL_API_URL = realApiUrl();

function realApiUrl(): string {
  const server = loadSpec().raw.servers?.find((entry) => entry.url.startsWith('https://'));
  if (!server) throw new Error('The OpenAPI document lists no https server (the real API)');
  return server.url;
}

/**
 * A `fetch` that answers the Customers API, its admin endpoints and its failure simulation exactly
 * as the server does, from a mock of its own: two of them share no state. Its answers are
 * InMemoryResponses: Responses in every way an app can tell, read without a web stream.
 */
export async function createMockFetch(options: MockFetchOptions = {}): Promise<MockFetch> {
  return mockFetchFor('createMockFetch', options);
}

/**
 * `createMockFetch` for a front door that takes the same options (`door` names it in errors), and
 * perhaps some of its own, already taken out of `options` (`doorOptions`, listed among the valid ones).
 */
export async function mockFetchFor(door: string, options: MockFetchOptions, doorOptions: readonly string[] = []): Promise<MockFetch> {
  const { config, customers, clock, random } = readOptions(door, options, doorOptions);
  const engine = await createEngine(config, { initial: await initialCustomers(door, config, customers) }, { clock, random, responseClass: InMemoryResponse });
  // Async, as fetch is: a URL no Request can be made of, or an aborted signal, rejects; nothing throws.
  const mockFetch = async (input: FetchInput, init?: RequestInit) => answer(engine, toRequest(input, init));
  return Object.assign(mockFetch, { reset: () => engine.reset(), engine });
}

interface InProcessSettings {
  readonly config: MockConfig;
  readonly customers: unknown;
  readonly clock: Clock | undefined;
  readonly random: (() => number) | undefined;
}

function readOptions(door: string, options: MockFetchOptions, doorOptions: readonly string[]): InProcessSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MockOptionsError(`${door}: options must be an object, such as { count: 20 }`);
  }
  const { customers, clock, random, ...tableOptions } = options;
  const problems = Object.keys(tableOptions).flatMap((name) => notAnOption(name, doorOptions));
  if (clock !== undefined && typeof (clock as Partial<Clock>).now !== 'function') problems.push('clock must have a now() method, like ManualClock');
  if (random !== undefined && typeof random !== 'function') problems.push('random must be a function like Math.random');
  let values: Partial<Record<string, unknown>> = {};
  try {
    const known = Object.fromEntries(Object.entries(tableOptions).filter(([name]) => IN_PROCESS_KEYS.includes(name)));
    values = readConfigObject(IN_PROCESS_TABLE, known, {
      // The one path an in-process option can hold is an application's data file (`apps`).
      resolvePath: () => {
        throw new OptionError("apps: an application's data file cannot be read in process; give it a seed and count");
      },
    });
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    problems.push(error.message);
  }
  if (problems.length > 0) throw new MockOptionsError(`${door}: ${problems.join('; ')}`);
  return { config: { ...DEFAULT_CONFIG, ...values }, customers, clock, random };
}

/** Why `name` is not an option here, naming every one that is; nothing when it is one. */
function notAnOption(name: string, doorOptions: readonly string[]): string[] {
  const valid = [...IN_PROCESS_KEYS, ...IN_PROCESS_ONLY, ...doorOptions];
  if (valid.includes(name)) return [];
  const whyNodeOnly: Readonly<Record<string, string>> = NODE_ONLY;
  if (Object.hasOwn(whyNodeOnly, name)) return [`${name} is an option of the server (customers-mock, startMock), not in process: ${whyNodeOnly[name]}`];
  const nearest = nearestName(name, valid);
  return [`${name} is not an option${nearest === undefined ? '' : ` (did you mean ${nearest}?)`}; the options are ${valid.join(', ')}`];
}

async function initialCustomers(door: string, config: MockConfig, customers: unknown): Promise<readonly Customer[]> {
  if (customers === undefined) return seededCustomers({ seed: config.seed, count: config.count, appId: config.appId });
  try {
    return checkDataSet(customers, customerCheck(await getSpecModel()), 'customers');
  } catch (error) {
    throw new MockOptionsError(`${door}: ${asError(error).message}`);
  }
}

/** As `fetch` takes it: a Request, a URL, or a string, which may be a path alone. */
function toRequest(input: FetchInput, init: RequestInit | undefined): Request {
  if (input instanceof Request) return init === undefined ? input : new Request(input, init);
  return new Request(typeof input === 'string' ? new URL(input, REAL_API_URL) : input, init);
}

/**
 * Like `fetch`, an aborted signal rejects with its reason, whatever the mock is doing (a simulated
 * delay). An answer the engine gives at once had no moment in which an abort could come in, so it
 * goes back without listening for one: most requests, and a listener costs several microseconds.
 */
function answer(engine: Engine, request: Request): Response | Promise<Response> {
  const { signal } = request;
  signal.throwIfAborted();
  const answered = engine.fetch(request);
  return answered instanceof Promise ? unlessAborted(answered, signal) : answered;
}

async function unlessAborted(answered: Promise<Response>, signal: AbortSignal): Promise<Response> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([answered, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
