import { CONFIG_FILE_NAME, configFilePath, loadConfigFile } from '../config/config-file.js';
import { DEFAULT_CONFIG, MOCK_OPTIONS, type MockConfig } from '../config/mock-config.js';
import { generateValues, helpLine, OptionError, optionsHelp, parseArgsOptions, resolveOptions, type OptionSources } from '../config/option-table.js';
import type { GenerateValues } from '../config/option.js';
import { FlagError, parseFlags } from './flags.js';

export type GenerateConfig = GenerateValues<typeof MOCK_OPTIONS>;

export type Command =
  /** `configFile`: the config file read, absolute; undefined when there was none. */
  | { kind: 'serve'; config: MockConfig; configFile?: string }
  | ({ kind: 'generate'; out: string | undefined } & GenerateConfig)
  | { kind: 'help' }
  | { kind: 'version' };

export class UsageError extends Error {}

export const HELP = `customers-mock: an offline twin of the Customers API (/api/v0/customers)

Usage:
  customers-mock [options]                 start the mock
  customers-mock generate [options]        print a generated data set (JSON) instead

Options:
${optionsHelp(MOCK_OPTIONS).join('\n')}
${helpLine('--config FILE', `read options from FILE (default: ./${CONFIG_FILE_NAME} when it exists); flags and environment variables override it`)}
${helpLine('--out FILE', 'with generate: write to FILE instead of standard output')}
${helpLine('-h, --help', 'show this help')}
${helpLine('-v, --version', 'print the version')}

generate reads only ${MOCK_OPTIONS.filter((entry) => entry.generate)
  .map((entry) => `--${entry.flag}`)
  .join(', ')}; the other options shape the running mock.
`;

/**
 * Turns argv, the environment and the config file into a command; every value is checked, none is
 * guessed. Flags win over environment variables, which win over the file, which wins over defaults.
 */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Command {
  try {
    return readCommand(argv, env, cwd);
  } catch (error) {
    if (error instanceof OptionError || error instanceof FlagError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

function readCommand(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Command {
  const { values, positionals } = parseFlags(
    argv,
    {
      ...parseArgsOptions(MOCK_OPTIONS),
      config: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
    true,
  );
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [subcommand, ...rest] = positionals;
  if (rest.length > 0 || (subcommand !== undefined && subcommand !== 'generate')) {
    throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  }
  if (values.config !== undefined && values.config.trim() === '') throw new UsageError('--config must not be empty');
  const file = loadConfigFile(MOCK_OPTIONS, values.config, cwd);
  const flags: OptionSources['flags'] = values;
  const options = resolveOptions(MOCK_OPTIONS, { flags, env, file });
  if (subcommand === 'generate') {
    const unused = MOCK_OPTIONS.find((entry) => !entry.generate && flags[entry.flag] !== undefined);
    if (unused !== undefined) throw new UsageError(`--${unused.flag} does not apply to generate`);
    return { kind: 'generate', ...generateValues(MOCK_OPTIONS, options), out: values.out };
  }
  if (values.out !== undefined) throw new UsageError('--out goes with generate');
  return { kind: 'serve', config: { ...DEFAULT_CONFIG, ...options }, configFile: configFilePath(values.config, cwd) };
}
