import type { Context } from 'hono';
import type { DefaultedParameters } from '../openapi/contract-facts.generated.js';
import type { operations } from '../openapi/openapi-types.js';
import type { Endpoint } from './pipeline.js';

/** An operation of the document, by its operationId. */
export type OperationId = keyof operations;

type OperationParameters<Op extends OperationId> = operations[Op]['parameters'];

/** A location's parameters; an empty record where the operation has none there. */
type Present<T> = [NonNullable<T>] extends [never] ? Record<string, never> : NonNullable<T>;

/** The parameters whose document default validation fills in, so they are always there. */
type Defaulted<Op extends OperationId, Where extends string> = Op extends keyof DefaultedParameters
  ? Where extends keyof DefaultedParameters[Op]
    ? DefaultedParameters[Op][Where]
    : never
  : never;

type WithDefaults<T, Keys> = T & Required<Pick<T, Keys & keyof T>>;

/** Header names arrive in lower case, whatever case the document spells them in. */
type LowerCaseKeys<T> = { readonly [K in keyof T as K extends string ? Lowercase<K> : K]: T[K] };

type RequestBody<Op extends OperationId> =
  NonNullable<operations[Op]['requestBody']> extends { content: { 'application/json': infer Body } } ? Body : undefined;

/**
 * A request that passed the checks the document states for operation `Op`, typed by the types
 * generated from the same document: handlers read it with no casts.
 */
export interface ValidRequest<Op extends OperationId> {
  readonly query: WithDefaults<Present<OperationParameters<Op>['query']>, Defaulted<Op, 'query'>>;
  readonly path: Present<OperationParameters<Op>['path']>;
  readonly headers: LowerCaseKeys<Present<OperationParameters<Op>['header']>>;
  readonly body: RequestBody<Op>;
  /** The body exactly as received, for idempotency fingerprints. */
  readonly rawBody: string;
}

/** Answers one operation, given its validated request. */
export type OperationHandler<Op extends OperationId> = (c: Context, request: ValidRequest<Op>) => Response | Promise<Response>;

/** One handler for each operation named; with no names given, one for every operation of the document. */
export type OperationHandlers<Ops extends OperationId = OperationId> = { readonly [Op in Ops]: OperationHandler<Op> };

export function isOperationId(handlers: OperationHandlers, id: string): id is OperationId {
  return Object.hasOwn(handlers, id);
}

/**
 * The endpoint of operation `id`. Validation stored the request as plain records (see
 * validation.ts); its validator was compiled from this operation's schemas, which are what
 * `ValidRequest<Op>` is generated from, so this one place may give it its operation's type.
 */
export function operationEndpoint<Op extends OperationId>(handlers: OperationHandlers, id: Op): Endpoint {
  const handler: OperationHandler<Op> = handlers[id];
  return (c) => handler(c, c.get('valid') as ValidRequest<Op>);
}
