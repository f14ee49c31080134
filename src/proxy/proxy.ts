import type { IncomingHttpHeaders, Server } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { DEFAULT_CONFIG } from '../config/mock-config.js';
import { readBodyBytes } from '../http/body.js';
import { errorJson, HttpError } from '../http/errors.js';
import { createNodeServer, listen, listeningUrl } from '../http/node-server.js';
import { requestUrl, type ParsedRequestEnv } from '../http/request-url.js';
import type { Judge, Verdict } from '../judge/index.js';
import { getSpecModel, toRouterPath, type SpecOperation } from '../openapi/index.js';
import { ruleCatalogue } from '../openapi/rules.js';
import { credentialRedactor } from './credentials.js';
import { driftNamer } from './drift.js';
import type { Recorder } from './recorder.js';
import { TrafficReport } from './report.js';
import { connectUpstream, UpstreamError, type ForwardedRequest, type Upstream } from './upstream.js';
import { asError } from '../caught-error.js';

/** Where the proxy answers for itself; every other path is the upstream's. */
export const REPORT_PATH = '/__proxy/report';

/** The header naming how many documented rules an exchange broke; absent when none. */
export const VIOLATIONS_HEADER = 'X-Contract-Violations';

/**
 * A judged answer is read whole before it is passed on. A page of the API is some 100 KB at most;
 * an answer far beyond that is a broken upstream, not one to buffer (the kit's bound too).
 */
const MAX_JUDGED_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface ProxyOptions {
  readonly upstream: URL;
  /** An upstream request without a complete answer after this long is answered 504. */
  readonly upstreamTimeoutMs: number;
  readonly judge: Judge;
  /** Keeps the customers the upstream's answers show, when recording. */
  readonly recorder?: Recorder;
  /** Told of every verdict as it is made (the live log), credentials already taken out. */
  readonly onVerdict?: (verdict: Verdict, exchange: { method: string; target: string }) => void;
  /** Told when judging an exchange failed (a fault of the proxy's): its answer was passed on unjudged. */
  readonly onJudgeError?: (error: Error, exchange: { method: string; target: string }) => void;
  /** Told of every request the upstream gave no usable answer to. */
  readonly onUpstreamFailure?: (error: UpstreamError, exchange: { method: string; target: string }) => void;
}

/** What the mock's Node server hands each request: Node's message, and what it already parsed (node-server.ts). */
interface ProxyEnv {
  Bindings: HttpBindings & ParsedRequestEnv;
}

export interface Proxy {
  readonly app: Hono<ProxyEnv>;
  readonly report: TrafficReport;
  readonly upstream: Upstream;
}

/**
 * The validation proxy as a Hono app: every request goes to the upstream as the client sent it
 * (method, path, query, headers with the credentials, body) and its answer comes back unchanged
 * but for `X-Contract-Violations`. Requests to an operation of the Customers API are judged, and
 * their answers read whole for that; anything else (the mock's admin routes, unknown paths)
 * streams through unjudged.
 */
export async function createProxy(options: ProxyOptions): Promise<Proxy> {
  const spec = await getSpecModel();
  const nameDrift = driftNamer(spec);
  const report = new TrafficReport(ruleCatalogue(spec.spec.asWritten).rules);
  const upstream = connectUpstream(options.upstream, { timeoutMs: options.upstreamTimeoutMs, maxResponseBytes: MAX_JUDGED_RESPONSE_BYTES });
  // Not strict, like the API's router: `/api/v0/customers/` is the list too.
  const app = new Hono<ProxyEnv>({ strict: false });

  app.get(REPORT_PATH, () => Response.json(report.toJSON()));
  // The API's own operations; the mock's admin endpoints are no deployment's, and pass through.
  for (const operation of spec.operations.filter((op) => op.tags.includes('Customers'))) {
    app.on(operation.method.toUpperCase(), toRouterPath(operation.path), (c) =>
      // HEAD is routed to GET handlers; its answer has no body to judge.
      c.req.method === operation.method.toUpperCase() ? judged(c, operation) : passedThrough(c),
    );
  }
  app.all('*', (c) => passedThrough(c));

  async function judged(c: Context<ProxyEnv>, operation: SpecOperation): Promise<Response> {
    report.countRequest();
    const forwarded = await forwardedRequest(c, DEFAULT_CONFIG.bodyLimitBytes);
    if (forwarded instanceof Response) return forwarded;
    const redact = credentialRedactor(forwarded.rawHeaders);
    const label = { method: forwarded.method, target: redact(forwarded.target) };
    let answer;
    try {
      answer = await upstream.buffered(forwarded);
    } catch (error) {
      return upstreamFailure(error, label);
    }
    const { incoming } = c.env;
    const judgedRequest = { method: forwarded.method, url: forwarded.target, headers: singleValued(incoming.headers), body: forwarded.body.byteLength === 0 ? undefined : utf8(forwarded.body) };
    const response = { status: answer.status, headers: answer.headers, ...parsedBody(answer.body, answer.headers.get('content-type')) };
    let verdicts: Verdict[] = [];
    try {
      const judgement = options.judge.judge(judgedRequest, response);
      verdicts = judgement.verdicts.map((verdict) => ({ ...verdict, message: redact(verdict.message) }));
      const evidence = { operationId: operation.operationId, ...label, response: { ...response, contentType: answer.headers.get('content-type') } };
      const observations = (await nameDrift(verdicts, evidence)).map((observation) => ({ ...observation, detail: redact(observation.detail) }));
      report.add(judgement.judged, verdicts, observations);
    } catch (error) {
      // A fault of the proxy's own must not cost the client its answer: it passes on unjudged, and is said.
      options.onJudgeError?.(asError(error), label);
    }
    options.recorder?.see({ operationId: operation.operationId, params: c.req.param(), response });
    for (const verdict of verdicts) options.onVerdict?.(verdict, label);
    // The client's request and the upstream's answer alike: each documented rule the exchange broke counts once.
    const broken = new Set(verdicts.filter((v) => v.provenance === 'documented').map((v) => v.rule)).size;
    if (broken > 0) answer.headers.set(VIOLATIONS_HEADER, String(broken));
    return new Response(hasNoBody(forwarded.method, answer.status) ? null : answer.body, { status: answer.status, headers: answer.headers });
  }

  async function passedThrough(c: Context<ProxyEnv>): Promise<Response> {
    report.countRequest();
    const forwarded = await forwardedRequest(c, DEFAULT_CONFIG.adminBodyLimitBytes);
    if (forwarded instanceof Response) return forwarded;
    try {
      const answer = await upstream.streamed(forwarded);
      return new Response(hasNoBody(forwarded.method, answer.status) ? null : answer.body, { status: answer.status, headers: answer.headers });
    } catch (error) {
      return upstreamFailure(error, { method: forwarded.method, target: credentialRedactor(forwarded.rawHeaders)(forwarded.target) });
    }
  }

  function upstreamFailure(error: unknown, label: { method: string; target: string }): Response {
    if (!(error instanceof UpstreamError)) throw error;
    report.addUpstreamFailure(error.status, error.message);
    options.onUpstreamFailure?.(error, label);
    return errorResponse(new HttpError(error.status, error.message));
  }

  return { app, report, upstream };
}

const NO_BODY: Uint8Array = new Uint8Array(0);

/** An answer of the proxy's own, in the API's error format, made by the mock's one error mapper. */
function errorResponse(error: HttpError): Response {
  return new Response(errorJson(error), { status: error.status, headers: { 'content-type': 'application/json' } });
}

/**
 * The client's request, its body read within the mock's limit; a refusal (413, a body cut short)
 * is answered as the mock answers it. Read from Node's message: the web Request that Hono would
 * make of it costs more than the rest of forwarding a read, so it is made only for a body.
 */
async function forwardedRequest(c: Context<ProxyEnv>, bodyLimitBytes: number): Promise<ForwardedRequest | Response> {
  const { incoming } = c.env;
  let body = NO_BODY;
  if (incoming.headers['transfer-encoding'] !== undefined || (incoming.headers['content-length'] ?? '0') !== '0') {
    try {
      body = await readBodyBytes(c.req.raw, bodyLimitBytes, c.env.framedBody === true);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return errorResponse(error);
    }
  }
  const url = requestUrl(c);
  return { method: incoming.method ?? c.req.method, target: `${url.pathname}${url.search}`, rawHeaders: incoming.rawHeaders, body };
}

/** A body as a judge reads it: parsed when it is JSON, else its text; none when empty. */
function parsedBody(bytes: Uint8Array, contentType: string | null | undefined): { body: unknown; bodyIsJson: boolean } {
  if (bytes.byteLength === 0) return { body: undefined, bodyIsJson: false };
  const text = utf8(bytes);
  if (contentType && !/\bjson\b/i.test(contentType)) return { body: text, bodyIsJson: false };
  try {
    const body: unknown = JSON.parse(text);
    return { body, bodyIsJson: true };
  } catch {
    return { body: text, bodyIsJson: false };
  }
}

/** Buffer's decoder: several times faster than TextDecoder on a page, and it too keeps a byte order mark. */
function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Node's headers as the judge reads them: one value each (a repeated header's values joined, as HTTP allows). */
function singleValued(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const single: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) single[name] = Array.isArray(value) ? value.join(', ') : value;
  return single;
}

/** Answers that carry no body whatever the upstream sent (the Response class refuses one). */
function hasNoBody(method: string, status: number): boolean {
  return method === 'HEAD' || status === 204 || status === 205 || status === 304;
}

export interface RunningProxy extends Proxy {
  readonly url: string;
  readonly server: Server;
  /** Stops accepting connections, lets requests in flight finish, then closes the upstream's connections. */
  close(): Promise<void>;
}

/** The proxy on a socket, with the mock's Node server in front (its limits, timeouts and error answers). */
export async function startProxy(options: ProxyOptions & { readonly host: string; readonly port: number }): Promise<RunningProxy> {
  const proxy = await createProxy(options);
  const { server, close } = createNodeServer(proxy.app, {
    hostname: options.host,
    headersTimeoutMs: DEFAULT_CONFIG.headersTimeoutMs,
    requestTimeoutMs: DEFAULT_CONFIG.requestTimeoutMs,
  });
  await listen(server, options.port, options.host);
  return {
    ...proxy,
    server,
    url: listeningUrl(server),
    async close() {
      await close();
      proxy.upstream.close();
    },
  };
}
