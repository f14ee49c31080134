import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv, type Schema, type ValidateFunction } from './ajv.js';
import { loadSpec, type LoadedSpec } from './document.js';
import { listOperations, type SpecOperation } from './operations.js';
import { compileRequestValidator, type RequestValidator } from './request-validator.js';
import { compileResponseValidator, type ResponseValidator } from './response-validator.js';

export { SPEC_PATH, loadSpec, specFromDocument, type LoadedSpec, type OpenApiDocument } from './document.js';
export { describeErrors } from './ajv.js';
export { toRouterPath, type SpecOperation, type HttpMethod } from './operations.js';
export type { RawRequest, RequestValidator, ValidParameters, Validation } from './request-validator.js';
export type { ObservedResponse, ResponseValidator } from './response-validator.js';

/** The document compiled for use: every operation with its request and response validators. */
export interface SpecModel {
  readonly spec: LoadedSpec;
  readonly operations: readonly SpecOperation[];
  operation(operationId: string): SpecOperation;
  requestValidator(operationId: string): RequestValidator;
  responseValidator(operationId: string): ResponseValidator;
  /** A validator for one of `components.schemas`, e.g. `Customer`. */
  schemaValidator(name: string): ValidateFunction;
}

let cached: Promise<SpecModel> | undefined;

/** Loads the document and compiles every validator; shared by the mock and the contract kit. */
export function getSpecModel(): Promise<SpecModel> {
  cached ??= loadSpec().then(compileSpecModel);
  return cached;
}

export function compileSpecModel(spec: LoadedSpec): SpecModel {
  const ajv: Ajv2020 = createAjv();
  const operations = listOperations(spec.dereferenced);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const requests = new Map(operations.map((op) => [op.operationId, compileRequestValidator(ajv, op)]));
  const responses = new Map(operations.map((op) => [op.operationId, compileResponseValidator(ajv, op)]));
  const schemas = new Map<string, ValidateFunction>();
  const find = <T>(map: Map<string, T>, id: string): T => {
    const found = map.get(id);
    if (!found) throw new Error(`The OpenAPI document has no operation "${id}"`);
    return found;
  };
  return {
    spec,
    operations,
    operation: (id) => find(byId, id),
    requestValidator: (id) => find(requests, id),
    responseValidator: (id) => find(responses, id),
    schemaValidator(name) {
      let validate = schemas.get(name);
      if (!validate) {
        const schema = spec.dereferenced.components?.schemas?.[name] as Schema | undefined;
        if (!schema) throw new Error(`The OpenAPI document has no schema "${name}"`);
        validate = ajv.compile(schema);
        schemas.set(name, validate);
      }
      return validate;
    },
  };
}
