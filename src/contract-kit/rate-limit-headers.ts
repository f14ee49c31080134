import type { RawResponse } from '../client/index.js';

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
 * The rate-limit window over a run's requests, judged and obeyed (each response's own headers are
 * the judge's: src/judge). Each response must agree with the previous response to the same client
 * key (refused credentials apart): the limit does not change, and within one window (the same
 * reset time) every request uses one up, so `Remaining` falls. The kit also waits for the next
 * window when the current one is used up, so a long run never storms the server with 429s.
 */
export class RateLimitTracker {
  private readonly windows = new Map<string, ObservedWindow>();
  private pauseUntilMs = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * How the window the response reports follows the previous one (`compared` is false when there
   * was none to compare with); records it. `sentAtMs` is when the request left (the tracker's
   * clock): `Remaining` is compared only with a response that had arrived by then, since requests
   * in flight together may be counted by the server in either order.
   */
  follow(response: RawResponse, sentAtMs: number): { compared: boolean; problems: string[] } {
    const state = readWindow(response.headers);
    if (!state) return { compared: false, problems: [] };
    const problems: string[] = [];
    // Refused credentials are followed apart: whether they spend the key's own window is a choice
    // (x-choices rate-limit-failed-auth), not a documented rule. Within each kind the count falls
    // either way, since a count shared by both falls too.
    const key = `${response.status === 401 ? 'refused ' : ''}${response.request.headers['x-client-key'] ?? ''}`;
    const previous = this.windows.get(key);
    if (previous && previous.limit !== state.limit) problems.push(`header X-RateLimit-Limit changed from ${previous.limit} to ${state.limit} between two requests`);
    const sequential = previous !== undefined && previous.answeredAtMs <= sentAtMs && previous.reset === state.reset;
    if (sequential && state.remaining >= previous.remaining && response.status !== 429) {
      problems.push(`header X-RateLimit-Remaining did not fall within one window: ${previous.remaining}, then ${state.remaining} (reset ${state.reset})`);
    }
    this.windows.set(key, { ...state, answeredAtMs: this.now() });
    if (state.remaining === 0) this.pauseUntilMs = Math.min(this.now() + MAX_WINDOW_WAIT_MS, state.reset * 1000 + 100);
    return { compared: previous !== undefined && (sequential || problems.length > 0), problems };
  }

  /** Waits, when the last response used up its window, until the next window starts. */
  async waitForWindow(): Promise<void> {
    const wait = this.pauseUntilMs - this.now();
    this.pauseUntilMs = 0;
    if (wait > 0) await this.sleep(wait);
  }
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
