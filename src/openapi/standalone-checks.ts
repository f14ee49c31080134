import standaloneModule from 'ajv/dist/standalone/index.js';
import { createAjv } from './ajv-compiler.js';
import type { OpenApiDocument } from './document.js';
import { checkSchemas } from './validator-schemas.js';

// Ajv's standalone module is CommonJS; under NodeNext its default export arrives wrapped.
const standaloneCode = standaloneModule.default;

/**
 * The source of validators.generated.ts (and documented-validators.generated.ts), which
 * scripts/compile-openapi.mjs writes at build time: every check of the document compiled by Ajv,
 * with the options and schemas the run-time compiler uses, as an ES module, so that the mock (and
 * the contract kit's judge) compiles nothing when it starts. `what` says which document it is.
 */
export function checksModule(document: OpenApiDocument, header: string, what: string): string {
  const ajv = createAjv({ source: true, esm: true, lines: true });
  // A schema object several checks share (the document's `$ref`s, resolved) is compiled once:
  // Ajv writes one function per schema, and would write it again for a second export of it.
  const ids = new Map<object, string>();
  const names = new Map<string, string>();
  for (const [name, schema] of checkSchemas(document)) {
    let id = ids.get(schema);
    if (id === undefined) {
      id = `check${ids.size}`;
      ajv.addSchema(schema, id);
      ids.set(schema, id);
    }
    names.set(name, id);
  }
  const code = standaloneCode(ajv, Object.fromEntries([...ids.values()].map((id) => [id, id])))
    .replace(/^"use strict";/, '')
    // One export, the table below, rather than one per schema.
    .replace(/^export const (check\d+) = /gm, 'const $1 = ');
  // Ajv's code `require`s its run-time helpers (string length in code points, formats), which are
  // CommonJS: each is imported, and `commonJs` gives its `module.exports` whoever wraps it (Node and
  // bundlers give it as the default export; a test runner's interop may give its own `default`).
  const helpers = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]!))];
  const imports = helpers.map((specifier, i) => `import * as helper${i} from ${JSON.stringify(`${specifier}.js`)};`);
  const body = helpers.reduce((text, specifier, i) => text.replaceAll(`require(${JSON.stringify(specifier)})`, `commonJs(helper${i})`), code);
  const table = [...names].map(([name, id]) => `  ${JSON.stringify(name)}: ${id},`);
  return [
    header,
    '// @ts-nocheck: the code is Ajv\'s.',
    "import type { ValidateFunction } from './ajv.js';",
    ...imports,
    'const commonJs = (namespace) => (namespace.default?.__esModule ? namespace.default : namespace);',
    body.trim(),
    '',
    `/** Every check of ${what}, compiled, by name (see validator-schemas.ts). */`,
    'export const compiledChecks: Readonly<Record<string, ValidateFunction>> = {',
    ...table,
    '};',
    '',
  ].join('\n');
}
