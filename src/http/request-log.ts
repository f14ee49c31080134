import type { Context } from 'hono';
import type { Clock } from '../domain/clock.js';
import type { Step } from './pipeline.js';
import { requestUrl } from './request-url.js';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly time: string;
  readonly durationMs: number;
}

const CAPACITY = 1000;

/**
 * A request as recorded while serving it. The parts only a reader needs (the query as an object,
 * the time as text) are worked out when the log is read, not on every request.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly url: URL;
  readonly status: number;
  /** Epoch milliseconds at which the request arrived. */
  readonly at: number;
  readonly durationMs: number;
}

function describe(recorded: RecordedRequest): LoggedRequest {
  return {
    method: recorded.method,
    path: recorded.url.pathname,
    query: Object.fromEntries(recorded.url.searchParams),
    status: recorded.status,
    time: new Date(recorded.at).toISOString(),
    durationMs: recorded.durationMs,
  };
}

/** The most recent requests, for test harnesses. Headers are never kept, so neither are credentials. */
export class RequestLog {
  // A ring: once full, each request overwrites the oldest instead of shifting a thousand entries.
  private entries: RecordedRequest[] = [];
  private oldest = 0;

  add(entry: RecordedRequest): void {
    if (this.entries.length < CAPACITY) {
      this.entries.push(entry);
      return;
    }
    this.entries[this.oldest] = entry;
    this.oldest = (this.oldest + 1) % CAPACITY;
  }

  /** Oldest first. */
  list(): readonly LoggedRequest[] {
    return [...this.entries.slice(this.oldest), ...this.entries.slice(0, this.oldest)].map(describe);
  }

  clear(): void {
    this.entries = [];
    this.oldest = 0;
  }
}

export type RequestObserver = (entry: LoggedRequest) => void;

/** Records every request after its response is decided, and tells any observer (the terminal log). */
export function recordRequests(log: RequestLog, clock: Clock, observers: readonly RequestObserver[]): Step {
  const record = (c: Context, started: number, at: number): void => {
    const url = requestUrl(c);
    const recorded: RecordedRequest = {
      method: c.req.method,
      url,
      status: c.res.status,
      at,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (!url.pathname.startsWith('/__admin/')) log.add(recorded);
    if (observers.length === 0) return;
    const entry = describe(recorded);
    for (const observe of observers) observe(entry);
  };
  return (c, next) => {
    const started = performance.now();
    const at = clock.now();
    // Awaited only when something after it awaits: a synchronous answer stays synchronous.
    const done = next();
    if (done) return done.then(() => record(c, started, at));
    record(c, started, at);
    return undefined;
  };
}
