import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type MockConfig } from '../config.js';
import { parseCorsOrigins } from '../http/cors.js';
import { MAX_DELAY_MS, parseErrorRate, parseLatency } from '../http/failure-simulation.js';
import { BATCH_SYNC_MS, FSYNC_POLICIES, parseFsyncPolicy } from '../store/journal.js';
import { CONFIG_FILE_NAME, ConfigFileError, integerBounds, loadConfigFile } from './config-file.js';

export type Command =
  | { kind: 'serve'; config: MockConfig }
  | { kind: 'generate'; seed: number; count: number; appId: string; out: string | undefined }
  | { kind: 'help' }
  | { kind: 'version' };

export class UsageError extends Error {}

const d = DEFAULT_CONFIG;

export const HELP = `customers-mock: an offline twin of the Customers API (/api/v0/customers)

Usage:
  customers-mock [options]                 start the mock
  customers-mock generate [options]        print a generated data set (JSON) instead

Options:
  --port N              port to listen on (default ${d.port}; 0 picks a free one)
  --host HOST           address to bind (default ${d.host}: this machine only)
  --seed N              seed of the generated data (default ${d.seed})
  --count N             number of generated customers (default ${d.count})
  --data FILE           start from this JSON array of customers instead of generated data
  --state FILE          keep the data across restarts: load FILE (a snapshot) and its journal
                        FILE.journal.N if they exist, else start as usual and create them; every
                        write is journaled before it is acknowledged
  --fsync WHEN          with --state: batch (default) acknowledges a write once its journal
                        record is written (a crash of the mock loses nothing acknowledged) and
                        flushes the journal to the disk every ${BATCH_SYNC_MS} ms; always flushes it
                        before each acknowledgement (a power loss loses nothing acknowledged)
  --client-key KEY      accepted x-client-key (default ${d.clientKey}; env MOCK_CLIENT_KEY)
  --client-secret S     accepted x-client-secret (default ${d.clientSecret}; env MOCK_CLIENT_SECRET)
  --app-id ID           appId of the customers (default ${d.appId})
  --rate-limit N        requests per minute per client key, 0 = off (default ${d.rateLimit}, as the real API)
  --latency MS          failure simulation: add MS milliseconds to every API request, or a
                        uniformly drawn delay with MIN-MAX (e.g. 100-400); at most ${MAX_DELAY_MS}
  --error-rate P        failure simulation: fail this share of API requests (0 to 1) with 500 or 503
  --log                 print a line per request: method, path, status, duration (never credentials)
  --config FILE         read options from FILE (default: ./${CONFIG_FILE_NAME} when it exists);
                        flags and environment variables override it
  --cors ORIGINS        allow browser apps on these origins (comma-separated, or *); off by default
  --out FILE            with generate: write to FILE instead of standard output
  -h, --help            show this help
  -v, --version         print the version
`;

/**
 * Turns argv, the environment and the config file into a command; every value is checked, none is
 * guessed. Flags win over environment variables, which win over the file, which wins over defaults.
 */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        count: { type: 'string' },
        data: { type: 'string' },
        state: { type: 'string' },
        fsync: { type: 'string' },
        'client-key': { type: 'string' },
        'client-secret': { type: 'string' },
        'app-id': { type: 'string' },
        'rate-limit': { type: 'string' },
        latency: { type: 'string' },
        'error-rate': { type: 'string' },
        log: { type: 'boolean' },
        config: { type: 'string' },
        cors: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [subcommand, ...rest] = positionals;
  if (rest.length > 0 || (subcommand !== undefined && subcommand !== 'generate')) {
    throw new UsageError(`unexpected argument: ${positionals.join(' ')}`);
  }
  let base: MockConfig;
  try {
    base = { ...d, ...loadConfigFile(nonEmpty('--config', values.config), cwd) };
  } catch (error) {
    if (error instanceof ConfigFileError) throw new UsageError(error.message);
    throw error;
  }
  const seed = integer('--seed', values.seed, base.seed, ...integerBounds('seed'));
  const count = integer('--count', values.count, base.count, ...integerBounds('count'));
  const appId = nonEmpty('--app-id', values['app-id']) ?? base.appId;
  if (subcommand === 'generate') return { kind: 'generate', seed, count, appId, out: values.out };
  if (values.out !== undefined) throw new UsageError('--out goes with generate');
  return {
    kind: 'serve',
    config: {
      ...base,
      host: nonEmpty('--host', values.host) ?? base.host,
      port: integer('--port', values.port, base.port, ...integerBounds('port')),
      seed,
      count,
      appId,
      dataFile: nonEmpty('--data', values.data) ?? base.dataFile,
      stateFile: nonEmpty('--state', values.state) ?? base.stateFile,
      fsync: readFlag('--fsync', values.fsync, parseFsyncPolicy, FSYNC_POLICIES.join(' or ')) ?? base.fsync,
      clientKey: nonEmpty('--client-key', values['client-key']) ?? nonEmpty('MOCK_CLIENT_KEY', env.MOCK_CLIENT_KEY) ?? base.clientKey,
      clientSecret:
        nonEmpty('--client-secret', values['client-secret']) ?? nonEmpty('MOCK_CLIENT_SECRET', env.MOCK_CLIENT_SECRET) ?? base.clientSecret,
      rateLimit: integer('--rate-limit', values['rate-limit'], base.rateLimit, ...integerBounds('rateLimit')),
      latency: readFlag('--latency', values.latency, parseLatency, `milliseconds (250) or a range MIN-MAX (100-400), at most ${MAX_DELAY_MS}`) ?? base.latency,
      errorRate: readFlag('--error-rate', values['error-rate'], parseErrorRate, 'a probability from 0 to 1 (e.g. 0.05)') ?? base.errorRate,
      log: values.log ?? base.log,
      corsOrigins: readFlag('--cors', values.cors, parseCorsOrigins, '* or comma-separated origins like http://localhost:3000 (scheme, host and port only)') ?? base.corsOrigins,
    },
  };
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new UsageError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${raw}`);
  return value;
}

/** The flag's value read by `parse`; undefined when the flag is absent, a usage error when malformed. */
function readFlag<T>(name: string, raw: string | undefined, parse: (text: string) => T | undefined, expected: string): T | undefined {
  if (raw === undefined) return undefined;
  const value = parse(raw);
  if (value === undefined) throw new UsageError(`${name} must be ${expected}, got "${raw}"`);
  return value;
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`${name} must not be empty`);
  return raw;
}
