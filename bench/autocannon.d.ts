// autocannon ships no types. This declares the part of its programmatic API that the bench and the
// soak test (test/robustness/soak.test.ts, which the root tsconfig also compiles) use.
declare module 'autocannon' {
  export interface RequestContext {
    [key: string]: unknown;
  }
  export interface RawRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  export interface SequencedRequest extends RawRequest {
    setupRequest?: (request: RawRequest, context: RequestContext) => RawRequest | undefined;
    onResponse?: (status: number, body: string, context: RequestContext) => void;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    headers?: Record<string, string>;
    method?: string;
    requests?: SequencedRequest[];
    /** Each connection is closed and opened anew after this many requests (0: kept alive). */
    reconnectRate?: number;
  }
  export interface Histogram {
    average: number;
    total: number;
    p50: number;
    p99: number;
    max: number;
  }
  export interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    resets: number;
    '2xx': number;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
