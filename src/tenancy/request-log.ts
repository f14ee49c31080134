export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly status: number;
  readonly time: string;
  readonly durationMs: number;
}

/** Entries each log keeps at most. */
export const REQUEST_LOG_CAPACITY = 1000;
/**
 * Characters of paths and queries each log keeps at most (about 2 MB): a thousand ordinary
 * requests fit many times over, while a thousand 16 KB targets cannot make a log take 50 MB.
 */
export const REQUEST_LOG_CHARACTERS = 2_000_000;

/**
 * A request as recorded while serving it. The parts only a reader needs (the query as an object,
 * the time as text) are worked out when the log is read, not on every request. Path and query are
 * kept as text, not as the URL, whose parsed query would double what an entry holds.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** The query string, `?` included (empty when there is none). */
  readonly search: string;
  readonly status: number;
  /** Epoch milliseconds at which the request arrived. */
  readonly at: number;
  readonly durationMs: number;
  /** Position among every request the app recorded, so several logs can be read as one. */
  readonly sequence: number;
}

/** A recorded request as a reader of the log sees it. */
export function describeRequest(recorded: RecordedRequest): LoggedRequest {
  return {
    method: recorded.method,
    path: recorded.path,
    query: Object.fromEntries(new URLSearchParams(recorded.search)),
    status: recorded.status,
    time: new Date(recorded.at).toISOString(),
    durationMs: recorded.durationMs,
  };
}

function charactersOf(recorded: RecordedRequest): number {
  return recorded.path.length + recorded.search.length;
}

/**
 * The most recent requests of one application (or of callers that are none), for test harnesses:
 * at most REQUEST_LOG_CAPACITY of them holding REQUEST_LOG_CHARACTERS, the oldest dropped first.
 * Headers are never kept, so neither are credentials.
 */
export class RequestLog {
  // A queue: entries before `oldest` are dropped (emptied at once, so they hold nothing), cut off in
  // one go now and then rather than shifting the whole array on every request.
  private entries: Array<RecordedRequest | undefined> = [];
  private oldest = 0;
  private characters = 0;

  add(entry: RecordedRequest): void {
    this.entries.push(entry);
    this.characters += charactersOf(entry);
    while (this.entries.length - this.oldest > REQUEST_LOG_CAPACITY || this.characters > REQUEST_LOG_CHARACTERS) {
      this.characters -= charactersOf(this.entries[this.oldest]!);
      this.entries[this.oldest++] = undefined;
    }
    if (this.oldest >= REQUEST_LOG_CAPACITY) {
      this.entries = this.entries.slice(this.oldest);
      this.oldest = 0;
    }
  }

  /** Oldest first. */
  list(): readonly LoggedRequest[] {
    return this.recorded().map(describeRequest);
  }

  private recorded(): RecordedRequest[] {
    return this.entries.slice(this.oldest).filter((entry) => entry !== undefined);
  }

  /** The entries of several logs as one log, oldest first. */
  static merged(logs: readonly RequestLog[]): readonly LoggedRequest[] {
    return logs
      .flatMap((log) => log.recorded())
      .sort((a, b) => a.sequence - b.sequence)
      .map(describeRequest);
  }

  clear(): void {
    this.entries = [];
    this.oldest = 0;
    this.characters = 0;
  }
}
