import { MAX_DELAY_MS, type LatencyRange } from '../config/values.js';
import type { Clock } from '../domain/clock.js';
import type { Validation } from '../openapi/index.js';
import { HttpError } from './errors.js';
import { addResponseHeaders } from './responses.js';
import { rateLimitExceeded } from './rate-limit.js';
import { exhaustedWindow } from '../tenancy/rate-windows.js';
import { requestHeaders } from './request-headers.js';
import type { Step } from './pipeline.js';

/**
 * The failures a correct request can meet on the real API, which a client must survive. Others
 * (401, 404, 409...) are rehearsed by sending the request that causes them.
 */
export const SIMULATED_STATUSES = [429, 500, 502, 503, 504] as const;
export type SimulatedStatus = (typeof SIMULATED_STATUSES)[number];

/** What a `Prefer` header asks of this request. */
export interface Preferences {
  readonly code?: SimulatedStatus;
  readonly delayMs?: number;
}

export interface FailureSettings {
  readonly latency: LatencyRange;
  /** Probability (0 to 1) that a request without `Prefer: code` fails with a simulated 500 or 503. */
  readonly errorRate: number;
  /** The limit a simulated 429 reports; the real API's when the mock's own limiter is off. */
  readonly rateLimit: number;
}

/** Where chance and waiting come from, so tests can make both deterministic. */
export interface SimulationEnvironment {
  /** A number in [0, 1), like Math.random. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly clock: Clock;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What happens to one request: how long it waits, and the failure (if any) it then gets. */
export interface Plan {
  readonly delayMs: number;
  readonly status: SimulatedStatus | undefined;
  /** Why it fails, for the error message. */
  readonly cause: string;
  /** The `Preference-Applied` header (RFC 7240), empty when no preference was used. */
  readonly applied: string;
}

/**
 * Reads a `Prefer` header the way Prism does (`code=429`, `delay=300`, comma-separated, combinable).
 * As RFC 7240 asks, preferences the mock does not know (`return=minimal`) are ignored and only the
 * first of a repeated one counts; a known one with a bad value is an error, never silently dropped.
 */
export function parsePrefer(header: string | undefined): Validation<Preferences> {
  const found: { code?: SimulatedStatus; delayMs?: number } = {};
  const messages: string[] = [];
  const seen = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    // Parameters after `;` refine a preference; none of ours takes any.
    const [preference = ''] = part.split(';');
    const equals = preference.indexOf('=');
    const name = (equals === -1 ? preference : preference.slice(0, equals)).trim().toLowerCase();
    if ((name !== 'code' && name !== 'delay') || seen.has(name)) continue;
    seen.add(name);
    const value = equals === -1 ? '' : unquote(preference.slice(equals + 1).trim());
    if (name === 'code') {
      const code = SIMULATED_STATUSES.find((status) => String(status) === value);
      if (code === undefined) messages.push(`Prefer code must be one of the following values: ${SIMULATED_STATUSES.join(', ')}`);
      else found.code = code;
    } else {
      const delayMs = wholeNumberUpTo(value, MAX_DELAY_MS);
      if (delayMs === undefined) messages.push(`Prefer delay must be a whole number of milliseconds from 0 to ${MAX_DELAY_MS}`);
      else found.delayMs = delayMs;
    }
  }
  return messages.length > 0 ? { ok: false, messages } : { ok: true, value: found };
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function wholeNumberUpTo(text: string, max: number): number | undefined {
  if (!/^\d{1,9}$/.test(text)) return undefined;
  const value = Number(text);
  return value <= max ? value : undefined;
}

/**
 * Decides the fate of one request. An explicit preference wins over the global setting it
 * overrides. Chance is drawn in a fixed order (latency, failure, which failure) so a seeded
 * random source replays the same run.
 */
export function planRequest(preferences: Preferences, settings: FailureSettings, random: () => number): Plan {
  const applied: string[] = [];
  let delayMs: number;
  if (preferences.delayMs !== undefined) {
    delayMs = preferences.delayMs;
    applied.push(`delay=${delayMs}`);
  } else {
    const { minMs, maxMs } = settings.latency;
    delayMs = minMs === maxMs ? minMs : minMs + Math.floor(random() * (maxMs - minMs + 1));
  }
  if (preferences.code !== undefined) {
    applied.unshift(`code=${preferences.code}`);
    return { delayMs, status: preferences.code, cause: `Prefer: code=${preferences.code}`, applied: applied.join(', ') };
  }
  if (settings.errorRate > 0 && random() < settings.errorRate) {
    const status = random() < 0.5 ? 500 : 503;
    return { delayMs, status, cause: `error rate ${settings.errorRate}`, applied: applied.join(', ') };
  }
  return { delayMs, status: undefined, cause: '', applied: applied.join(', ') };
}

/**
 * Stands in front of an API operation, like a slow or failing gateway would: it delays the request
 * and may fail it, with the API's own error answer, before rate limiting, authentication or the store
 * see it, so a simulated failure changes nothing.
 */
export function simulateFailures(settings: FailureSettings, environment: SimulationEnvironment): Step {
  // With no global latency or error rate, a request without `Prefer` has nothing to simulate: it
  // passes straight on, without parsing, planning or an async frame of its own on every request.
  const quiet = settings.latency.maxMs === 0 && settings.errorRate === 0;
  const simulate: Step = async (c, next) => {
    const preferences = parsePrefer(requestHeaders(c)['prefer']);
    if (!preferences.ok) throw new HttpError(400, preferences.messages);
    const plan = planRequest(preferences.value, settings, environment.random);
    const headers: Record<string, string> = plan.applied ? { 'Preference-Applied': plan.applied } : {};
    if (plan.delayMs > 0) await environment.sleep(plan.delayMs);
    if (plan.status === 429) throw rateLimitExceeded(exhaustedWindow(settings.rateLimit, environment.clock.now()), headers);
    if (plan.status !== undefined) throw new HttpError(plan.status, `Simulated failure (${plan.cause})`, {}, headers);
    addResponseHeaders(c, headers);
    return next();
  };
  return quiet ? (c, next) => (requestHeaders(c)['prefer'] === undefined ? next() : simulate(c, next)) : simulate;
}
