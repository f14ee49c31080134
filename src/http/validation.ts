import type { Context, MiddlewareHandler } from 'hono';
import type { RequestValidator, ValidParameters } from '../spec/index.js';
import { parseJsonBody, readBodyText } from './body.js';
import { HttpError } from './errors.js';
import { requestHeaders } from './request-headers.js';
import { requestUrl } from './request-url.js';

/** A request that passed the document's checks: typed handlers read only this. */
export interface ValidRequest extends ValidParameters {
  readonly body: unknown;
  /** The body exactly as received, for idempotency fingerprints. */
  readonly rawBody: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    valid: ValidRequest;
  }
}

/** Validates parameters and body against the operation's schemas from the OpenAPI document. */
export function validateRequest(validator: RequestValidator, bodyLimitBytes: number): MiddlewareHandler {
  return async (c, next) => {
    const params = validator.parameters({
      query: queryValues(c),
      path: c.req.param() as Record<string, string>,
      headers: requestHeaders(c),
    });
    let rawBody = '';
    let body: unknown;
    const messages = params.ok ? [] : [...params.messages];
    if (validator.body) {
      rawBody = await readBodyText(c.req.raw, bodyLimitBytes);
      const checked = validator.body(parseJsonBody(rawBody));
      if (checked.ok) body = checked.value;
      else messages.push(...checked.messages);
    }
    if (!params.ok || messages.length > 0) throw new HttpError(400, messages);
    c.set('valid', { ...params.value, body, rawBody });
    await next();
  };
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
