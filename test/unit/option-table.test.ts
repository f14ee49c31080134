import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/cli/options.js';
import { MOCK_OPTIONS } from '../../src/config/mock-config.js';
import {
  configSchema,
  defaultValues,
  generateValues,
  helpLine,
  optionsHelp,
  parseArgsOptions,
  readConfigObject,
  resolveOptions,
} from '../../src/config/option-table.js';
import { option, text } from '../../src/config/option.js';

/** The mock's table with one more option, written once. */
const EXTENDED = [
  ...MOCK_OPTIONS,
  option({ flag: 'greeting-text', key: 'greeting', env: 'MOCK_GREETING', kind: text('TEXT'), default: 'hello', help: 'words the mock says first', generate: true }),
] as const;

const file = { resolvePath: (path: string) => path };
const none = { flags: {}, env: {}, file: {} };

describe('adding an option is one entry in the table', () => {
  it('gives it a flag, a help line, an environment variable, a config-file key and a schema property', () => {
    expect(parseArgsOptions(EXTENDED)['greeting-text']).toEqual({ type: 'string' });
    expect(optionsHelp(EXTENDED).at(-1)).toBe('  --greeting-text TEXT  words the mock says first (default hello; env MOCK_GREETING)');
    // Typed too: `greeting` is a string of the derived configuration, with no declaration elsewhere.
    const fromDefault: string = defaultValues(EXTENDED).greeting;
    expect(fromDefault).toBe('hello');
    expect(resolveOptions(EXTENDED, { ...none, env: { MOCK_GREETING: 'hi' } }).greeting).toBe('hi');
    expect(resolveOptions(EXTENDED, { ...none, env: { MOCK_GREETING: 'hi' }, flags: { 'greeting-text': 'hey' } }).greeting).toBe('hey');
    expect(readConfigObject(EXTENDED, { greetingText: 'howdy' }, file)).toEqual({ greeting: 'howdy' });
    expect(generateValues(EXTENDED, defaultValues(EXTENDED))).toMatchObject({ greeting: 'hello' });
    const schema = configSchema(EXTENDED, { title: 't', description: 'd' });
    expect((schema['properties'] as Record<string, unknown>)['greetingText']).toEqual({
      description: 'Words the mock says first.',
      type: 'string',
      pattern: '\\S',
      default: 'hello',
    });
  });

  it('checks its environment variable like its flag', () => {
    expect(() => resolveOptions(EXTENDED, { ...none, env: { MOCK_GREETING: ' ' } })).toThrow('MOCK_GREETING must be non-empty text, got " "');
  });
});

describe('the help', () => {
  it('wraps long descriptions under their own column', () => {
    expect(helpLine('--x N', `${'word '.repeat(30)}end`).split('\n')).toEqual([
      `  --x N                 ${'word '.repeat(14)}word`,
      `                        ${'word '.repeat(14)}word`,
      '                        end',
    ]);
  });

  it('keeps every line of --help within 100 columns', () => {
    for (const line of HELP.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });
});
