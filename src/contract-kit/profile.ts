import { compileChecks } from '../openapi/ajv-compiler.js';
import { compileSpecModel, dereference, type OpenApiDocument, type SpecModel } from '../openapi/index.js';

/**
 * How much of the document a run asserts. `documented`: only the platform's own rules; at every
 * choice point the kit observes and reports what the deployment does. `strict`: the whole
 * document, choices included (for the mock, or a deployment that promises all of it).
 */
export const PROFILES = ['documented', 'strict'] as const;
export type Profile = (typeof PROFILES)[number];
export const DEFAULT_PROFILE: Profile = 'documented';

/**
 * The document as the documented profile judges responses by: every schema rule marked as a
 * choice is taken out, so that only the documented rules remain. A marked property may be
 * missing or hold anything (its own check observes it); a marked object schema is open (the mark
 * on an object governs whether it is closed).
 */
export function withoutSchemaChoices(document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document);
  for (const schema of Object.values(copy.components?.schemas ?? {})) relax(schema as SchemaNode);
  return copy;
}

interface SchemaNode {
  'x-choice'?: string;
  additionalProperties?: unknown;
  required?: string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

function relax(schema: SchemaNode): void {
  if (schema['x-choice'] !== undefined && schema.properties) delete schema.additionalProperties;
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property['x-choice'] !== undefined) {
      schema.properties![name] = {};
      schema.required = schema.required?.filter((r) => r !== name);
    } else {
      relax(property);
    }
  }
  if (schema.items) relax(schema.items);
}

/** The compiled document a profile judges responses by. */
export function specModelFor(profile: Profile, strict: SpecModel): SpecModel {
  if (profile === 'strict') return strict;
  const raw = withoutSchemaChoices(strict.spec.raw);
  const dereferenced = dereference(raw);
  return compileSpecModel({ ...strict.spec, raw, dereferenced }, compileChecks(dereferenced));
}
