import { ManualClock } from '../../src/domain/clock.js';
import { createMock, startMock, type NodeMock, type ListeningMock } from '../../src/node-mock.js';
import type { MockConfig } from '../../src/config/mock-config.js';

export const CREDENTIALS = { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' } as const;

/** A mock served in-process (no socket), with rate limiting off unless a test turns it on. */
export async function inProcessMock(config: Partial<MockConfig> = {}, clock?: ManualClock): Promise<InProcessMock> {
  const mock = await createMock({ rateLimit: 0, count: 200, ...config }, clock ? { clock } : {});
  return new InProcessMock(mock);
}

export interface TestResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class InProcessMock {
  constructor(readonly mock: NodeMock) {}

  get store() {
    return this.mock.store;
  }

  async request<T = any>(method: string, path: string, options: { body?: unknown; rawBody?: string; headers?: Record<string, string>; auth?: boolean } = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...(options.auth === false ? {} : CREDENTIALS), ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await this.mock.app.request(path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Left as text: the test asserts on it.
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, { headers });
  }
}

/** A mock on a real loopback socket, for tests that need the network stack. */
export function listeningMock(config: Partial<MockConfig> = {}): Promise<ListeningMock> {
  return startMock({ rateLimit: 0, count: 200, port: 0, ...config });
}

export { ManualClock };
