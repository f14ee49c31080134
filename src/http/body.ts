import { decodeUtf8, readLimited } from '../read-limited.js';
import { HttpError } from './errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './limits.js';

/** Reads the body as text, refusing (413) as soon as it is known to exceed the limit. */
export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > limitBytes) throw tooLarge(limitBytes);
  if (!request.body) return '';
  const bytes = await readLimited(request.body, limitBytes).catch(() => {
    // The client closed the connection mid-body (or was timed out): nobody is left to answer.
    throw new HttpError(400, 'The request body ended before it was complete');
  });
  if (!bytes) throw tooLarge(limitBytes);
  return decodeUtf8(bytes);
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `Request body is larger than ${limitBytes} bytes`);
}

/** Parses a JSON body; anything that is not JSON is a 400 in the API's error format. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') throw new HttpError(400, ['body must be a JSON object']);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // Deep nesting can exhaust the parser too; either way the client sent something unusable.
    throw new HttpError(400, ['body must be valid JSON']);
  }
  if (nestsDeeperThan(parsed)) throw new HttpError(400, [`body must not nest deeper than ${MAX_JSON_DEPTH} levels`]);
  return parsed;
}
