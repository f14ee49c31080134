import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { getRequestListener, RequestError } from '@hono/node-server';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { errorJson, HttpError, toHttpError } from './errors.js';
import { MAX_HEADER_BYTES } from './limits.js';
import { RequestLineScreeningServer, type ScreenRefusal } from './request-line-screen.js';
import type { ParsedRequestEnv } from './request-url.js';

export interface NodeServerOptions {
  /** The host name assumed for HTTP/1.0 requests, which may come without a Host header. */
  readonly hostname: string;
  /** A client must send its complete headers within this many milliseconds. */
  readonly headersTimeoutMs: number;
  /** A client must send its complete request, body included, within this many milliseconds. */
  readonly requestTimeoutMs: number;
}

/** What the Node server hands each request to: the mock's app or the proxy's, whatever their own bindings. */
export interface FetchHandler {
  fetch(request: Request, env: (HttpBindings | Http2Bindings) & ParsedRequestEnv): Response | Promise<Response>;
}

export interface NodeServer {
  readonly server: Server;
  /**
   * Stops accepting connections, closes idle ones, lets requests in flight finish and resolves
   * once the last connection is gone. The answer to each request in flight is its connection's
   * last, so no keep-alive timeout holds the shutdown up.
   */
  readonly close: () => Promise<void>;
}

/** Listens on `port` (0: a free one) and `host`; rejects when it cannot (the port taken, the host unknown). */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The URL a server listening on a TCP port answers on (an IPv6 host in brackets). */
export function listeningUrl(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * The Node HTTP server in front of the app. Requests the app never sees (malformed HTTP, headers
 * over the parser's limit, clients too slow to finish their request, CONNECT) are answered in the
 * API's JSON error format too, where Node would send a bare status line or drop the connection.
 */
export function createNodeServer(app: FetchHandler, options: NodeServerOptions): NodeServer {
  const malformed = () => errorResponse(new HttpError(400, 'The request URL or Host header is missing or malformed'));
  const listener = getRequestListener((request, env) => {
    // HTTP/1.1 requires a Host header (Node's own check answers with a bare status line, so it is off).
    if (env.incoming.httpVersion === '1.1' && env.incoming.headers.host === undefined) return malformed();
    // A request line without a version (HTTP/0.9, which has no headers or status line) that the
    // screen did not see, being a later request on the connection: Node reads it as a request all
    // the same; it is refused, and the connection closed.
    if (env.incoming.httpVersionMajor === 0) return closing(errorResponse(versionlessRequestLine()));
    // @hono/node-server trusts a Host header made of host characters (`.0.0.1`) and builds a URL
    // nothing can parse; every route parses it, so such a request stops here, and the others
    // hand their parsed URL on (see requestUrl).
    const requestUrl = parseUrl(request.url);
    if (!requestUrl) return malformed();
    return app.fetch(request, Object.assign(env, { requestUrl, framedBody: true } satisfies ParsedRequestEnv));
  }, {
    hostname: options.hostname,
    // A target or Host header @hono/node-server itself rejects (without this, an empty 400), or
    // what the app threw past its own error path: a fault, answered and reported as the app would.
    errorHandler: (error) => (error instanceof RequestError ? malformed() : errorResponse(toHttpError(error))),
  });
  const server = new RequestLineScreeningServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: checkingInterval(Math.min(options.headersTimeoutMs, options.requestTimeoutMs)),
      maxHeaderSize: MAX_HEADER_BYTES,
      requireHostHeader: false,
    },
    // The listener answers every error itself (errorHandler above), so its promise never rejects.
    (incoming, outgoing) => void listener(incoming, outgoing),
    {
      // The first line is part of the headers, so it gets their time; and a version-less line
      // longer than the parser takes is left to the parser's 431, as with a version.
      timeoutMs: options.headersTimeoutMs,
      maxBytes: MAX_HEADER_BYTES,
      refuse: (socket, reason) => writeRawError(socket, screenRefusalError(reason)),
    },
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const status = protocolErrorStatus(error.code);
    const answer = () => writeRawError(socket, protocolError(status));
    // Garbage pipelined after a request that is still being served: that request is answered
    // first (its write may already be done), then the error. A timeout cannot wait, nor can a
    // request whose own body is malformed (a chunk size of `zz`, `-5` or past 2^64): it would
    // wait for the rest of a body that never comes, until the request timeout.
    const inFlight = responseOn(socket);
    if (inFlight && !inFlight.writableEnded && status !== 408 && inFlight.req.complete) inFlight.once('close', answer);
    else answer();
  });
  // Kept per connection, not per request: keep-alive clients send many requests on each one,
  // and a listener per request cost a list request about 2% of its CPU.
  const connections = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  // Without a listener Node drops CONNECT requests silently; the mock is no proxy, and says so.
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => {
    writeRawError(socket, new HttpError(400, 'CONNECT is not supported: this is not a proxy'));
  });
  return {
    server,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        for (const socket of connections) {
          const response = responseOn(socket);
          if (response && !response.headersSent) response.setHeader('Connection', 'close');
        }
      }),
  };
}

/** A request line without an HTTP version, wherever it is seen: one answer. */
function versionlessRequestLine(): HttpError {
  return new HttpError(400, 'The request line names no HTTP version (HTTP/0.9 is not supported)');
}

/** The answer to a connection the request-line screen refuses before Node's parser sees it. */
function screenRefusalError(reason: ScreenRefusal): HttpError {
  switch (reason) {
    case 'no-version':
      return versionlessRequestLine();
    case 'timeout':
      return protocolError(408);
    case 'cut-short':
      return protocolError(400);
  }
}

/** The response, with the connection closed after it. */
function closing(response: Response): Response {
  response.headers.set('Connection', 'close');
  return response;
}

/** The URL, or undefined when it cannot be parsed (`URL.parse` needs Node 22). */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/**
 * Node checks the headers and request timeouts only every `connectionsCheckingInterval` (30 s by
 * default), so a timeout fires up to that much late: check at a quarter of the shortest, at most every second.
 */
function checkingInterval(shortestTimeoutMs: number): number {
  return Math.max(10, Math.min(1_000, Math.floor(shortestTimeoutMs / 4)));
}

/** The status Node's default `clientError` handler would send, for the same parser errors. */
function protocolErrorStatus(code: string | undefined): 400 | 408 | 413 | 431 {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

function protocolError(status: 400 | 408 | 413 | 431): HttpError {
  return new HttpError(status, protocolErrorMessage(status));
}

function protocolErrorMessage(status: 400 | 408 | 413 | 431): string {
  switch (status) {
    case 408:
      return 'The request was not received in time';
    case 413:
      return 'Chunk extensions are larger than the server accepts';
    case 431:
      return `Request line and headers are larger than ${MAX_HEADER_BYTES} bytes`;
    case 400:
      return 'Malformed HTTP request';
  }
}

/** The response Node is writing on this socket, if any: undocumented, but Node's own clientError handling reads it too. */
function responseOn(socket: Duplex): ServerResponse | undefined {
  return (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage ?? undefined;
}

/** The API's error response for `error`, for a request the app never saw. */
function errorResponse(error: HttpError): Response {
  return new Response(errorJson(error), { status: error.status, headers: { 'Content-Type': 'application/json', ...error.headers } });
}

/** Writes a complete JSON error response straight to the socket and closes it. */
function writeRawError(socket: Duplex, error: HttpError): void {
  // A response already under way (a timeout while answering) cannot be replaced; only cut short.
  if (!socket.writable || responseOn(socket)?.headersSent) {
    socket.destroy();
    return;
  }
  const body = errorJson(error);
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}
