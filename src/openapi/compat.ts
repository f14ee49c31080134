// Its ES module entry: the main one is CommonJS, and loading CommonJS cost a cold createMockFetch time.
import jsonPatch, { type Operation } from 'fast-json-patch/index.mjs';
import { asError } from '../caught-error.js';
import { isJsonObject, isTextRecord } from '../json-object.js';
import { choicesOf } from './choices.js';
import type { OpenApiDocument } from './document.js';

/**
 * A compatibility option (`x-choices.<id>.compat`): a choice where a real deployment may do
 * otherwise. Its default is the document as written; every other value carries the JSON Patch
 * (RFC 6902) that rewrites the document to describe it, so the served document always tells the
 * truth about the options in force.
 */
export interface CompatOption {
  /** The choice it switches (its `x-choices` id). */
  readonly choice: string;
  /** The `--compat` key. */
  readonly option: string;
  readonly default: string;
  /** Every value, with what it means. */
  readonly values: Readonly<Record<string, string>>;
  readonly rewrites: Readonly<Record<string, readonly Operation[]>>;
}

/** The value in force of every compat option, defaults included, by option. */
export type CompatSettings = ReadonlyMap<string, string>;

/** A `--compat` key or value the document does not have; the message names the valid ones. */
export class CompatError extends Error {}

/** The compat options of the document's choices, checked: unique keys, a default among the values, rewrites only for the others. */
export function readCompatOptions(document: OpenApiDocument): CompatOption[] {
  const options: CompatOption[] = [];
  for (const [choice, entry] of Object.entries(choicesOf(document))) {
    if (!isJsonObject(entry) || entry.compat === undefined) continue;
    const where = `x-choices.${choice}.compat`;
    const compat = entry.compat;
    if (!isJsonObject(compat)) throw new Error(`${where} is not a map`);
    if (typeof compat.option !== 'string' || !/^[a-z]+(-[a-z]+)*$/.test(compat.option)) throw new Error(`${where}.option must be a kebab-case key`);
    const values = compat.values ?? {};
    if (!isTextRecord(values) || Object.keys(values).length < 2) throw new Error(`${where}.values must list at least two values, each with its meaning`);
    if (typeof compat.default !== 'string' || !(compat.default in values)) throw new Error(`${where}.default must be one of its values`);
    const rewrites = compat.rewrites ?? {};
    if (!isPatchesByValue(rewrites)) throw new Error(`${where}.rewrites must map values to JSON Patch operations`);
    for (const value of Object.keys(rewrites)) {
      if (!(value in values) || value === compat.default) throw new Error(`${where}.rewrites.${value}: rewrites are for values other than the default`);
    }
    if (options.some((o) => o.option === compat.option)) throw new Error(`${where}.option "${compat.option}" is used twice`);
    options.push({ choice, option: compat.option, default: compat.default, values, rewrites });
  }
  return options;
}

/** What `--compat` accepts, for messages: `timestamps=camelCase|snake_case, ...`. */
export function describeCompatOptions(options: readonly CompatOption[]): string {
  return options.map((o) => `${o.option}=${Object.keys(o.values).join('|')}`).join(', ');
}

/**
 * The value of every option: the requested ones, the document's defaults for the rest. An
 * unknown key or value is a CompatError naming the valid ones.
 */
export function resolveCompat(options: readonly CompatOption[], requested: Readonly<Record<string, string>>): CompatSettings {
  const settings = new Map(options.map((o) => [o.option, o.default]));
  for (const [key, value] of Object.entries(requested)) {
    const option = options.find((o) => o.option === key);
    if (!option) throw new CompatError(`unknown compat option "${key}"; the options are ${describeCompatOptions(options)}`);
    if (!(value in option.values)) {
      throw new CompatError(`compat option ${key} has no value "${value}"; its values are ${Object.keys(option.values).join(', ')}`);
    }
    settings.set(key, value);
  }
  return settings;
}

/**
 * The document rewritten for the settings: each option off its default applies its rewrites, and
 * each compat entry records the value in force (`inForce`). The rewrite mechanics (`rewrites`) are
 * dropped: they describe the document as written, not this one.
 */
export function applyCompat(document: OpenApiDocument, settings: CompatSettings): OpenApiDocument {
  const chosen = readCompatOptions(document).map((option) => ({ option, value: settings.get(option.option) ?? option.default }));
  // Only a rewrite needs a copy of the whole document (a cold start's ~10 ms); the defaults have
  // none, so the document as written is shared and only its compat entries are copied.
  const rewrites = chosen.some(({ option, value }) => (option.rewrites[value] ?? []).length > 0);
  const rewritten: OpenApiDocument = rewrites ? structuredClone(document) : { ...document, 'x-choices': { ...choicesOf(document) } };
  for (const { option, value } of chosen) {
    try {
      jsonPatch.applyPatch(rewritten, (option.rewrites[value] ?? []).map((operation) => structuredClone(operation)), true, true);
    } catch (error) {
      throw new Error(`x-choices.${option.choice}.compat.rewrites.${value} does not apply to the document: ${asError(error).message.split('\n')[0]}`, { cause: error });
    }
    const choices = choicesOf(rewritten);
    const entry = choices[option.choice];
    if (!isJsonObject(entry) || !isJsonObject(entry.compat)) throw new Error(`x-choices.${option.choice}.compat: a rewrite removed it`);
    const { rewrites: _mechanics, ...compat } = entry.compat;
    choices[option.choice] = { ...entry, compat: { ...compat, inForce: value } };
  }
  return rewritten;
}

/**
 * Picks the implementation of an option's value. The cases must be exactly the document's values,
 * checked when the mock starts, so code and document cannot drift apart silently.
 */
export function selectCompat<T>(options: readonly CompatOption[], settings: CompatSettings, key: string, cases: Readonly<Record<string, T>>): T {
  const option = options.find((o) => o.option === key);
  if (!option) throw new Error(`The OpenAPI document has no compat option "${key}"`);
  const documented = Object.keys(option.values).sort().join(', ');
  const implemented = Object.keys(cases).sort().join(', ');
  if (documented !== implemented) throw new Error(`compat option ${key}: the document has values ${documented}, the code implements ${implemented}`);
  return cases[settings.get(key) ?? option.default]!;
}

/**
 * Rewrites as the document gives them: value -> JSON Patch operations. Only the shape is checked
 * here; `applyPatch` validates each operation as it applies it.
 */
function isPatchesByValue(value: unknown): value is Record<string, Operation[]> {
  return isJsonObject(value) && Object.values(value).every((patch) => Array.isArray(patch) && patch.every((operation) => isJsonObject(operation) && typeof operation.op === 'string' && typeof operation.path === 'string'));
}
