import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { oas31 } from 'openapi3-ts';

export type { ErrorObject, ValidateFunction };
export type Schema = oas31.SchemaObject;

/**
 * Turns Ajv's errors into one sentence per failing parameter, each naming it, in the wording the
 * real API's validation errors use (`take must not be greater than 100`).
 * `root` names the value itself when an error is about the whole of it (`body must be an object`).
 */
export function describeErrors(errors: readonly ErrorObject[], root: string): string[] {
  const byName = new Map<string, string>();
  // Errors under oneOf/anyOf branches are noise once a branch-level error names the same place.
  const sorted = [...errors].sort((a, b) => rank(a) - rank(b));
  for (const error of sorted) {
    const name = nameOf(error, root);
    if (!byName.has(name)) byName.set(name, `${name} ${phrase(error)}`);
  }
  return [...byName.values()];
}

function rank(error: ErrorObject): number {
  return error.keyword === 'oneOf' || error.keyword === 'anyOf' ? 1 : 0;
}

function nameOf(error: ErrorObject, root: string): string {
  const segments = error.instancePath.split('/').slice(1).map(unescapePointer);
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') segments.push(String(error.params.missingProperty));
  if (error.keyword === 'additionalProperties') return `property ${String(error.params.additionalProperty)}`;
  if (segments.length === 0) return root;
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function phrase(error: ErrorObject): string {
  const p: Record<string, unknown> = error.params;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'dependentRequired':
      return `is required when ${String(p.property)} is given`;
    case 'additionalProperties':
      return 'should not exist';
    case 'type':
      return typePhrase(String(p.type));
    case 'enum':
      return `must be one of the following values: ${Array.isArray(p.allowedValues) ? p.allowedValues.join(', ') : String(p.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
      return `must not be less than ${String(p.limit)}`;
    case 'maximum':
      return `must not be greater than ${String(p.limit)}`;
    case 'exclusiveMinimum':
      return `must be greater than ${String(p.limit)}`;
    case 'exclusiveMaximum':
      return `must be less than ${String(p.limit)}`;
    case 'minLength':
      return `must be longer than or equal to ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be shorter than or equal to ${String(p.limit)} characters`;
    case 'minItems':
      return `must contain at least ${String(p.limit)} elements`;
    case 'maxItems':
      return `must contain no more than ${String(p.limit)} elements`;
    case 'minProperties':
      return `must contain at least ${String(p.limit)} propert${p.limit === 1 ? 'y' : 'ies'}`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)}`;
    case 'pattern': {
      const format: unknown = error.parentSchema?.format;
      return typeof format === 'string' ? formatPhrase(format) : `must match ${String(p.pattern)} regular expression`;
    }
    case 'format':
      return formatPhrase(String(p.format));
    default:
      return error.message ?? 'is invalid';
  }
}

function typePhrase(type: string): string {
  switch (type) {
    case 'integer':
      return 'must be an integer number';
    case 'number':
      return 'must be a number';
    case 'object':
      return 'must be a JSON object';
    case 'array':
      return 'must be an array';
    case 'null':
      return 'must be null';
    default:
      return `must be a ${type}`;
  }
}

function formatPhrase(format: string): string {
  switch (format) {
    case 'email':
      return 'must be an email';
    case 'uuid':
      return 'must be a UUID';
    case 'date-time':
      return 'must be a valid ISO 8601 date string';
    default:
      return `must match format "${format}"`;
  }
}
