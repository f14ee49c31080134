import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';

/**
 * Headers that describe one connection, not the message (RFC 9110, 7.6.1): never forwarded in
 * either direction. The proxy frames each message itself.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-authorization', 'proxy-authenticate']);

/** Methods that change nothing (RFC 9110, 9.2.1): sending one twice cannot do harm. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request to send upstream: the client's, with its headers as Node received them. */
export interface ForwardedRequest {
  readonly method: string;
  /** Path and query as the client sent them. */
  readonly target: string;
  /** Node's `rawHeaders`: names and values alternating, repeated headers kept apart. */
  readonly rawHeaders: readonly string[];
  readonly body: Uint8Array;
}

/** The upstream's answer: status, headers as sent (hop-by-hop ones left out) and the body. */
export interface UpstreamAnswer<Body> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
}

/** Why the upstream gave no usable answer: a 502 or 504 for the client, in the API's error format. */
export class UpstreamError extends Error {
  constructor(
    readonly status: 502 | 504,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface UpstreamOptions {
  /** A request gets no answer (its whole body, when read) within this time: 504. */
  readonly timeoutMs: number;
  /** A buffered answer longer than this is a 502: the proxy never holds an unbounded body. */
  readonly maxResponseBytes: number;
}

export interface Upstream {
  readonly url: URL;
  /** Sends the request and reads the whole answer (up to the limit), for judging. */
  buffered(request: ForwardedRequest): Promise<UpstreamAnswer<Uint8Array>>;
  /** Sends the request and hands the answer's body on as it arrives (routes the proxy does not judge). */
  streamed(request: ForwardedRequest): Promise<UpstreamAnswer<ReadableStream<Uint8Array> | null>>;
  /** Closes the kept-alive connections. */
  close(): void;
}

/** Whether the URL names this machine, where plain http exposes nothing on the network. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The upstream, over kept-alive connections: a connection per request in flight, reused, so
 * forwarding costs no handshake (the added latency the issue bounds is mostly this).
 */
export function connectUpstream(url: URL, options: UpstreamOptions): Upstream {
  const https = url.protocol === 'https:';
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = https ? httpsRequest : httpRequest;
  const basePath = url.pathname.replace(/\/+$/, '');

  function exchange(forwarded: ForwardedRequest, onAnswer: (answer: IncomingMessage, settle: Settle) => void): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let outgoing: ClientRequest;
      const settle: Settle = {
        resolve: (value) => {
          settled = true;
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          outgoing.destroy();
          reject(error);
        },
      };
      const attempt = (isRetry: boolean) => {
        let answered = false;
        outgoing = send(
          {
            protocol: url.protocol,
            hostname: url.hostname.replace(/^\[|\]$/g, ''),
            port: url.port,
            method: forwarded.method,
            path: `${basePath}${forwarded.target}`,
            headers: outgoingHeaders(forwarded, url.host),
            agent,
          },
          (answer) => {
            answered = true;
            const status = answer.statusCode ?? 0;
            // Node hands on any three digits; an HTTP response can carry only these (RFC 9110, 15).
            if (status < 200 || status > 599) settle.reject(new UpstreamError(502, `The upstream ${url.origin} answered with status ${status}, which no response can carry`));
            else onAnswer(answer, settle);
          },
        );
        outgoing.on('error', (error: NodeJS.ErrnoException) => {
          // A kept-alive connection the upstream closed as it was reused: the request never reached
          // it, so a safe one (a read) is sent once more, on a fresh connection (as Node's docs advise).
          const stale = outgoing.reusedSocket && !answered && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
          if (stale && !isRetry && !settled && SAFE.has(forwarded.method)) attempt(true);
          else settle.reject(new UpstreamError(502, unreachable(url, error)));
        });
        outgoing.end(forwarded.body.byteLength > 0 ? forwarded.body : undefined);
      };
      const timer = setTimeout(() => settle.reject(new UpstreamError(504, `The upstream ${url.origin} did not answer within ${options.timeoutMs} ms`)), options.timeoutMs);
      attempt(false);
    });
  }

  return {
    url,
    buffered(forwarded) {
      return exchange(forwarded, (answer, settle) => {
        const chunks: Buffer[] = [];
        let received = 0;
        answer.on('data', (chunk: Buffer) => {
          received += chunk.byteLength;
          if (received > options.maxResponseBytes) {
            settle.reject(new UpstreamError(502, `The upstream's answer is larger than ${options.maxResponseBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        answer.on('end', () => settle.resolve({ status: answer.statusCode!, headers: incomingHeaders(answer), body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
        answer.on('error', (error: NodeJS.ErrnoException) => settle.reject(new UpstreamError(502, unreachable(url, error))));
      }) as Promise<UpstreamAnswer<Uint8Array>>;
    },
    streamed(forwarded) {
      return exchange(forwarded, (answer, settle) => {
        const empty = forwarded.method === 'HEAD' || answer.statusCode === 204 || answer.statusCode === 304;
        if (empty) answer.resume();
        settle.resolve({ status: answer.statusCode!, headers: incomingHeaders(answer), body: empty ? null : (Readable.toWeb(answer) as ReadableStream<Uint8Array>) });
      }) as Promise<UpstreamAnswer<ReadableStream<Uint8Array> | null>>;
    },
    close: () => agent.destroy(),
  };
}

interface Settle {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The client's headers for the upstream: all of them, credentials included, but for hop-by-hop ones; Host names the upstream. */
function outgoingHeaders(forwarded: ForwardedRequest, host: string): OutgoingHttpHeaders {
  const { rawHeaders } = forwarded;
  const dropped = connectionTokens(rawHeaders);
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    // The body is read whole before it is sent, so a client's `Expect: 100-continue` has been answered already.
    if (HOP_BY_HOP.has(name) || dropped.has(name) || name === 'host' || name === 'content-length' || name === 'expect') continue;
    const value = rawHeaders[i + 1]!;
    const earlier = headers[name];
    headers[name] = earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
  }
  headers.host = host;
  // The body was read whole, so it is sent with its length whatever framing the client used.
  if (forwarded.body.byteLength > 0 || !['GET', 'HEAD', 'DELETE', 'OPTIONS'].includes(forwarded.method)) headers['content-length'] = String(forwarded.body.byteLength);
  return headers;
}

/** Headers a `Connection` header names are hop-by-hop too. */
function connectionTokens(rawHeaders: readonly string[]): Set<string> {
  const tokens = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() !== 'connection') continue;
    for (const token of rawHeaders[i + 1]!.split(',')) tokens.add(token.trim().toLowerCase());
  }
  return tokens;
}

function incomingHeaders(answer: IncomingMessage): Headers {
  const headers = new Headers();
  const dropped = connectionTokens(answer.rawHeaders);
  const raw = answer.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || dropped.has(name)) continue;
    headers.append(raw[i]!, raw[i + 1]!);
  }
  return headers;
}

function unreachable(url: URL, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `The upstream ${url.origin} refused the connection`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The upstream's host ${url.hostname} could not be resolved`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `The upstream ${url.origin} closed the connection before answering`;
    default:
      return `The upstream ${url.origin} could not be reached (${error.code ?? error.message})`;
  }
}
