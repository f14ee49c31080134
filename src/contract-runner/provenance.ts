import type { OpenApiDocument } from '../openapi/index.js';

/**
 * One entry of the document's root `x-choices` map: a rule where the platform's own sources
 * disagree or are silent, and what the document chose.
 */
export interface Choice {
  readonly id: string;
  /** Short, for report lines, e.g. "timestamp key spelling". */
  readonly topic: string;
  readonly platform: string;
  readonly document: string;
  readonly why: string;
  /** Present where a deployment may differ and the mock can be switched to match it. */
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

/** Reads `x-choices` and every `x-choice` mark of the document as written ($refs intact). */
export function readProvenance(document: OpenApiDocument): Provenance {
  const choices = readChoices((document as unknown as Record<string, unknown>)['x-choices']);
  const marks: ChoiceMark[] = [];
  collectMarks(document, '', choices, marks);
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

function readChoices(raw: unknown): Map<string, Choice> {
  const choices = new Map<string, Choice>();
  if (raw === undefined) return choices;
  if (!isObject(raw)) throw new Error('x-choices must be a map of choice ids to entries');
  for (const [id, entry] of Object.entries(raw)) {
    if (!isObject(entry)) throw new Error(`x-choices.${id} must be an object`);
    const text = (field: string): string => {
      const value = entry[field];
      if (typeof value !== 'string' || value.trim() === '') throw new Error(`x-choices.${id}.${field} must be a non-empty string`);
      return value.trim();
    };
    const choice: Choice = { id, topic: text('topic'), platform: text('platform'), document: text('document'), why: text('why') };
    const compat = entry.compat;
    if (compat === undefined) {
      choices.set(id, choice);
      continue;
    }
    if (!isObject(compat) || typeof compat.option !== 'string' || typeof compat.default !== 'string' || !isObject(compat.values)) {
      throw new Error(`x-choices.${id}.compat must have option, default and values`);
    }
    const values = Object.fromEntries(Object.entries(compat.values).map(([k, v]) => [k, String(v)]));
    if (!(compat.default in values)) throw new Error(`x-choices.${id}.compat.default "${compat.default}" is not among its values`);
    choices.set(id, { ...choice, compat: { option: compat.option, default: compat.default, values } });
  }
  return choices;
}

function collectMarks(node: unknown, pointer: string, choices: ReadonlyMap<string, Choice>, marks: ChoiceMark[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => collectMarks(item, `${pointer}/${index}`, choices, marks));
    return;
  }
  if (!isObject(node)) return;
  const id = node['x-choice'];
  if (id !== undefined) {
    const choice = typeof id === 'string' ? choices.get(id) : undefined;
    if (!choice) throw new Error(`x-choice ${JSON.stringify(id)} at ${pointer || '/'} names no entry of x-choices`);
    marks.push({ pointer, choice });
  }
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'x-choices') collectMarks(child, `${pointer}/${escapePointer(key)}`, choices, marks);
  }
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let node = document;
  for (const token of pointer.split('/').slice(1)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[token.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** The JSON pointer token of a key: `/api/v0/customers` -> `~1api~1v0~1customers`. */
export function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
