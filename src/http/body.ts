import { decodeUtf8, readLimited, readLimitedText } from '../read-limited.js';
import { HttpError } from './errors.js';
import type { SlicedWork } from '../domain/slices.js';
import { MAX_JSON_DEPTH, nestingDeeperThan } from './limits.js';
import { parsingJson } from './sliced-json.js';

/**
 * Reads the body as text, refusing (413) as soon as it is known to exceed the limit. `framed`: the
 * body is known to be exactly as long as its Content-Length says (Node's HTTP parser frames it),
 * so a short declared body is read whole, without a stream to count it through; a longer one (an
 * upload) is decoded chunk by chunk as it arrives.
 */
export async function readBodyText(request: Request, limitBytes: number, framed: boolean): Promise<string> {
  const declared = declaredLength(request, limitBytes);
  if (framed && declared !== undefined && declared <= READ_WHOLE_BYTES) return decodeUtf8(await received(wholeBody(request)));
  const text = await received(request.body ? readLimitedText(request.body, limitBytes) : Promise.resolve(''));
  if (text === undefined) throw tooLarge(limitBytes);
  return text;
}

/** The body's bytes as received, under the same limit as readBodyText (the proxy forwards them unchanged). */
export async function readBodyBytes(request: Request, limitBytes: number, framed: boolean): Promise<Uint8Array> {
  const declared = declaredLength(request, limitBytes);
  const reading = framed && declared !== undefined ? wholeBody(request) : readStream(request, limitBytes);
  const bytes = await received(reading);
  if (!bytes) throw tooLarge(limitBytes);
  return bytes;
}

/** Bodies up to this long are read whole: every request but an upload. */
const READ_WHOLE_BYTES = 1024 * 1024;

/** The Content-Length the request declares, if any; a 413 when it is over the limit. */
function declaredLength(request: Request, limitBytes: number): number | undefined {
  const declared = request.headers.get('content-length');
  if (declared === null) return undefined;
  if (Number(declared) > limitBytes) throw tooLarge(limitBytes);
  return Number(declared);
}

/** What `reading` reads; a 400 when the client closed the connection mid-body (or was timed out): nobody is left to answer. */
function received<T>(reading: Promise<T>): Promise<T> {
  return reading.catch(() => {
    throw new HttpError(400, 'The request body ended before it was complete');
  });
}

/** A framed body read whole: no stream counts it, its length was checked against the limit. */
function wholeBody(request: Request): Promise<Uint8Array> {
  return request.arrayBuffer().then((whole) => new Uint8Array(whole));
}

function readStream(request: Request, limitBytes: number): Promise<Uint8Array | undefined> {
  return request.body ? readLimited(request.body, limitBytes) : Promise.resolve(new Uint8Array(0));
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `Request body is larger than ${limitBytes} bytes`);
}

/**
 * Parses a JSON body, as work in slices for an upload (see sliced-json.ts); anything that is not
 * JSON is a 400 in the API's error format.
 */
export function* parsingJsonBody(text: string): SlicedWork<unknown> {
  if (text.trim() === '') throw new HttpError(400, ['body must be a JSON object']);
  let parsed: unknown;
  try {
    parsed = yield* parsingJson(text);
  } catch {
    // Deep nesting can exhaust the parser too; either way the client sent something unusable.
    throw new HttpError(400, ['body must be valid JSON']);
  }
  if (yield* nestingDeeperThan(parsed)) throw new HttpError(400, [`body must not nest deeper than ${MAX_JSON_DEPTH} levels`]);
  return parsed;
}
