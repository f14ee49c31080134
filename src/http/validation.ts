import type { Context } from 'hono';
import type { RequestValidator, Validation, ValidParameters } from '../openapi/index.js';
import { runInSlices, type SlicedWork } from '../domain/slices.js';
import { parsingJsonBody, readBodyText } from './body.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import { requestUrl, type ParsedRequestEnv } from './request-url.js';
import type { Step } from './pipeline.js';

/**
 * A request that passed the document's checks, as plain records: what the steps between
 * validation and the handler read. Handlers get it typed by their operation (ValidRequest<Op> in
 * operation-handlers.ts).
 */
export interface CheckedRequest extends ValidParameters {
  readonly body: unknown;
  /** The body exactly as received, for idempotency fingerprints. */
  readonly rawBody: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    valid: CheckedRequest;
  }
}

/** Validates parameters and body against the operation's schemas from the OpenAPI document. */
export function validateRequest(validator: RequestValidator, bodyLimitBytes: number): Step {
  const { checkingBody } = validator;
  return (c, next) => {
    const params = validator.parameters({
      query: queryValues(c),
      path: c.req.param(),
      headers: requestHeaders(c),
    });
    // An operation without a body (every read) stays synchronous: no frame or promise of its own.
    if (!checkingBody) {
      if (!params.ok) throw new HttpError(400, [...params.messages]);
      c.set('valid', validRequest(params.value, undefined, ''));
      return next();
    }
    const framed = (c.env as ParsedRequestEnv | undefined)?.framedBody === true;
    return readBodyText(c.req.raw, bodyLimitBytes, framed).then(async (rawBody) => {
      const absent = !validator.operation.requestBodyRequired && rawBody.trim() === '';
      // In slices: an upload of 100,000 customers takes a second to parse and check.
      const checked = absent ? ({ ok: true, value: undefined } as const) : await runInSlices(parsedAndChecked(rawBody, checkingBody));
      const messages = [...(params.ok ? [] : params.messages), ...(checked.ok ? [] : checked.messages)];
      if (!params.ok || !checked.ok) throw new HttpError(400, messages);
      c.set('valid', validRequest(params.value, checked.value, rawBody));
      return next();
    });
  };
}

function* parsedAndChecked(rawBody: string, checkingBody: (body: unknown) => SlicedWork<Validation<unknown>>): SlicedWork<Validation<unknown>> {
  return yield* checkingBody(yield* parsingJsonBody(rawBody));
}

/**
 * Built field by field: spreading the parameters into a new object (`{ ...params, body }`) took
 * V8's generic copy and was the largest single cost of a list request in the CPU profile.
 */
function validRequest(params: ValidParameters, body: unknown, rawBody: string): CheckedRequest {
  return { query: params.query, path: params.path, headers: params.headers, body, rawBody };
}

function queryValues(c: Context): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [name, value] of requestUrl(c).searchParams) {
    const list = values.get(name);
    if (list) list.push(value);
    else values.set(name, [value]);
  }
  return values;
}
