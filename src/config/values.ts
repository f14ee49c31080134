import type { ValueKind } from './option.js';

/** Added response latency in milliseconds, drawn uniformly from the range; a fixed latency has min = max. */
export interface LatencyRange {
  readonly minMs: number;
  readonly maxMs: number;
}

/** Longest delay a `Prefer` header or `--latency` may ask for. */
export const MAX_DELAY_MS = 60_000;

/** `300` (fixed) or `100-400` (uniform between the two), in milliseconds; undefined when malformed. */
export function parseLatency(text: string): LatencyRange | undefined {
  const match = /^(\d{1,9})(?:-(\d{1,9}))?$/.exec(text.trim());
  if (!match) return undefined;
  const minMs = Number(match[1]);
  const maxMs = match[2] === undefined ? minMs : Number(match[2]);
  return minMs <= maxMs && maxMs <= MAX_DELAY_MS ? { minMs, maxMs } : undefined;
}

/** A probability from 0 to 1 written as a decimal (`0.05`); undefined otherwise. */
export function parseErrorRate(text: string): number | undefined {
  if (!/^(?:\d+(?:\.\d+)?|\.\d+)$/.test(text.trim())) return undefined;
  const rate = Number(text);
  return rate <= 1 ? rate : undefined;
}

/**
 * `*`, or comma-separated origins such as `http://localhost:3000` (scheme, host and port only, as a
 * browser sends them); undefined when any entry is not such an origin.
 */
export function parseCorsOrigins(text: string): string[] | undefined {
  const origins = text.split(',').map((origin) => origin.trim());
  if (origins.length === 1 && origins[0] === '*') return origins;
  return origins.every(isOrigin) ? origins : undefined;
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

/** A delay: a whole number of milliseconds, or a range drawn from uniformly. */
export function latency(): ValueKind<LatencyRange, number | string> {
  return {
    placeholder: 'MS',
    expected: `milliseconds (250) or a range MIN-MAX (100-400), at most ${MAX_DELAY_MS}`,
    fileExpected: `a whole number of milliseconds (250) or a string "MIN-MAX" for a uniformly drawn delay ("100-400"), at most ${MAX_DELAY_MS}, MIN no greater than MAX`,
    fileNote: 'in this file a number, or a string "MIN-MAX"',
    schema: {
      oneOf: [
        { type: 'integer', minimum: 0, maximum: MAX_DELAY_MS },
        { type: 'string', pattern: '^\\d+(-\\d+)?$' },
      ],
    },
    parseText: parseLatency,
    readFile: (value) => (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'string' ? parseLatency(String(value)) : undefined,
    toFile: ({ minMs, maxMs }) => (minMs === maxMs ? minMs : `${minMs}-${maxMs}`),
  };
}

/** A probability from 0 to 1. */
export function probability(): ValueKind<number, number> {
  return {
    placeholder: 'P',
    expected: 'a probability from 0 to 1 (e.g. 0.05)',
    fileExpected: 'a number from 0 to 1 (e.g. 0.05)',
    schema: { type: 'number', minimum: 0, maximum: 1 },
    parseText: parseErrorRate,
    readFile: (value) => (typeof value === 'number' && value >= 0 && value <= 1 ? value : undefined),
    toFile: (value) => value,
  };
}

/** Browser origins allowed by CORS; none (the default) turns CORS off. */
export function corsOrigins(): ValueKind<readonly string[], string> {
  return {
    placeholder: 'ORIGINS',
    expected: '* or comma-separated origins like http://localhost:3000 (scheme, host and port only)',
    fileExpected: 'a string: "*" or comma-separated origins like "http://localhost:3000,https://qa.example" (scheme, host and port only)',
    schema: { type: 'string', pattern: '\\S' },
    parseText: parseCorsOrigins,
    readFile: (value) => (typeof value === 'string' ? parseCorsOrigins(value) : undefined),
    toFile: (origins) => (origins.length === 0 ? undefined : origins.join(',')),
  };
}
