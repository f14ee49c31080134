import type { Context } from 'hono';
import { errorJson, type HttpError } from './errors.js';

/** A class made like the platform's Response from a body the app holds whole; InMemoryResponse is one. */
export type ResponseClass = new (body: string | Uint8Array<ArrayBuffer> | null, init: { status: number; headers: Record<string, string> }) => Response;

declare module 'hono' {
  interface ContextVariableMap {
    /** Headers that steps before the endpoint gave the response this request will get. */
    responseHeaders: Record<string, string> | undefined;
  }
}

/** Gives the response this request will get, whichever step or endpoint makes it, these headers too. */
export function addResponseHeaders(c: Context, headers: Record<string, string>): void {
  const added = c.get('responseHeaders');
  c.set('responseHeaders', added ? mergedHeaders(added, headers) : headers);
}

/**
 * The records as one, later ones winning, as a spread (`{ ...a, ...b }`) would, but copied by
 * Object.assign: V8 gives a spread copy a shape that takes a further key only slowly (0.7 us of
 * every response's CPU once the rate-limit headers came with `--rate-limit 0` too).
 */
function mergedHeaders(...records: ReadonlyArray<Record<string, string> | undefined>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const record of records) Object.assign(merged, record);
  return merged;
}

/**
 * Every answer of the app (the API's, its errors, the docs) is made here, rather than by Hono's
 * c.json and c.body, so that the engine chooses its Response class: in process, InMemoryResponse,
 * whose body is read without a stream. Hono makes its responses with the global Response, which
 * would be the only way to swap it. Bytes and headers are the same as c.json's and c.body's.
 */
export class Responses {
  /** `responseClass` absent: the global Response, looked up on each answer, because @hono/node-server puts its own in its place when it starts. */
  constructor(private readonly responseClass?: ResponseClass) {}

  json(c: Context, value: unknown, status = 200): Response {
    return this.body(c, JSON.stringify(value), status, 'application/json');
  }

  body(c: Context, body: string | Uint8Array<ArrayBuffer>, status: number, contentType: string, headers: Record<string, string> = {}): Response {
    const Class = this.responseClass ?? Response;
    return new Class(body, { status, headers: mergedHeaders(c.get('responseHeaders'), headers, { 'Content-Type': contentType }) });
  }

  /** The API's error body for `error`, with its headers. */
  error(c: Context, error: HttpError): Response {
    return this.body(c, errorJson(error), error.status, 'application/json', error.headers);
  }
}
