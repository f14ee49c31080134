import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { MockConfig } from '../config.js';
import { parseCorsOrigins } from '../http/cors.js';
import { MAX_DELAY_MS, parseLatency } from '../http/failure-simulation.js';
import { createAjv, describeErrors, type ValidateFunction } from '../openapi/ajv.js';

/** Looked for in the working directory when no `--config` is given. */
export const CONFIG_FILE_NAME = 'customers-mock.config.json';

/** Shipped in the package, so a config file's `$schema` can point editors at it. */
const SCHEMA_URL = new URL('../../customers-mock.config.schema.json', import.meta.url);

interface ConfigSchema {
  readonly properties: Record<string, { minimum?: number; maximum?: number }>;
}

/** The config file as written: the flags' names, camelCased. */
interface ConfigFile {
  port?: number;
  host?: string;
  seed?: number;
  count?: number;
  data?: string;
  state?: string;
  clientKey?: string;
  clientSecret?: string;
  appId?: string;
  rateLimit?: number;
  latency?: number | string;
  errorRate?: number;
  log?: boolean;
  cors?: string;
}

export class ConfigFileError extends Error {}

let schema: ConfigSchema | undefined;
let validate: ValidateFunction | undefined;

function configSchema(): ConfigSchema {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as ConfigSchema;
  return schema;
}

/** The bounds the schema sets on a whole-number option: the flags obey the same ones. */
export function integerBounds(option: keyof ConfigFile): [min: number, max: number] {
  const property = configSchema().properties[option];
  if (property?.minimum === undefined || property.maximum === undefined) throw new Error(`The config schema bounds no option "${option}"`);
  return [property.minimum, property.maximum];
}

/**
 * The settings of the config file: `explicitPath` (from `--config`), which must exist, else
 * `customers-mock.config.json` in `cwd` when there is one. Paths in it are relative to the file.
 */
export function loadConfigFile(explicitPath: string | undefined, cwd: string): Partial<MockConfig> {
  const path = resolve(cwd, explicitPath ?? CONFIG_FILE_NAME);
  if (explicitPath === undefined && !existsSync(path)) return {};
  const label = explicitPath ?? CONFIG_FILE_NAME;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigFileError(`cannot read config file ${label}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigFileError(`config file ${label} is not valid JSON: ${(error as Error).message}`);
  }
  validate ??= createAjv().compile(configSchema());
  // The shared Ajv fills in `default`s, which are there for editors: the settings come from what
  // the file says, so a default changed in the code is never overridden by a stale schema.
  if (!validate(structuredClone(value))) {
    throw new ConfigFileError(`config file ${label}: ${describeErrors(validate.errors ?? [], 'the file').join('; ')}`);
  }
  return toOverrides(value as ConfigFile, dirname(path), label);
}

function toOverrides(file: ConfigFile, directory: string, label: string): Partial<MockConfig> {
  const overrides: { -readonly [K in keyof MockConfig]?: MockConfig[K] } = {};
  if (file.port !== undefined) overrides.port = file.port;
  if (file.host !== undefined) overrides.host = file.host;
  if (file.seed !== undefined) overrides.seed = file.seed;
  if (file.count !== undefined) overrides.count = file.count;
  if (file.data !== undefined) overrides.dataFile = resolve(directory, file.data);
  if (file.state !== undefined) overrides.stateFile = resolve(directory, file.state);
  if (file.clientKey !== undefined) overrides.clientKey = file.clientKey;
  if (file.clientSecret !== undefined) overrides.clientSecret = file.clientSecret;
  if (file.appId !== undefined) overrides.appId = file.appId;
  if (file.rateLimit !== undefined) overrides.rateLimit = file.rateLimit;
  if (file.latency !== undefined) {
    const latency = parseLatency(String(file.latency));
    if (!latency) throw new ConfigFileError(`config file ${label}: latency must be at most ${MAX_DELAY_MS} ms, with MIN no greater than MAX`);
    overrides.latency = latency;
  }
  if (file.errorRate !== undefined) overrides.errorRate = file.errorRate;
  if (file.log !== undefined) overrides.log = file.log;
  if (file.cors !== undefined) {
    const origins = parseCorsOrigins(file.cors);
    if (!origins) throw new ConfigFileError(`config file ${label}: cors must be * or comma-separated origins like http://localhost:3000`);
    overrides.corsOrigins = origins;
  }
  return overrides;
}
