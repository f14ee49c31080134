import type { ValidateFunction } from './ajv.js';
import { isAsBuilt, loadSpec, type CompatRequest, type LoadedSpec } from './document.js';
import { listOperations, type SpecOperation } from './operations.js';
import { compileRequestValidator, type RequestValidator } from './request-validator.js';
import { compileResponseValidator, type ResponseValidator } from './response-validator.js';
import { checkName, tableChecks, type CompiledChecks } from './validator-schemas.js';
import { compiledChecks } from './validators.generated.js';

export { dereference, documentAsWritten, loadSpec, type CompatRequest, type LoadedSpec, type OpenApiDocument } from './document.js';
export { CompatError, describeCompatOptions, readCompatOptions, resolveCompat, selectCompat, type CompatOption, type CompatSettings } from './compat.js';
export { describeErrors } from './ajv.js';
export { operationIds, toRouterPath, type SpecOperation, type HttpMethod } from './operations.js';
export type { RawRequest, RequestValidator, ValidParameters, Validation } from './request-validator.js';
export type { ObservedResponse, ResponseValidator } from './response-validator.js';
export type { CompiledChecks } from './validator-schemas.js';

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

const cached = new Map<LoadedSpec, Promise<SpecModel>>();

/**
 * The document rewritten for the compat options (none: the document as written), with its
 * validators: those the build compiled for the document as written, else compiled by Ajv (loaded
 * only then) once per set of options; shared by the mock and the contract kit.
 */
export function getSpecModel(compat: CompatRequest = {}): Promise<SpecModel> {
  return Promise.resolve().then(() => {
    const spec = loadSpec(compat);
    let model = cached.get(spec);
    if (!model) {
      model = (isAsBuilt(spec) ? Promise.resolve(buildChecks) : import('./ajv-compiler.js').then(({ compileChecks }) => compileChecks(spec.dereferenced))).then(
        (checks) => compileSpecModel(spec, checks),
      );
      cached.set(spec, model);
    }
    return model;
  });
}

/** The checks the build compiled (validators.generated.ts), for the document as written. */
const buildChecks = tableChecks(compiledChecks);

/** The document's operations with their request and response validators, from its compiled checks. */
export function compileSpecModel(spec: LoadedSpec, checks: CompiledChecks): SpecModel {
  const operations = listOperations(spec.dereferenced);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const requests = new Map(operations.map((op) => [op.operationId, compileRequestValidator(checks, op)]));
  // Made when first asked for: the mock never checks its own responses (the contract kit and tests ask).
  const responses = new Map<string, ResponseValidator>();
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
        validate = compileResponseValidator(checks, find(byId, id));
        responses.set(id, validate);
      }
      return validate;
    },
    schemaValidator: (name) => checks(checkName.schema(name)),
  };
}
