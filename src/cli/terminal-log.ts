import { pino, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { MockConfig } from '../config/mock-config.js';
import { targetRedactor } from '../domain/redaction.js';

export interface TerminalLogOptions {
  /** Values that must never be printed, wherever a client puts them. */
  readonly credentials: Pick<MockConfig, 'clientKey' | 'clientSecret'>;
  /** Standard output unless a test collects the lines. */
  readonly destination?: NodeJS.WritableStream;
  readonly colorize?: boolean;
}

/** What a line shows of a request the mock answered. */
export interface PrintedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
  readonly durationMs: number;
}

/**
 * `--log`: one line per request (method, path, status, duration) through pino, made readable by
 * pino-pretty. Headers are never logged, and credentials a client misplaced into the URL are
 * masked, so the output is safe to paste into a bug report.
 */
export function terminalLog(options: TerminalLogOptions): (request: PrintedRequest) => void {
  const stream = pretty({
    destination: options.destination ?? 1,
    colorize: options.colorize ?? false,
    sync: true,
    hideObject: true,
    ignore: 'pid,hostname',
    translateTime: 'SYS:HH:MM:ss.l',
  });
  const logger = pino({ base: undefined, level: 'info' }, stream);
  // The requests come masked from the request log's recording already; masked here too, so that
  // the printed line holds no credential whoever calls this.
  const redact = targetRedactor([options.credentials.clientKey, options.credentials.clientSecret]);
  return (entry) => {
    const { method, status, durationMs } = entry;
    // Decoded, as a reader wants it (`name=john d`): the line is for eyes, not for replaying.
    const path = safeDecode(redact.path(entry.path));
    const given = new URLSearchParams(entry.query).toString();
    const query = [...new URLSearchParams(redact.search(given === '' ? '' : `?${given}`))];
    const target = query.length > 0 ? `${path}?${query.map(([name, value]) => `${name}=${value}`).join('&')}` : path;
    // Masked once more as a whole, in case a credential straddles the joins.
    logger[levelOf(status)]({ method, path, query: Object.fromEntries(query), status, durationMs }, redact.text(`${method} ${target} ${status} ${durationMs.toFixed(1)} ms`));
  };
}

function levelOf(status: number): Level {
  if (status >= 500) return 'error';
  if (status >= 400) return 'warn';
  return 'info';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
