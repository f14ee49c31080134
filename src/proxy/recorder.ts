import { emailKey, type Customer } from '../domain/customer.js';
import { isJsonObject } from '../json-object.js';
import type { CustomerCheck } from '../store/data-file.js';
import { passes } from '../store/data-set.js';

/** What the recorder reads of an exchange the proxy forwarded. */
export interface RecordedExchange {
  readonly operationId: string;
  /** Values of the operation's path template, e.g. `{ id }`. */
  readonly params: Readonly<Record<string, string>>;
  readonly response: { readonly status: number; readonly body: unknown; readonly bodyIsJson: boolean };
}

/** What a recording holds, and what it had to leave out to stay a data set `--data` loads. */
export interface Recording {
  readonly customers: Customer[];
  /** Records that are no customer by the document's schema (a broken upstream's), with why. */
  readonly invalid: readonly string[];
  /** Older records whose email a newer record holds: a data set's emails are unique. */
  readonly emailClashes: number;
}

/**
 * Every customer seen in the upstream's successful answers (lists, fetches, creates, updates), the
 * latest version of each, without those seen deleted. "Latest" is by `updatedAt`, the version the
 * upstream wrote last, so a list that was answered after an update but read before it never
 * brings the old version back; between equal or missing timestamps, the one seen last wins.
 */
export class Recorder {
  private readonly seen = new Map<string, { customer: Record<string, unknown>; order: number }>();
  private readonly deleted = new Set<string>();
  private order = 0;
  private changes = 0;

  see(exchange: RecordedExchange): void {
    const { operationId, params, response } = exchange;
    if (response.status < 200 || response.status >= 300 || !response.bodyIsJson) return;
    switch (operationId) {
      case 'listCustomers': {
        const data = isJsonObject(response.body) ? response.body.data : undefined;
        if (Array.isArray(data)) for (const item of data) this.keep(item);
        return;
      }
      case 'fetchCustomer':
      case 'createCustomer':
      case 'updateCustomer':
        this.keep(response.body);
        return;
      case 'deleteCustomer': {
        const id = params.id;
        if (id === undefined) return;
        this.deleted.add(id.toLowerCase());
        this.seen.delete(id.toLowerCase());
        this.changes++;
        return;
      }
    }
  }

  /** Grows with every record kept or removed: a periodic writer skips a write when it has not. */
  get version(): number {
    return this.changes;
  }

  /** The recording: valid customers only, emails unique (the most recent holder keeps one). */
  recording(check: CustomerCheck): Recording {
    const newestFirst = [...this.seen.values()].sort((a, b) => compareRecency(b, a));
    const emails = new Set<string>();
    const invalid: string[] = [];
    let emailClashes = 0;
    const customers: Customer[] = [];
    for (const { customer } of newestFirst) {
      const problems: string[] = [];
      if (!passes(check, customer, (problem) => problems.push(problem))) {
        invalid.push(`${String(customer.id)}: ${problems.join('; ')}`);
        continue;
      }
      const email = customer.email;
      if (email !== null) {
        if (emails.has(emailKey(email))) {
          emailClashes++;
          continue;
        }
        emails.add(emailKey(email));
      }
      customers.push(customer);
    }
    // Oldest first, as a data set is usually read; the mock orders its answers itself.
    return { customers: customers.reverse(), invalid, emailClashes };
  }

  private keep(item: unknown): void {
    if (!isJsonObject(item) || typeof item.id !== 'string') return;
    const id = item.id.toLowerCase();
    if (this.deleted.has(id)) return;
    const candidate = { customer: item, order: ++this.order };
    const earlier = this.seen.get(id);
    if (earlier === undefined || compareRecency(candidate, earlier) >= 0) {
      this.seen.set(id, candidate);
      this.changes++;
    }
  }
}

function compareRecency(a: { customer: Record<string, unknown>; order: number }, b: { customer: Record<string, unknown>; order: number }): number {
  const byTime = updatedAtMs(a.customer) - updatedAtMs(b.customer);
  return Number.isNaN(byTime) || byTime === 0 ? a.order - b.order : byTime;
}

/** The record's `updatedAt` (or `updated_at`, under that choice), NaN when it has none. */
function updatedAtMs(customer: Record<string, unknown>): number {
  const value = customer.updatedAt ?? customer.updated_at;
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
