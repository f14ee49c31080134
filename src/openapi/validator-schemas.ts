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
    if (operation.requestBodySchema) schemas.set(checkName.body(operation.operationId), operation.requestBodySchema);
    for (const [status, response] of Object.entries(operation.responses)) {
      const schema = responseSchema(response);
      if (schema) schemas.set(checkName.response(operation.operationId, status), schema);
    }
  }
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) schemas.set(checkName.schema(name), resolved(schema));
  return schemas;
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
