import type { Clock } from '../domain/clock.js';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
/**
 * Keys each application keeps; past this many the oldest go first, so a client minting keys
 * forever cannot exhaust memory and a full store never refuses a request. A record holds a key of
 * at most 255 characters, a fingerprint and one customer-sized response: under 4 KB, so under 40 MB
 * per application.
 */
export const MAX_IDEMPOTENCY_KEYS = 10_000;

/** What one key holds: the request it was first used with, and its response once there is one. */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly expiresAt: number;
  /** Undefined while the first request is still being served. */
  response?: { status: number; body: string; contentType: string };
  /** Settles once the first request is answered (its response kept, or its key forgotten): what a retry in flight waits for. */
  readonly answered: Promise<void>;
  readonly settle: () => void;
}

/** The first response to each idempotency key of one application, replayed for 24 hours. */
export class IdempotencyStore {
  private readonly records = new Map<string, IdempotencyRecord>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
  ) {}

  lookup(key: string): IdempotencyRecord | undefined {
    const record = this.records.get(key);
    if (record && record.expiresAt <= this.clock.now()) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  begin(key: string, fingerprint: string): IdempotencyRecord {
    if (this.records.size >= MAX_IDEMPOTENCY_KEYS) this.evictOldest();
    let settle!: () => void;
    const answered = new Promise<void>((resolve) => (settle = resolve));
    const record: IdempotencyRecord = { fingerprint, expiresAt: this.clock.now() + this.ttlMs, answered, settle };
    this.records.set(key, record);
    return record;
  }

  forget(key: string): void {
    this.records.delete(key);
  }

  clear(): void {
    this.records.clear();
  }

  private evictOldest(): void {
    const now = this.clock.now();
    for (const [key, record] of this.records) {
      if (record.expiresAt <= now || this.records.size >= MAX_IDEMPOTENCY_KEYS) this.records.delete(key);
      else break;
    }
  }
}
