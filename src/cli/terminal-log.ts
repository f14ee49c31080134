import { pino, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { Credentials } from '../http/auth.js';
import type { LoggedRequest, RequestObserver } from '../http/request-log.js';

export interface TerminalLogOptions {
  /** Values that must never be printed, wherever a client puts them. */
  readonly credentials: Credentials;
  /** Standard output unless a test collects the lines. */
  readonly destination?: NodeJS.WritableStream;
  readonly colorize?: boolean;
}

/** Query parameters whose values are secrets by their name alone. */
const SECRET_NAME = /key|secret|token|password|passwd|auth|signature|credential/i;
const REDACTED = '[redacted]';

/**
 * `--log`: one line per request (method, path, status, duration) through pino, made readable by
 * pino-pretty. Headers are never logged, and credentials a client misplaced into the URL are
 * masked, so the output is safe to paste into a bug report.
 */
export function terminalLog(options: TerminalLogOptions): RequestObserver {
  const stream = pretty({
    destination: options.destination ?? 1,
    colorize: options.colorize ?? false,
    sync: true,
    hideObject: true,
    ignore: 'pid,hostname',
    translateTime: 'SYS:HH:MM:ss.l',
  });
  const logger = pino({ base: undefined, level: 'info' }, stream);
  const secrets = [options.credentials.clientKey, options.credentials.clientSecret];
  return (entry) => {
    const safe = redact(entry, secrets);
    // Decoded, as a reader wants it (`name=john d`); the line is for eyes, not for replaying.
    const query = Object.entries(safe.query).map(([name, value]) => `${name}=${value}`);
    const target = query.length > 0 ? `${safe.path}?${query.join('&')}` : safe.path;
    logger[levelOf(entry.status)](
      { method: safe.method, path: safe.path, query: safe.query, status: safe.status, durationMs: safe.durationMs },
      `${safe.method} ${target} ${safe.status} ${safe.durationMs.toFixed(1)} ms`,
    );
  };
}

function levelOf(status: number): Level {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'info';
}

/** The entry with secret-named query values, and anything holding a credential, masked. */
export function redact(entry: LoggedRequest, secrets: readonly string[]): LoggedRequest {
  const holdsSecret = (text: string) => secrets.some((secret) => secret !== '' && text.includes(secret));
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.query)) {
    const key = holdsSecret(name) ? REDACTED : name;
    query[key] = SECRET_NAME.test(name) || holdsSecret(name) || holdsSecret(value) ? REDACTED : value;
  }
  const path = entry.path
    .split('/')
    .map((segment) => (holdsSecret(safeDecode(segment)) ? REDACTED : segment))
    .join('/');
  return { ...entry, path, query };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
