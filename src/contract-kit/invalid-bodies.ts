import type { oas31 } from 'openapi3-ts';

/** A body that breaks one constraint of the document's request schema, and which one. */
export interface InvalidBody {
  /** e.g. `first_name longer than maxLength 100`. */
  readonly breaks: string;
  /** The property whose constraint it breaks; the body's marker must not live there. */
  readonly property: string | undefined;
  readonly body: Record<string, unknown>;
  /** An unknown property: refused only where request bodies are closed (a choice point). */
  readonly unknownProperty: boolean;
}

/**
 * Bodies derived from a request schema that each break exactly one of its constraints, just past
 * the boundary: one character beyond `maxLength`, one short of `minLength`, a value outside the
 * enum (unknown, and the same value in another case), a string that fits no reading of the
 * pattern or format, the wrong type, a required property left out, and an unknown property.
 * `valid` is a body the schema accepts; each invalid one is it with one change.
 */
export function invalidBodies(schema: oas31.SchemaObject, valid: Record<string, unknown>): InvalidBody[] {
  const bodies: InvalidBody[] = [];
  const add = (property: string, breaks: string, value: unknown) => bodies.push({ breaks: `${property} ${breaks}`, property, body: { ...valid, [property]: value }, unknownProperty: false });
  for (const [property, raw] of Object.entries(schema.properties ?? {})) {
    const constraint = raw as oas31.SchemaObject;
    if (constraint.type === 'string') add(property, 'a number instead of a string', 12345);
    if (typeof constraint.maxLength === 'number') add(property, `longer than maxLength ${constraint.maxLength}`, 'x'.repeat(constraint.maxLength + 1));
    if (typeof constraint.minLength === 'number' && constraint.minLength > 0) add(property, `shorter than minLength ${constraint.minLength}`, 'x'.repeat(constraint.minLength - 1));
    if (constraint.enum) {
      add(property, 'not among its values', 'NOT_A_VALUE');
      const variant = constraint.enum.map(String).find((v) => v.toLowerCase() !== v);
      if (variant) add(property, `"${variant.toLowerCase()}", a case variant of "${variant}"`, variant.toLowerCase());
      add(property, 'a number instead of one of its values', 7);
    }
    // Letters and spaces fit no phone pattern, and no email has two @ with spaces.
    if (constraint.pattern) add(property, `not matching ${constraint.pattern}`, 'not a value ab');
    if (constraint.format === 'email') add(property, 'not an email', 'not an @ email @');
  }
  for (const property of schema.required ?? []) {
    const { [property]: _left, ...rest } = valid;
    bodies.push({ breaks: `${property} (required) left out`, property, body: rest, unknownProperty: false });
  }
  if (schema.additionalProperties === false) bodies.push({ breaks: 'an unknown property', property: undefined, body: { ...valid, nickname: 'Kit' }, unknownProperty: true });
  return bodies;
}
