import type { FsyncPolicy } from './store/journal.js';

/** Added response latency in milliseconds, drawn uniformly from the range; a fixed latency has min = max. */
export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Everything that shapes a running mock; the CLI, the config file and tests all produce one of these. */
export interface MockConfig {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly count: number;
  /** Start from this JSON file of customers instead of generated data. */
  readonly dataFile: string | undefined;
  /** Load from and journal every change beside this file (the latest snapshot). */
  readonly stateFile: string | undefined;
  /** With stateFile: when a write reaches the disk before it is acknowledged (see FsyncPolicy). */
  readonly fsync: FsyncPolicy;
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
  /** Requests per minute per client key; 0 turns the limit off. */
  readonly rateLimit: number;
  readonly bodyLimitBytes: number;
  /** Larger limit for the admin data-set upload. */
  readonly adminBodyLimitBytes: number;
  /** Failure simulation: latency added to every API request ({0, 0} = none). */
  readonly latency: LatencyRange;
  /** Failure simulation: probability that an API request fails with a simulated 500 or 503. */
  readonly errorRate: number;
  /** Print a line per request on standard output. */
  readonly log: boolean;
  /** Browser origins allowed by CORS (`*` for any); empty turns CORS off. */
  readonly corsOrigins: readonly string[];
  /** A client must have sent its headers within this time, else 408 and the connection closes. */
  readonly headersTimeoutMs: number;
  /** A client must have sent its whole request within this time, else 408 and the connection closes. */
  readonly requestTimeoutMs: number;
}

export const DEFAULT_CONFIG: MockConfig = {
  host: '127.0.0.1',
  port: 4010,
  seed: 42,
  count: 500,
  dataFile: undefined,
  stateFile: undefined,
  // A crash of the mock loses nothing acknowledged; only a power loss can cost the last 100 ms.
  fsync: 'batch',
  clientKey: 'mock-client-key',
  clientSecret: 'mock-client-secret',
  appId: 'app_customers_mock',
  // The real API's limit, so integrators meet it offline before production does; 0 for load tests.
  rateLimit: 100,
  bodyLimitBytes: 100 * 1024,
  adminBodyLimitBytes: 64 * 1024 * 1024,
  // Failure simulation is for rehearsals and stays off unless asked for.
  latency: { minMs: 0, maxMs: 0 },
  errorRate: 0,
  log: false,
  corsOrigins: [],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
