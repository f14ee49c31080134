import type { oas31 } from 'openapi3-ts';
import { withChoicesTable } from './choices.js';
import { compiledSpec } from './document.generated.js';

export type OpenApiDocument = oas31.OpenAPIObject;

export interface LoadedSpec {
  /** As written, `$ref`s intact: what `/openapi.json` serves. */
  readonly raw: OpenApiDocument;
  /** Every `$ref` resolved: what validators are compiled from. */
  readonly dereferenced: OpenApiDocument;
}

let loaded: LoadedSpec | undefined;

/**
 * The document every part of the product reads; nothing else restates the contract. It is
 * compiled into the build from openapi/customers.yaml (scripts/compile-openapi.mjs, validated by
 * swagger-parser there), so reading it needs no file system: the mock runs in a browser too. The
 * choices table is generated into `info.description` here, which checks the provenance marks.
 */
export function loadSpec(): LoadedSpec {
  if (!loaded) {
    const raw = withChoicesTable(compiledSpec.raw);
    // `info` holds no `$ref`, so the dereferenced document's is the same.
    loaded = { raw, dereferenced: { ...compiledSpec.dereferenced, info: raw.info } };
  }
  return loaded;
}
