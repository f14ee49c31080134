import { isJsonObject } from '../json-object.js';
import type { components } from '../openapi/openapi-types.js';
import type { RawResponse } from './transport.js';

/** The API's error body, as the OpenAPI document defines it. */
export type ApiErrorBody = components['schemas']['Error'];

/** The server answered with an error status; `body` is the API's error body when it sent one. */
export class ApiError extends Error {
  readonly status: number;
  /** The parsed error body (an `ApiErrorBody` from a conforming server); the raw text when the server did not send JSON. */
  readonly body: unknown;
  readonly response: RawResponse;

  constructor(response: RawResponse) {
    const detail = isErrorBody(response.body) ? [response.body.message].flat().join('; ') : response.text.slice(0, 200);
    super(`${response.request.method} ${response.request.url} -> ${response.status}${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiError';
    this.status = response.status;
    this.body = response.body;
    this.response = response;
  }

  /** The body when it has the API's error shape, else undefined. */
  get errorBody(): ApiErrorBody | undefined {
    return isErrorBody(this.body) ? this.body : undefined;
  }
}

/** A success status whose body is not the JSON the operation documents. */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly response: RawResponse,
    reason: string,
  ) {
    super(`${response.request.method} ${response.request.url} -> ${response.status}: ${reason}`);
    this.name = 'UnexpectedResponseError';
  }
}

export type TransportFailure = 'timeout' | 'connection' | 'too-large';

/** No usable response at all: the request timed out, the connection failed, or the body was too large. */
export class TransportError extends Error {
  constructor(
    readonly kind: TransportFailure,
    readonly method: string,
    readonly url: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${method} ${url}: ${detail}`, options);
    this.name = 'TransportError';
  }
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return isJsonObject(body) && typeof body.statusCode === 'number' && (typeof body.message === 'string' || Array.isArray(body.message)) && typeof body.error === 'string';
}
