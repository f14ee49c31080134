/** What a contract run is pointed at and how careful it is; handed to the suite through vitest's `provide`. */
export interface ContractSettings {
  readonly baseUrl: string;
  readonly clientKey: string;
  readonly clientSecret: string;
  /** Without it the suite sends only reads and requests that must be rejected before any write. */
  readonly allowWrites: boolean;
  /** Limit of each request; a server that does not answer in time fails the check. */
  readonly timeoutMs: number;
  /** Most pages (of 100) the suite reads when it walks the whole data set. */
  readonly maxPages: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_PAGES = 10;

declare module 'vitest' {
  export interface ProvidedContext {
    contract: ContractSettings;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    /** Requests the test (or, on a module, its hooks) put on the wire, retries included. */
    requests?: number;
  }
}
