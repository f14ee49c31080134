import type { OpenApiDocument } from './document.js';

/**
 * The document with every schema rule marked as a choice taken out, so that only the documented
 * rules remain: a marked property may be missing or hold anything (its own check observes it); a
 * marked object schema is open (the mark on an object governs whether it is closed). What a body
 * breaks here breaks a documented rule; what only the whole document refuses departs from a choice.
 * It only ever widens the document (the judge relies on that, and checks the documented rules
 * only for what the whole document refuses): no choice may sit under a oneOf, not or if.
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
