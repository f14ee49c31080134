import { isJsonObject } from '../json-object.js';
import type { FileContext, JsonSchema, ValueKind } from './option.js';

/**
 * An application the config's `apps` lists beside the mock's own: its credentials, the appId of
 * its customers, and where they come from (a seed or count it does not give is the mock's own).
 */
export interface ApplicationConfig {
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
  readonly seed?: number;
  readonly count?: number;
  readonly dataFile?: string;
}

/** An application as the config file writes it: `data` is its data file, relative to the config file. */
export type WrittenApplicationConfig = {
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
  readonly seed?: number;
  readonly count?: number;
  readonly data?: string;
};

const MAX_SEED = 2 ** 32 - 1;
const MAX_COUNT = 10_000_000;

const APPLICATION_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientKey', 'clientSecret', 'appId'],
  properties: {
    clientKey: { type: 'string', pattern: '\\S' },
    clientSecret: { type: 'string', pattern: '\\S' },
    appId: { type: 'string', pattern: '\\S' },
    seed: { type: 'integer', minimum: 0, maximum: MAX_SEED },
    count: { type: 'integer', minimum: 0, maximum: MAX_COUNT },
    data: { type: 'string', pattern: '\\S' },
  },
};

/** Further applications, each with its own credentials and data set; none by default. */
export function applicationConfigs(): ValueKind<readonly ApplicationConfig[], readonly WrittenApplicationConfig[]> {
  return {
    placeholder: 'JSON',
    expected:
      'a JSON array of applications, each {"clientKey", "clientSecret", "appId"} with optional "seed", "count" or "data", client keys all different',
    fileExpected:
      'an array of applications, each an object with "clientKey", "clientSecret" and "appId" (strings) and optionally "seed", "count" (whole numbers) or "data" (a file path relative to this file), client keys all different',
    fileNote: 'each has its own credentials, data set, rate limit, idempotency keys and request log',
    schema: { type: 'array', items: APPLICATION_SCHEMA },
    parseText(text) {
      try {
        return readApplications(JSON.parse(text), { resolvePath: (path) => path });
      } catch {
        return undefined;
      }
    },
    readFile: readApplications,
    // Only defaults are shown, and the default is none.
    toFile: () => undefined,
  };
}

function readApplications(value: unknown, file: FileContext): readonly ApplicationConfig[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const applications: ApplicationConfig[] = [];
  for (const entry of value) {
    const application = readApplication(entry, file);
    if (application === undefined || applications.some((other) => other.clientKey === application.clientKey)) return undefined;
    applications.push(application);
  }
  return applications;
}

function readApplication(entry: unknown, file: FileContext): ApplicationConfig | undefined {
  if (!isJsonObject(entry)) return undefined;
  const { clientKey, clientSecret, appId, seed, count, data, ...unknown } = entry;
  if (Object.keys(unknown).length > 0 || !isText(clientKey) || !isText(clientSecret) || !isText(appId)) return undefined;
  if (!isAbsentOr(seed, (v) => isWholeNumber(v, MAX_SEED)) || !isAbsentOr(count, (v) => isWholeNumber(v, MAX_COUNT)) || !isAbsentOr(data, isText)) {
    return undefined;
  }
  return {
    clientKey,
    clientSecret,
    appId,
    ...(seed === undefined ? {} : { seed }),
    ...(count === undefined ? {} : { count }),
    ...(data === undefined ? {} : { dataFile: file.resolvePath(data) }),
  };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && /\S/.test(value);
}

function isWholeNumber(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}

function isAbsentOr<T>(value: unknown, check: (value: unknown) => value is T): value is T | undefined {
  return value === undefined || check(value);
}
