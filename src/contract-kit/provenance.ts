import { choiceMarks, readChoices, type Choice as DocumentChoice } from '../openapi/choices.js';
import type { OpenApiDocument } from '../openapi/index.js';

/** A choice of the document, with the compatibility option where a deployment may differ. */
export interface Choice extends DocumentChoice {
  readonly compat?: {
    readonly option: string;
    readonly default: string;
    readonly values: Readonly<Record<string, string>>;
  };
}

/** Where in the document (a JSON pointer into the document as written) a choice is marked. */
export interface ChoiceMark {
  readonly pointer: string;
  readonly choice: Choice;
}

/**
 * The document's provenance marks: which rules are choices. A rule whose node carries
 * `x-choice: <id>` is a choice; every other rule is documented, i.e. the platform's own. The kit
 * never keeps a list of choice points of its own: a check names the node of the rule it tests,
 * and this says whether that rule is a choice.
 */
export interface Provenance {
  readonly choices: ReadonlyMap<string, Choice>;
  readonly marks: readonly ChoiceMark[];
  /**
   * The choice marked on the node at `pointer` (e.g. `/components/parameters/Take`), or undefined
   * when the rule there is documented. Throws when the document has no such node, so a check can
   * never silently lose its rule when the document is reorganised.
   */
  choiceAt(pointer: string): Choice | undefined;
}

/** Reads `x-choices` (checked by the document's own reader) and every `x-choice` mark. */
export function readProvenance(document: OpenApiDocument): Provenance {
  const entries = (document as unknown as { 'x-choices': Record<string, { compat?: unknown }> })['x-choices'];
  const choices = new Map<string, Choice>(readChoices(document).map((choice) => [choice.id, { ...choice, ...compatOf(choice.id, entries[choice.id]?.compat) }]));
  const marks = choiceMarks(document).map(({ mark, at }) => ({ pointer: at, choice: choices.get(mark)! }));
  const byPointer = new Map(marks.map((m) => [m.pointer, m.choice]));
  return {
    choices,
    marks,
    choiceAt(pointer) {
      if (resolvePointer(document, pointer) === undefined) throw new Error(`The OpenAPI document has no node at ${pointer}`);
      return byPointer.get(pointer);
    },
  };
}

/** The `compat` of an entry (option, default, values), where it has one. */
function compatOf(id: string, compat: unknown): Pick<Choice, 'compat'> {
  if (compat === undefined) return {};
  const { option, default: fallback, values } = (compat ?? {}) as Record<string, unknown>;
  if (typeof option !== 'string' || typeof fallback !== 'string' || typeof values !== 'object' || values === null) {
    throw new Error(`x-choices.${id}.compat must have option, default and values`);
  }
  const named = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
  if (!(fallback in named)) throw new Error(`x-choices.${id}.compat.default "${fallback}" is not among its values`);
  return { compat: { option, default: fallback, values: named } };
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
