/**
 * One option of the mock, written once: the CLI parser, `--help`, the environment mapping, the
 * config-file reader, the config file's JSON Schema and `createMockFetch`'s options are all
 * derived from these entries (see option-table.ts), so adding an option is adding an entry.
 */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonSchema = { readonly [keyword: string]: JsonValue };

/** What reading a config-file value needs from the file it came from. */
export interface FileContext {
  /** A path written in the file, resolved against the file's directory. */
  resolvePath(path: string): string;
}

/**
 * How one kind of value is written on the command line, in the environment and in the config
 * file. Methods (not function properties) so a kind of `T` also serves an option of `T | undefined`.
 * `Written` is the value as the config file (and `createMockFetch`) takes it, e.g. `250 | "100-400"`
 * for a latency whose `T` is a range.
 */
export interface ValueKind<T, Written extends JsonValue = JsonValue> {
  /** Shown after the flag in `--help` (`--port N`); a switch, which takes no value, has none. */
  readonly placeholder: string | undefined;
  /** Completes "`--port` must be ..." for a flag or environment variable: every accepted form. */
  readonly expected: string;
  /** Completes "`port` must be ..." for the config file, where JSON types matter. */
  readonly fileExpected: string;
  /** The config file's JSON Schema for the value (description and default are added per option). */
  readonly schema: JsonSchema;
  /** A note the schema's description adds for this kind, e.g. that paths are relative to the file. */
  readonly fileNote?: string;
  /** The value of a flag or environment variable; undefined when malformed. */
  parseText(text: string): T | undefined;
  /** The value of a config-file entry (a `Written`, once checked); undefined when malformed. */
  readFile(value: unknown, file: FileContext): T | undefined;
  /** The value as the config file would write it (the schema's default, the help's); undefined when there is none to show. */
  toFile(value: T): Written | undefined;
  /**
   * Present for a flag that may be given more than once: combines an earlier value with a later
   * one (the later wins where they disagree).
   */
  merge?(earlier: T, later: T): T;
}

export interface OptionSpec<Key extends string = string, Value = unknown, Generate extends boolean = boolean, Flag extends string = string, Written extends JsonValue = JsonValue> {
  /** The flag without its dashes (`rate-limit`); the config file's key is the flag camelCased (`rateLimit`). */
  readonly flag: Flag;
  /** Where the value goes in the configuration (`rateLimit`, or `dataFile` for `--data`). */
  readonly key: Key;
  /** An environment variable that sets it, between the flag and the config file in precedence. */
  readonly env?: string;
  readonly kind: ValueKind<Value, Written>;
  readonly default: Value;
  /** One phrase, lower case, no final full stop: the help line and the schema's description. */
  readonly help: string;
  /** Whether `generate` reads it too; otherwise it shapes only the running mock. */
  readonly generate: Generate;
  /** Added to the kind's schema, for a constraint of this option only. */
  readonly schema?: JsonSchema;
}

/**
 * Builds an entry, keeping its flag, key and value types, so the configuration's type, and the
 * options of `createMockFetch`, are derived from the table.
 */
export function option<const Key extends string, Value, const Flag extends string, Written extends JsonValue = JsonValue, const Generate extends boolean = false>(
  spec: Omit<OptionSpec<Key, Value, Generate, Flag, Written>, 'generate'> & { readonly generate?: Generate },
): OptionSpec<Key, Value, Generate, Flag, Written> {
  return { ...spec, generate: (spec.generate ?? false) as Generate };
}

/** Entries of every value type; `ValueKind`'s methods let an entry of any type stand for `unknown`. */
export type OptionTable = readonly OptionSpec<string, unknown>[];

/** The values a table sets, by key. */
export type OptionValues<Table extends OptionTable> = {
  readonly [Entry in Table[number] as Entry['key']]: Entry['default'];
};

/** A flag camelCased, as a type: `'rate-limit'` is `'rateLimit'` (`fileKey` does it to a value). */
export type CamelCased<Flag extends string> = Flag extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCased<Tail>>}` : Flag;

/** What a config file may set, by its key (the flag camelCased), each value as the file writes it. */
export type WrittenValues<Entry extends OptionSpec> = {
  readonly [Each in Entry as CamelCased<Each['flag']>]?: Exclude<ReturnType<Each['kind']['toFile']>, undefined>;
};

/** The values of the entries `generate` reads. */
export type GenerateValues<Table extends OptionTable> = {
  readonly [Entry in Table[number] as Entry extends { generate: true } ? Entry['key'] : never]: Entry['default'];
};

/** A whole number from `min` to `max`. */
export function wholeNumber(min: number, max: number, placeholder = 'N'): ValueKind<number, number> {
  const inRange = (value: number) => Number.isSafeInteger(value) && value >= min && value <= max;
  return {
    placeholder,
    expected: `a whole number from ${min} to ${max}`,
    fileExpected: `a whole number from ${min} to ${max}`,
    schema: { type: 'integer', minimum: min, maximum: max },
    parseText: (text) => (/^\d{1,16}$/.test(text) && inRange(Number(text)) ? Number(text) : undefined),
    readFile: (value) => (typeof value === 'number' && inRange(value) ? value : undefined),
    toFile: (value) => value,
  };
}

/** Text with something other than white space in it. */
export function text(placeholder: string): ValueKind<string, string> {
  const isText = (value: unknown): value is string => typeof value === 'string' && /\S/.test(value);
  return {
    placeholder,
    expected: 'non-empty text',
    fileExpected: 'a string that is not empty',
    schema: { type: 'string', pattern: '\\S' },
    parseText: (value) => (isText(value) ? value : undefined),
    readFile: (value) => (isText(value) ? value : undefined),
    toFile: (value) => value,
  };
}

/** A file path: as given on the command line, relative to the config file in it. */
export function path(placeholder = 'FILE'): ValueKind<string, string> {
  const base = text(placeholder);
  return {
    ...base,
    expected: 'a file path',
    fileExpected: 'a file path (a string), relative to this file',
    fileNote: 'relative to this file',
    readFile: (value, file) => {
      const relative = base.readFile(value, file);
      return relative === undefined ? undefined : file.resolvePath(relative);
    },
  };
}

const SWITCH_WORDS = new Map([
  ['true', true],
  ['1', true],
  ['false', false],
  ['0', false],
]);

/** On when present; a flag without a value (an environment variable says true or false). */
export function onOff(): ValueKind<boolean, boolean> {
  return {
    placeholder: undefined,
    expected: 'true, false, 1 or 0',
    fileExpected: 'true or false',
    schema: { type: 'boolean' },
    parseText: (value) => SWITCH_WORDS.get(value.trim().toLowerCase()),
    readFile: (value) => (typeof value === 'boolean' ? value : undefined),
    toFile: (value) => value,
  };
}

/** One of a few words, spelled exactly. */
export function oneOf<const Word extends string>(placeholder: string, words: readonly Word[]): ValueKind<Word, Word> {
  const find = (value: unknown) => words.find((word) => word === value);
  return {
    placeholder,
    expected: words.join(' or '),
    fileExpected: `one of ${words.map((word) => JSON.stringify(word)).join(', ')}`,
    schema: { type: 'string', enum: [...words] },
    parseText: find,
    readFile: find,
    toFile: (value) => value,
  };
}
