import { CONFIG_FILE_NAME, configFilePath, loadConfigFile } from '../config/config-file.js';
import { DEFAULT_CONFIG, MOCK_OPTIONS, type MockConfig } from '../config/mock-config.js';
import { generateValues, helpLine, OptionError, optionsHelp, parseArgsOptions, resolveOptions, type OptionSources } from '../config/option-table.js';
import type { GenerateValues } from '../config/option.js';
import { PROXY_OPTIONS, type ProxyConfig } from '../config/proxy-options.js';
import { isLoopback } from '../proxy/upstream.js';
import { FlagError, parseFlags } from './flags.js';

export type GenerateConfig = GenerateValues<typeof MOCK_OPTIONS>;

export type Command =
  /** `configFile`: the config file read, absolute; undefined when there was none. */
  | { kind: 'serve'; config: MockConfig; configFile?: string }
  | ({ kind: 'generate'; out: string | undefined } & GenerateConfig)
  | { kind: 'proxy'; config: ProxyConfig & { readonly upstream: URL } }
  | { kind: 'proxy-help' }
  | { kind: 'help' }
  | { kind: 'version' };

export class UsageError extends Error {}

export const HELP = `customers-mock: an offline twin of the Customers API (/api/v0/customers)

Usage:
  customers-mock [options]                 start the mock
  customers-mock generate [options]        print a generated data set (JSON) instead
  customers-mock proxy --upstream URL      check live traffic against the contract, and record it
                                           (customers-mock proxy --help)

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

export const PROXY_HELP = `customers-mock proxy: forward to a deployment of the Customers API, judging each exchange

Usage:
  customers-mock proxy --upstream URL [options]

Every request goes to the upstream as sent (credentials included) and its answer comes back
unchanged, with X-Contract-Violations: N when the exchange broke N documented rules. Each
violation is printed as it happens; GET /__proxy/report answers the report so far.

Options:
${optionsHelp(PROXY_OPTIONS).join('\n')}
${helpLine('-h, --help', 'show this help')}

Exit status, on SIGINT or SIGTERM: 1 when a response broke a documented rule (or a file asked
for could not be written), else 0; 2 on a usage error.
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
  if (argv[0] === 'proxy') return readProxyCommand(argv.slice(1), env);
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

/** `proxy`'s options: flags, then environment variables, then defaults (the mock's config file is the mock's). */
function readProxyCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
  const { values } = parseFlags(argv, { ...parseArgsOptions(PROXY_OPTIONS), help: { type: 'boolean', short: 'h' } });
  if (values.help) return { kind: 'proxy-help' };
  const config = resolveOptions(PROXY_OPTIONS, { flags: values, env, file: {} });
  const { upstream } = config;
  if (upstream === undefined) throw new UsageError('proxy needs --upstream URL (or PROXY_UPSTREAM): the deployment to forward to');
  if (upstream.protocol !== 'https:' && !isLoopback(upstream) && !config.insecure) {
    throw new UsageError(`--upstream ${upstream.href} is plain http to another machine: the credentials would cross the network unencrypted. Use https, or add --insecure to allow it`);
  }
  if (config.anonymize && config.recordFile === undefined) throw new UsageError('--anonymize goes with --record FILE');
  return { kind: 'proxy', config: { ...config, upstream } };
}
