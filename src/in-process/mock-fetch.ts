import { asError } from '../caught-error.js';
import type { AppConfig } from '../config/applications.js';
import { DEFAULT_CONFIG, MOCK_OPTIONS, type MockConfig } from '../config/mock-config.js';
import { OptionError, readConfigObject } from '../config/option-table.js';
import type { Clock } from '../domain/clock.js';
import type { Customer } from '../domain/customer.js';
import { createEngine, customerCheck, type Engine } from '../engine.js';
import { getSpecModel, loadSpec } from '../openapi/index.js';
import { checkDataSet } from '../store/data-set.js';
import { seededCustomers } from '../store/seeded-customers.js';
import { InMemoryResponse } from './in-memory-response.js';

/**
 * The server's own options, as its config file writes them (`rateLimit: 0`, `latency: '100-400'`),
 * except those of the socket, the files and the terminal; and in process `data` is the customers
 * themselves rather than a file of them.
 */
export interface MockFetchOptions {
  readonly seed?: number;
  readonly count?: number;
  /** Start from these customers instead of generated ones (checked as a data file is). */
  readonly data?: readonly Customer[];
  readonly clientKey?: string;
  readonly clientSecret?: string;
  readonly appId?: string;
  readonly rateLimit?: number;
  readonly latency?: number | string;
  readonly errorRate?: number;
  readonly cors?: string;
  /** Applications beside the mock's own, each generated from its seed and count (no data files in process). */
  readonly apps?: ReadonlyArray<Omit<AppConfig, 'dataFile'>>;
  readonly maxSandboxes?: number;
  readonly maxSandboxCustomers?: number;
  readonly sandboxIdleMinutes?: number;
  /** Behave as a deployment that differs from the document's choices, as the config file's `compat`: `{ timestamps: 'snake_case' }`. */
  readonly compat?: Readonly<Record<string, string>>;
  /** Where time comes from (timestamps, rate-limit windows, key expiry): a `ManualClock` to move it. */
  readonly clock?: Clock;
  /** Chance for failure simulation (`errorRate`, `latency` ranges), like Math.random: a seeded one replays a run. */
  readonly random?: () => number;
}

/** What `fetch` takes as its first argument. */
export type FetchInput = Request | URL | string;

/** `fetch`, answered by an in-process mock: no socket, and the URL's host is not looked at. */
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

/** Options that need Node (a socket, files, a terminal); `data` is replaced by the in-process `data`. */
const SERVER_ONLY_OPTIONS: ReadonlySet<string> = new Set(['port', 'host', 'dataFile', 'stateFile', 'fsync', 'log']);
const IN_PROCESS_TABLE = MOCK_OPTIONS.filter((entry) => !SERVER_ONLY_OPTIONS.has(entry.key));

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
  const { config, data, clock, random } = readOptions(options);
  const engine = await createEngine(config, { initial: await initialCustomers(config, data) }, { clock, random, responseClass: InMemoryResponse });
  // Async, as fetch is: a URL no Request can be made of, or an aborted signal, rejects; nothing throws.
  const mockFetch = async (input: FetchInput, init?: RequestInit) => answer(engine, toRequest(input, init));
  return Object.assign(mockFetch, { reset: () => engine.reset(), engine });
}

interface InProcessSettings {
  readonly config: MockConfig;
  readonly data: unknown;
  readonly clock: Clock | undefined;
  readonly random: (() => number) | undefined;
}

function readOptions(options: MockFetchOptions): InProcessSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new MockOptionsError('createMockFetch: options must be an object, such as { count: 20 }');
  }
  const { data, clock, random, ...serverOptions } = options;
  const problems: string[] = [];
  if (clock !== undefined && typeof (clock as Partial<Clock>).now !== 'function') problems.push('clock must have a now() method, like ManualClock');
  if (random !== undefined && typeof random !== 'function') problems.push('random must be a function like Math.random');
  let values: Partial<Record<string, unknown>> = {};
  try {
    values = readConfigObject(IN_PROCESS_TABLE, serverOptions, {
      // The one path an in-process option can hold is an application's data file (`apps`).
      resolvePath: () => {
        throw new OptionError("apps: an application's data file cannot be read in process; give it a seed and count");
      },
    });
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    problems.unshift(error.message);
  }
  if (problems.length > 0) throw new MockOptionsError(`createMockFetch: ${problems.join('; ')}`);
  return { config: { ...DEFAULT_CONFIG, ...values }, data, clock: clock, random: random };
}

async function initialCustomers(config: MockConfig, data: unknown): Promise<readonly Customer[]> {
  if (data === undefined) return seededCustomers({ seed: config.seed, count: config.count, appId: config.appId });
  try {
    return checkDataSet(data, customerCheck(await getSpecModel()), 'data');
  } catch (error) {
    throw new MockOptionsError(`createMockFetch: ${asError(error).message}`);
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
