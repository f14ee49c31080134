import { nearestName } from './nearest-name.js';
import { isJsonObject } from '../json-object.js';
import type { FileContext, GenerateValues, JsonSchema, OptionSpec, OptionTable, OptionValues } from './option.js';

/** A value that is not one of the accepted forms; the message names the source and every form. */
export class OptionError extends Error {}

/** The config file's key for a flag: its name camelCased (`rate-limit` is `rateLimit`); `CamelCased` is the same rule for types. */
export function fileKey(entry: OptionSpec): string {
  return entry.flag.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
}

/** The `options` of node:util `parseArgs` for the table's flags. */
export function parseArgsOptions(table: OptionTable): Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> {
  return Object.fromEntries(
    table.map((entry) => [
      entry.flag,
      { type: entry.kind.placeholder === undefined ? 'boolean' : 'string', ...(entry.kind.merge === undefined ? {} : { multiple: true }) },
    ]),
  );
}

/** Where the help's descriptions start, and where its lines wrap. */
const HELP_COLUMN = 24;
const HELP_WIDTH = 100;

/** One option of `--help`: `usage` (`--port N`) then `text`, wrapped under itself. */
export function helpLine(usage: string, text: string): string {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = `  ${usage}`.padEnd(HELP_COLUMN - 1);
  for (const word of words) {
    if (line.length + 1 + word.length > HELP_WIDTH && line.trim() !== '') {
      lines.push(line);
      line = ' '.repeat(HELP_COLUMN - 1);
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The help's lines for the table: flag, placeholder, text, default and environment variable. */
export function optionsHelp(table: OptionTable): string[] {
  return table.map((entry) => {
    const shown = entry.default === undefined ? undefined : entry.kind.toFile(entry.default);
    const notes = [
      // A switch's default is "off", which its being a switch already says.
      ...(shown === undefined || typeof shown === 'boolean' ? [] : [`default ${typeof shown === 'string' ? shown : JSON.stringify(shown)}`]),
      ...(entry.env === undefined ? [] : [`env ${entry.env}`]),
      ...(entry.kind.merge === undefined ? [] : ['repeatable']),
    ];
    const usage = entry.kind.placeholder === undefined ? `--${entry.flag}` : `--${entry.flag} ${entry.kind.placeholder}`;
    return helpLine(usage, notes.length > 0 ? `${entry.help} (${notes.join('; ')})` : entry.help);
  });
}

/** The config file's JSON Schema: one property per entry, with its help as description and its default. */
export function configSchema(table: OptionTable, about: { title: string; description: string }): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string', description: 'Where editors find this schema, e.g. ./node_modules/customers-mock/customers-mock.config.schema.json' },
  };
  for (const entry of table) {
    const shown = entry.default === undefined ? undefined : entry.kind.toFile(entry.default);
    const note = entry.kind.fileNote === undefined ? '' : `; ${entry.kind.fileNote}`;
    properties[fileKey(entry)] = {
      description: `${entry.help.charAt(0).toUpperCase()}${entry.help.slice(1)}${note}.`,
      ...entry.kind.schema,
      ...entry.schema,
      ...(shown === undefined ? {} : { default: shown }),
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: about.title,
    description: about.description,
    type: 'object',
    additionalProperties: false,
    properties,
  };
}

/**
 * The values a parsed config file sets, by configuration key. Every problem is reported at once,
 * each naming the key and every form its value may take.
 */
export function readConfigObject(table: OptionTable, content: unknown, file: FileContext): Partial<Record<string, unknown>> {
  if (!isJsonObject(content)) {
    throw new OptionError('the file must be a JSON object of options, such as { "port": 4010 }');
  }
  const byFileKey = new Map(table.map((entry) => [fileKey(entry), entry]));
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(content)) {
    if (key === '$schema') continue;
    const entry = byFileKey.get(key);
    if (entry === undefined) {
      const nearest = nearestName(key, [...byFileKey.keys()]);
      problems.push(nearest === undefined ? `${key} is not an option (the options are ${[...byFileKey.keys()].join(', ')})` : `${key} is not an option (did you mean ${nearest}?)`);
      continue;
    }
    const read = entry.kind.readFile(value, file);
    if (read === undefined) problems.push(`${key} must be ${entry.kind.fileExpected}, got ${JSON.stringify(value)}`);
    else values[entry.key] = read;
  }
  if (problems.length > 0) throw new OptionError(problems.join('; '));
  return values;
}

/** Every entry's default, by configuration key. */
export function defaultValues<Table extends OptionTable>(table: Table): OptionValues<Table> {
  return Object.fromEntries(table.map((entry) => [entry.key, entry.default])) as OptionValues<Table>;
}

/** What a value can come from, in order of precedence after the flags. */
export interface OptionSources {
  /** `parseArgs` values by flag: text, every text of a repeatable flag, or true for a switch. */
  readonly flags: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file's values by configuration key (see `readConfigObject`). */
  readonly file: Partial<Record<string, unknown>>;
}

/**
 * Every entry's value: a flag wins over its environment variable, which wins over the config
 * file, which wins over the default. A malformed flag or variable is an error, never ignored.
 */
export function resolveOptions<Table extends OptionTable>(table: Table, sources: OptionSources): OptionValues<Table> {
  const values: Record<string, unknown> = {};
  for (const entry of table) {
    const flag = sources.flags[entry.flag];
    const fromEnv = entry.env === undefined ? undefined : sources.env[entry.env];
    if (Array.isArray(flag)) values[entry.key] = flag.map((text) => parseText(entry, `--${entry.flag}`, text)).reduce((earlier, later) => entry.kind.merge!(earlier, later));
    else if (flag !== undefined) values[entry.key] = typeof flag === 'boolean' ? flag : parseText(entry, `--${entry.flag}`, flag);
    else if (fromEnv !== undefined) values[entry.key] = parseText(entry, entry.env!, fromEnv);
    else if (entry.key in sources.file) values[entry.key] = sources.file[entry.key];
    else values[entry.key] = entry.default;
  }
  return values as OptionValues<Table>;
}

function parseText(entry: OptionSpec, source: string, text: string): unknown {
  const value = entry.kind.parseText(text);
  if (value === undefined) throw new OptionError(`${source} must be ${entry.kind.expected}, got "${text}"`);
  return value;
}

/** The values `generate` reads. */
export function generateValues<Table extends OptionTable>(table: Table, values: OptionValues<Table>): GenerateValues<Table> {
  const all: Readonly<Record<string, unknown>> = values;
  return Object.fromEntries(table.filter((entry) => entry.generate).map((entry) => [entry.key, all[entry.key]])) as GenerateValues<Table>;
}
