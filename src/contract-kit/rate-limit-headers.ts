import type { oas31 } from 'openapi3-ts';
import type { RawResponse } from '../client/index.js';
import type { SpecModel } from '../openapi/index.js';

/** Longest wait for a rate-limit window to end: a window is a minute. */
const MAX_WINDOW_WAIT_MS = 65_000;

interface WindowState {
  limit: number;
  remaining: number;
  /** Unix seconds. */
  reset: number;
}

/** The window a response reported, and when it arrived (ms, the tracker's clock). */
interface ObservedWindow extends WindowState {
  answeredAtMs: number;
}

/**
 * The rate-limit headers, judged and obeyed. Each response must carry the headers the document
 * declares as required for its status, and they must agree with each other and with the
 * previous response to the same client key (refused credentials apart): the limit does not
 * change, and within one window (the same reset time) every request uses one up, so `Remaining` falls. The kit also waits for
 * the next window when the current one is used up, so a long run never storms the server with 429s.
 */
export class RateLimitTracker {
  private readonly windows = new Map<string, ObservedWindow>();
  private pauseUntilMs = 0;

  constructor(
    private readonly document: SpecModel,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Deviations of the response's headers from the document; records the window it reports.
   * `sentAtMs` is when the request left (the tracker's clock): `Remaining` is compared only with a
   * response that had arrived by then, since requests in flight together may be counted by the
   * server in either order.
   */
  judge(operationId: string, response: RawResponse, sentAtMs: number): string[] {
    const declared = this.declaredHeaders(operationId, response.status);
    const problems: string[] = [];
    for (const [name, header] of Object.entries(declared)) {
      if (!header.required) continue;
      const value = response.headers.get(name);
      if (value === null) problems.push(`header ${name} is missing (the document requires it on a ${response.status})`);
      else if (isIntegerHeader(header) && !/^\d+$/.test(value.trim())) problems.push(`header ${name} is ${JSON.stringify(value)}, expected a whole number`);
    }
    const state = readWindow(response.headers);
    if (!state) return problems;
    if (state.remaining > state.limit) problems.push(`header X-RateLimit-Remaining ${state.remaining} is above X-RateLimit-Limit ${state.limit}`);
    const nowSeconds = this.now() / 1000;
    // A second either way for clocks that tick at different moments, and a window of at most an hour.
    if (state.reset < nowSeconds - 2 || state.reset > nowSeconds + 3600) {
      problems.push(`header X-RateLimit-Reset ${state.reset} is not the end of a current window (now is ${Math.floor(nowSeconds)})`);
    }
    // Refused credentials are followed apart: whether they spend the key's own window is a choice
    // (x-choices rate-limit-failed-auth), not a documented rule. Within each kind the count falls
    // either way, since a count shared by both falls too.
    const key = `${response.status === 401 ? 'refused ' : ''}${response.request.headers['x-client-key'] ?? ''}`;
    const previous = this.windows.get(key);
    if (previous && previous.limit !== state.limit) problems.push(`header X-RateLimit-Limit changed from ${previous.limit} to ${state.limit} between two requests`);
    const sequential = previous !== undefined && previous.answeredAtMs <= sentAtMs;
    if (sequential && previous.reset === state.reset && state.remaining >= previous.remaining && response.status !== 429) {
      problems.push(`header X-RateLimit-Remaining did not fall within one window: ${previous.remaining}, then ${state.remaining} (reset ${state.reset})`);
    }
    this.windows.set(key, { ...state, answeredAtMs: this.now() });
    if (state.remaining === 0) this.pauseUntilMs = Math.min(this.now() + MAX_WINDOW_WAIT_MS, state.reset * 1000 + 100);
    return problems;
  }

  /** Waits, when the last response used up its window, until the next window starts. */
  async waitForWindow(): Promise<void> {
    const wait = this.pauseUntilMs - this.now();
    this.pauseUntilMs = 0;
    if (wait > 0) await this.sleep(wait);
  }

  private declaredHeaders(operationId: string, status: number): Record<string, oas31.HeaderObject> {
    const responses = this.document.operation(operationId).responses;
    const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
    return (response?.headers ?? {}) as Record<string, oas31.HeaderObject>;
  }
}

function isIntegerHeader(header: oas31.HeaderObject): boolean {
  return (header.schema as oas31.SchemaObject | undefined)?.type === 'integer';
}

function readWindow(headers: Headers): WindowState | undefined {
  const read = (name: string) => {
    const value = headers.get(name)?.trim();
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const [limit, remaining, reset] = [read('x-ratelimit-limit'), read('x-ratelimit-remaining'), read('x-ratelimit-reset')];
  if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
  return { limit, remaining, reset };
}
