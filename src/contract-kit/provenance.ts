import { readChoices, type Choice as DocumentChoice } from '../openapi/choices.js';
import type { OpenApiDocument } from '../openapi/index.js';
import { isJsonObject } from '../json-object.js';

/** A choice of the document, with the compatibility option where a deployment may differ. */
export interface Choice extends DocumentChoice {
  readonly compat?: {
    readonly option: string;
    readonly default: string;
    readonly values: Readonly<Record<string, string>>;
  };
}

/**
 * The document's choices (`x-choices`), checked by the document's own reader, each with its compat
 * option where it has one: what the drift report names. Which rule is a choice is the rule's own
 * provenance (its `x-rules` entry); the kit keeps no list of choice points of its own.
 */
export function documentChoices(document: OpenApiDocument): ReadonlyMap<string, Choice> {
  const written: unknown = document['x-choices'];
  const entries = isJsonObject(written) ? written : {};
  return new Map<string, Choice>(
    readChoices(document).map((choice) => {
      const entry = entries[choice.id];
      return [choice.id, { ...choice, ...compatOf(choice.id, isJsonObject(entry) ? entry.compat : undefined) }];
    }),
  );
}

/** The `compat` of an entry (option, default, values), where it has one. */
function compatOf(id: string, compat: unknown): Pick<Choice, 'compat'> {
  if (compat === undefined) return {};
  const fields: Record<string, unknown> = isJsonObject(compat) ? compat : {};
  const { option, default: fallback, values } = fields;
  if (typeof option !== 'string' || typeof fallback !== 'string' || typeof values !== 'object' || values === null) {
    throw new Error(`x-choices.${id}.compat must have option, default and values`);
  }
  const named = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
  if (!(fallback in named)) throw new Error(`x-choices.${id}.compat.default "${fallback}" is not among its values`);
  return { compat: { option, default: fallback, values: named } };
}
