import { connect } from 'node:net';

/** One HTTP/1.1 response as read off the wire. */
export interface RawResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RawExchange {
  /** The responses received before the connection closed or the wait ended, in order. */
  readonly responses: RawResponse[];
  /** Whether the server closed the connection (rather than the wait running out). */
  readonly closed: boolean;
  readonly elapsedMs: number;
}

export interface RawOptions {
  /** Stop waiting after this long; the socket is then destroyed. */
  readonly timeoutMs?: number;
  /** Written one after another with `gapMs` between them: a slow client. */
  readonly chunks?: readonly (string | Buffer)[];
  readonly gapMs?: number;
  /** Stop waiting as soon as this many complete responses have arrived. */
  readonly responses?: number;
  /** Half-close after writing everything, as `curl` does not but scanners may: the server sees EOF. */
  readonly halfClose?: boolean;
}

/**
 * Sends raw bytes to host:port and parses what comes back: for requests `fetch` will not send
 * (bad framing, odd methods, lying lengths, stalled or trickling clients).
 */
export function rawExchange(port: number, request: string | Buffer, options: RawOptions = {}): Promise<RawExchange> {
  const { timeoutMs = 5_000, chunks = [], gapMs = 0, responses: wanted = Infinity, halfClose = false } = options;
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ responses: parseResponses(received), closed, elapsedMs: performance.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (parseResponses(received).length >= wanted) finish(false);
    });
    // A reset after the server answered and closed is still a close.
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    const send = async () => {
      socket.write(request);
      for (const chunk of chunks) {
        await new Promise((r) => setTimeout(r, gapMs));
        if (socket.destroyed) return;
        socket.write(chunk);
      }
      if (halfClose && !socket.destroyed) socket.end();
    };
    // Writing to a socket the server closed is reported by its 'error' event, never by a rejection.
    socket.on('connect', () => void send());
  });
}

/** Complete responses in the bytes (Content-Length or chunked framing); a trailing partial one is left out. */
export function parseResponses(bytes: Buffer): RawResponse[] {
  const responses: RawResponse[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', offset);
    if (headEnd < 0) break;
    const [statusLine = '', ...lines] = bytes.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let cursor = headEnd + 4;
    let body: Buffer;
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', cursor);
        if (lineEnd < 0) return responses;
        const size = parseInt(bytes.subarray(cursor, lineEnd).toString('latin1'), 16);
        if (Number.isNaN(size) || lineEnd + 2 + size + 2 > bytes.length) return responses;
        parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
        cursor = lineEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      const length = Number(headers['content-length'] ?? 0);
      if (cursor + length > bytes.length) break;
      body = bytes.subarray(cursor, cursor + length);
      cursor += length;
    }
    responses.push({ status, headers, body: body.toString('utf8') });
    offset = cursor;
  }
  return responses;
}
