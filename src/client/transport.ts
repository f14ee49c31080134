import { asError, errorCode } from '../caught-error.js';
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { readLimitedText } from '../read-limited.js';
import { TransportError } from './errors.js';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryableStatus, retryDelayMs, serverWaitMs, type RetryPolicy } from './retry.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface TransportOptions {
  /** e.g. `https://api.example.com`; paths such as `/api/v0/customers` are appended to it. */
  readonly baseUrl: string;
  readonly clientKey: string;
  readonly clientSecret: string;
  /** Defaults to the global fetch; tests pass one bound to an in-process app. */
  readonly fetch?: FetchLike;
  /** Limit of each attempt, body included. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Bodies beyond this many bytes are refused rather than buffered. */
  readonly maxResponseBytes?: number;
  /** Waits between retries; tests pass one that moves a manual clock. */
  readonly sleep?: Sleep;
  /** Reads HTTP-date `Retry-After` values against this clock. */
  readonly clock?: Clock;
  /** Draws the backoff jitter, in [0, 1). */
  readonly random?: () => number;
  /** Told of every attempt that goes on the wire, retries included (for request counts and logs). */
  readonly onAttempt?: (attempt: { method: string; url: string; attempt: number }) => void;
}

/** Credentials of one request: a header is left out when its value is null. */
export interface RequestCredentials {
  readonly clientKey?: string | null;
  readonly clientSecret?: string | null;
}

export interface RawRequestOptions {
  readonly method: string;
  /** Path below the base URL, e.g. `/api/v0/customers/123`. */
  readonly path: string;
  /** Pairs are encoded; a string is sent as it is, so invalid or repeated parameters can be sent too. */
  readonly query?: string | Readonly<Record<string, string | number | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent exactly as given (with a JSON content type), e.g. malformed JSON. */
  readonly rawBody?: string;
  /** Overrides the client's credentials; `{clientSecret: null}` sends no secret. */
  readonly credentials?: RequestCredentials;
  /**
   * The key that makes a write safe to retry. Writes get a fresh one unless given; `false` sends
   * none, and then a write is not retried.
   */
  readonly idempotencyKey?: string | false;
  readonly signal?: AbortSignal;
}

/** What was sent, with the secret masked: safe to print in a report. */
export interface SentRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** One response as received: status, headers and the body both as text and parsed. */
export interface RawResponse {
  readonly request: SentRequest;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: unknown;
  readonly bodyIsJson: boolean;
  /** Attempts it took, 1 when the first one was answered. */
  readonly attempts: number;
}

export type Transport = (options: RawRequestOptions) => Promise<RawResponse>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(asError(signal.reason));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(asError(signal.reason));
    }, { once: true });
  });

/**
 * Sends requests and returns every response, error statuses included; throws only when there is
 * no response (TransportError) after its retries. Retries 429, 5xx, timeouts and lost connections
 * for requests that are safe to repeat: reads, and writes carrying an idempotency key.
 */
export function createTransport(options: TransportOptions): Transport {
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const sleep = options.sleep ?? realSleep;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  return async (request) => {
    const method = request.method.toUpperCase();
    const url = `${baseUrl}${request.path}${queryString(request.query)}`;
    const idempotencyKey = request.idempotencyKey ?? (WRITE_METHODS.has(method) ? crypto.randomUUID() : false);
    const headers = requestHeaders(options, request, idempotencyKey);
    const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
    const sent: SentRequest = { method, url, headers: masked(headers), body };
    const repeatable = SAFE_METHODS.has(method) || idempotencyKey !== false;

    for (let attempt = 1; ; attempt++) {
      const canRetry = repeatable && attempt < policy.maxAttempts;
      options.onAttempt?.({ method, url, attempt });
      let response: RawResponse;
      try {
        response = await attemptOnce(fetchImpl, { url, method, headers, body }, sent, attempt, timeoutMs, maxBytes, request.signal);
      } catch (error) {
        if (!(error instanceof TransportError) || error.kind === 'too-large' || !canRetry || !policy.retryTransportErrors) throw error;
        await sleep(backoffMs(attempt, policy, random), request.signal);
        continue;
      }
      if (!canRetry || !isRetryableStatus(response.status)) return response;
      const delay = retryDelayMs(attempt, policy, random, serverWaitMs(response.headers, response.body, clock.now()));
      if (delay === undefined) return response;
      await sleep(delay, request.signal);
    }
  };
}

function requestHeaders(options: TransportOptions, request: RawRequestOptions, idempotencyKey: string | false): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = request.credentials?.clientKey === undefined ? options.clientKey : request.credentials.clientKey;
  const secret = request.credentials?.clientSecret === undefined ? options.clientSecret : request.credentials.clientSecret;
  if (key !== null) headers['x-client-key'] = key;
  if (secret !== null) headers['x-client-secret'] = secret;
  if (request.body !== undefined || request.rawBody !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey !== false) headers['idempotency-key'] = idempotencyKey;
  return { ...headers, ...request.headers };
}

function masked(headers: Record<string, string>): Record<string, string> {
  const copy = { ...headers };
  if (copy['x-client-secret'] !== undefined) copy['x-client-secret'] = '***';
  return copy;
}

function queryString(query: RawRequestOptions['query']): string {
  if (query === undefined) return '';
  if (typeof query === 'string') return query === '' ? '' : `?${query.replace(/^\?/, '')}`;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

async function attemptOnce(
  fetchImpl: FetchLike,
  wire: { url: string; method: string; headers: Record<string, string>; body: string | undefined },
  sent: SentRequest,
  attempt: number,
  timeoutMs: number,
  maxBytes: number,
  callerSignal: AbortSignal | undefined,
): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([timeout, callerSignal]) : timeout;
  const fail = (error: unknown): never => {
    if (callerSignal?.aborted) throw error;
    if (timeout.aborted) throw new TransportError('timeout', wire.method, wire.url, `no complete response within ${timeoutMs} ms`, { cause: error });
    if (error instanceof TransportError) throw error;
    throw new TransportError('connection', wire.method, wire.url, `connection failed (${describeCause(error)})`, { cause: error });
  };
  try {
    const response = await fetchImpl(wire.url, { method: wire.method, headers: wire.headers, body: wire.body, signal });
    const text = await readText(response, maxBytes, wire);
    const { body, bodyIsJson } = parseBody(text);
    return { request: sent, status: response.status, headers: response.headers, text, body, bodyIsJson, attempts: attempt };
  } catch (error) {
    return fail(error);
  }
}

/** Reads the body as text, giving up as soon as it passes the limit instead of buffering it all. */
async function readText(response: Response, maxBytes: number, wire: { method: string; url: string }): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new TransportError('too-large', wire.method, wire.url, `response body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  if (!response.body) return '';
  const text = await readLimitedText(response.body, maxBytes);
  if (text === undefined) throw new TransportError('too-large', wire.method, wire.url, `response body passed the ${maxBytes}-byte limit`);
  return text;
}

function parseBody(text: string): { body: unknown; bodyIsJson: boolean } {
  if (text === '') return { body: text, bodyIsJson: false };
  try {
    const body: unknown = JSON.parse(text);
    return { body, bodyIsJson: true };
  } catch {
    return { body: text, bodyIsJson: false };
  }
}

function describeCause(error: unknown): string {
  const { cause, message } = asError(error);
  return errorCode(cause) ?? (cause instanceof Error ? cause.message : undefined) ?? message;
}
