import type { MiddlewareHandler } from 'hono';
import type { Clock } from '../domain/clock.js';

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly time: string;
  readonly durationMs: number;
}

const CAPACITY = 1000;

/** The most recent requests, for test harnesses. Headers are never kept, so neither are credentials. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > CAPACITY) this.entries.splice(0, this.entries.length - CAPACITY);
  }

  list(): readonly LoggedRequest[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}

export type RequestObserver = (entry: LoggedRequest) => void;

/** Records every request after its response is decided, and tells any observer (the terminal log). */
export function recordRequests(log: RequestLog, clock: Clock, observers: readonly RequestObserver[]): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const at = clock.now();
    await next();
    const url = new URL(c.req.url);
    const entry: LoggedRequest = {
      method: c.req.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: c.res.status,
      time: new Date(at).toISOString(),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
    if (!url.pathname.startsWith('/__admin/')) log.add(entry);
    for (const observe of observers) observe(entry);
  };
}
