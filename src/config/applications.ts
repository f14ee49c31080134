import { isJsonObject } from '../json-object.js';
import type { FileContext, JsonSchema, ValueKind } from './option.js';

/**
 * An application beside the mock's own (`apps`), with its own credentials and data set; a seed or
 * count it does not give is the mock's own.
 */
export interface AppConfig {
  readonly clientKey: string;
  readonly clientSecret: string;
  readonly appId: string;
  readonly seed?: number;
  readonly count?: number;
  readonly dataFile?: string;
}

const MAX_SEED = 2 ** 32 - 1;
const MAX_COUNT = 10_000_000;

const APP_SCHEMA: JsonSchema = {
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
export function applications(): ValueKind<readonly AppConfig[]> {
  return {
    placeholder: 'JSON',
    expected:
      'a JSON array of applications, each {"clientKey", "clientSecret", "appId"} with optional "seed", "count" or "data", client keys all different',
    fileExpected:
      'an array of applications, each an object with "clientKey", "clientSecret" and "appId" (strings) and optionally "seed", "count" (whole numbers) or "data" (a file path relative to this file), client keys all different',
    fileNote: 'each has its own credentials, data set, rate limit, idempotency keys and request log',
    schema: { type: 'array', items: APP_SCHEMA },
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

function readApplications(value: unknown, file: FileContext): readonly AppConfig[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const apps: AppConfig[] = [];
  for (const entry of value) {
    const app = readApplication(entry, file);
    if (app === undefined || apps.some((other) => other.clientKey === app.clientKey)) return undefined;
    apps.push(app);
  }
  return apps;
}

function readApplication(entry: unknown, file: FileContext): AppConfig | undefined {
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
