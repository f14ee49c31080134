import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { oas31 } from 'openapi3-ts';
import { parse } from 'yaml';
import { readChoices, withChoicesTable } from './choices.js';
import { applyCompat, readCompatOptions, resolveCompat, type CompatOption, type CompatSettings } from './compat.js';

/** The OpenAPI document that every part of the product reads; nothing else restates the contract. */
export const SPEC_PATH = fileURLToPath(new URL('../../openapi/customers.yaml', import.meta.url));

export type OpenApiDocument = oas31.OpenAPIObject;

/** `--compat` pairs as given: option -> value. */
export type CompatRequest = Readonly<Record<string, string>>;

export interface LoadedSpec {
  /** The document exactly as written in the file, before any compat option. */
  readonly asWritten: OpenApiDocument;
  /**
   * `$ref`s intact, rewritten for the compat options in force, with the choices table generated
   * from `x-choices` into `info.description`: what `/openapi.json` serves.
   */
  readonly raw: OpenApiDocument;
  /** The same with every `$ref` resolved: what validators are compiled from. */
  readonly dereferenced: OpenApiDocument;
  /** The document's compat options and the value in force of each. */
  readonly compat: { readonly options: readonly CompatOption[]; readonly settings: CompatSettings };
}

const cached = new Map<string, Promise<LoadedSpec>>();

/**
 * Loads, rewrites for the compat options, validates and dereferences the document, once per
 * process and set of options. An unknown option or value is a CompatError naming the valid ones.
 */
export function loadSpec(compat: CompatRequest = {}, path: string = SPEC_PATH): Promise<LoadedSpec> {
  const key = `${path}\u0000${JSON.stringify(Object.entries(compat).sort())}`;
  let loaded = cached.get(key);
  if (!loaded) {
    loaded = readSpec(compat, path);
    cached.set(key, loaded);
    // A failed load (a bad option) is not kept, so the next caller hears the error afresh.
    loaded.catch(() => cached.delete(key));
  }
  return loaded;
}

/** The document as written, read synchronously: for checking options before anything starts. */
export function readDocument(path: string = SPEC_PATH): OpenApiDocument {
  return parse(readFileSync(path, 'utf8')) as OpenApiDocument;
}

async function readSpec(compat: CompatRequest, path: string): Promise<LoadedSpec> {
  // swagger-parser has its own document types; openapi3-ts's are the project's.
  const asWritten = (await SwaggerParser.parse(path)) as unknown as OpenApiDocument;
  readChoices(asWritten);
  const options = readCompatOptions(asWritten);
  const settings = resolveCompat(options, compat);
  const raw = withChoicesTable(applyCompat(asWritten, settings));
  // validate() dereferences in place, so hand it a copy and keep `raw` as it is.
  const copy = structuredClone(raw) as unknown as Parameters<typeof SwaggerParser.validate>[0];
  const dereferenced = (await SwaggerParser.validate(copy)) as unknown as OpenApiDocument;
  return { asWritten, raw, dereferenced, compat: { options, settings } };
}
