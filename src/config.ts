/** Everything that shapes a running mock; the CLI, the config file and tests all produce one of these. */
export interface MockConfig {
  readonly host: string;
  readonly port: number;
  readonly seed: number;
  readonly count: number;
  /** Start from this JSON file of customers instead of generated data. */
  readonly dataFile: string | undefined;
  /** Load from and save every change to this file. */
  readonly stateFile: string | undefined;
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
  /** Requests per minute per client key; 0 turns the limit off. */
  readonly rateLimit: number;
  readonly bodyLimitBytes: number;
  /** Larger limit for the admin data-set upload. */
  readonly adminBodyLimitBytes: number;
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
  clientKey: 'mock-client-key',
  clientSecret: 'mock-client-secret',
  appId: 'app_customers_mock',
  // The real API's limit, so integrators meet it offline before production does; 0 for load tests.
  rateLimit: 100,
  bodyLimitBytes: 100 * 1024,
  adminBodyLimitBytes: 64 * 1024 * 1024,
  corsOrigins: [],
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};
