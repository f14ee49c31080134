import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv, type Schema, type ValidateFunction } from './ajv.js';
import { loadSpec, type CompatRequest, type LoadedSpec } from './document.js';
import { listOperations, type SpecOperation } from './operations.js';
import { compileRequestValidator, type RequestValidator } from './request-validator.js';
import { compileResponseValidator, type ResponseValidator } from './response-validator.js';

export { dereference, documentAsWritten, loadSpec, type CompatRequest, type LoadedSpec, type OpenApiDocument } from './document.js';
export { CompatError, describeCompatOptions, readCompatOptions, resolveCompat, selectCompat, type CompatOption, type CompatSettings } from './compat.js';
export { describeErrors } from './ajv.js';
export { operationIds, toRouterPath, type SpecOperation, type HttpMethod } from './operations.js';
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

const cached = new Map<LoadedSpec, SpecModel>();

/**
 * The document rewritten for the compat options (none: the document as written), with every
 * validator compiled once per set of options; shared by the mock and the contract kit.
 */
export function getSpecModel(compat: CompatRequest = {}): Promise<SpecModel> {
  return Promise.resolve().then(() => {
    const spec = loadSpec(compat);
    let model = cached.get(spec);
    if (!model) {
      model = compileSpecModel(spec);
      cached.set(spec, model);
    }
    return model;
  });
}

export function compileSpecModel(spec: LoadedSpec): SpecModel {
  const ajv: Ajv2020 = createAjv();
  const operations = listOperations(spec.dereferenced);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const requests = new Map(operations.map((op) => [op.operationId, compileRequestValidator(ajv, op)]));
  // Compiled when first asked for: the mock never checks its own responses, and compiling every
  // operation's response schemas was half of its cold start (the contract kit and tests ask).
  const responses = new Map<string, ResponseValidator>();
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
    responseValidator(id) {
      let validate = responses.get(id);
      if (!validate) {
        validate = compileResponseValidator(ajv, find(byId, id));
        responses.set(id, validate);
      }
      return validate;
    },
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
