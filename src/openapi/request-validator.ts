import type { oas31 } from 'openapi3-ts';
import { ITEMS_PER_YIELD, runAll, type SlicedWork } from '../domain/slices.js';
import { isJsonObject } from '../json-object.js';
import { describeErrors, type ErrorObject, type Schema } from './ajv.js';
import { resolved, type SpecOperation } from './operations.js';
import { checkName, itemArraysOf, PARAMETER_LOCATIONS, parameterKey, parametersIn, type CompiledChecks, type ParameterLocation } from './validator-schemas.js';

/** What a request carries before validation: every value as the wire gave it. */
export interface RawRequest {
  /** Every value of every query parameter, in order (a repeated parameter has several). */
  readonly query: ReadonlyMap<string, readonly string[]>;
  readonly path: Readonly<Record<string, string>>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface ValidParameters {
  readonly query: Record<string, unknown>;
  readonly path: Record<string, unknown>;
  readonly headers: Record<string, unknown>;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; messages: string[] };

export interface RequestValidator {
  readonly operation: SpecOperation;
  parameters(raw: RawRequest): Validation<ValidParameters>;
  /** Undefined when the operation takes no body. Works on a copy: the caller's value is left as it is. */
  readonly body: ((body: unknown) => Validation<unknown>) | undefined;
  /**
   * `body` as work in slices (see domain/slices.ts), on the value itself, which it fills defaults
   * into: for a body the caller owns, just parsed. A long item array (an upload of customers) is
   * checked item by item, yielding between, and the rest of the body apart.
   */
  readonly checkingBody: ((body: unknown) => SlicedWork<Validation<unknown>>) | undefined;
}

type Location = ParameterLocation;

/**
 * The operation's parameter and body checks, looked up once, when first used: a document
 * compiled at run time compiles only the operations a mock (or a test's in-process mock) is sent.
 */
export function compileRequestValidator(checks: CompiledChecks, operation: SpecOperation): RequestValidator {
  const { operationId } = operation;
  const parameterChecks = once(() =>
    PARAMETER_LOCATIONS.map((location) => ({
      location,
      params: parametersIn(operation, location),
      validate: checks(checkName.parameters(operationId, location)),
    })),
  );
  const bodyCheck = operation.requestBodySchema ? once(() => checks(checkName.body(operationId))) : undefined;
  const itemArrays = operation.requestBodySchema ? itemArraysOf(operation.requestBodySchema) : [];
  const checkingBody = bodyCheck
    ? function* (body: unknown): SlicedWork<Validation<unknown>> {
        const long = itemArrays.flatMap(({ member }) => {
          const items = member === undefined ? body : isJsonObject(body) ? body[member] : undefined;
          return Array.isArray(items) && items.length > ITEMS_CHECKED_WHOLE ? [{ member, items }] : [];
        });
        if (long.length === 0) {
          const validateBody = bodyCheck();
          return validateBody(body) ? { ok: true, value: body } : { ok: false, messages: describeErrors(validateBody.errors ?? [], 'body') };
        }
        const validateEnvelope = checks(checkName.bodyEnvelope(operationId));
        const errors: ErrorObject[] = validateEnvelope(body) ? [] : [...(validateEnvelope.errors ?? [])];
        for (const { member, items } of long) {
          const validateItem = checks(checkName.bodyItem(operationId, member));
          const prefix = member === undefined ? '' : `/${escapePointer(member)}`;
          for (let index = 0; index < items.length; index++) {
            if (!validateItem(items[index])) errors.push(...(validateItem.errors ?? []).map((error) => ({ ...error, instancePath: `${prefix}/${index}${error.instancePath}` })));
            if (index % ITEMS_PER_YIELD === 0) yield;
          }
        }
        return errors.length === 0 ? { ok: true, value: body } : { ok: false, messages: describeErrors(errors, 'body') };
      }
    : undefined;

  return {
    operation,
    parameters(raw) {
      const messages: string[] = [];
      const values: Record<Location, Record<string, unknown>> = { query: {}, path: {}, header: {} };
      for (const { location, params, validate } of parameterChecks()) {
        const collected = collect(params, location, raw, messages);
        if (!validate(collected)) messages.push(...describeErrors(validate.errors ?? [], location));
        values[location] = collected;
      }
      if (messages.length > 0) return { ok: false, messages };
      return { ok: true, value: { query: values.query, path: values.path, headers: values.header } };
    },
    // Validation fills in defaults, so it works on a copy and never on the caller's value.
    body: checkingBody ? (body) => runAll(checkingBody(structuredClone(body))) : undefined,
    checkingBody,
  };
}

/** Items of an array checked in one go with the body; a longer array is checked item by item, in slices. */
const ITEMS_CHECKED_WHOLE = 1_000;

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `make`'s value, made on the first call and kept. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** Gathers the declared parameters, turning wire strings into the types their schemas declare. */
function collect(
  params: readonly oas31.ParameterObject[],
  location: Location,
  raw: RawRequest,
  messages: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const param of params) {
    const key = parameterKey(param.name, location);
    let value: string | undefined;
    if (location === 'query') {
      const values = raw.query.get(param.name);
      if (values && values.length > 1) {
        messages.push(`${param.name} must be given once, not ${values.length} times`);
        continue;
      }
      value = values?.[0];
    } else if (location === 'path') {
      value = raw.path[param.name];
    } else {
      value = raw.headers[key];
    }
    if (value !== undefined) out[key] = coerce(value, param.schema && resolved(param.schema));
  }
  return out;
}

/** An integral decimal (`5.0`) is a whole number too: the Python SDK sends its float `take` so. */
const INTEGER = /^-?\d+(\.0+)?$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Query and path values are strings on the wire. Only plain decimal literals become numbers:
 * `1e3`, `0x10` and `` stay strings, so the schema rejects them by type, and `1.5` for an integer
 * stays a string too.
 */
function coerce(value: string, schema: Schema | undefined): unknown {
  const type = schema?.type;
  if (type === 'integer' && INTEGER.test(value)) return Number(value);
  if (type === 'number' && DECIMAL.test(value)) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}
