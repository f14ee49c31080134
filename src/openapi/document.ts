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
  const raw = withChoicesTable((await SwaggerParser.parse(path)) as unknown as OpenApiDocument);
  // validate() dereferences in place, so hand it a copy and keep `raw` as written.
  const copy = structuredClone(raw) as unknown as Parameters<typeof SwaggerParser.validate>[0];
  const dereferenced = (await SwaggerParser.validate(copy)) as unknown as OpenApiDocument;
  return { raw, dereferenced };
}
