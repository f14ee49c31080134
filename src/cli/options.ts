import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG, type MockConfig } from '../config.js';

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
  --state FILE          load from FILE if it exists and save every change to it
  --client-key KEY      accepted x-client-key (default ${d.clientKey}; env MOCK_CLIENT_KEY)
  --client-secret S     accepted x-client-secret (default ${d.clientSecret}; env MOCK_CLIENT_SECRET)
  --app-id ID           appId of the customers (default ${d.appId})
  --rate-limit N        requests per minute per client key, 0 = off (default ${d.rateLimit}, as the real API)
  --cors ORIGINS        allow browser apps on these origins (comma-separated, or *); off by default
  --out FILE            with generate: write to FILE instead of standard output
  -h, --help            show this help
  -v, --version         print the version
`;

/** Turns argv and the environment into a command; every value is checked, none is guessed. */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Command {
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
        'client-key': { type: 'string' },
        'client-secret': { type: 'string' },
        'app-id': { type: 'string' },
        'rate-limit': { type: 'string' },
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
  const seed = integer('--seed', values.seed, d.seed, 0, 2 ** 32 - 1);
  const count = integer('--count', values.count, d.count, 0, 10_000_000);
  const appId = nonEmpty('--app-id', values['app-id']) ?? d.appId;
  if (subcommand === 'generate') return { kind: 'generate', seed, count, appId, out: values.out };
  if (values.out !== undefined) throw new UsageError('--out goes with generate');
  return {
    kind: 'serve',
    config: {
      ...d,
      host: nonEmpty('--host', values.host) ?? d.host,
      port: integer('--port', values.port, d.port, 0, 65535),
      seed,
      count,
      appId,
      dataFile: nonEmpty('--data', values.data),
      stateFile: nonEmpty('--state', values.state),
      clientKey: nonEmpty('--client-key', values['client-key']) ?? nonEmpty('MOCK_CLIENT_KEY', env.MOCK_CLIENT_KEY) ?? d.clientKey,
      clientSecret:
        nonEmpty('--client-secret', values['client-secret']) ?? nonEmpty('MOCK_CLIENT_SECRET', env.MOCK_CLIENT_SECRET) ?? d.clientSecret,
      rateLimit: integer('--rate-limit', values['rate-limit'], d.rateLimit, 0, 1_000_000_000),
      corsOrigins: values.cors === undefined ? d.corsOrigins : corsOrigins(values.cors),
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

/** `*`, or a comma-separated list of origins such as `http://localhost:3000` (scheme, host, port only). */
function corsOrigins(raw: string): string[] {
  const origins = raw.split(',').map((origin) => origin.trim());
  if (origins.length === 1 && origins[0] === '*') return origins;
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed?.origin !== origin) {
      throw new UsageError(`--cors takes * or origins like http://localhost:3000 (scheme, host and port only), got "${origin}"`);
    }
  }
  return origins;
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === '') throw new UsageError(`${name} must not be empty`);
  return raw;
}
