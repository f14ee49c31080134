import { Server, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Why the screen answered a connection itself rather than hand it to Node's parser. */
export type ScreenRefusal =
  /** The first request line is `METHOD SP target`: HTTP/0.9, which has no headers to wait for. */
  | 'no-version'
  /** The client did not end its first request line within `timeoutMs`. */
  | 'timeout'
  /** The client ended its side in the middle of its first request line. */
  | 'cut-short';

export interface RequestLineScreenOptions {
  /**
   * A client must end its first request line within this many milliseconds (0: no limit). The
   * server's own headers timeout cannot: Node's connection checker does not know a connection
   * before the screen hands it over.
   */
  readonly timeoutMs: number;
  /** Past this many bytes without the end of a line, the connection goes to Node's parser as it is, which judges the length. */
  readonly maxBytes: number;
  /** Answers a connection the screen does not hand over, and closes it. */
  readonly refuse: (socket: Socket, reason: ScreenRefusal) => void;
}

const CR = 0x0d;
const LF = 0x0a;
/** `METHOD SP request-target` and nothing after it: a request line without the ` HTTP/x.y` of RFC 9112 §3. */
const VERSIONLESS_REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ [^ ]+$/;

/**
 * An HTTP server that reads each connection's first request line before Node's parser does.
 *
 * Node's parser reads a request line without an HTTP version (HTTP/0.9: `GET /path` and nothing
 * else) as a request whose headers are still to come, and waits for them until the headers
 * timeout. The parser runs in C++ on the socket, out of sight, and a `data` listener on the socket
 * would take every later request on it off that fast path. So each connection starts here: its
 * bytes are read up to the end of the first non-empty line (empty lines before it are ignored, as
 * RFC 9112 §2.2 asks), then a version-less line is refused at once, and any other is put back on
 * the socket, which goes to Node's own connection handling: the parser reads those bytes through
 * its `data` path once, then reads the socket in C++ as for any connection.
 */
export class RequestLineScreeningServer extends Server {
  /** Connections Node's server does not know: being screened, or refused by the screen and not yet closed. */
  readonly #notHandedOver = new Set<Socket>();

  constructor(options: ServerOptions, requestListener: RequestListener<typeof IncomingMessage, typeof ServerResponse>, screen: RequestLineScreenOptions) {
    super(options, requestListener);
    // The server's own connection listener, added by its constructor: the screen stands in front of it.
    const [handleConnection, ...others] = this.listeners('connection');
    if (!handleConnection || others.length > 0) throw new Error('expected the HTTP server to have exactly one connection listener, its own');
    this.removeAllListeners('connection');
    this.on('connection', (socket: Socket) =>
      this.#screen(socket, screen, () => {
        Reflect.apply(handleConnection, this, [socket]);
      }),
    );
  }

  /** Closes the connections the screen holds too: none has a request in flight. */
  override closeIdleConnections(): void {
    this.#destroyNotHandedOver();
    super.closeIdleConnections();
  }

  override closeAllConnections(): void {
    this.#destroyNotHandedOver();
    super.closeAllConnections();
  }

  #destroyNotHandedOver(): void {
    for (const socket of this.#notHandedOver) socket.destroy();
  }

  #screen(socket: Socket, { timeoutMs, maxBytes, refuse }: RequestLineScreenOptions, handOver: () => void): void {
    this.#notHandedOver.add(socket);
    const chunks: Buffer[] = [];
    let received = 0;
    /** Where the first non-empty line starts in the bytes received, once a byte of it has come. */
    let lineStart: number | undefined;
    let settled = false;
    /** Ends the screening of this socket (once), then does what the screen decided. */
    const settle = (next: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      // The socket's close listener keeps this scope for the connection's life: not its first bytes.
      chunks.length = 0;
      next();
    };

    const onData = (chunk: Buffer) => {
      let from = 0;
      if (lineStart === undefined) {
        while (from < chunk.length && (chunk[from] === CR || chunk[from] === LF)) from++;
        if (from < chunk.length) lineStart = received + from;
      }
      chunks.push(chunk);
      received += chunk.length;
      const lineEnd = lineStart === undefined ? -1 : chunk.indexOf(LF, from);
      if (lineEnd === -1 && received < maxBytes) return;
      const head = chunks.length === 1 ? chunk : Buffer.concat(chunks, received);
      const line = lineEnd === -1 ? undefined : head.toString('latin1', lineStart, received - chunk.length + lineEnd).replace(/\r$/, '');
      if (line !== undefined && VERSIONLESS_REQUEST_LINE.test(line)) {
        settle(() => refuse(socket, 'no-version'));
        return;
      }
      settle(() => {
        // Node's error listener replaces the screen's in the same tick: the socket is never without one.
        socket.off('error', onError);
        this.#notHandedOver.delete(socket);
        handOver();
        // The socket flows and the parser now listens for `data`: this emits the bytes to it at once,
        // ahead of any the socket reads later.
        socket.unshift(head);
      });
    };
    // Node's parser would end an empty connection quietly, and refuse a request line cut short.
    const onEnd = () => settle(() => (lineStart === undefined ? socket.end() : refuse(socket, 'cut-short')));
    // A reset or the like before the first line ends: nobody to answer.
    const onError = () => socket.destroy();

    // 0 is no limit, as for Node's headers timeout.
    const timer = timeoutMs > 0 ? setTimeout(() => settle(() => refuse(socket, 'timeout')), timeoutMs) : undefined;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    socket.once('close', () => {
      clearTimeout(timer);
      this.#notHandedOver.delete(socket);
    });
  }
}
