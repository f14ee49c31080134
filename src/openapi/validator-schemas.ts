import type { oas31 } from 'openapi3-ts';
import type { Schema, ValidateFunction } from './ajv.js';
import type { OpenApiDocument } from './document.js';
import { listOperations, resolved, type SpecOperation } from './operations.js';

export type ParameterLocation = 'query' | 'path' | 'header';
export const PARAMETER_LOCATIONS: readonly ParameterLocation[] = ['query', 'path', 'header'];

/**
 * Every check the mock and the contract kit make, by name: an operation's parameters in one
 * location, its request body, one of its responses, or one of `components.schemas`.
 */
export const checkName = {
  parameters: (operationId: string, location: ParameterLocation) => `${operationId} ${location}`,
  body: (operationId: string) => `${operationId} body`,
  /** The body with the items of its item arrays (see `itemArraysOf`) left unchecked. */
  bodyEnvelope: (operationId: string) => `${operationId} body envelope`,
  /** One item of the body's item array at `member` (undefined: the body itself is the array). */
  bodyItem: (operationId: string, member: string | undefined) => `${operationId} body item${member === undefined ? '' : ` ${member}`}`,
  response: (operationId: string, status: string) => `${operationId} response ${status}`,
  schema: (name: string) => `schema ${name}`,
};

/**
 * The compiled validator of a check, by its name. The build compiles every check of the document
 * as written (validators.generated.ts) and of its documented rules alone (documented-validators.generated.ts,
 * the contract kit's default profile); a document rewritten at run time (compat options) has its
 * checks compiled by Ajv when first asked for.
 */
export type CompiledChecks = (name: string) => ValidateFunction;

/** The checks of a table the build compiled (a `*validators.generated.ts` module). */
export function tableChecks(table: Readonly<Record<string, ValidateFunction>>): CompiledChecks {
  return (name) => {
    const validate = table[name];
    if (!validate) throw new Error(`The OpenAPI document has no check "${name}"`);
    return validate;
  };
}

/** Every check of the document with the schema it validates against: what either compiler compiles. */
export function checkSchemas(document: OpenApiDocument): Map<string, Schema> {
  const schemas = new Map<string, Schema>();
  for (const operation of listOperations(document)) {
    for (const location of PARAMETER_LOCATIONS) {
      schemas.set(checkName.parameters(operation.operationId, location), parametersSchema(operation, location));
    }
    const body = operation.requestBodySchema;
    if (body) {
      schemas.set(checkName.body(operation.operationId), body);
      const arrays = itemArraysOf(body);
      if (arrays.length > 0) schemas.set(checkName.bodyEnvelope(operation.operationId), envelopeOf(body));
      for (const { member, items } of arrays) schemas.set(checkName.bodyItem(operation.operationId, member), items);
    }
    for (const [status, response] of Object.entries(operation.responses)) {
      const schema = responseSchema(response);
      if (schema) schemas.set(checkName.response(operation.operationId, status), schema);
    }
  }
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) schemas.set(checkName.schema(name), resolved(schema));
  return schemas;
}

/**
 * The arrays of a body schema that an upload can make long (a data set of customers): the body
 * itself, or a member of the object it is. Their items can be checked one by one, in slices, and
 * the rest of the body (its envelope) apart; together the checks are the body's.
 */
export function itemArraysOf(body: Schema): { member: string | undefined; items: Schema }[] {
  if (body.type === 'array') return isSchema(body.items) ? [{ member: undefined, items: body.items }] : [];
  if (body.type !== 'object' || body.properties === undefined) return [];
  return Object.entries(body.properties).flatMap(([member, schema]) => (isSchema(schema) && schema.type === 'array' && isSchema(schema.items) ? [{ member, items: schema.items }] : []));
}

/** The body's schema with every item array's items allowed to be anything: checked apart. */
function envelopeOf(body: Schema): Schema {
  if (body.type === 'array') return { ...body, items: {} };
  const members = new Set(itemArraysOf(body).map(({ member }) => member));
  const properties = Object.fromEntries(Object.entries(body.properties ?? {}).map(([member, schema]) => [member, members.has(member) ? { ...schema, items: {} } : schema]));
  return { ...body, properties };
}

function isSchema(schema: unknown): schema is Schema {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

/** The operation's parameters in one location, as one object schema (headers by lower-case name). */
export function parametersIn(operation: SpecOperation, location: ParameterLocation): oas31.ParameterObject[] {
  return operation.parameters.filter((p) => p.in === location);
}

function parametersSchema(operation: SpecOperation, location: ParameterLocation): Schema {
  const params = parametersIn(operation, location);
  return {
    type: 'object',
    properties: Object.fromEntries(params.map((p) => [parameterKey(p.name, location), p.schema ?? {}])),
    required: params.filter((p) => p.required).map((p) => parameterKey(p.name, location)),
  };
}

/** A parameter's property in its location's object: header names are compared in lower case. */
export function parameterKey(name: string, location: ParameterLocation): string {
  return location === 'header' ? name.toLowerCase() : name;
}

/** The JSON body's schema of a documented response, if it has one. */
export function responseSchema(response: oas31.ResponseObject): Schema | undefined {
  const schema = response.content?.['application/json']?.schema;
  return schema && resolved(schema);
}
