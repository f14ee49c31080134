import type { Profile } from './profile.js';
import type { Observation } from './drift.js';
import type { RuleReport } from './kit.js';

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
  /** Which rules are asserted: the platform's own, or the whole document. */
  readonly profile: Profile;
  /** Seeds every random choice of the run (the write sequence above all): the same seed replays it. */
  readonly seed: number;
  /** Most requests the checks may send; cleanup of the kit's own records may go past it. */
  readonly maxRequests: number | undefined;
  /** No other client writes during the run: totals of the whole data set may be asserted too. */
  readonly exclusive: boolean;
  /** How far a new record's `createdAt` may be from the server's clock (its `Date` header). */
  readonly clockToleranceMs: number;
}

/** What the runner knows of the run before the checks start. */
export interface RunContext {
  /**
   * In the names and email of every record the run creates (letters only): the runner finds them
   * all by it, also after the checks were stopped by Ctrl-C.
   */
  readonly tag: string;
  /** Requests the run sent before the checks (the preflight's): they count against the budget. */
  readonly requestsBefore: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_PAGES = 10;
export const DEFAULT_CLOCK_TOLERANCE_MS = 5_000;

declare module 'vitest' {
  export interface ProvidedContext {
    contract: ContractSettings;
    contractRun: RunContext;
  }
}

declare module '@vitest/runner' {
  interface TaskMeta {
    /** Requests the test (or, on a module, its hooks) put on the wire, retries included. */
    requests?: number;
    /** What the test observed at choice points. */
    observations?: Observation[];
    /** What the test's checks found per rule. */
    rules?: RuleReport;
  }
}

/** Requests the preflight sends when the server answers it as an API does. */
export const PREFLIGHT_REQUESTS = 1;

/** Requests of one write step: the write, then every read view the model is checked in. */
export const WRITE_STEP_REQUESTS = 13;

/** The fewest requests a run needs for its largest check; a smaller `--max-requests` is a usage error. */
export function minimumBudget(settings: Pick<ContractSettings, 'maxPages' | 'allowWrites'>): number {
  // The preflight, then the largest check: the sample of the data and the walk of the whole list,
  // or one write step.
  const read = 1 + settings.maxPages;
  return PREFLIGHT_REQUESTS + Math.max(read, settings.allowWrites ? WRITE_STEP_REQUESTS : 0);
}
