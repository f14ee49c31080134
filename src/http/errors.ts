import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CustomerLimitError, CustomerNotFoundError, EmailTakenError, InvalidDataSetError, NotSavedError } from '../domain/errors.js';
import { SandboxLimitError } from '../tenancy/applications.js';
import { REASON_PHRASES } from './reason-phrases.js';

/** The one error body of the API: `{statusCode, message, error}`, plus a few documented extras. */
export interface ErrorBody {
  statusCode: number;
  message: string | string[];
  error: string;
  [extra: string]: unknown;
}

/**
 * A failure that already knows its response. It carries no stack: it is an answer on its way to
 * the client, not a fault to trace, and V8 would walk the whole call chain for one (about 10 us,
 * on every 401 and 400 a client provokes).
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string | string[],
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    const { stackTraceLimit } = Error;
    Error.stackTraceLimit = 0;
    super(Array.isArray(detail) ? detail.join('; ') : detail);
    Error.stackTraceLimit = stackTraceLimit;
    this.name = 'HttpError';
  }
}

/** `error` is the status's reason phrase, as Node's http module words it (NestJS's errors carry it too). */
function errorBody(status: number, message: string | string[], extra: Record<string, unknown>): ErrorBody {
  return { statusCode: status, message, error: REASON_PHRASES[status] ?? 'Error', ...extra };
}

/** The JSON text of `error`'s body: every error body of the mock, the Node server's own included, is made here. */
export function errorJson(error: HttpError): string {
  return JSON.stringify(errorBody(error.status, error.detail, error.extra));
}

/**
 * Maps anything thrown while serving a request to the response it gets: the one error path of
 * the app and of the Node server in front of it. A fault (what maps to no answer of the API) is
 * reported here, with its stack; a full disk is reported by the journal that met it; and every
 * answer, 5xx included, goes to the request log and its observers (the terminal log of `--log`)
 * as any request does.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof CustomerNotFoundError) return new HttpError(404, error.message);
  if (error instanceof EmailTakenError) return new HttpError(409, error.message);
  if (error instanceof InvalidDataSetError) return new HttpError(400, [...error.problems]);
  // Only sandboxes' stores have a limit.
  if (error instanceof CustomerLimitError) {
    return new HttpError(413, `Sandbox customer limit reached: a sandbox holds at most ${error.limit} customers (--max-sandbox-customers)`);
  }
  if (error instanceof SandboxLimitError) {
    return new HttpError(409, `Sandbox limit reached: this mock holds at most ${error.limit} sandboxes at once (--max-sandboxes); delete one first`);
  }
  // Reads go on; the client may retry the write once the disk has room. The journal has said why.
  if (error instanceof NotSavedError) return new HttpError(503, error.message);
  console.error('customers-mock: unexpected error', error);
  return new HttpError(500, 'Internal server error');
}
