import { compileChecks } from '../openapi/ajv-compiler.js';
import { compiledChecks as documentedChecks } from '../openapi/documented-validators.generated.js';
import { isAsBuilt } from '../openapi/document.js';
import { compileSpecModel, dereference, type SpecModel } from '../openapi/index.js';
import { withoutSchemaChoices } from '../openapi/schema-choices.js';
import { tableChecks } from '../openapi/validator-schemas.js';

/**
 * The compiled document without its schema choices. For the document as written, the build
 * compiled its checks (documented-validators.generated.ts); a document rewritten by compat options
 * has them compiled by Ajv at run time.
 */
export function documentedOnly(whole: SpecModel): SpecModel {
  const raw = withoutSchemaChoices(whole.spec.raw);
  const dereferenced = dereference(raw);
  return compileSpecModel({ ...whole.spec, raw, dereferenced }, isAsBuilt(whole.spec) ? tableChecks(documentedChecks) : compileChecks(dereferenced));
}
