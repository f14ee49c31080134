import { isJsonObject, isTextRecord } from '../json-object.js';
import type { OpenApiDocument } from './document.js';

/**
 * One choice of the document (`x-choices.<id>`): a rule where the platform's sources (api.yml, its
 * SDKs, its docs pages) disagree or are silent, and what this document does there.
 */
export interface Choice {
  readonly id: string;
  /** Short, for tables and drift lines. */
  readonly topic: string;
  /** What api.yml, the SDKs and the docs pages say, naming each source. */
  readonly platform: string;
  /** What this document requires. */
  readonly document: string;
  readonly why: string;
  /** Present where a real deployment may differ: the `--compat` option that switches it. */
  readonly compat?: ChoiceCompat;
}

export interface ChoiceCompat {
  readonly option: string;
  readonly default: string;
  readonly values: Readonly<Record<string, string>>;
  /** In a document rewritten for compat options: the value in force. */
  readonly inForce?: string;
}

/** Where the generated choices table goes in `info.description`. */
export const CHOICES_TABLE_MARKER = '<!-- x-choices -->';

/**
 * The document's choices, checked: each entry has its four texts, every `x-choice` mark in the
 * document names an entry, and (in the document as written, `everyChoiceMarked`) every entry is
 * marked beside at least one rule; a compat option may remove a marked rule (`delete=absent`).
 * A document that breaks this does not load.
 */
export function readChoices(document: OpenApiDocument, everyChoiceMarked = true): Choice[] {
  const entries = choicesOf(document);
  const choices = Object.entries(entries).map(([id, entry]) => {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) throw new Error(`x-choices.${id}: an id is kebab-case`);
    if (!isJsonObject(entry)) throw new Error(`x-choices.${id} is not a map`);
    const text = (field: string): string => {
      const value = entry[field];
      if (typeof value !== 'string' || value.trim() === '') throw new Error(`x-choices.${id}.${field} must be a non-empty string`);
      return value.trim();
    };
    const compat = entry.compat === undefined ? undefined : readChoiceCompat(id, entry.compat);
    return { id, topic: text('topic'), platform: text('platform'), document: text('document'), why: text('why'), ...(compat ? { compat } : {}) };
  });
  const unmarked = new Set(choices.map((c) => c.id));
  for (const { mark, at } of choiceMarks(document)) {
    if (!(mark in entries)) throw new Error(`${at}: x-choice "${mark}" names no entry of x-choices`);
    unmarked.delete(mark);
  }
  if (everyChoiceMarked && unmarked.size > 0) throw new Error(`x-choices ${[...unmarked].join(', ')}: marked beside no rule (x-choice)`);
  return choices;
}

/** The document's `x-choices` map (the object itself, not a copy), each entry still to be checked. */
export function choicesOf(document: OpenApiDocument): Record<string, unknown> {
  const entries: unknown = document['x-choices'];
  if (!isJsonObject(entries)) throw new Error('The OpenAPI document has no x-choices map');
  return entries;
}

/** An entry's `compat`, checked: its option, default and values (texts), and in a rewritten document the value in force. */
function readChoiceCompat(id: string, compat: unknown): ChoiceCompat {
  const where = `x-choices.${id}.compat`;
  if (!isJsonObject(compat)) throw new Error(`${where} is not a map`);
  const { option, default: fallback, values, inForce } = compat;
  if (typeof option !== 'string' || typeof fallback !== 'string' || !isTextRecord(values)) throw new Error(`${where} must have option, default and values, all texts`);
  if (!(fallback in values)) throw new Error(`${where}.default must be one of its values`);
  if (inForce !== undefined && typeof inForce !== 'string') throw new Error(`${where}.inForce must be one of its values`);
  return { option, default: fallback, values, ...(inForce === undefined ? {} : { inForce }) };
}

/** Every `x-choice` mark outside `x-choices`, with the JSON pointer of the node it sits on. */
export function choiceMarks(document: OpenApiDocument): Array<{ mark: string; at: string }> {
  const marks: Array<{ mark: string; at: string }> = [];
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      node.forEach((child, index) => walk(child, `${at}/${index}`));
      return;
    }
    if (!isJsonObject(node)) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'x-choice') marks.push({ mark: String(child), at: at || '/' });
      else if (!(at === '' && key === 'x-choices')) walk(child, `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(document, '');
  return marks;
}

/**
 * The human-readable table of the choices, in Markdown, generated from `x-choices` alone. Where a
 * compat option is off its default, "this document" says what is in force and what the default is.
 */
export function choicesTable(choices: readonly Choice[]): string {
  const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
  const rows = choices.map((c) => `| ${cell(c.topic)} (\`${c.id}\`) | ${cell(c.platform)} | ${cell(inForce(c))} | ${cell(c.why)} | ${cell(compatCell(c))} |`);
  return ['| topic | the platform says | this document | why | `--compat` |', '|---|---|---|---|---|', ...rows].join('\n');
}

function inForce(choice: Choice): string {
  const value = choice.compat?.inForce;
  if (!choice.compat || value === undefined || value === choice.compat.default) return choice.document;
  return `**\`--compat ${choice.compat.option}=${value}\` is in force**: ${choice.compat.values[value] ?? value}. (Without it: ${choice.document})`;
}

function compatCell(choice: Choice): string {
  if (!choice.compat) return '';
  const { option, values } = choice.compat;
  const current = choice.compat.inForce ?? choice.compat.default;
  return Object.entries(values)
    .map(([value, meaning]) => `\`${option}=${value}\`${value === current ? ' (in force)' : ''}: ${meaning}`)
    .join('; ');
}

/** The document with the choices table in place of the marker in `info.description`. */
export function withChoicesTable(document: OpenApiDocument): OpenApiDocument {
  const description = document.info.description ?? '';
  if (description.split(CHOICES_TABLE_MARKER).length !== 2) {
    throw new Error(`info.description must hold ${CHOICES_TABLE_MARKER} exactly once, where the choices table goes`);
  }
  const table = choicesTable(readChoices(document, false));
  return { ...document, info: { ...document.info, description: description.replace(CHOICES_TABLE_MARKER, () => table) } };
}
