import type { oas31 } from 'openapi3-ts';
import { isJsonObject } from '../json-object.js';
import { choicesOf, readChoices, withChoicesTable } from './choices.js';
import { applyCompat, readCompatOptions, resolveCompat, type CompatOption, type CompatSettings } from './compat.js';
import { compiledSpec } from './document.generated.js';

export type OpenApiDocument = oas31.OpenAPIObject;

/** `--compat` pairs as given: option -> value. */
export type CompatRequest = Readonly<Record<string, string>>;

export interface LoadedSpec {
  /** The document exactly as written in openapi/customers.yaml, before any compat option. */
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

/** The document as written (compiled into the build from openapi/customers.yaml), `$ref`s intact. */
export function documentAsWritten(): OpenApiDocument {
  return compiledSpec.raw;
}

/**
 * Whether the spec's operations and schemas are the build's own (no compat option off its
 * default), for which the build compiled the validators too (validators.generated.ts).
 */
export function isAsBuilt(spec: LoadedSpec): boolean {
  return spec.dereferenced.paths === compiledSpec.dereferenced.paths && spec.dereferenced.components === compiledSpec.dereferenced.components;
}

const loaded = new Map<string, LoadedSpec>();

/**
 * The document every part of the product reads; nothing else restates the contract. It is
 * compiled into the build from openapi/customers.yaml (scripts/compile-openapi.mjs, validated by
 * swagger-parser there), so reading it needs no file system: the mock runs in a browser too.
 * Here it is rewritten for the compat options (an unknown option or value is a CompatError naming
 * the valid ones), and the choices table is generated into `info.description`, which checks the
 * provenance marks. Once per set of options.
 */
export function loadSpec(compat: CompatRequest = {}): LoadedSpec {
  const asWritten = compiledSpec.raw;
  const options = readCompatOptions(asWritten);
  const settings = resolveCompat(options, compat);
  const key = JSON.stringify([...settings]);
  let spec = loaded.get(key);
  if (!spec) {
    readChoices(asWritten);
    const offDefault = options.some((o) => settings.get(o.option) !== o.default);
    const raw = withChoicesTable(applyCompat(asWritten, settings));
    // The build dereferenced the document as written; a rewritten one is dereferenced here.
    const dereferenced = offDefault ? dereference(raw) : { ...compiledSpec.dereferenced, info: raw.info, 'x-choices': choicesOf(raw) };
    spec = { asWritten, raw, dereferenced: dereferenced, compat: { options, settings } };
    loaded.set(key, spec);
  }
  return spec;
}

/**
 * The document with every local `$ref` (`#/...`, all this document has) replaced by a copy of
 * its target, resolved in turn, with the keywords beside the `$ref` (OpenAPI 3.1 schemas allow
 * them) laid over it, as swagger-parser does. The document has no cycles; a `$ref` to nothing is
 * an error.
 */
export function dereference(document: OpenApiDocument): OpenApiDocument {
  const resolve = (node: unknown, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((child) => resolve(child, seen));
    return isJsonObject(node) ? resolveObject(node, seen) : node;
  };
  const resolveObject = (node: Record<string, unknown>, seen: readonly string[]): Record<string, unknown> => {
    const { $ref: ref, ...siblings } = node;
    if (typeof ref !== 'string') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, resolve(child, seen)]));
    if (seen.includes(ref)) throw new Error(`$ref cycle through ${ref}`);
    const target = pointerTarget(document, ref);
    if (!isJsonObject(target)) throw new Error(`$ref ${ref} points to no object`);
    return { ...resolveObject(target, [...seen, ref]), ...resolveObject(siblings, seen) };
  };
  const resolved = resolve(document, []);
  if (!isOpenApiDocument(resolved)) throw new Error('the dereferenced document lost its openapi or info field');
  return resolved;
}

function isOpenApiDocument(value: unknown): value is OpenApiDocument {
  return isJsonObject(value) && typeof value.openapi === 'string' && isJsonObject(value.info);
}

function pointerTarget(document: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
  let target: unknown = document;
  for (const segment of ref.slice(2).split('/')) {
    const key = decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~');
    target = Array.isArray(target) ? target[Number(key)] : isJsonObject(target) ? target[key] : undefined;
    if (target === undefined) throw new Error(`$ref ${ref} points to nothing`);
  }
  return target;
}
