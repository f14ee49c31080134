import { decodeUtf8, readLimited } from '../read-limited.js';
import { HttpError } from './errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './limits.js';

/**
 * Reads the body as text, refusing (413) as soon as it is known to exceed the limit. `framed`: the
 * body is known to be exactly as long as its Content-Length says (Node's HTTP parser frames it),
 * so a declared length within the limit is read whole, without a stream to count it through.
 */
export async function readBodyText(request: Request, limitBytes: number, framed: boolean): Promise<string> {
  return decodeUtf8(await readBodyBytes(request, limitBytes, framed));
}

/** The body's bytes as received, under the same limit as readBodyText (the proxy forwards them unchanged). */
export async function readBodyBytes(request: Request, limitBytes: number, framed: boolean): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  const reading = framed && declared !== null ? request.arrayBuffer().then((whole) => new Uint8Array(whole)) : readStream(request, limitBytes);
  const bytes = await reading.catch(() => {
    // The client closed the connection mid-body (or was timed out): nobody is left to answer.
    throw new HttpError(400, 'The request body ended before it was complete');
  });
  if (!bytes) throw tooLarge(limitBytes);
  return bytes;
}

function readStream(request: Request, limitBytes: number): Promise<Uint8Array | undefined> {
  return request.body ? readLimited(request.body, limitBytes) : Promise.resolve(new Uint8Array(0));
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `Request body is larger than ${limitBytes} bytes`);
}

/** Parses a JSON body; anything that is not JSON is a 400 in the API's error format. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new HttpError(400, ['body must be a JSON object']);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Deep nesting can exhaust the parser too; either way the client sent something unusable.
    throw new HttpError(400, ['body must be valid JSON']);
  }
  if (nestsDeeperThan(parsed)) throw new HttpError(400, [`body must not nest deeper than ${MAX_JSON_DEPTH} levels`]);
  return parsed;
}
