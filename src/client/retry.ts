import { isJsonObject } from '../json-object.js';

/** How a client retries a request that failed in a way worth retrying (429, 5xx, lost connection). */
export interface RetryPolicy {
  /** Attempts in all, the first included; 1 turns retries off. */
  readonly maxAttempts: number;
  /** The backoff ceiling of the first retry; it doubles for each further one. */
  readonly baseDelayMs: number;
  /** No backoff ceiling grows beyond this. */
  readonly maxDelayMs: number;
  /**
   * A server asking for a longer wait than this (`Retry-After`) is not retried: the error goes to
   * the caller, who can decide better than a client stalled for minutes.
   */
  readonly maxRetryAfterMs: number;
  /**
   * Whether a timeout or a lost connection is retried like a 503. A contract check turns it off:
   * a server that does not answer is the finding, not something to wait out.
   */
  readonly retryTransportErrors: boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 120_000,
  retryTransportErrors: true,
};

/**
 * The backoff before retry number `retry` (1 for the first retry): "full jitter", a uniform draw
 * in [0, min(max, base * 2^(retry-1))], so clients that failed together do not retry together.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait before retry number `retry` after a response: the backoff, but never less than the
 * server asked for. Undefined when the server asks for more than the policy allows.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, random: () => number, serverWaitMs?: number): number | undefined {
  if (serverWaitMs !== undefined && serverWaitMs > policy.maxRetryAfterMs) return undefined;
  return Math.max(backoffMs(retry, policy, random), serverWaitMs ?? 0);
}

/**
 * The wait a response asks for, in ms: the `Retry-After` header (seconds or an HTTP date), else
 * the `retryAfter` seconds of the API's 429 body. Undefined when neither says anything usable.
 */
export function serverWaitMs(headers: Headers, body: unknown, nowMs: number): number | undefined {
  const header = headers.get('retry-after')?.trim();
  if (header) {
    if (/^\d+$/.test(header)) return Number(header) * 1000;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const fromBody = isJsonObject(body) ? body.retryAfter : undefined;
  if (typeof fromBody === 'number' && Number.isFinite(fromBody) && fromBody >= 0) return fromBody * 1000;
  return undefined;
}

/** Statuses that say "try again later" rather than "this request is wrong". */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
