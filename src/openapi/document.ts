import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { oas31 } from 'openapi3-ts';
import { withChoicesTable } from './choices.js';

/** The OpenAPI document that every part of the product reads; nothing else restates the contract. */
export const SPEC_PATH = fileURLToPath(new URL('../../openapi/customers.yaml', import.meta.url));

export type OpenApiDocument = oas31.OpenAPIObject;

export interface LoadedSpec {
  /**
   * As written, `$ref`s intact, with the choices table generated from `x-choices` into
   * `info.description`: what `/openapi.json` serves.
   */
  readonly raw: OpenApiDocument;
  /** Every `$ref` resolved: what validators are compiled from. */
  readonly dereferenced: OpenApiDocument;
}

let cached: Promise<LoadedSpec> | undefined;

/** Loads, validates and dereferences the document once per process. */
export function loadSpec(path: string = SPEC_PATH): Promise<LoadedSpec> {
  if (path !== SPEC_PATH) return readSpec(path);
  cached ??= readSpec(path);
  return cached;
}

async function readSpec(path: string): Promise<LoadedSpec> {
  // swagger-parser has its own document types; openapi3-ts's are the project's.
  return specFromDocument(withChoicesTable((await SwaggerParser.parse(path)) as unknown as OpenApiDocument));
}

/**
 * Validates and dereferences a document already in memory. `derived`: it was made from the
 * loaded (already validated) document, so it is only dereferenced.
 */
export async function specFromDocument(raw: OpenApiDocument, options: { derived?: boolean } = {}): Promise<LoadedSpec> {
  // Both dereference in place, so hand them a copy and keep `raw` as written.
  const copy = structuredClone(raw) as unknown as Parameters<typeof SwaggerParser.validate>[0];
  const dereferenced = (await (options.derived ? SwaggerParser.dereference(copy) : SwaggerParser.validate(copy))) as unknown as OpenApiDocument;
  return { raw, dereferenced };
}
