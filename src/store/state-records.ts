import { idKey, type Customer } from '../domain/customer.js';
import type { StoreChange } from './customer-store.js';
import { digestOf, isSecretDigest, type SecretDigest } from './secret-digest.js';
import type { StateRecord } from './state-format.js';

/**
 * The records of the customers' state: `put` (a created or updated customer, whole), `delete`
 * and `replace` (the whole data set: admin replace and reset). A record without `app` is about
 * the mock's own application; with it, about the application of that client key (one of the
 * config file's `apps`, or a sandbox). `app` is the state format's name for the client key (since
 * format 2), kept so that files written before still load; in code the client key is `clientKey`.
 * A snapshot is the `put` of every customer, each once (a sandbox's after its `sandbox` record).
 */
export type CustomerRecord =
  | { readonly type: 'put'; readonly app?: string; readonly customer: Customer }
  | { readonly type: 'delete'; readonly app?: string; readonly id: string }
  | { readonly type: 'replace'; readonly app?: string; readonly customers: readonly Customer[] };

/**
 * A sandbox, as created at run time: what `--state` keeps of it besides its customers. (A type,
 * not an interface, so that a record spreading it is still a plain `StateRecord`.)
 */
export type SandboxIdentity = {
  readonly clientKey: string;
  /** Its secret is never kept: shown once, when it is created (records before version 4 held `clientSecret`). */
  readonly clientSecretDigest: SecretDigest;
  readonly appId: string;
  /** ISO 8601. */
  readonly createdAt: string;
};

/**
 * The records of sandboxes: `sandbox` creates one holding `customers` (a snapshot writes it with
 * none, followed by the `put` of each), `sandbox-delete` deletes one with its customers.
 */
export type SandboxRecord =
  | ({ readonly type: 'sandbox'; readonly customers: readonly Customer[] } & SandboxIdentity)
  | { readonly type: 'sandbox-delete'; readonly clientKey: string };

/** A change to the applications of a mock, as `--state` journals it. */
export type ApplicationChange =
  /** `clientKey` is the application's whose customers changed; undefined for the mock's own. */
  | { readonly kind: 'customers'; readonly clientKey: string | undefined; readonly change: StoreChange }
  | { readonly kind: 'sandbox-created'; readonly sandbox: SandboxIdentity; readonly customers: readonly Customer[] }
  | { readonly kind: 'sandbox-deleted'; readonly clientKey: string };

/** One application as it is now; a sandbox also carries its identity. */
export interface ApplicationContents {
  /** Undefined for the mock's own application. */
  readonly clientKey: string | undefined;
  readonly sandbox: SandboxIdentity | undefined;
  /** Its customers, copied out when asked for: at a million that costs a pass over them. */
  customers(): readonly Customer[];
}

export function recordOf(change: ApplicationChange): CustomerRecord | SandboxRecord {
  switch (change.kind) {
    case 'customers':
      return customerRecordOf(change.clientKey, change.change);
    case 'sandbox-created':
      return { type: 'sandbox', ...change.sandbox, customers: change.customers };
    case 'sandbox-deleted':
      return { type: 'sandbox-delete', clientKey: change.clientKey };
  }
}

function customerRecordOf(clientKey: string | undefined, change: StoreChange): CustomerRecord {
  const of = clientKey === undefined ? {} : { app: clientKey };
  switch (change.kind) {
    case 'put':
      return { type: 'put', ...of, customer: change.customer };
    case 'delete':
      return { type: 'delete', ...of, id: change.customer.id };
    case 'replace':
      return { type: 'replace', ...of, customers: change.customers };
  }
}

/**
 * A record read back from a state file, as the record its `type` names. The files are the mock's
 * own, written from these types and checked line by line (CRC-32), so their fields are trusted, not
 * validated again (at a million customers that would double the load time): the one place the
 * reader trusts them. A `type` the reader does not expect is still refused where it is read.
 */
function trustedRecord(record: StateRecord): CustomerRecord | SandboxRecord {
  return record as CustomerRecord | SandboxRecord;
}

/** A snapshot's records, asked for one by one (`recordAt(0)` to `recordAt(count - 1)`). */
export interface SnapshotRecords {
  readonly count: number;
  readonly recordAt: (index: number) => CustomerRecord | SandboxRecord;
}

/**
 * The records of a snapshot of `applications` (the mock's own first), without building them all
 * at once: a snapshot of a million customers asks for them one by one.
 */
export function snapshotRecords(applications: readonly ApplicationContents[]): SnapshotRecords {
  const segments: Array<{ start: number; header: SandboxRecord | undefined; clientKey: string | undefined; customers: readonly Customer[] }> = [];
  let count = 0;
  for (const application of applications) {
    const { clientKey, sandbox } = application;
    const customers = application.customers();
    const header: SandboxRecord | undefined = sandbox && { type: 'sandbox', ...sandbox, customers: [] };
    segments.push({ start: count, header, clientKey, customers });
    count += customers.length + (header ? 1 : 0);
  }
  let segment = 0;
  const recordAt = (index: number): CustomerRecord | SandboxRecord => {
    // Asked for in order: the segment of the previous index, or one after it.
    if (index < segments[segment]!.start) segment = 0;
    while (segment + 1 < segments.length && segments[segment + 1]!.start <= index) segment++;
    const { start, header, clientKey, customers } = segments[segment]!;
    const offset = index - start - (header ? 1 : 0);
    if (offset < 0) return header!;
    return customerRecordOf(clientKey, { kind: 'put', customer: customers[offset]! });
  };
  return { count, recordAt };
}

/** The mock's own customers and every other application's, as a snapshot and the journals after it leave them. */
export class ApplicationsReplay {
  readonly own = new CustomerReplay();
  /** Every application but the mock's own, by client key; a sandbox with its identity. */
  readonly others = new Map<string, { sandbox: SandboxIdentity | undefined; readonly replay: CustomerReplay }>();
  /** Set when a record of an older version held a sandbox's secret in clear: the files should be rewritten. */
  secretsInClear = false;

  /** A record of the snapshot; throws on one a snapshot cannot hold. */
  applySnapshotRecord(record: StateRecord): void {
    const known = trustedRecord(record);
    if (known.type === 'sandbox') this.createSandbox(known);
    else if (known.type === 'put') this.replayOf(known.app).applySnapshotRecord(known);
    else throw new Error(`a snapshot holds put and sandbox records only, not ${JSON.stringify(record.type)}`);
  }

  /** A record of a journal; throws on a record of a type it does not know, or one that contradicts the state. */
  applyJournalRecord(record: StateRecord): void {
    const known = trustedRecord(record);
    switch (known.type) {
      case 'sandbox':
        this.createSandbox(known);
        return;
      case 'sandbox-delete':
        if (this.others.get(known.clientKey)?.sandbox === undefined) throw new Error(`deletes a sandbox that does not exist (${JSON.stringify(known.clientKey)})`);
        this.others.delete(known.clientKey);
        return;
      case 'put':
      case 'delete':
      case 'replace':
        this.replayOf(known.app).applyJournalRecord(known);
        return;
      default:
        throw new Error(`unknown record type ${JSON.stringify(record.type)}`);
    }
  }

  private createSandbox(record: Extract<SandboxRecord, { type: 'sandbox' }>): void {
    const { clientKey, appId, createdAt, customers } = record;
    if (this.others.has(clientKey)) throw new Error(`a second application with the client key ${JSON.stringify(clientKey)}`);
    const clientSecretDigest = digestFrom(record);
    const written: Readonly<Record<string, unknown>> = record;
    if (!isSecretDigest(written.clientSecretDigest)) this.secretsInClear = true;
    if (clientSecretDigest === undefined) throw new Error(`a sandbox record without its secret's digest (${JSON.stringify(clientKey)})`);
    const replay = new CustomerReplay();
    for (const customer of customers) replay.applySnapshotRecord({ type: 'put', customer });
    this.others.set(clientKey, { sandbox: { clientKey, clientSecretDigest, appId, createdAt }, replay });
  }

  /** The mock's own customers, or an application's, which a configured application's first record creates. */
  private replayOf(clientKey: string | undefined): CustomerReplay {
    if (clientKey === undefined) return this.own;
    let stored = this.others.get(clientKey);
    if (!stored) {
      stored = { sandbox: undefined, replay: new CustomerReplay() };
      this.others.set(clientKey, stored);
    }
    return stored.replay;
  }
}

/**
 * One application's customers as a snapshot and the journals after it leave them. A snapshot holds
 * each customer once, so its records are gathered as they come; a journal record only notes the
 * customer's latest version (or its deletion) by id, and the notes are folded into the gathered
 * customers in one pass at the end. A million customers load without a map of a million: only
 * the journals' customers are kept by id, however long the journals are.
 */
export class CustomerReplay {
  private gathered: Customer[] = [];
  /** By id key: the latest version of each customer a journal record wrote, or null for a deletion. */
  private readonly written = new Map<string, Customer | null>();

  /** A record of the snapshot; throws on one that is not a customer's `put`. */
  applySnapshotRecord(record: StateRecord): void {
    const known = trustedRecord(record);
    if (known.type !== 'put') throw new Error(`a snapshot holds put records only, not ${JSON.stringify(record.type)}`);
    this.gathered.push(known.customer);
  }

  /** A record of a journal; throws on a record of a type it does not know. */
  applyJournalRecord(record: StateRecord): void {
    const known = trustedRecord(record);
    switch (known.type) {
      case 'put':
        this.written.set(idKey(known.customer.id), known.customer);
        return;
      case 'delete':
        this.written.set(idKey(known.id), null);
        return;
      case 'replace':
        this.gathered = [...known.customers];
        this.written.clear();
        return;
      default:
        throw new Error(`unknown record type ${JSON.stringify(record.type)}`);
    }
  }

  /** The customers: each gathered one in its latest version, unless deleted, then those the journals added. */
  get customers(): Customer[] {
    if (this.written.size === 0) return this.gathered;
    const latest = new Map(this.written);
    const customers: Customer[] = [];
    for (const customer of this.gathered) {
      const key = idKey(customer.id);
      const version = latest.get(key);
      if (version === undefined) customers.push(customer);
      else {
        if (version !== null) customers.push(version);
        latest.delete(key);
      }
    }
    for (const version of latest.values()) if (version !== null) customers.push(version);
    return customers;
  }
}

/**
 * The digest of a sandbox record's secret; a record of an older version holds the secret itself,
 * digested now, so that the next snapshot (written right after such a load) holds it no more.
 */
function digestFrom(record: Extract<SandboxRecord, { type: 'sandbox' }>): SecretDigest | undefined {
  // Read as written: a record of an older version has `clientSecret` and no digest, whatever the type says today.
  const { clientSecretDigest, clientSecret }: Readonly<Record<string, unknown>> = record;
  if (isSecretDigest(clientSecretDigest)) return clientSecretDigest;
  return typeof clientSecret === 'string' ? digestOf(clientSecret) : undefined;
}
