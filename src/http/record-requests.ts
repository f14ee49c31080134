import type { Context } from 'hono';
import type { Clock } from '../domain/clock.js';
import type { TargetRedactor } from '../domain/redaction.js';
import type { Applications } from '../tenancy/applications.js';
import { describeRequest, type LoggedRequest, type RecordedRequest } from '../tenancy/request-log.js';
import type { Step } from './pipeline.js';
import { requestUrl } from './request-url.js';

/** Told of every request the app answers, as the request log shows it. */
export type RequestObserver = (entry: LoggedRequest) => void;

/**
 * Records every request after its response is decided, in the log the tenancy model keeps for its
 * caller, and tells any observer (the terminal log): its path and query with any credential in
 * them masked by `redact`, for both.
 */
export function recordRequests(applications: Applications, clock: Clock, observers: readonly RequestObserver[], redact: TargetRedactor): Step {
  let sequence = 0;
  const record = (c: Context, started: number, at: number): void => {
    const url = requestUrl(c);
    const recorded: RecordedRequest = {
      method: c.req.method,
      path: redact.path(url.pathname),
      search: redact.search(url.search),
      status: c.res.status,
      at,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      sequence: sequence++,
    };
    if (!url.pathname.startsWith('/__admin/')) applications.requestLogOf(c.get('application')).add(recorded);
    if (observers.length === 0) return;
    const entry = describeRequest(recorded);
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
