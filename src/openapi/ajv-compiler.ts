import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule, { type FormatsPlugin } from 'ajv-formats';
import type { OpenApiDocument } from './document.js';
import { checkSchemas, type CompiledChecks } from './validator-schemas.js';

// ajv-formats ships CommonJS: under NodeNext the default import is its module.exports, the
// plugin, whose `default` is the plugin again (as a bundler's default import gives it too).
const addFormats: FormatsPlugin = addFormatsModule.default;

/**
 * One Ajv instance for every schema of a document. `code` is for the build, which has Ajv write
 * the validators' source (validators.generated.ts) with these same options.
 */
export function createAjv(code?: Options['code']): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    useDefaults: true,
    // Keeps each error's schema at hand, so a pattern that stands for a format is worded as the format.
    verbose: true,
    ...(code ? { code } : {}),
  });
  addFormats(ajv);
  // OpenAPI annotations that are not JSON Schema vocabulary; `x-choice` marks a rule as a choice.
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'x-choice' });
  return ajv;
}

/** The checks of a document rewritten at run time, each compiled by Ajv when first asked for. */
export function compileChecks(document: OpenApiDocument): CompiledChecks {
  const ajv = createAjv();
  const schemas = checkSchemas(document);
  const compiled = new Map<string, ReturnType<CompiledChecks>>();
  return (name) => {
    let validate = compiled.get(name);
    if (!validate) {
      const schema = schemas.get(name);
      if (!schema) throw new Error(`The OpenAPI document has no check "${name}"`);
      validate = ajv.compile(schema);
      compiled.set(name, validate);
    }
    return validate;
  };
}
